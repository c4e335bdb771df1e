"""What a PyMC sampler pays for a loop: a log-density and its gradient, in one call.

NUTS evaluates the model's log-density AND its gradient with respect to the parameters at
every leapfrog step, so a loop inside a model runs forwards and then backwards (the gradient
of a scan is another scan, chapter 7) thousands of times per fit. These are the graphs
chapter 8 times, each compiled as ONE function returning the value and the gradient:

- `ar1`: y_t ~ Normal(phi * y_{t-1}, sigma). As a scan, the prior result is the running
  total of the log-density; it also has a vectorised form (all residuals at once).
- `latent`: a hidden state h_t = tanh(a * h_{t-1} + x_t), observed with noise,
  y_t ~ Normal(h_t, sigma). The tanh sits between the steps: only a scan can write it.

Sizes are inputs (the length of `y`), so one compiled function serves every length.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.executor import Function

from scanlab.checks import ScanlabInputError, as_count, one_of
from scanlab.compiled import function

Model = Literal["ar1", "latent"]
MODELS: tuple[Model, ...] = ("ar1", "latent")
FORMS: dict[Model, tuple[str, ...]] = {"ar1": ("scan", "vectorised"), "latent": ("scan",)}
DESCRIPTIONS: dict[str, str] = {
    "ar1": "AR(1): y_t ~ Normal(phi * y_(t-1), sigma)",
    "latent": "latent tanh: h_t = tanh(a * h_(t-1) + x_t), y_t ~ Normal(h_t, sigma)",
}
PARAMETERS: dict[Model, tuple[float, float]] = {"ar1": (0.6, 0.5), "latent": (0.9, 0.3)}
LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def normal_logpdf(value, mu, sigma):
    """log Normal(value | mu, sigma), elementwise.

    What PyMC's `pm.Normal` computes for its log-density.
    """
    z = (value - mu) / sigma
    return -0.5 * z**2 - pt.log(sigma) - LOG_SQRT_2PI  # log √(2π)


def ar1_logp_scan(y, phi, sigma):
    """AR(1) log-density as a loop: each step adds its term.

    The prior result is the running total.
    """
    totals = pytensor.scan(
        fn=lambda y_prev, y_t, total, phi, sigma: (
            total + normal_logpdf(y_t, phi * y_prev, sigma)
        ),
        sequences=[dict(input=y, taps=[-1, 0])],
        outputs_info=pt.zeros(()),
        non_sequences=[phi, sigma],
        return_updates=False,
    )
    return totals[-1]


def ar1_logp_vectorised(y, phi, sigma):
    """The same log-density without a loop: all residuals at once.

    Each residual y_t - phi * y_(t-1) needs only data, not a loop.
    """
    return normal_logpdf(y[1:], phi * y[:-1], sigma).sum()


def latent_logp_scan(x, y, a, sigma):
    """Latent tanh state: the loop makes h, then y is scored."""
    h = pytensor.scan(
        fn=lambda x_t, prior_h, a: pt.tanh(a * prior_h + x_t),
        sequences=[x],
        outputs_info=pt.zeros(()),
        non_sequences=[a],
        return_updates=False,
    )
    return normal_logpdf(y, h, sigma).sum()


def logp_graph(model: Model, form: str, gradient: bool = True):
    """(inputs, outputs): the log-density, its gradient if asked.

    With `gradient`, the gradient w.r.t. both parameters, taken
    through the loop by `pytensor.grad`, as a sampler asks for them.
    """
    # one_of raises unless the name is listed (MODELS, FORMS[model])
    one_of("model", model, MODELS)
    one_of("form", form, FORMS[model])
    # (phi, sigma) or (a, sigma)
    first, second = pt.scalar("first"), pt.scalar("second")
    y = pt.vector("y")
    if model == "ar1":
        data = [y]
        build = (
            ar1_logp_scan if form == "scan" else ar1_logp_vectorised
        )
        logp = build(y, first, second)
    else:
        x = pt.vector("x")
        data = [x, y]
        logp = latent_logp_scan(x, y, first, second)
    outputs = (
        [logp, *pytensor.grad(logp, [first, second])] if gradient
        else [logp]
    )
    return [*data, first, second], outputs


def logp_function(model: Model, form: str, gradient: bool = True) -> Function:
    """A freshly compiled function (NOT memoised: chapter 8 times its compile)."""
    return function(*logp_graph(model, form, gradient))


def data(model: Model, n: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    """Simulated data of length n from the model at its `PARAMETERS`."""
    one_of("model", model, MODELS)
    n = as_count("n", n, minimum=2, maximum=1_000_000)
    rng = np.random.default_rng(as_count("seed", seed))
    first, sigma = PARAMETERS[model]
    if model == "ar1":
        y = np.zeros(n)
        for t in range(1, n):
            y[t] = first * y[t - 1] + sigma * rng.normal()
        return (y,)
    x = rng.normal(0.0, 1.0, n)
    return (x, latent_states(x, first) + sigma * rng.normal(size=n))


def latent_states(x: np.ndarray, a: float) -> np.ndarray:
    """The plain Python loop for h_t = tanh(a * h_(t-1) + x_t), h_0 = tanh(x_0)."""
    h, prior_h = np.empty(len(x)), 0.0
    for t, x_t in enumerate(x):
        prior_h = math.tanh(a * prior_h + x_t)
        h[t] = prior_h
    return h


def numpy_logp(model: Model, *args: np.ndarray | float) -> float:
    """The log-density in NumPy (a Python loop for the latent state): the reference value."""
    one_of("model", model, MODELS)

    def logpdf(value, mu, sigma):
        return -0.5 * ((value - mu) / sigma) ** 2 - math.log(sigma) - LOG_SQRT_2PI

    if model == "ar1":
        y, phi, sigma = args
        return float(logpdf(y[1:], phi * y[:-1], sigma).sum())
    x, y, a, sigma = args
    return float(logpdf(y, latent_states(x, a), sigma).sum())


def arguments(model: Model, n: int) -> tuple:
    """Everything one call takes: the data of length n, then the two parameters."""
    return (*data(model, n), *PARAMETERS[model])


def check(model: Model, f: Callable, n: int = 20, gradient: bool = True) -> None:
    """Refuse a function whose value disagrees with NumPy, or whose gradient disagrees
    with central finite differences, so a fast wrong answer cannot be timed."""
    args = arguments(model, n)
    got = f(*args)
    if not np.isclose(got[0], numpy_logp(model, *args), rtol=1e-10):
        raise AssertionError(f"{model} log-density disagrees with NumPy")
    if not gradient:
        return
    if len(got) != 3:
        raise ScanlabInputError("a value-and-gradient function returns 3 outputs")
    step = 1e-6
    for i, derivative in enumerate(got[1:]):
        up, down = list(args), list(args)
        up[-2 + i] += step
        down[-2 + i] -= step
        numeric = (numpy_logp(model, *up) - numpy_logp(model, *down)) / (2 * step)
        if not np.isclose(derivative, numeric, rtol=1e-5, atol=1e-6):
            raise AssertionError(f"{model} gradient {i} disagrees with finite differences")


def forms(models: Sequence[Model] = MODELS) -> list[tuple[Model, str, bool]]:
    """(model, form, gradient) for every function the chapter times: each form with its
    gradient, and the latent scan also without, to show what the gradient adds."""
    chosen = []
    for model in models:
        one_of("model", model, MODELS)
        chosen += [(model, form, True) for form in FORMS[model]]
        if model == "latent":
            chosen.append((model, "scan", False))
    return chosen


def way_name(form: str, gradient: bool) -> str:
    """How a row is labelled in the tables: 'scan + grad', 'vectorised + grad', 'scan'."""
    return f"{form} + grad" if gradient else f"{form}, value only"
