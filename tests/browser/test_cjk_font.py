"""The notes' Chinese draws as real glyphs on a machine without CJK fonts.

The site serves Noto Sans SC itself (Makefile: vendor), split into unicode-range slices. On
such a machine the only way two different Chinese characters can draw differently is that
font: without it both are the same empty box (the .notdef glyph). So, for every page with
Chinese text, in Chromium: the slices it needs load from the site itself, and two different
characters differ, both drawn with the page's own font stack and as laid out on the screen
(Chromium can leave the first Chinese text of a page as boxes: assets/cjk-relayout.js).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import screenshot_path
from tests.conftest import page_text, toc_pages

CJK = re.compile(r"[\u4e00-\u9fff]")
FONT_BUDGET = 400_000  # bytes of font slices one page may fetch

# Draw two characters with the font of the element that holds them; return whether the
# pixels differ (real glyphs) and the loaded Noto Sans SC faces.
DRAW = """
([el, a, b]) => {
  const style = getComputedStyle(el);
  const font = `${style.fontSize} ${style.fontFamily}`;
  const draw = (ch) => {
    const canvas = document.createElement("canvas");
    canvas.width = 64; canvas.height = 64;
    const ctx = canvas.getContext("2d");
    ctx.font = font; ctx.textBaseline = "top"; ctx.fillText(ch, 4, 4);
    return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(",");
  };
  const loaded = [...document.fonts].filter(
    (f) => f.family.replace(/["']/g, "") === "Noto Sans SC" && f.status === "loaded").length;
  return {differ: draw(a) !== draw(b), loaded, font};
}
"""


# How wide each Chinese character of an element is laid out, in ems. Noto Sans SC draws an
# ideograph one em wide; the empty box a font without it draws is about 0.6 em.
LAID_OUT_WIDTHS = """
(el) => {
  const size = parseFloat(getComputedStyle(el).fontSize);
  const widths = {};
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const ch = node.data[i];
      if (!/[\u4e00-\u9fff]/.test(ch) || ch in widths) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      widths[ch] = range.getBoundingClientRect().width / size;
    }
  }
  return widths;
}
"""


# Both checks on the first six elements, in one call: for each, its text, its first two
# different Chinese characters, whether they draw differently, and the laid-out widths.
CHECK_ELEMENTS = f"""
(els) => {{
  const draw = {DRAW.strip()};
  const widths = {LAID_OUT_WIDTHS.strip()};
  return els.slice(0, 6).map((el) => {{
    const chars = [...new Set(el.innerText.match(/[\u4e00-\u9fff]/g) || [])];
    const drawn = chars.length < 2 ? null : draw([el, chars[0], chars[1]]);
    return {{text: el.innerText, chars, drawn, widths: widths(el)}};
  }});
}}
"""


def cjk_pages(site: Path) -> list[str]:
    return [p for p in toc_pages() if CJK.search(page_text(site, p))]


def system_has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(out.strip())


def test_the_book_quotes_chinese(built_site: Path) -> None:
    pages = cjk_pages(built_site)
    assert "chapters/index" in pages and "chapters/03-argument-order" in pages, pages


@pytest.mark.parametrize("page_name", toc_pages())
def test_chinese_draws_with_the_sites_own_font(
    visit: Any, built_site: Path, page_name: str
) -> None:
    if not CJK.search(page_text(built_site, page_name)):
        pytest.skip(f"{page_name} has no Chinese text")
    opened = visit(page_name)  # loaded, fonts ready (tests/browser/chromium.py: Tab.open)
    page = opened.page
    # The prose (article body), not widget outputs: the quotes a reader reads.
    holders = page.locator(
        "article p, article td, article th, article li, article h1, article h2"
    ).filter(has_text=CJK)
    assert holders.count(), f"{page_name}: no prose element with Chinese text found"
    checked = 0
    for element in holders.evaluate_all(CHECK_ELEMENTS):
        if element["drawn"] is None:  # fewer than two different characters
            continue
        chars, result = element["chars"], element["drawn"]
        # As laid out on the page, not only in a fresh canvas.
        narrow = {ch: round(w, 2) for ch, w in element["widths"].items() if w < 0.9}
        assert not narrow, (
            f"{page_name}: {narrow} laid out narrower than one em (empty boxes) in "
            f"{element['text'][:40]!r}"
        )
        assert result["differ"], (
            f"{page_name}: {chars[0]!r} and {chars[1]!r} draw the same (empty boxes) with "
            f"{result['font']}"
        )
        assert result["loaded"] > 0, f"{page_name}: no Noto Sans SC slice loaded"
        checked += 1
    assert checked, f"{page_name}: no element with two different Chinese characters"
    fonts = opened.fonts
    assert fonts, f"{page_name}: no Noto Sans SC slice was fetched"
    # From the site itself (watch() fails the test on any other host).
    assert all("/_static/vendor/fonts/files/" in url for url in fonts), sorted(fonts)
    assert all(size > 0 for size in fonts.values()), fonts  # sizes from Content-Length
    total = sum(fonts.values())
    assert total <= FONT_BUDGET, f"{page_name} fetched {total} bytes of font slices"
    assert not opened.seen.problems(), "\n".join(opened.seen.problems())
    if shot := screenshot_path(f"cjk_{page_name}"):
        holders.first.screenshot(path=str(shot))


def test_this_machine_has_no_system_cjk_font_in_ci() -> None:
    """CI installs no CJK font (.ci/run), so the glyph test above proves the web font works."""
    import os

    if os.environ.get("CI", "").lower() != "true":
        pytest.skip("checked in CI only (a developer may have CJK fonts installed)")
    assert not system_has_cjk_font(), "a system CJK font is installed: the glyph test proves less"
