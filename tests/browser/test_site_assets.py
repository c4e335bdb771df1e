"""What every built page loads (no browser needed): only what the site uses, in the right order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import toc_pages

SCRIPT_SRC = re.compile(r'<script[^>]*\bsrc="([^"]+)"')


@pytest.mark.parametrize("page_name", toc_pages())
def test_no_thebe_and_a_favicon(built_site: Path, page_name: str) -> None:
    html = (built_site / f"{page_name}.html").read_text("utf-8")
    # _ext/scanlab_site.py removes sphinx-thebe's pieces (an unpkg URL, a duplicate `const`).
    for needle in ("THEBE_JS_URL", "unpkg.com", "sphinx-thebe", "x-thebe-config", "binder"):
        assert needle not in html, f"{page_name} still carries {needle!r}"
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', html), "no favicon link"
    assert 'data-default-mode="light"' in html, "no valid default colour mode"


@pytest.mark.parametrize("page_name", toc_pages())
def test_widget_scripts_load_in_order(built_site: Path, page_name: str) -> None:
    html = (built_site / f"{page_name}.html").read_text("utf-8")
    if "application/vnd.jupyter.widget-state+json" not in html:
        return
    scripts = [s.split("?")[0].rsplit("/", 1)[-1] for s in SCRIPT_SRC.findall(html)]
    order = [scripts.index(n) for n in ("require.js", "require-config.js", "embed-amd.js")]
    assert order == sorted(order), f"{page_name}: widget scripts out of order: {scripts}"


def test_require_config_maps_the_font_folder(built_site: Path) -> None:
    text = (built_site / "_static" / "require-config.js").read_text("utf-8")
    assert '"@jupyter-widgets/html-manager/dist": here + "vendor/widgets"' in text
    fonts = list((built_site / "_static" / "vendor" / "widgets").glob("*.woff2"))
    assert fonts, "the widget icon fonts were not copied (make vendor)"


def test_missing_chromium_skips_with_install_hint_and_fails_in_ci(monkeypatch) -> None:
    from tests.browser import chromium

    monkeypatch.setattr(chromium, "chromium_path", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install chromium"):
        chromium.require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI=true .*apt-get install chromium"):
        chromium.require_browser()
