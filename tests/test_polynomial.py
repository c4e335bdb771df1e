"""scanlab.polynomial: the notes' polynomial scan, its per-step record and the n_steps trap."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest

from scanlab import Choice, Free, ScanlabInputError, explorer
from scanlab.checks import parse_numbers
from scanlab.compiled import compile_count, has_loop
from scanlab.polynomial import (
    EXPLORER_COEFFICIENTS,
    EXPLORER_X,
    MAX_COEFFICIENTS_SUPPORTED,
    check_n_steps,
    coefficients_label,
    describe_polynomial,
    format_steps,
    numpy_polynomial,
    polynomial,
    polynomial_components,
    polynomial_function,
    polynomial_n_steps_function,
    polynomial_steps,
    running_total,
    running_total_function,
    steps_function,
    zip_diagram,
)
from tests.conftest import page_backend


@pytest.fixture(autouse=True)
def backend(request):
    """Values are what most of these tests check, not the backend: the Python linker runs the
    same graphs with no Numba compile. A test about the default backend (the loop it reads
    past, its rewrites) asks for `default_backend` (tests/conftest.py)."""
    with page_backend(request):
        yield


def test_the_notes_example_is_19():
    assert polynomial([1, 0, 2], 3) == 19.0
    assert 1.0 * 3**0 + 0.0 * 3**1 + 2.0 * 3**2 == 19.0


def test_agrees_with_numpy_polynomial():
    rng = np.random.default_rng(2)
    coefficients = rng.normal(size=40)
    for x in (-1.3, 0.0, 0.7, 1.1):
        assert polynomial(coefficients, x) == pytest.approx(
            numpy_polynomial(coefficients, x), rel=1e-12
        )
    # numpy.polyval takes the highest power first: a different polynomial.
    assert numpy_polynomial([1, 0, 2], 3) == 19.0
    assert np.polyval([1, 0, 2], 3) == 11


def test_float32_coefficients_are_upcast_to_float64():
    f = polynomial_function()
    result = f(np.asarray([1, 0, 2], dtype=np.float32), 3)
    assert result.dtype == np.float64 and float(result) == 19.0
    # The float32 rounding happened before the upcast and stays.
    assert float(f(np.float32([0.1]), 1.0)) == float(np.float32(0.1)) != 0.1


def test_steps_record_what_each_step_saw():
    steps = polynomial_steps([1, 0, 2], 3)
    assert steps.n_steps == 3
    assert steps.coefficient.tolist() == [1.0, 0.0, 2.0]
    assert steps.power.tolist() == [0, 1, 2]
    assert steps.x.tolist() == [3.0, 3.0, 3.0]
    assert steps.component.tolist() == [1.0, 0.0, 18.0]
    assert steps.total == 19.0


def test_scan_stops_at_the_shortest_sequence():
    steps = polynomial_steps([1, 2, 3, 4, 5], 2, max_coefficients_supported=3)
    assert steps.n_steps == 3
    assert steps.component.tolist() == [1.0, 4.0, 12.0]
    text = format_steps(steps)
    assert "5 coefficients, 3 steps" in text and "2 coefficient(s) never used" in text
    assert max(len(line) for line in text.splitlines()) <= 66  # fits an exercise's toggle
    # Steps are counted from 1 (as in chapter 1); the power column is the element's index.
    assert [row.split()[:3] for row in text.splitlines()[1:4]] == [
        ["1", "1", "0"], ["2", "2", "1"], ["3", "3", "2"]
    ]
    # The raw compiled function drops coefficient 10001 silently ...
    assert float(polynomial_function()(np.ones(MAX_COEFFICIENTS_SUPPORTED + 1), 1.0)) == 10000.0
    # ... so polynomial() refuses it.
    with pytest.raises(
        ScanlabInputError, match="10001 elements but max_coefficients_supported is 10000"
    ):
        polynomial(np.ones(MAX_COEFFICIENTS_SUPPORTED + 1), 1.0)


def test_one_compiled_steps_loop_serves_every_limit():
    polynomial_steps([1, 0, 2], 3)
    before = compile_count()
    for limit, expected_steps in ((1, 1), (2, 2), (3, 3), (10, 3)):
        steps = polynomial_steps([1, 0, 2], 3, max_coefficients_supported=limit)
        assert steps.n_steps == expected_steps
        assert steps.power.tolist() == list(range(expected_steps))
    assert compile_count() == before


def test_the_rewritten_polynomial_has_no_loop_left(default_backend):
    assert not has_loop(polynomial_function())
    assert has_loop(steps_function())
    assert has_loop(running_total_function())


@pytest.mark.parametrize(
    ("coefficients", "x", "message"),
    [
        ("1, 0, 2", 3, "coefficients must be a 1-d sequence of numbers, got the string"),
        ([], 3, "coefficients must have at least one element"),
        ([[1, 2]], 3, "coefficients must be a 1-d vector"),
        ([1, np.nan], 3, "coefficients must contain finite numbers"),
        ([1, 0, 2], "3", "x must be a real number"),
        ([1, 0, 2], np.inf, "x must be finite"),
    ],
)
def test_bad_input_is_refused_by_name(coefficients, x, message):
    with pytest.raises(ScanlabInputError, match=message):
        polynomial(coefficients, x)


def test_check_n_steps():
    assert check_n_steps(3, coefficients=[1, 0, 2], powers=range(10)) == 3
    with pytest.raises(
        ScanlabInputError,
        match=r"n_steps=5 is longer than the sequence coefficients \(3 elements\)",
    ):
        check_n_steps(5, coefficients=[1, 0, 2])
    with pytest.raises(ScanlabInputError, match="n_steps must be a whole number >= 1, got 0"):
        check_n_steps(0, values=[1])
    with pytest.raises(ScanlabInputError, match=r"n_steps must be a whole number >= 1, got 2\.5"):
        check_n_steps(2.5, values=[1, 2, 3])


def test_polynomial_components_with_n_steps():
    assert polynomial_components([1, 0, 2], 3).tolist() == [1.0, 0.0, 18.0]
    assert polynomial_components([1, 0, 2], 3, n_steps=2).tolist() == [1.0, 0.0]
    with pytest.raises(ScanlabInputError, match=r"scan would read past its end\. Use n_steps <= 3"):
        polynomial_components([1, 0, 2], 3, n_steps=5)


def test_running_total():
    assert running_total([1, 2, 3]).tolist() == [1.0, 3.0, 6.0]
    assert running_total([1, 2, 3], n_steps=2).tolist() == [1.0, 3.0]
    with pytest.raises(ScanlabInputError, match="n_steps=5 is longer than the sequence values"):
        running_total([1, 2, 3], n_steps=5)


def test_raw_functions_show_the_trap(default_backend):
    """Pins PyTensor 3.3.8's behaviour that chapter 2 describes; if it changes, so must the page."""
    parent = np.array([1.0, 2.0, 3.0, 100.0, 200.0])
    # Numba's scan loop reads the parent array's next elements: no error.
    assert running_total_function()(parent[:3], 5).tolist() == [1.0, 3.0, 6.0, 106.0, 306.0]
    with pytest.raises(
        ValueError,
        match=r"Sequence 0 has shape \(3,\) but the Scan's required number of steps is 5",
    ):
        running_total_function("FAST_COMPILE")(parent[:3], 5)
    # The polynomial's loop is rewritten to array code, whose shape check fires instead.
    with pytest.raises(ValueError, match="Vectorized input 2 has an incompatible shape in axis 0"):
        polynomial_n_steps_function()(np.array([1.0, 0.0, 2.0]), 3.0, 5)
    with pytest.raises(ScanlabInputError, match="mode must be one of"):
        running_total_function("JAX")


def test_format_steps_bars_follow_the_sign():
    rows = format_steps(polynomial_steps([1, -2], 1), bars=True).splitlines()
    assert rows[0].endswith("-│+")  # a negative component: bars on both sides
    assert rows[1].endswith(" " * 10 + "│" + "█" * 5)  # 1 is half of |-2|: half the width
    assert rows[2].endswith("█" * 10 + "│")
    assert rows[-1] == "sum of the components = -1"
    rows = format_steps(polynomial_steps([1, 0, 2], 3), bars=True).splitlines()
    assert rows[0].endswith("component  │")  # nothing negative: one-sided bars
    assert rows[3].endswith("│" + "█" * 20) and rows[1].endswith("│" + "█")
    assert max(len(r) for r in rows) <= 65
    # 0 * (-2)**1 is -0.0 in IEEE arithmetic; the table shows 0.
    assert " -0 " not in format_steps(polynomial_steps([0, 0], -2), bars=True) + " "


def test_describe_polynomial():
    text = describe_polynomial((1, 0, 2), 3)
    assert "p(x) = 1·x^0 + 0·x^1 + 2·x^2" in text
    assert "sum of the components = 19" in text
    assert "numpy.polynomial.polynomial.polyval: 19" in text
    assert "p(x) = -1·x^0 - 3·x^1 + 0.5·x^2" in describe_polynomial((-1, -3, 0.5), -2)
    long = describe_polynomial(tuple(range(1, 21)), 0.5).splitlines()
    formula = next(i for i, line in enumerate(long) if line.startswith("p(x) = 1·x^0 + 2·x^1"))
    assert long[formula + 1].startswith(" " * 7)  # wrapped, indented under the formula
    assert max(len(line) for line in long) <= 65
    with pytest.raises(ScanlabInputError, match="at most 20 here"):
        describe_polynomial(tuple(range(21)), 1)
    with pytest.raises(ScanlabInputError, match="overflows float64"):
        describe_polynomial((1, 1, 1, 1), 1e200)


def test_zip_diagram_is_a_small_figure():
    fig = zip_diagram((1, 0, 2))
    assert tuple(fig.get_size_inches()) == (6.4, 1.9)
    with pytest.raises(ScanlabInputError, match="shown_powers must be a whole number >= 3"):
        zip_diagram((1, 0, 2), shown_powers=2)


def _chapter_explorer():
    coefficients_box = widgets.Text(value="1, 0, 2", description="coefficients")
    x_box = widgets.FloatText(value=3.0, description="x")
    return (
        explorer(
            describe_polynomial,
            Choice(
                "coefficients",
                EXPLORER_COEFFICIENTS,
                labels=[coefficients_label(c) for c in EXPLORER_COEFFICIENTS],
                style="dropdown",
            ),
            Choice("x", EXPLORER_X, default=3.0),
            free=[
                Free(
                    coefficients_box, lambda v: {"coefficients": parse_numbers("coefficients", v)}
                ),
                Free(x_box, lambda v: {"x": v}),
            ],
        ),
        coefficients_box,
        x_box,
    )


def test_explorer_switches_without_compiling():
    ex, coefficients_box, x_box = _chapter_explorer()
    assert len(ex.leaves) == len(EXPLORER_COEFFICIENTS) * len(EXPLORER_X) == 48
    assert "numpy.polynomial.polynomial.polyval: 19" in ex.shown_text()
    before = compile_count()
    ex.select(coefficients=(0.0, 0.0, 0.0, 1.0), x=-2.0)
    assert "sum of the components = -8" in ex.shown_text()
    coefficients_box.value = "nonsense"
    live = "".join(o["data"]["text/plain"] for o in ex.live_output.outputs)
    assert "ScanlabInputError: coefficients must list numbers" in live and "'nonsense'" in live
    coefficients_box.value = "2, 1"  # still working after the bad input
    x_box.value = 4.0
    live = "".join(o.get("text", "") for o in ex.live_output.outputs)
    assert "sum of the components = 6" in live
    assert compile_count() == before
