import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from scanlab.checks import ScanlabInputError
from scanlab.compiled import compile_count, on_python_linker
from scanlab.softmax import VARIANTS, compare_softmax, legacy_softmax, softmax_function


@pytest.fixture(autouse=True, scope="module")
def python_linker():
    """Shapes and values are what these tests check, not the backend: PyTensor's Python linker
    runs the same graphs with no Numba compile (seconds per graph on a cold cache).
    A test about the backend names its mode."""
    with on_python_linker():
        yield


def numpy_softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_legacy_softmax_pads_a_vector_to_a_row():
    assert legacy_softmax(pt.vector("v", shape=(15,))).type.shape == (1, 15)
    assert legacy_softmax(pt.vector("v")).ndim == 2
    assert legacy_softmax(pt.matrix("M", shape=(2, 5))).type.shape == (2, 5)


def test_legacy_softmax_refuses_what_theano_refused():
    with pytest.raises(ScanlabInputError, match=r"x must be a 1-d or 2-d tensor .* got ndim 3"):
        legacy_softmax(pt.tensor3("x"))
    with pytest.raises(ScanlabInputError, match=r"got ndim 0"):
        legacy_softmax(pt.scalar("x"))


def test_the_notes_two_experiments():
    results = compare_softmax(np.zeros(15), np.zeros((2, 5)))
    assert results["Theano 0.8 softmax(vector)"].shape == (1, 15)  # exp1: (15,) -> (1, 15)
    assert results["Theano 0.8 softmax(matrix)"].shape == (2, 5)  # exp2: (2, 5) -> (2, 5)
    assert results["PyTensor softmax(vector)"].shape == (15,)
    expected = np.full((1, 15), 1 / 15)
    np.testing.assert_allclose(results["Theano 0.8 softmax(vector)"].value, expected)


def test_default_axis_none_normalises_the_whole_matrix():
    M = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    results = compare_softmax([1.0, 2.0], M)
    whole = results["PyTensor softmax(matrix)"]
    np.testing.assert_allclose(whole.value, np.exp(M) / np.exp(M).sum())
    np.testing.assert_allclose(whole.row_sums, [0.787, 0.213], atol=5e-4)
    assert whole.value.sum() == pytest.approx(1.0)
    for name in ("PyTensor softmax(matrix, axis=-1)", "Theano 0.8 softmax(matrix)"):
        np.testing.assert_allclose(results[name].value, numpy_softmax(M, axis=1))
        np.testing.assert_allclose(results[name].row_sums, [1.0, 1.0])


def test_result_text_names_shape_and_row_sums():
    text = str(compare_softmax([0.0, 0.0], [[1, 2, 3], [1, 1, 1]])["PyTensor softmax(matrix)"])
    assert "(2, 3)  " in text
    assert "[0.787, 0.213]" in text


def test_compiled_once():
    compare_softmax([1.0], [[1.0]])
    before = compile_count()
    compare_softmax(np.arange(4.0), np.ones((3, 7)))
    assert compile_count() == before
    assert softmax_function() is softmax_function()
    assert len(VARIANTS) == len(softmax_function().outputs)


@pytest.mark.parametrize(
    ("vector", "matrix", "message"),
    [
        ([[1.0]], [[1.0]], r"vector must be a 1-d vector"),
        ([], [[1.0]], r"vector must have at least one element"),
        ([1.0], [1.0, 2.0], r"matrix must be a 2-d matrix \(ndim 2\), got ndim 1"),
        ([1.0], [["a"]], r"matrix must be a 2-d array of numbers"),
        ([np.inf], [[1.0]], r"vector must contain finite numbers"),
    ],
)
def test_bad_input_is_named(vector, matrix, message):
    with pytest.raises(ScanlabInputError, match=message):
        compare_softmax(vector, matrix)


def test_python_function_links_without_numba_and_agrees_with_the_default_mode():
    from pytensor.link.basic import PerformLinker

    from scanlab.softmax import python_function

    v = pt.vector("v")
    M = pt.matrix("M")
    outputs = [legacy_softmax(v), pt.special.softmax(M)]
    quick = python_function([v, M], outputs)
    assert isinstance(quick.maker.linker, PerformLinker)
    default = pytensor.function([v, M], outputs, mode="NUMBA")  # the default backend is the oracle
    args = (np.array([1.0, -2.0, 0.5]), np.array([[1.0, 2.0], [3.0, -1.0]]))
    for got, expected in zip(quick(*args), default(*args), strict=True):
        np.testing.assert_allclose(got, expected)
