"""Chapter 2 on the built site shows the numbers scanlab computes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from scanlab import ScanlabInputError
from scanlab.polynomial import (
    EXPLORER_COEFFICIENTS,
    EXPLORER_X,
    check_n_steps,
    describe_polynomial,
    format_steps,
    numpy_polynomial,
    polynomial_steps,
    running_total_function,
)
from tests.browser.chromium import widget_state
from tests.conftest import page_text


def _page(site: Path) -> str:
    return page_text(site, "chapters/02-polynomial")


def _words(text: str) -> str:
    """Whitespace collapsed: the page wraps long messages to fit its text column."""
    return " ".join(text.split())


def _explorer_texts(site: Path) -> list[str]:
    """The text of every precomputed explorer output, read from the page's widget state."""
    state = widget_state((site / "chapters" / "02-polynomial.html").read_text("utf-8"))
    assert state, "no widget state on the page"
    return [
        "".join(out.get("text", "") for out in model["state"].get("outputs", []))
        for model in state.values()
        if model["model_name"] == "OutputModel"
    ]


def test_the_notes_example_and_its_steps_appear(built_site: Path) -> None:
    text = _page(built_site)
    steps = polynomial_steps(np.asarray([1, 0, 2], dtype=np.float32), 3)
    assert steps.total == 19.0
    for line in format_steps(steps).splitlines():
        assert line in text
    assert f"steps run = {steps.n_steps} | powers used = {steps.power.tolist()}" in text
    assert f"components.shape = {steps.component.shape}" in text
    # steps count from 1, as in chapter 1; the power column is the element's index
    assert "   1            1      0      3          1" in text
    assert "Three later cells ask" in _words(re.sub(r"<[^>]+>", "", text))


def test_numpy_comparison_appears(built_site: Path) -> None:
    text = _page(built_site)
    rng = np.random.default_rng(2016)  # the page's seed and draw
    long_coefficients = rng.uniform(-1, 1, size=50)
    assert f"numpy: {numpy_polynomial(long_coefficients, 0.9):.12f}" in text
    # Exercise 2.2's solution (numpy.polyval reads highest power first) is not in the main text.
    assert "np.polyval([1, 0, 2], 3)" not in text.split("Exercise 2.2")[0]
    assert f"{np.polyval([1, 0, 2], 3)} 19.0" in text


def test_plain_loop_and_exact_length_appear(built_site: Path) -> None:
    text = re.sub(r"<[^>]+>", "", _page(built_site))  # highlighted code, as a reader sees it
    assert "def polynomial_loop(" in text and "19.0" in text
    assert "pt.arange(coefficients.shape[0])" in text
    assert "10001.0" in text  # all 10001 coefficients used, none dropped
    assert "float32 rounding" not in text  # the float32 story lives in chapter 4


def test_the_traps_appear(built_site: Path) -> None:
    text = _page(built_site)
    parent = np.array([1.0, 2.0, 3.0, 100.0, 200.0])
    leaked = running_total_function()(parent[:3], 5)
    assert f"n_steps = 5 -> {leaked}" in text
    words = _words(text)
    assert "Sequence 0 has shape (3,) but the Scan's required number of steps is 5" in words
    with pytest.raises(ScanlabInputError) as err:
        check_n_steps(5, values=[1.0, 2.0, 3.0])
    assert str(err.value) in words


def test_every_explorer_setting_is_on_the_page(built_site: Path) -> None:
    shown = _explorer_texts(built_site)
    for coefficients in EXPLORER_COEFFICIENTS:
        for x in EXPLORER_X:
            assert describe_polynomial(coefficients, x) + "\n" in shown, (coefficients, x)


def test_predictions_come_before_their_answers(built_site: Path) -> None:
    text = re.sub(r"<[^>]+>", "", _page(built_site))
    # "How many steps?" is asked before the cell that prints the step table (the widget
    # state, which holds tables too, sits in the page's head: search after the question).
    asked_at = text.index("Predict: a shape")
    table_at = text.index("print(format_steps(steps))")
    assert asked_at < table_at
    assert "steps run = 3" in text[table_at:] and "steps run = 3" not in text[:asked_at]
    assert text.index("How many steps?") < text.index("Scan stops at the shortest sequence")
    # fn's arguments are asked about a call the page has not shown: sequences swapped.
    words = _words(text)
    asked = words.index("Predict: fn")
    swapped = r"sequences=\[ ?pt\.arange\(max_coefficients_supported\), coefficients,? ?\]"
    assert re.search(swapped, words[asked:])
    assert "fed back as the prior result only when outputs_info gives a start" in words
    assert "every scanlab function that takes" not in words


def test_the_page_says_which_backend_runs_each_loop(built_site: Path) -> None:
    html = _page(built_site)
    words = _words(re.sub(r"<[^>]+>", "", html))
    # the whole page on the Python linker, set in view and explained with a glossary link
    assert 'pytensor.config.linker = "py"' in words and 'pytensor.config.cxx = ""' in words
    assert "glossary.html#python-linker" in html
    assert "compiles each new loop with Numba at its first call" not in words
    # the demos of the default backend's own behaviour compile with it, in view
    for call in ("first_components = pytensor.function(", "running_total = pytensor.function(",
                 "numba_polynomial = pytensor.function("):
        after = words[words.index(call):]
        assert after[: after.index(")")].rstrip().endswith('mode="NUMBA"'), call
    assert "Vectorized input 2 has an incompatible shape in axis 0." in words
