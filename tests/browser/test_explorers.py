"""Every page of the built site, read in Chromium: every explorer works with no kernel.

For each page in _toc.yml: open it from a local server, find every `.scanlab-explorer`,
move every control through its options by keyboard and by mouse, and check that what is
shown is exactly the output the page stores for that setting (tests/site/
test_explorer_settings.py checks every stored output against scanlab). Nothing may be
requested from another host, and the console must stay free of errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import (
    Driver,
    Spec,
    StoredExplorer,
    expected_explorers,
    expected_view,
    screenshot_path,
    stored_explorers,
    stored_images,
    walk,
    widget_state_bytes,
)
from tests.conftest import toc_pages

STATE_BUDGET = 300_000  # bytes of widget state per page (see scanlab/explorer.py)


def _check_explorer(
    page: Any, explorer: Any, spec: Spec, stored: StoredExplorer, where: str
) -> int:
    """Drive one explorer through its walk; return how many settings were checked.

    Each setting must show the output the page stores for it, found the way the jslinks
    switch the Stacks. That every stored output is what scanlab computes for its setting is
    tests/site/test_explorer_settings.py's check (the same walk of the Stack tree), so it is
    not recomputed here: this test checks what only a browser shows, the controls' wiring.
    """
    driver = Driver(page, explorer, spec)
    counts = [0] * len(spec.names)

    def check(step: str) -> None:
        setting = spec.setting(tuple(driver.index))
        want = expected_view(stored.outputs(driver.index))
        view, shows = driver.wait_until_shown(want)
        assert len(view) == 1, f"{where}: {len(view)} outputs visible after {step}, want 1"
        got_text = " ".join(view[0]["text"].split())
        assert got_text == want[0], (
            f"{where}: after {step}, the page shows\n  {got_text!r}\n"
            f"but the page stores for {setting}\n  {want[0]!r}"
        )
        assert view[0]["images"] == want[1], f"{where}: after {step}, images shown != {want[1]}"
        if want[1]:  # figures: the very PNG stored for this setting, not just any image
            shown_pngs = [src.split(",", 1)[-1] for src in view[0]["srcs"]]
            assert shown_pngs == stored_images(stored.outputs(driver.index)), (
                f"{where}: after {step}, the figure shown is not the one stored for {setting}"
            )
        for i in range(len(spec.names)):
            assert shows[i] == driver.index[i], (
                f"{where}: control {spec.names[i]!r} shows option {shows[i]}, "
                f"expected {driver.index[i]} after {step}"
            )

    check("loading")
    checked = 1
    for i, target in walk(spec):
        method = "keyboard" if counts[i] % 2 == 0 else "click"
        counts[i] += 1
        label = spec.labels[i][target]
        driver.move(i, target, method)
        check(f"{method} moved {spec.names[i]!r} to {label!r}")
        checked += 1
    for i, n in enumerate(counts):
        if len(spec.values[i]) > 1:
            assert n >= 2, f"{where}: control {spec.names[i]!r} was not moved both ways"
    return checked


@pytest.mark.parametrize("page_name", toc_pages())
def test_page_explorers_work_without_a_kernel(
    visit: Any, built_site: Path, page_name: str
) -> None:
    html = (built_site / f"{page_name}.html").read_text("utf-8")
    count = expected_explorers(html)
    opened = visit(page_name)  # loaded, explorers drawn (tests/browser/chromium.py: Tab.open)
    page = opened.page
    explorers = page.locator(".scanlab-explorer").all()
    assert len(explorers) == count, f"{page_name}: {len(explorers)} explorers, want {count}"
    stored = stored_explorers(html)
    assert len(stored) == count
    for n, (explorer, saved) in enumerate(zip(explorers, stored, strict=True), start=1):
        explorer.scroll_into_view_if_needed()
        assert "jupyter-widgets-disconnected" in (explorer.get_attribute("class") or ""), (
            "the static site should mark widget views disconnected (book.css relies on it)"
        )
        spec = Spec.parse(explorer.locator(".scanlab-spec").get_attribute("data-spec"))
        where = f"{page_name} explorer {n} ({spec.render_name})"
        _check_explorer(page, explorer, spec, saved, where)
        if spec.free or explorer.locator(".scanlab-live-only").count():
            # kernel-only inputs hidden, the note shown instead
            assert explorer.locator(".scanlab-live-only").is_hidden(), where
            assert explorer.locator(".scanlab-static-only").is_visible(), where
    if shot := screenshot_path(page_name):
        page.evaluate("document.activeElement?.blur(); window.scrollTo(0, 0)")
        page.screenshot(path=str(shot), full_page=True)
    assert not opened.seen.problems(), f"{page_name}:\n" + "\n".join(opened.seen.problems())


@pytest.mark.parametrize("page_name", toc_pages())
def test_page_widget_state_within_budget(built_site: Path, page_name: str) -> None:
    html = (built_site / f"{page_name}.html").read_text("utf-8")
    size = widget_state_bytes(html)
    assert size <= STATE_BUDGET, (
        f"{page_name} stores {size / 1000:.0f} KB of widget state, over the "
        f"{STATE_BUDGET / 1000:.0f} KB budget: fewer options, text instead of figures"
    )
