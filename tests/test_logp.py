import math

import numpy as np
import pytest

from scanlab.checks import ScanlabInputError
from scanlab.compiled import on_python_linker, scan_loops
from scanlab.logp import (
    PARAMETERS,
    arguments,
    check,
    data,
    forms,
    latent_states,
    logp_function,
    numpy_logp,
    way_name,
)


def norm_logpdf(x, mean, sd):
    """SciPy's normal log-density, an independent reference. Imported here, not at the top:
    importing scipy.stats takes 1.7 s, which every test worker would pay while collecting."""
    from scipy import stats

    return stats.norm.logpdf(x, mean, sd)


@pytest.fixture
def python_linker():
    """For tests of values, not of the backend: PyTensor's Python linker (no compile step)."""
    with on_python_linker():
        yield


def test_numpy_logp_is_the_normal_log_density():
    y = np.array([0.0, 0.5, -0.2, 0.1])
    expected = norm_logpdf(y[1:], 0.6 * y[:-1], 0.5).sum()
    assert numpy_logp("ar1", y, 0.6, 0.5) == pytest.approx(expected, rel=1e-12)
    x = np.array([0.3, -1.0, 2.0])
    h = [math.tanh(0.3), math.tanh(0.9 * math.tanh(0.3) - 1.0)]
    np.testing.assert_allclose(latent_states(x, 0.9)[:2], h)
    expected = norm_logpdf(np.zeros(3), latent_states(x, 0.9), 0.3).sum()
    assert numpy_logp("latent", x, np.zeros(3), 0.9, 0.3) == pytest.approx(expected)


@pytest.mark.parametrize(("model", "form", "gradient"), forms())
@pytest.mark.usefixtures("python_linker")
def test_each_timed_function_matches_numpy_and_finite_differences(model, form, gradient):
    f = logp_function(model, form, gradient)
    check(model, f, n=30, gradient=gradient)  # raises if value or gradient is wrong
    for n in (2, 3, 50):  # one compiled function serves every length; 2 = a single AR step
        args = arguments(model, n)
        assert f(*args)[0] == pytest.approx(numpy_logp(model, *args), rel=1e-10)


def test_scan_forms_keep_their_loops_and_the_vectorised_one_has_none():
    assert len(scan_loops(logp_function("ar1", "scan"))) == 1  # forward and backward merged
    assert scan_loops(logp_function("ar1", "vectorised")) == []
    assert len(scan_loops(logp_function("latent", "scan"))) == 2  # backward needs every h_t
    assert scan_loops(logp_function("latent", "scan", gradient=False)) == ["scan_fn"]


@pytest.mark.usefixtures("python_linker")
def test_ar1_scan_and_vectorised_agree_with_pytensor_grad():
    args = arguments("ar1", 40)
    by_scan = logp_function("ar1", "scan")(*args)
    vectorised = logp_function("ar1", "vectorised")(*args)
    np.testing.assert_allclose(by_scan, vectorised, rtol=1e-10)


def test_check_refuses_a_wrong_gradient():
    def wrong(*args):
        return [numpy_logp("ar1", *args), 0.0, 0.0]

    with pytest.raises(AssertionError, match="gradient 0 disagrees"):
        check("ar1", wrong)

    def wrong_value(*args):
        return [numpy_logp("ar1", *args) + 1.0, 0.0, 0.0]

    with pytest.raises(AssertionError, match="log-density disagrees with NumPy"):
        check("ar1", wrong_value)


def test_data_is_seeded_and_has_the_asked_length():
    (y,) = data("ar1", 7)
    assert y.shape == (7,) and (y == data("ar1", 7)[0]).all()
    x, y = data("latent", 5)
    assert x.shape == y.shape == (5,)
    assert arguments("ar1", 4)[1:] == PARAMETERS["ar1"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: data("ar1", 1), r"n must be a whole number >= 2, got 1"),
        (lambda: data("arma", 5), r"model must be one of 'ar1', 'latent'"),
        (lambda: logp_function("latent", "vectorised"), r"form must be one of 'scan'"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ScanlabInputError, match=message):
        call()


def test_forms_and_labels():
    assert forms() == [
        ("ar1", "scan", True), ("ar1", "vectorised", True),
        ("latent", "scan", True), ("latent", "scan", False),
    ]
    assert way_name("scan", True) == "scan + grad"
    assert way_name("scan", False) == "scan, value only"
