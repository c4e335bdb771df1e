"""Static site, no kernel: how fast explorers answer a reader, measured in Chromium.

Prints, for every page in _toc.yml with explorers:
- page load to widgets shown: navigation start until every explorer's controls and
  outputs are in the page (median of 3 cold loads, browser cache off);
- control change to new output visible: from the reader's input event (keydown, mousedown
  or change) to the animation frame after the shown output changed (median and 90th
  percentile over the same moves the browser tests make, keyboard and mouse alternating).
Goal: a move shows its output in <= 50 ms (median).

Usage: .venv/bin/python benchmarks/static_site.py   (SCANLAB_SITE=path/to/html reuses a build)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.chromium import (  # noqa: E402
    Driver,
    Spec,
    built_site_dir,
    expected_explorers,
    launch,
    missing_browser_reason,
    serve,
    toc_pages,
    wait_for_explorers,
    walk,
)

GOAL_MS = 50.0
LOADS = 3

# In the page: t0 at the reader's first input event, t1 at the frame after the shown output
# of the watched explorer changed.
INSTALL = """ex => {
  const visible = () => [...ex.querySelectorAll('.widget-output')]
      .filter(o => !o.closest('.scanlab-live-only') && o.offsetParent !== null)
      .map(o => o.innerText + [...o.querySelectorAll('img')].map(i => i.src.slice(-64)).join())
      .join('\\u0000');
  const b = window.__bench = {t0: null, t1: null, before: visible()};
  const start = () => { if (b.t0 === null) b.t0 = performance.now(); };
  for (const type of ['keydown', 'mousedown', 'input', 'change']) {
    document.addEventListener(type, start, true);
  }
  new MutationObserver(() => {
    if (b.t0 !== null && b.t1 === null && visible() !== b.before) {
      b.t1 = -1;
      requestAnimationFrame(() => { b.t1 = performance.now(); });
    }
  }).observe(ex, {subtree: true, childList: true, attributes: true, characterData: true});
  b.reset = () => { b.t0 = null; b.t1 = null; b.before = visible(); };
}"""

LOADED = """n => {
  const ready = document.querySelectorAll('.scanlab-explorer .scanlab-spec').length >= n
    && document.querySelectorAll('.scanlab-explorer .widget-output').length > 0;
  return ready ? performance.now() : false;
}"""


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_page(browser, base: str, site: Path, name: str) -> dict | None:
    html = (site / f"{name}.html").read_text("utf-8")
    count = expected_explorers(html)
    if not count:
        return None
    loads = []
    for _ in range(LOADS):  # a new context each time: a cold cache, like a first visit
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/{name}.html", wait_until="commit")
        loads.append(page.wait_for_function(LOADED, arg=count, polling="raf", timeout=60_000)
                     .json_value())
        context.close()
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/{name}.html")
    wait_for_explorers(page, count)
    page.wait_for_load_state("networkidle")
    moves_ms: list[float] = []
    for explorer in page.locator(".scanlab-explorer").all():
        explorer.scroll_into_view_if_needed()
        spec = Spec.parse(explorer.locator(".scanlab-spec").get_attribute("data-spec"))
        driver = Driver(page, explorer, spec)
        explorer.evaluate(INSTALL)
        counts = [0] * len(spec.names)
        for i, target in walk(spec):
            method = "keyboard" if counts[i] % 2 == 0 else "click"
            counts[i] += 1
            page.evaluate("window.__bench.reset()")
            driver.move(i, target, method)
            try:
                page.wait_for_function("() => window.__bench.t1 > 0", timeout=5000)
            except Exception:  # this move showed the same text (equal outputs): not timed
                continue
            moves_ms.append(page.evaluate("window.__bench.t1 - window.__bench.t0"))
    context.close()
    return {"explorers": count, "load_ms": statistics.median(loads), "moves": moves_ms}


def main() -> int:
    reason = missing_browser_reason()
    if reason:
        print(f"static_site: skipped: {reason}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        site = built_site_dir(Path(tmp))
        all_moves: list[float] = []
        print("Static site (no kernel), Chromium headless")
        print(f"{'page':32} {'explorers':>9} {'load→widgets':>13} {'moves':>6} "
              f"{'median':>8} {'p90':>8}")
        with serve(site) as base, launch() as browser:
            for name in toc_pages():
                result = measure_page(browser, base, site, name)
                if result is None:
                    print(f"{name:32} {0:>9} {'-':>13} {'-':>6} {'-':>8} {'-':>8}")
                    continue
                moves = result["moves"]
                all_moves += moves
                median = f"{statistics.median(moves):.1f}" if moves else "-"
                p90 = f"{_pct(moves, 0.9):.1f}" if moves else "-"
                print(f"{name:32} {result['explorers']:>9} {result['load_ms']:>10.0f} ms "
                      f"{len(moves):>6} {median:>5} ms {p90:>5} ms")
        if all_moves:
            median = statistics.median(all_moves)
            verdict = "meets" if median <= GOAL_MS else "MISSES"
            print(f"all moves: {len(all_moves)}, median {median:.1f} ms, "
                  f"p90 {_pct(all_moves, 0.9):.1f} ms, max {max(all_moves):.1f} ms "
                  f"({verdict} the {GOAL_MS:.0f} ms goal)")
        else:
            print("no explorer on any page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
