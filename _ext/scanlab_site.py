"""Sphinx extension for this book's site: no scripts the site does not use.

Jupyter Book 1 always loads `sphinx_thebe`, which adds to every page an inline script that
declares `const THEBE_JS_URL = "https://unpkg.com/..."` (twice, so the browser reports
"Identifier 'THEBE_JS_URL' has already been declared"), plus `sphinx-thebe.js/.css` and a
thebe config naming a Binder repository. This book has no launch buttons (readers run the
chapters in their own JupyterLab), so all of it is dropped here.

The theme also loads `scripts/fontawesome.js` (1.5 MB, 0.54 MB gzipped) on every page to
turn icon `<i>` tags into SVGs, although its stylesheet already draws the same icons with
the Font Awesome web font. The script tag (written by the theme's template, not through
Sphinx's asset list) is removed from the written pages; the icons stay.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

_THEBE_MARKERS = ("THEBE_JS_URL", "text/x-thebe-config", "kernelName = ")


def _is_thebe(asset: Any) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in filename.rsplit("/", 1)[-1] or any(m in body for m in _THEBE_MARKERS)


def drop_thebe_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Remove thebe's scripts and stylesheet from the page being written."""
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def drop_thebe_config(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remove the raw HTML thebe appends to every document (its config and `kernelName`)."""
    for node in list(doctree.findall(nodes.raw)):
        if any(marker in node.astext() for marker in _THEBE_MARKERS):
            node.parent.remove(node)


_FONTAWESOME_JS = re.compile(
    r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>'
)


def drop_fontawesome_js(app: Sphinx, exception: Exception | None) -> None:
    """Remove the theme's redundant icon script from every written page."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text("utf-8")
        lean = _FONTAWESOME_JS.sub("", text)
        if lean != text:
            page.write_text(lean, "utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    # Late priorities: run after sphinx_thebe has added its pieces (default priority 500).
    app.connect("doctree-resolved", drop_thebe_config, priority=900)
    app.connect("html-page-context", drop_thebe_assets, priority=900)
    app.connect("build-finished", drop_fontawesome_js)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
