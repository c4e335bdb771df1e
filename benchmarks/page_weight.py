"""Page weight of every chapter on the built site, and the widget state it carries.

Per page in _toc.yml:
- own: what this chapter alone adds: its HTML (which embeds the widget state) plus the
  images it shows. Goal: <= 1 MB.
- widget state: the embedded `application/vnd.jupyter.widget-state+json` (budget 300 KB,
  see scanlab/explorer.py).
- cold load: every byte Chromium fetched on a first visit with an empty cache, split into
  the shared widget bundle (require.js + embed-amd.js + icon fonts, served once and cached
  for every page), MathJax (pages with maths), and everything else (theme, page, images);
  as gzip would send them (static hosts compress; the local test server does not).

Usage: .venv/bin/python benchmarks/page_weight.py   (SCANLAB_SITE=path/to/html reuses a build)
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.chromium import (  # noqa: E402
    built_site_dir,
    expected_explorers,
    launch,
    missing_browser_reason,
    serve,
    toc_pages,
    wait_for_explorers,
    widget_state_bytes,
)

GOAL = 1_000_000
STATE_BUDGET = 300_000
IMG = re.compile(r"""<img\b[^>]*\bsrc=["']([^"']+)["']""", re.IGNORECASE)


def kb(n: float) -> str:
    return f"{n / 1000:7.1f} KB"


def own_bytes(site: Path, name: str) -> tuple[int, int]:
    """(HTML bytes, bytes of local images the page shows)."""
    page = site / f"{name}.html"
    html = page.read_text("utf-8")
    images = 0
    for src in set(IMG.findall(html)):
        if src.startswith(("data:", "http:", "https:", "//")):
            continue
        path = (page.parent / unquote(src.split("?")[0])).resolve()
        if path.is_file():
            images += path.stat().st_size
    return page.stat().st_size, images


def cold_load(browser, base: str, site: Path, name: str) -> dict[str, int]:
    """Bytes fetched on a first visit, by kind."""
    sizes = {"widget bundle": 0, "mathjax": 0, "other": 0, "other raw": 0}
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(urljoin(base + "/", f"{name}.html"))
    count = expected_explorers((site / f"{name}.html").read_text("utf-8"))
    if count:
        wait_for_explorers(page, count)
    page.wait_for_load_state("networkidle")
    for response in responses:
        try:
            body = response.body()
        except Exception:  # redirects and the like carry no body
            continue
        size = len(gzip.compress(body, 6)) if not body.startswith(b"wOF2") else len(body)
        path = urlsplit(response.url).path
        if "/_static/vendor/widgets/" in path:
            sizes["widget bundle"] += size
        elif "/_static/vendor/mathjax/" in path:
            sizes["mathjax"] += size
        else:
            sizes["other"] += size
            sizes["other raw"] += len(body)
    context.close()
    return sizes


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = built_site_dir(Path(tmp))
        browser_reason = missing_browser_reason()
        print("Page weight per chapter (goal: own <= 1 MB; widget state <= 300 KB)")
        header = f"{'page':28} {'own':>10} {'state':>10} {'images':>10}"
        if not browser_reason:
            header += f" | cold load, gzip: {'other':>10} {'mathjax':>10} {'widgets*':>10}"
        print(header)
        worst_own = worst_state = worst_cold = 0
        rows = []
        with serve(site) as base:
            ctx = launch() if not browser_reason else None
            browser = ctx.__enter__() if ctx else None
            try:
                for name in toc_pages():
                    html, images = own_bytes(site, name)
                    state = widget_state_bytes((site / f"{name}.html").read_text("utf-8"))
                    own = html + images
                    worst_own, worst_state = max(worst_own, own), max(worst_state, state)
                    line = f"{name:28} {kb(own)} {kb(state)} {kb(images)}"
                    if browser is not None:
                        cold = cold_load(browser, base, site, name)
                        line += (f" |                  {kb(cold['other'])} "
                                 f"{kb(cold['mathjax'])} {kb(cold['widget bundle'])}")
                        worst_cold = max(worst_cold, cold["other"] + cold["mathjax"])
                    rows.append(line)
                    print(line)
            finally:
                if ctx:
                    ctx.__exit__(None, None, None)
        bundle = sum(p.stat().st_size for p in (site / "_static/vendor/widgets").glob("*"))
        print(f"* shared widget bundle on disk (require.js, embed-amd.js, fonts): {kb(bundle)}; "
              "fetched once, then cached for every page")
        if browser_reason:
            print(f"(cold-load columns skipped: {browser_reason})")
        print(f"largest own weight {kb(worst_own).strip()} "
              f"({'meets' if worst_own <= GOAL else 'MISSES'} the 1 MB goal); "
              f"largest widget state {kb(worst_state).strip()} "
              f"({'within' if worst_state <= STATE_BUDGET else 'OVER'} the 300 KB budget)")
        if worst_cold:
            print(f"largest first visit without the widget bundle (gzip): {kb(worst_cold).strip()}"
                  f" ({'meets' if worst_cold <= GOAL else 'MISSES'} the 1 MB goal)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
