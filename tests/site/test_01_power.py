"""Chapter 1 on the built site shows the numbers scanlab computes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from scanlab.memory import allocations
from scanlab.power import describe_power, power, power_function
from tests.conftest import page_text


def _page(site: Path) -> str:
    return page_text(site, "chapters/01-power")


def test_the_notes_outputs_appear(built_site: Path) -> None:
    text = _page(built_site)
    assert str(power(range(10), 2)) in text  # numpy's own print format, as in the cell
    assert "80.0 MB" in text


def test_measured_allocations_appear(built_site: Path) -> None:
    text = _page(built_site)
    A = np.linspace(0.5, 1.0, 1000)
    for init in ("ones_like", "ones"):
        for buffer in allocations(power_function(init, "last"), A, 10_000):
            assert str(buffer) in text


def test_explorer_default_setting_is_on_the_page(built_site: Path) -> None:
    # The explorer's leaves live in the widget state embedded in the page.
    text = _page(built_site)
    for k in (1, 3, 6):
        for line in describe_power(k, (0, 1, 2, 3), "ones").splitlines():
            assert line in text
