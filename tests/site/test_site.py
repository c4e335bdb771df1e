"""The built site: every page exists, and nothing is loaded from another host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CODE_COLUMN, raw_html, toc_pages, visible_code_lines

EXTERNAL = re.compile(
    r"""<(script|link|img|iframe|source)\b[^>]*?\b(src|href)\s*=\s*["']((?:https?:)?//[^"']+)""",
    re.IGNORECASE,
)


@pytest.mark.parametrize("page", toc_pages())
def test_page_exists(built_site: Path, page: str) -> None:
    assert (built_site / f"{page}.html").is_file(), f"{page} is in _toc.yml but was not built"


@pytest.mark.parametrize("page", [p for p in toc_pages() if "/0" in p or "appendix" in p])
def test_visible_code_fits_the_code_column(built_site: Path, page: str) -> None:
    lines = visible_code_lines(raw_html(built_site, page))
    assert lines, f"{page}: no code cell found (has the theme's markup changed?)"
    wide = [line for line in lines if len(line) > CODE_COLUMN]
    assert not wide, f"{page}: {len(wide)} code lines scroll sideways, e.g. {wide[0]!r}"


def test_no_cell_stores_its_printed_text_in_pieces() -> None:
    # The kernel may send one print in several messages; stored as several stream outputs, the
    # site shows each as its own block (make notebooks joins them).
    import itertools
    import json

    from tests.conftest import ROOT

    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for n, cell in enumerate(json.loads(path.read_text("utf-8"))["cells"]):
            kinds = [(o["output_type"], o.get("name")) for o in cell.get("outputs", [])]
            split = any(a == b and a[0] == "stream" for a, b in itertools.pairwise(kinds))
            assert not split, f"{path.name} cell {n}: its printed text is stored in pieces"


def test_library_code_a_page_shows_fits_the_code_column() -> None:
    # show_source's listings (scanlab.source): stored as a ```python block in a Markdown
    # output, which strict nbval keeps equal to the library's code. An open output holds 70
    # characters, one behind a "Show code cell output" toggle (tag hide-output) 67 (measured in
    # Chromium, 1200 px window): listings keep to 68 and 66.
    import json
    import re

    from tests.conftest import ROOT

    listings = 0
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for n, cell in enumerate(json.loads(path.read_text("utf-8"))["cells"]):
            column = CODE_COLUMN - 2 * ("hide-output" in cell["metadata"].get("tags", []))
            for output in cell.get("outputs", []):
                markdown = "".join(output.get("data", {}).get("text/markdown", ""))
                if not re.match(r"`{3,}python\n", markdown):
                    continue
                listings += 1
                wide = [line for line in markdown.splitlines() if len(line) > column]
                assert not wide, (
                    f"{path.name} cell {n}: {len(wide)} lines of a listing wrap in the code "
                    f"column, e.g. {wide[0]!r}"
                )
    assert listings >= 20, f"only {listings} listings found (has show_source changed?)"


def _html_files(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if "_static" not in p.parts]


def test_no_page_loads_anything_from_another_host(built_site: Path) -> None:
    offenders = []
    for page in _html_files(built_site):
        for tag, _, url in EXTERNAL.findall(page.read_text(encoding="utf-8")):
            if not re.match(r"(https?:)?//(127\.0\.0\.1|localhost)[:/]", url):
                offenders.append(f"{page.relative_to(built_site)}: <{tag}> {url}")
    assert not offenders, "\n".join(offenders)


def test_no_css_font_or_script_url_points_elsewhere(built_site: Path) -> None:
    # url(...) in our own and theme CSS, and the scripts the pages add with JS.
    offenders = []
    for css in (built_site / "_static").rglob("*.css"):
        text = css.read_text("utf-8", "ignore")
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", text):
            offenders.append(f"{css.relative_to(built_site)}: {url}")
    assert not offenders, "\n".join(offenders)


def test_widget_pages_use_the_local_widget_manager(built_site: Path) -> None:
    state = "application/vnd.jupyter.widget-state+json"
    pages = [p for p in _html_files(built_site) if state in p.read_text("utf-8")]
    assert pages, "no page carries widget state: the explorers did not reach the site"
    for page in pages:
        text = page.read_text("utf-8")
        assert "_static/vendor/widgets/embed-amd.js" in text, page
        assert "_static/vendor/widgets/require.js" in text, page
    for font in (built_site / "_static" / "vendor" / "widgets").glob("*.woff2"):
        assert font.stat().st_size > 0


def test_kernel_only_notes_link_to_a_section_that_exists(built_site: Path) -> None:
    """The note an explorer shows on the website instead of its free inputs links to the
    introduction's section on running a chapter; the link's target must exist."""
    from tests.browser.chromium import widget_state

    notes = []
    for page in toc_pages():
        for model in widget_state(raw_html(built_site, page)).values():
            if "scanlab-static-only" in model["state"].get("_dom_classes", []):
                notes.append((page, model["state"]["value"]))
    assert notes, "no explorer with a kernel-only note found"
    for page, value in notes:
        links = re.findall(r'href="([^"#]+)#([^"]+)"', value)
        assert links, f"{page}: the kernel-only note links nowhere: {value}"
        for target, anchor in links:
            html = (built_site / Path(page).parent / target).read_text("utf-8")
            assert f'id="{anchor}"' in html, f"{page}: {target}#{anchor} does not exist"
