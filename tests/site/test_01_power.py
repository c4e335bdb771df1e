"""Chapter 1 on the built site shows the numbers scanlab computes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from scanlab.memory import (
    allocated_text,
    allocations,
    format_bytes,
    memory_use,
    resident_text,
)
from scanlab.power import describe_power, power, power_function
from tests.conftest import page_text

A_BIG = np.linspace(0.9999, 1.0, 1000)  # the page's A_big, N = 1000


def _page(site: Path) -> str:
    return page_text(site, "chapters/01-power")


def test_the_notes_outputs_appear_twice(built_site: Path) -> None:
    # Once from the scan, once from the plain Python loop beside it.
    text = _page(built_site)
    for k in (2, 4):
        assert text.count(str(power(range(10), k))) >= 2  # numpy's own print format


def test_measured_allocations_and_peaks_appear(built_site: Path) -> None:
    text = _page(built_site)
    for init in ("ones_like", "ones"):
        for keep in ("last", "all"):
            f = power_function(init, keep)
            asked = "result[-1]" if keep == "last" else "result"
            buffers = "; ".join(str(b) for b in allocations(f, A_BIG, 10_000))
            assert f"pt.{init:9}  {asked:10}  {buffers}" in text
            used = memory_use(f, A_BIG, 10_000)
            allocated, resident = allocated_text(used.allocated), resident_text(used.resident)
            row = f"pt.{init:9}  {asked:10}  {allocated:>15}  {resident}"
            assert row in text
            assert len(row) <= 68 and len(f"pt.{init:9}  {asked:10}  {buffers}") <= 68
    assert "(tracemalloc)" in text and "(peak RSS growth)" in text
    assert not re.search(r"(?<![\d.])0\.0 MB", text)  # a peak of a few KB is printed in KB
    # Notes shown while slow cells run are removed, never stored.
    for note in ("Compiling pt.", "calling each function several times", "compiles it with Numba"):
        assert note not in text


def test_memory_claim_separates_reserved_from_resident(built_site: Path) -> None:
    words = " ".join(re.sub(r"<[^>]+>", "", _page(built_site)).split())
    # ones_like + result[-1]: 80 MB reserved (tracemalloc), almost nothing resident.
    used = memory_use(power_function("ones_like", "last"), A_BIG, 10_000)
    assert format_bytes(used.allocated) == "80.0 MB"
    assert resident_text(used.resident) == "less than 5 MB"
    assert "resident memory grew by less than 5 MB" in words
    assert "still costs the full 80 MB" not in words and "half true" not in words
    # The 2016 comment is in the code block the memory section quotes.
    quote = "We only care about A**k, but scan has provided us with A**1 through A**k."
    # in the 2016 code (its comment rewrapped, a "#" per line) and in the quote
    assert words.replace(" # ", " ").count(quote) >= 2
    assert "sit-sot" in words


def test_exercise_1_3_start_from_a_allocates_nothing(built_site: Path) -> None:
    import pytensor
    import pytensor.tensor as pt

    from scanlab.memory import scan_buffers

    A, k = pt.vector("A"), pt.iscalar("k")
    from_a = pytensor.scan(lambda prior, A: prior * A, outputs_info=A, non_sequences=[A],
                           n_steps=k - 1, return_updates=False)
    f = pytensor.function([A, k], from_a[-1])  # never called: Numba compiles nothing
    assert allocations(f, A_BIG, 10_000) == []
    [kept] = scan_buffers(f, A_BIG, 10_000)
    text = _page(built_site)
    assert "allocates before the loop: nothing" in text
    assert f"the loop keeps: {kept}" in text
    assert "(first line of the table below)" in text


def test_rewrite_tags_are_named_as_measured(built_site: Path) -> None:
    words = " ".join(re.sub(r"<[^>]+>", "", _page(built_site)).split())
    assert "scan_reduce_trace_no_prealloc, tagged scan_save_mem_no_prealloc" in words
    assert "(tagged scan_save_mem)" not in words
    assert "Same numbers as in 2016" not in words  # the notes record no output for A**k


def test_three_questions_map_the_notes_way(built_site: Path) -> None:
    text = " ".join(_page(built_site).split())
    assert "nothing is a sequence here; the step count comes from <code" in text
    assert "Python 2" not in text and "print power" not in text


def test_glossary_links_resolve(built_site: Path) -> None:
    text = _page(built_site)
    glossary = page_text(built_site, "chapters/glossary")
    links = set(re.findall(r'href="glossary.html#([\w-]+)"', text))
    assert {"allocempty", "untraced-state", "rewrite", "prior-result", "sit-sot"} <= links
    for anchor in links:
        assert f'id="{anchor}"' in glossary, anchor


def test_explorer_default_setting_is_on_the_page(built_site: Path) -> None:
    # The explorer's leaves live in the widget state embedded in the page.
    text = _page(built_site)
    for k in (1, 3, 6):
        for line in describe_power(k, (0, 1, 2, 3), "ones").splitlines():
            assert line in text
