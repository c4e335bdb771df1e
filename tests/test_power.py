import numpy as np
import pytensor
import pytest

from scanlab.checks import ScanlabInputError
from scanlab.compiled import compile_count
from scanlab.power import INIT_STYLES, describe_power, power, power_function, power_steps
from tests.conftest import page_backend


@pytest.fixture(autouse=True)
def backend(request):
    """Values are what most of these tests check, not the backend: the Python linker runs the
    same graphs with no Numba compile. A test about the default backend (its buffers, its
    silent results) asks for `default_backend` (tests/conftest.py)."""
    with page_backend(request):
        yield


@pytest.mark.parametrize("init", INIT_STYLES)
def test_power_matches_numpy(init):
    A = np.array([0.5, 1.0, 2.0, -3.0])
    for k in (1, 2, 5):
        np.testing.assert_allclose(power(A, k, init), A**k)


def test_power_steps_has_one_row_per_step():
    steps = power_steps([1, 2, 3], 4)
    assert steps.shape == (4, 3)
    np.testing.assert_allclose(steps, [[1, 2, 3], [1, 4, 9], [1, 8, 27], [1, 16, 81]])


def test_the_notes_example():
    np.testing.assert_allclose(power(range(10), 2), np.arange(10.0) ** 2)
    np.testing.assert_allclose(power(range(10), 4), np.arange(10.0) ** 4)


def test_compiled_once_per_variant():
    power([1, 2], 2)
    power_steps([1, 2], 2)
    before = compile_count()
    for k in range(1, 6):
        power(np.arange(k + 1), k)
        power_steps(np.arange(k + 1), k)
    assert compile_count() == before
    assert power_function("ones", "last") is power_function("ones", "last")


@pytest.mark.parametrize(
    ("A", "k", "message"),
    [
        ([[1, 2]], 2, r"A must be a 1-d vector"),
        ([1, 2], 0, r"k must be a whole number >= 1, got 0"),
        ([1, 2], -3, r"k must be a whole number >= 1, got -3"),
        ([1, 2], 1.5, r"k must be a whole number >= 1, got 1.5"),
        ([], 2, r"A must have at least one element"),
        (["x"], 2, r"A must contain numbers only"),
    ],
)
def test_bad_input(A, k, message):
    with pytest.raises(ScanlabInputError, match=message):
        power(A, k)


def test_bad_init_style():
    expected = "init must be one of 'ones_like', 'ones'; got 'zeros'"
    with pytest.raises(ScanlabInputError, match=expected):
        power([1.0], 2, init="zeros")


def test_describe_power_reports_steps_and_allocation(default_backend):
    # The AllocEmpty of ones_like comes from the default backend's rewrites.
    text = describe_power(3, [1, 2], "ones_like")
    assert "step 3: prior result * A = [1.0, 8.0]" in text
    assert "result.shape = (3, 2)" in text
    assert "AllocEmpty: shape (4, 2)" in text
    assert "Alloc: shape (2,)" in describe_power(3, [1, 2], "ones")


def test_gradient_through_the_loop_matches_calculus():
    import pytensor.tensor as pt

    from scanlab.power import power_scan

    A = pt.vector("A")
    k = pt.iscalar("k")
    grad = pytensor.grad(power_scan(A, k, "ones")[-1].sum(), A)
    f = pytensor.function([A, k], grad)
    a = np.array([0.5, 1.5, 2.0])
    np.testing.assert_allclose(f(a, 3), 3 * a**2)


def test_scan_loops_and_has_loop():
    from scanlab.compiled import has_loop, scan_loops

    assert scan_loops(power_function("ones", "all")) == ["scan_fn"]
    assert has_loop(power_function("ones", "all"))
    x = pytensor.tensor.vector("x")
    assert not has_loop(pytensor.function([x], x + 1))


def test_exercise_1_3_starting_from_A_needs_k_at_least_2(default_backend):
    # Chapter 1, Exercise 1.3: outputs_info=A with n_steps=k - 1. k = 1 runs an empty loop
    # (right only through the empty-loop quirk), k = 0 asks for -1 steps.
    import pytensor.tensor as pt

    A = pt.vector("A")
    k = pt.iscalar("k")
    from_A = pytensor.scan(
        fn=lambda prior_result, A: prior_result * A,
        outputs_info=A,
        non_sequences=[A],
        n_steps=k - 1,
        return_updates=False,
    )
    a = np.array([1.0, 2.0, 3.0])
    default = pytensor.function([A, k], from_A[-1])
    np.testing.assert_allclose(default(a, 4), a**4)
    np.testing.assert_allclose(default(a, 1), a)
    np.testing.assert_allclose(default(a, 0), a)  # silently A, where A**0 is ones
    with pytensor.config.change_flags(cxx=""):  # the same check, without building C helpers
        fast_compile = pytensor.function([A, k], from_A[-1], mode="FAST_COMPILE")
    with pytest.raises(IndexError, match="Scan was asked to run for negative number of step -1"):
        fast_compile(a, 0)
