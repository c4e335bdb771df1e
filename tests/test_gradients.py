"""Tests of scanlab.gradients, with PyTensor's own gradients as the oracle.

The module runs on PyTensor's Python linker (as chapter 7 does): the backend is not what these
tests check, and a Numba compile costs seconds per graph on an empty compile cache. The one test
about memory, where the backends differ, builds Numba's graphs explicitly and never calls them
(reading buffers needs the rewritten graph only, not Numba's compile).
"""

import numpy as np
import pytensor
import pytest

from scanlab.checks import ScanlabInputError
from scanlab.compiled import compile_count, on_python_linker, scan_loops
from scanlab.gradients import (
    FULL,
    TRUNCATIONS,
    GradientCheck,
    bptt_function,
    bptt_gradients,
    check_gradients,
    compare_gradients,
    describe_power_gradient,
    finite_difference_gradients,
    finite_differences,
    power_gradient,
    power_gradient_formula,
    power_gradient_function,
    rnn_loss_function,
    rnn_targets,
    truncated_gradient_function,
)
from scanlab.memory import scan_buffers
from scanlab.power import power_function
from scanlab.rnn import PARAM_NAMES, RNNSizes, rnn_weights

A = np.array([0.5, 1.0, 2.0, -1.5])


@pytest.fixture(scope="module", autouse=True)
def python_linker():
    """Chapter 7's setting for this module (scanlab memoises per backend setting)."""
    with on_python_linker():
        yield


def _built_for(linker: str, builder, *args):
    """A fresh compile of a memoised scanlab builder with `linker` ("auto" is Numba)."""
    with pytensor.config.change_flags(linker=linker):
        return builder.__wrapped__(*args)


@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_gradient_through_scan_is_k_times_A_to_the_k_minus_1(k):
    np.testing.assert_allclose(power_gradient(A, k), k * A ** (k - 1), rtol=1e-12)
    np.testing.assert_allclose(power_gradient_formula(A, k), k * A ** (k - 1))


@pytest.mark.parametrize("truncate", TRUNCATIONS)
@pytest.mark.parametrize("k", [1, 2, 3, 4, 6])  # t > k, t == k and t < k
def test_truncated_gradient_keeps_only_the_last_steps(truncate, k):
    expected = min(truncate, k) * A ** (k - 1)
    np.testing.assert_allclose(power_gradient(A, k, truncate), expected, rtol=1e-12)
    np.testing.assert_allclose(power_gradient_formula(A, k, truncate), expected)


def test_truncation_changes_the_answer():
    full = power_gradient([2.0], 5)
    cut = power_gradient([2.0], 5, truncate=2)
    assert full.tolist() == [80.0]
    assert cut.tolist() == [32.0]


def test_gradient_graph_has_a_backward_loop():
    assert scan_loops(power_gradient_function()) == ["scan_fn", "grad_of_scan_fn"]
    # a fresh build: this module's Python linker must not fill scanlab.power's memo
    assert scan_loops(_built_for("py", power_function, "ones", "last")) == ["scan_fn"]
    # truncate_gradient is fixed when a scan is built: one loop pair per truncation
    assert sorted(scan_loops(truncated_gradient_function())) == sorted(
        ["scan_fn", "grad_of_scan_fn"] * len(TRUNCATIONS)
    )


def test_truncation_drops_early_steps_of_a_sequence_entirely():
    """PyTensor itself: with truncate_gradient=t, inputs more than t steps back get zero."""
    import pytensor.tensor as pt

    x, w = pt.vector("x"), pt.scalar("w")
    for t, zeros in ((FULL, 0), (1, 3), (2, 2), (4, 0), (9, 0)):
        h = pytensor.scan(lambda x_t, h, w: w * h + x_t, sequences=[x], outputs_info=pt.zeros(()),
                          non_sequences=[w], truncate_gradient=t, return_updates=False)
        g = pytensor.function([x, w], pytensor.grad(h[-1], [x, w]))
        gx, gw = g(np.arange(1.0, 5.0), 0.5)
        assert (gx[:zeros] == 0).all() and (gx[zeros:] != 0).all(), (t, gx)
        steps = 4 if t == FULL else min(t, 4)
        # dh3/dw, summed over the last `steps` steps only: sum_j h[2-j] * w**j
        hs = [1.0, 2.5, 4.25, 6.125]
        assert gw == pytest.approx(sum(hs[2 - j] * 0.5**j for j in range(steps) if 2 - j >= 0))


@pytest.mark.parametrize(("linker", "latest"), [("auto", (7,)), ("py", (2, 7))])
def test_gradient_keeps_every_step_but_result_last_does_not(linker, latest):
    # Numba (the default) keeps one untraced row for result[-1]; the Python linker two, since
    # its loop writes a step's result into a preallocated row while reading the one before.
    a, k = np.linspace(0.5, 1.0, 7), 11
    forward = scan_buffers(_built_for(linker, power_function, "ones", "last"), a, k)
    backward = scan_buffers(_built_for(linker, power_gradient_function), a, k)
    assert [b.shape for b in forward] == [latest]
    assert (k + 1, 7) in [b.shape for b in backward]
    assert sum(b.nbytes for b in backward) > 2 * (k + 1) * 7 * 8


@pytest.mark.parametrize("linker", ["auto", "py"])
def test_truncation_keeps_every_step_too(linker):
    a, k = np.linspace(0.5, 1.0, 7), 11
    buffers = scan_buffers(_built_for(linker, truncated_gradient_function), a, k)
    for kind in ("sit-sot", "mit-mot"):
        kept = [b.shape for b in buffers if b.kind == kind]
        assert kept.count((k + 1, 7)) == len(TRUNCATIONS), (kind, kept)


def test_gradients_run_past_the_python_linkers_int8_bug():
    # PyTensor 3.3.8's Python linker raises OverflowError for power_function("ones", "last")
    # from k = 128 on (an int8 constant in the step-count arithmetic); chapter 7 says the
    # gradients are not affected
    for truncate in (FULL, *TRUNCATIONS):
        expected = (200 if truncate == FULL else truncate) * A**199
        np.testing.assert_allclose(power_gradient(A, 200, truncate), expected, rtol=1e-12)


def test_no_compile_when_moving_k_or_truncation():
    power_gradient([1.0], 2)
    power_gradient([1.0], 2, 1)
    before = compile_count()
    for k in range(1, 5):
        for t in (FULL, *TRUNCATIONS):
            power_gradient(np.arange(k + 1.0), k, t)
    assert compile_count() == before


def test_describe_power_gradient():
    text = describe_power_gradient(5, [2.0], 2)
    assert "grad by scan           = [32.0]" in text
    assert "formula 2 * A**4       = [32.0]" in text
    assert "agree (rtol 1e-12)     : True" in text
    assert "full gradient 5 * A**4 = [80.0] (truncation drops 3 of 5 steps)" in text
    assert "truncation drops" not in describe_power_gradient(2, [2.0], 3)


@pytest.mark.parametrize(("k", "truncate"), [(1, FULL), (9, FULL), (12, 2), (5, 3)])
def test_describe_power_gradient_values_line_up(k, truncate):
    # every value starts in the same column, however long its label ("A**11", "full gradient")
    lines = describe_power_gradient(k, [1.5], truncate).splitlines()[1:]
    columns = {line.index(" = ") if " = " in line else line.index(" : ") for line in lines}
    assert len(columns) == 1, lines


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"A": [1.0], "k": 0}, r"k must be a whole number >= 1, got 0"),
        ({"A": [[1.0]], "k": 2}, r"A must be a 1-d vector"),
        ({"A": [1.0], "k": 2, "truncate": 5}, r"truncate must be one of -1, 1, 2, 3; got 5"),
    ],
)
def test_power_gradient_bad_input(kwargs, message):
    with pytest.raises(ScanlabInputError, match=message):
        power_gradient(**kwargs)
    with pytest.raises(ScanlabInputError, match=message):
        power_gradient_formula(**kwargs)


SIZES = RNNSizes(steps=3, n_in=4, n_hidden=3, n_out=5)


def _rnn():
    X = np.random.default_rng(5).uniform(-2, 2, (SIZES.steps, SIZES.n_in))
    return X, rnn_targets(SIZES), rnn_weights(SIZES, seed=3)


def test_bptt_matches_finite_differences():
    X, y, params = _rnn()
    checks = check_gradients(X, y, params)
    assert [c.name for c in checks] == list(PARAM_NAMES)
    for check in checks:
        assert check.shape == params[check.name].shape
        assert check.largest > 0
        assert check.ok(1e-6), check


def test_bptt_gradient_is_not_trivially_zero_and_changes_the_loss():
    X, y, params = _rnn()
    loss, grads = bptt_gradients(X, y, params)
    stepped = {n: params[n] - 0.1 * grads[n] for n in PARAM_NAMES}
    assert bptt_gradients(X, y, stepped)[0] < loss  # a gradient step goes downhill


def test_finite_differences_of_a_known_function():
    grads = finite_differences(
        lambda a, b: float((a**2).sum() + 3 * b.sum()), [[1.0, -2.0], [[5.0]]]
    )
    np.testing.assert_allclose(grads[0], [2.0, -4.0], atol=1e-8)
    np.testing.assert_allclose(grads[1], [[3.0]], atol=1e-8)
    with pytest.raises(ScanlabInputError, match=r"loss must be a function returning a number"):
        finite_differences("loss", [[1.0]])
    with pytest.raises(ScanlabInputError, match=r"eps must be between 0 and 1, got 0.0"):
        finite_differences(lambda a: 0.0, [[1.0]], eps=0)


def test_compare_gradients():
    (check,) = compare_gradients({"w": np.array([1.0, -4.0])}, {"w": np.array([1.0, -4.1])})
    assert (check.name, check.shape, check.largest) == ("w", (2,), 4.0)
    assert check.difference == pytest.approx(0.1) and not check.ok()
    with pytest.raises(ScanlabInputError, match=r"numeric is missing w"):
        compare_gradients({"w": np.zeros(2)}, {})
    message = r"numeric\['w'\] has shape \(3,\), expected \(2,\)"
    with pytest.raises(ScanlabInputError, match=message):
        compare_gradients({"w": np.zeros(2)}, {"w": np.zeros(3)})


def test_finite_differences_detect_a_wrong_gradient():
    X, y, params = _rnn()
    numeric = finite_difference_gradients(X, y, params)
    wrong = GradientCheck("wh", (3, 3), float(np.abs(numeric["wh"]).max()), 1e-2)
    assert not wrong.ok()


@pytest.mark.parametrize(("linker", "latest"), [("auto", (3,)), ("py", (2, 3))])
def test_rnn_gradient_keeps_every_hidden_state(linker, latest):
    X, y, params = _rnn()
    args = (X, y, *(params[n] for n in PARAM_NAMES))
    forward = [b.shape for b in scan_buffers(_built_for(linker, rnn_loss_function), *args)]
    backward = [b.shape for b in scan_buffers(_built_for(linker, bptt_function), *args)]
    assert SIZES.n_hidden == 3
    assert latest in forward  # the loss alone keeps only the latest h (two rows on "py")
    assert (SIZES.steps + 1, SIZES.n_hidden) in backward  # BPTT keeps h for every step


def test_rnn_targets_are_labels():
    y = rnn_targets(SIZES, seed=1)
    assert y.shape == (SIZES.steps,)
    assert ((0 <= y) & (y < SIZES.n_out)).all()
    assert (y == rnn_targets(SIZES, seed=1)).all()


def test_rnn_bad_input():
    X, y, params = _rnn()
    with pytest.raises(ScanlabInputError, match=r"y must be one whole-number label per step"):
        bptt_gradients(X, y[:2], params)
    with pytest.raises(ScanlabInputError, match=r"params must be a dict with keys wx, wh"):
        bptt_gradients(X, y, {"wx": params["wx"]})
    with pytest.raises(ScanlabInputError, match=r"X must be a 2-d matrix"):
        bptt_gradients(X[0], y, params)
    with pytest.raises(ScanlabInputError, match=r"eps must be between 0 and 1, got 2.0"):
        finite_difference_gradients(X, y, params, eps=2.0)
    with pytest.raises(ScanlabInputError, match=r"activation must be one of"):
        bptt_gradients(X, y, params, activation="relu")
    with pytest.raises(ScanlabInputError, match=r"sizes must be an RNNSizes, got tuple"):
        rnn_targets((3, 4, 3, 5))
