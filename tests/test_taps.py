"""scanlab.taps: output taps, sequence taps, until and go_backwards.

Step counts and windows are checked against a real pytensor.scan; values against numpy.
"""

from __future__ import annotations

import functools

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode

from scanlab import ScanlabInputError, taps
from scanlab.compiled import compile_count, has_loop, on_python_linker
from scanlab.explorer import output_text, render_outputs


@pytest.fixture(autouse=True, scope="module")
def python_linker():
    """Steps, windows and values are what these tests check, not the backend: PyTensor's
    Python linker runs the same graphs with no Numba compile (seconds per graph when cold).
    A test about the backend names its mode."""
    with on_python_linker():
        yield


def test_fibonacci_matches_the_sequence() -> None:
    assert taps.fibonacci(10).tolist() == [1, 2, 3, 5, 8, 13, 21, 34, 55, 89]


@pytest.mark.parametrize(
    ("phi1", "phi2", "start", "c"),
    [(0.5, 0.3, (1.0, 2.0), 1.0), (1.6, -0.9, (1.0, 1.0), 0.0), (-0.4, 0.2, (3.0, -1.0), 0.5)],
)
def test_ar2_scan_matches_the_python_loop(phi1, phi2, start, c) -> None:
    np.testing.assert_allclose(
        taps.ar2(phi1, phi2, start, 30, c), taps.ar2_loop(phi1, phi2, start, 30, c)
    )


def test_ar2_result_leaves_out_the_start_values() -> None:
    # x2 = 2*x1 + 10*x0 = 2*1 + 10*0 = 2, not x0 or x1: the taps' initial values are not returned
    result = taps.ar2(2.0, 10.0, (0.0, 1.0), 3)
    assert result.shape == (3,)
    assert result.tolist() == [2.0, 14.0, 48.0]


def test_ar2_bad_inputs() -> None:
    with pytest.raises(ScanlabInputError, match=r"start must hold exactly two values .* got 3"):
        taps.ar2(1, 1, (0, 1, 2), 5)
    with pytest.raises(ScanlabInputError, match="n must be a whole number >= 1, got 0"):
        taps.ar2(1, 1, (0, 1), 0)
    with pytest.raises(ScanlabInputError, match="phi1 must be a real number"):
        taps.ar2("one", 1, (0, 1), 5)


def test_moving_window_has_len_minus_two_steps_and_matches_numpy() -> None:
    x = np.arange(1.0, 8.0) ** 2
    result = taps.moving_window(x)
    assert result.shape == (len(x) - 2,)
    np.testing.assert_allclose(result, [(x[t - 1] + x[t] + x[t + 1]) / 3 for t in range(1, 6)])
    np.testing.assert_allclose(result, taps.moving_window_numpy(x))


# --- Sequence taps, checked against a real pytensor.scan ------------------------------------
# A probe scan hands its arguments straight back. Sequence i holds 1000 * i + its indices, so
# every value it returns says which sequence and which index the step read.


@functools.cache
def _probe(taps_per_sequence: tuple[tuple[int, ...], ...], with_n_steps: bool):
    sequences = [pt.vector(f"x{i}") for i in range(len(taps_per_sequence))]
    n_steps = pt.iscalar("n_steps")
    result = pytensor.scan(
        fn=lambda *args: pt.stack(list(args)),
        sequences=[
            dict(input=x, taps=list(taps))
            for x, taps in zip(sequences, taps_per_sequence, strict=True)
        ],
        n_steps=n_steps if with_n_steps else None,
        return_updates=False,
    )
    inputs = [*sequences, n_steps] if with_n_steps else sequences
    # FAST_COMPILE: no Numba compile, and it refuses n_steps the windows cannot fill (tested below)
    return pytensor.function(inputs, result, mode="FAST_COMPILE")


def _pytensor_reads(windows, n_steps=None) -> list[list[tuple[int, ...]]]:
    """For each sequence, the indices each step of a real scan reads (taps in listed order)."""
    taps = tuple(tuple(t) for _, t in windows)
    values = [1000.0 * i + np.arange(float(length)) for i, (length, _) in enumerate(windows)]
    f = _probe(taps, n_steps is not None)
    result = f(*values, n_steps) if n_steps is not None else f(*values)
    reads = []
    column = 0
    for i, tap_set in enumerate(taps):
        block = result[:, column : column + len(tap_set)] if len(result) else np.zeros((0, 0))
        assert np.all(block // 1000 == i)  # each argument came from the sequence we think
        reads.append([tuple(int(v) for v in row % 1000) for row in block])
        column += len(tap_set)
    return reads


@pytest.mark.parametrize(
    ("length", "tap_set"),
    [
        (10, [-1]),  # one-sided, behind: 9 steps (len - (max - min) would say 10)
        (10, [1, 2]),  # one-sided, ahead: 8 steps, the first reads x[1], x[2]
        (10, [-3, -1]),
        (10, [-1, 0, 1]),
        (10, [-2, 0, 3]),
        (10, [0]),  # a single tap, the current element
        (10, [2]),  # a single tap ahead
        (10, [2, -3]),  # listed out of order: fn gets them in the listed order
        (3, [-1, 0, 1]),  # just long enough for one step
        (2, [-1, 0, 1]),  # too short: no step at all
        (1, [1]),
    ],
)
def test_window_steps_and_indices_match_pytensor(length, tap_set) -> None:
    (reads,) = _pytensor_reads([(length, tap_set)])
    assert taps.window_steps(length, tap_set) == len(reads)
    assert taps.window_indices(length, tap_set) == reads


@pytest.mark.parametrize("n_steps", [0, 1, 4, 8])
def test_n_steps_shorter_than_the_sequence_matches_pytensor(n_steps) -> None:
    (reads,) = _pytensor_reads([(10, [-1, 0, 1])], n_steps)
    assert taps.window_steps(10, [-1, 0, 1], n_steps) == len(reads) == n_steps
    assert taps.window_indices(10, [-1, 0, 1], n_steps) == reads


def test_n_steps_longer_than_the_windows_allow_is_refused() -> None:
    with pytest.raises(ScanlabInputError, match=r"n_steps must be at most 8 .* got 9"):
        taps.window_steps(10, [-1, 0, 1], 9)


def _too_many_steps(graph: str):
    """A scan over x given n_steps; each graph reads x through its own taps."""
    x, n = pt.vector("x"), pt.iscalar("n")
    if graph == "moving average":  # nothing fed back: the rewrites remove the loop
        out = pytensor.scan(
            fn=lambda a, b, c: (a + b + c) / 3,
            sequences=dict(input=x, taps=[-1, 0, 1]),
            n_steps=n,
            return_updates=False,
        )
    elif graph == "lag":  # hands x[t-1] back: the loop stays
        out = pytensor.scan(
            fn=lambda a: a, sequences=dict(input=x, taps=[-1]), n_steps=n, return_updates=False
        )
    else:  # a running total: a result fed back, the loop stays
        out = pytensor.scan(
            fn=lambda a, total: total + a,
            sequences=[x],
            outputs_info=pt.zeros(()),
            n_steps=n,
            return_updates=False,
        )
    return x, n, out


# What window_steps' docstring says PyTensor does with n_steps=8 on 7 numbers: fewer steps
# where the loop was rewritten away, ValueError where it stays (Python linker, FAST_COMPILE),
# all 8 steps, reading past the end of x, where it stays on Numba.
@pytest.mark.parametrize(
    ("graph", "mode", "expected"),
    [
        ("moving average", "py", 5),
        ("moving average", "FAST_COMPILE", ValueError),
        ("moving average", "NUMBA", 5),
        ("lag", "py", ValueError),
        ("lag", "FAST_COMPILE", ValueError),
        ("lag", "NUMBA", 8),
        ("total", "py", ValueError),
        ("total", "FAST_COMPILE", ValueError),
        ("total", "NUMBA", 8),
    ],
)
def test_pytensor_does_not_check_too_many_steps_reliably(graph, mode, expected) -> None:
    x, n, out = _too_many_steps(graph)
    f = pytensor.function([x, n], out, mode=Mode(linker="py") if mode == "py" else mode)
    assert has_loop(f) == (graph != "moving average" or mode == "FAST_COMPILE")
    values = np.arange(1.0, 8.0)
    if expected is ValueError:
        with pytest.raises(ValueError, match="required number of steps is 8"):
            f(values, 8)
    else:
        assert len(f(values, 8)) == expected


@pytest.mark.parametrize(
    "windows",
    [
        [(10, [-2]), (10, [1])],  # 8 and 9 steps: the fewest wins
        [(10, [-2]), (5, [1])],  # a shorter second sequence
        [(10, [-1, 0, 1]), (8, [0]), (12, [3, -4])],
        [(10, [1, 2]), (10, [-1])],
        [(10, [-2, 0]), (8, [1])],  # chapter 5's exercise 5.1
    ],
)
def test_several_sequences_with_different_taps_match_pytensor(windows) -> None:
    reads = _pytensor_reads(windows)
    steps = taps.sequence_steps(windows)
    assert all(len(r) == steps for r in reads)
    for (length, tap_set), read in zip(windows, reads, strict=True):
        # each sequence keeps its own offset; only the step count is shared
        assert taps.window_indices(length, tap_set, steps) == read


def test_window_steps_bad_inputs() -> None:
    with pytest.raises(ScanlabInputError, match="windows must be a non-empty list"):
        taps.sequence_steps([])
    with pytest.raises(ScanlabInputError, match=r"windows\[0\] must be a \(length, taps\) pair"):
        taps.sequence_steps([(10,)])
    with pytest.raises(ScanlabInputError, match="n_steps must be a whole number >= 0"):
        taps.window_steps(10, [0], -1)


def test_uneven_taps_read_the_listed_positions() -> None:
    x = np.arange(10.0) ** 2
    result = taps.moving_window(x, (1.0, 10.0, 100.0), (-2, 0, 3))
    expected = [x[t - 2] + 10 * x[t] + 100 * x[t + 3] for t in range(2, 7)]
    np.testing.assert_allclose(result, expected)


def test_moving_window_bad_inputs() -> None:
    with pytest.raises(
        ScanlabInputError, match=r"x must be longer than 2 \(taps \[-1, 0, 1\] .* got length 2"
    ):
        taps.moving_window([1.0, 2.0])
    with pytest.raises(
        ScanlabInputError, match=r"x must be longer than 1 \(taps \[-1\] reach 1 behind"
    ):
        taps.moving_window([1.0], (1.0,), (-1,))
    with pytest.raises(
        ScanlabInputError, match=r"weights must have one value per tap \(3\), got 2"
    ):
        taps.moving_window([1.0, 2.0, 3.0], (0.5, 0.5))
    with pytest.raises(ScanlabInputError, match="taps must be a non-empty list"):
        taps.window_steps(5, [])
    with pytest.raises(ScanlabInputError, match="taps must be a whole number"):
        taps.window_steps(5, [0.5])


def test_newton_stops_early_and_matches_the_python_loop() -> None:
    iterates = taps.newton_sqrt(2.0, 1.0, 1e-10, 50)
    np.testing.assert_allclose(iterates, taps.newton_loop(2.0, 1.0, 1e-10, 50))
    assert iterates.shape == (5,)  # 1.5, 1.41667, 1.414216, 1.41421356, 1.41421356
    assert iterates[-1] == pytest.approx(np.sqrt(2.0), abs=1e-15)


def test_newton_n_steps_is_a_maximum() -> None:
    assert taps.newton_sqrt(2.0, 1.0, 1e-10, 3).shape == (3,)
    assert taps.newton_sqrt(1000.0, 1.0, 1e-6, 20).shape == (10,)
    # tol = 0 never holds once the iterates stop changing, so every allowed step runs
    assert taps.newton_sqrt(2.0, 1.0, 0.0, 12).shape == (12,)


def test_newton_bad_inputs() -> None:
    with pytest.raises(ScanlabInputError, match=r"a must be > 0 .* got -4"):
        taps.newton_sqrt(-4.0)
    with pytest.raises(ScanlabInputError, match=r"x0 must be > 0 .* got 0"):
        taps.newton_sqrt(4.0, x0=0.0)
    with pytest.raises(ScanlabInputError, match="tol must be >= 0, got -1"):
        taps.newton_sqrt(4.0, tol=-1.0)
    with pytest.raises(ScanlabInputError, match="max_steps must be a whole number >= 1"):
        taps.newton_sqrt(4.0, max_steps=2.5)


def test_describe_newton_reports_shape_and_reason() -> None:
    text = taps.describe_newton(1000.0, 1e-6, 20)
    assert "result.shape = (10,): until(...) became true" in text
    text = taps.describe_newton(1000.0, 1e-6, 5)
    assert "result.shape = (5,): n_steps ran out" in text


def test_go_backwards_returns_steps_in_run_order() -> None:
    x = [1.0, 2.0, 3.0, 4.0]
    assert taps.backwards_total(x).tolist() == [4.0, 7.0, 9.0, 10.0]
    assert taps.reverse_cumsum(x).tolist() == [10.0, 9.0, 7.0, 4.0]
    y = np.random.default_rng(0).normal(size=50)
    np.testing.assert_allclose(taps.reverse_cumsum(y), np.cumsum(y[::-1])[::-1])


def test_backwards_bad_input() -> None:
    with pytest.raises(ScanlabInputError, match=r"x must be a 1-d vector \(ndim 1\), got ndim 2"):
        taps.backwards_total([[1.0, 2.0]])


def test_explorer_leaves_do_not_compile() -> None:
    taps.newton_sqrt(2.0)
    taps.ar2(1, 1, (0, 1), 3)
    before = compile_count()
    for a in (2.0, 10.0, 1000.0):
        for tol in (1e-2, 1e-12):
            assert "result.shape" in output_text(
                render_outputs(taps.describe_newton, {"a": a, "tol": tol})
            )
    outputs = render_outputs(taps.describe_ar2, {"phi1": 1.6, "phi2": -0.9})
    assert outputs[0]["data"]["text/html"].startswith("<svg")
    assert compile_count() == before


def test_explorer_shows_bad_input_as_message() -> None:
    text = output_text(render_outputs(taps.describe_newton, {"a": -1.0, "tol": 1e-6}))
    assert text.strip().startswith("ScanlabInputError: a must be > 0")


def test_pytensor_does_not_check_the_length_of_initial() -> None:
    # What the chapter warns about, measured on the compiled graph (bypassing scanlab's check):
    # too long -> the FIRST two values are used; too short -> one step fewer, no error.
    raw = taps.ar2_function()
    too_long = raw(np.array([7.0, 5.0, 0.0, 1.0]), 1.0, 1.0, 0.0, 5)
    assert too_long.tolist() == [12.0, 17.0, 29.0, 46.0, 75.0]
    assert raw(np.array([1.0]), 1.0, 1.0, 0.0, 5).shape == (4,)
