"""Chapter 5 on the built site shows the numbers scanlab.taps computes."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest

from scanlab.compiled import on_python_linker
from scanlab.explorer import render_outputs
from scanlab.taps import (
    ar2,
    ar2_function,
    backwards_total,
    describe_ar2,
    describe_newton,
    fibonacci,
    moving_window,
    newton_sqrt,
    sequence_steps,
    window_indices,
    window_steps,
)
from tests.conftest import page_text, stored_outputs


@pytest.fixture(autouse=True, scope="module")
def python_linker():
    """The page runs on PyTensor's Python linker; so do the functions these tests call."""
    with on_python_linker():
        yield


def _page(site: Path) -> str:
    return page_text(site, "chapters/05-taps-and-until")


def _words(site: Path) -> str:
    """The page as a reader reads it: tags (code highlighting too) gone, spaces collapsed."""
    raw = (site / "chapters/05-taps-and-until.html").read_text("utf-8")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", raw)).split())


def test_output_taps_numbers_appear(built_site: Path) -> None:
    text = _page(built_site)
    assert str(fibonacci(10)) in text  # numpy's print format, as in the cell
    assert str(np.round(ar2(0.5, 0.3, (1.0, 2.0), 8, c=1.0), 3)) in text


def test_sequence_taps_numbers_appear(built_site: Path) -> None:
    text = _page(built_site)
    x = np.arange(1.0, 8.0) ** 2
    averaged = moving_window(x)
    assert f"length {len(averaged)}" in text and len(averaged) == len(x) - 2
    for step, indices in enumerate(window_indices(len(x), [-1, 0, 1])):
        assert f"step {step}: reads x{list(indices)}  ->  {averaged[step]:.4f}" in text


def test_one_sided_taps_read_what_scanlab_says(built_site: Path) -> None:
    # The probe loops hand back what they read from x = [0, 1, ..., 9]: indices.
    text = _page(built_site)
    lag = [i for (i,) in window_indices(10, [-1])]
    lead = [list(r) for r in window_indices(10, [1, 2])]
    assert f"taps=[-1]  : {window_steps(10, [-1])} steps reading {lag}" in text
    assert f"taps=[1, 2]: {window_steps(10, [1, 2])} steps reading\n  {lead}" in text
    assert "max tap - min tap" not in text  # the old rule, wrong for one-sided taps


def test_exercise_answers_appear(built_site: Path) -> None:
    text = _page(built_site)
    steps = sequence_steps([(10, [-2, 0]), (8, [1])])
    first = [*window_indices(10, [-2, 0], steps)[0], 100 + window_indices(8, [1], steps)[0][0]]
    assert f"steps: {steps}" in text
    assert f"first step reads: {first}" in text
    # Ex 5.2: until can fire at the very last allowed step, so len < n_steps is not the test
    r = newton_sqrt(1000.0, 1.0, 1e-6, 10)
    full = np.r_[1.0, r]  # x0 in front, as the solution says
    assert len(r) == 10 and abs(full[-1] - full[-2]) < 1e-6
    words = _words(built_site)
    assert "it needs 10 steps" not in words  # the question does not give the answer away
    assert "full = np.r_[x0, result]" in words
    assert "n_steps = 10: shape (10,)" in text
    assert "len(r) < n_steps: False, until held: True" in text


def test_loops_behind_the_rules_are_shown(built_site: Path) -> None:
    text = _words(built_site)
    assert "# checked after the step, as until is if abs(x_new - x) < tol:" in text
    assert "def window_reach(taps: Sequence[int]) -> tuple[int, int]:" in text
    assert "def window_indices(" in text
    # the AR(2) three-questions table and the taps shape rule
    assert "outputs_info=dict(initial=start, taps=[-2, -1])" in text
    assert "initial has an extra leading axis of length -min(taps)" in text
    assert "def describe_newton" not in text  # string formatting is not shown, the scan is


def test_until_and_go_backwards_numbers_appear(built_site: Path) -> None:
    text = _page(built_site)
    iterates = newton_sqrt(2.0, 1.0, 1e-10, 50)
    assert f"n_steps = 50, result.shape = {iterates.shape}" in text
    assert str(iterates) in text
    assert f"n_steps =  3 -> result.shape = {newton_sqrt(2.0, 1.0, 1e-10, 3).shape}" in text
    raw = backwards_total([1.0, 2.0, 3.0, 4.0])
    assert f"raw result      : {raw}" in text
    assert f"raw result[::-1]: {raw[::-1]}" in text


def test_no_claim_that_the_page_build_computed_anything(built_site: Path) -> None:
    text = _page(built_site)
    assert "when this page was built" not in text
    assert "NBVAL" not in text


def test_newton_explorer_leaves_are_on_the_page(built_site: Path) -> None:
    text = _page(built_site)
    for a in (2.0, 1000.0):
        for max_steps in (5, 20):
            for line in describe_newton(a, 1e-6, max_steps).splitlines():
                assert line in text


def test_ar2_explorer_leaves_are_the_pictures_scanlab_draws(built_site: Path) -> None:
    stored = stored_outputs(built_site, "chapters/05-taps-and-until")
    for phi1, phi2 in [(1.0, -0.3), (1.6, -0.9), (-0.5, 0.3)]:
        (output,) = render_outputs(describe_ar2, {"phi1": phi1, "phi2": phi2})
        assert output in stored, (phi1, phi2)


def test_initial_length_trap_appears(built_site: Path) -> None:
    text = _page(built_site)
    raw = ar2_function()
    assert f"initial [7, 5, 0, 1]: {raw(np.array([7.0, 5.0, 0.0, 1.0]), 1.0, 1.0, 0.0, 5)}" in text
    assert f"initial [1], n_steps=5: shape {raw(np.array([1.0]), 1.0, 1.0, 0.0, 5).shape}" in text


def test_the_page_says_it_runs_on_the_python_linker(built_site: Path) -> None:
    words = _words(built_site)
    assert 'pytensor.config.linker = "py" pytensor.config.cxx = ""' in words
    assert "In your own code leave these two lines out" in words
    assert 'href="glossary.html#python-linker"' in _page(built_site)
    assert "takes a few seconds" not in words  # no compile on this page any more


def test_too_many_steps_is_shown_and_explained(built_site: Path) -> None:
    text = _page(built_site)
    x = np.arange(1.0, 8.0) ** 2
    assert f"n_steps=8, 7 numbers: {len(moving_window(x))} steps" in text
    words = _words(built_site)
    assert "which must not be more" not in words  # the fourth reader's run-on sentence
    assert "Fewer steps, an error or numbers from past the end" in words
    assert "reads past the end of x" in words
