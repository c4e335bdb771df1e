"""Chapter 1 on the built site shows the numbers scanlab computes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from scanlab.memory import allocations, format_bytes, peak_bytes
from scanlab.power import describe_power, power, power_function
from tests.conftest import page_text


def _page(site: Path) -> str:
    return page_text(site, "chapters/01-power")


def test_the_notes_outputs_appear_twice(built_site: Path) -> None:
    # Once from the scan, once from the plain Python loop beside it.
    text = _page(built_site)
    for k in (2, 4):
        assert text.count(str(power(range(10), k))) >= 2  # numpy's own print format


def test_measured_allocations_and_peaks_appear(built_site: Path) -> None:
    text = _page(built_site)
    A = np.linspace(0.5, 1.0, 1000)
    for init in ("ones_like", "ones"):
        for keep in ("last", "all"):
            f = power_function(init, keep)
            for buffer in allocations(f, A, 10_000):
                assert str(buffer) in text
            assert f"peak {format_bytes(peak_bytes(f, A, 10_000, samples=3)):>8}" in text
    assert not re.search(r"(?<![\d.])0\.0 MB", text)  # a peak of a few KB is printed in KB
    assert "compiling pt." not in text  # the progress line is overwritten, never stored


def test_three_questions_map_the_notes_way(built_site: Path) -> None:
    text = " ".join(_page(built_site).split())
    assert "nothing is a sequence here; the step count comes from <code" in text
    assert "Python 2" not in text and "print power" not in text


def test_glossary_links_resolve(built_site: Path) -> None:
    text = _page(built_site)
    glossary = page_text(built_site, "chapters/glossary")
    links = set(re.findall(r'href="glossary.html#([\w-]+)"', text))
    assert {"allocempty", "untraced-state", "rewrite", "prior-result"} <= links
    for anchor in links:
        assert f'id="{anchor}"' in glossary, anchor


def test_explorer_default_setting_is_on_the_page(built_site: Path) -> None:
    # The explorer's leaves live in the widget state embedded in the page.
    text = _page(built_site)
    for k in (1, 3, 6):
        for line in describe_power(k, (0, 1, 2, 3), "ones").splitlines():
            assert line in text
