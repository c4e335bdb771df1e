"""Chapter 7: gradients through scan.

`pytensor.grad` differentiates a scan by building a second scan that runs the steps
backwards (back-propagation through time). Two loops are checked here:

- A**k: the gradient of `sum(result[-1])` with respect to the non-sequence `A` must equal
  `k * A**(k - 1)`. With `truncate_gradient=t` the backward loop runs only the last `t`
  steps, and each step contributes the same `A**(k - 1)`, so the answer becomes
  `min(t, k) * A**(k - 1)`: a clean number to see what truncation drops.
- The notes' RNN (`scanlab.rnn`): the gradient of a cross-entropy loss with respect to every
  weight, checked against central finite differences (`finite_differences`, plain NumPy).

The two A**k graphs here are built exactly like the chapter's visible `grad` and `truncated`,
so the explorer runs the loops the chapter shows. They compile with whatever backend is set
(the chapter sets PyTensor's Python linker; tests do the same where the backend is not the point).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.executor import Function
from pytensor.tensor.variable import TensorVariable

from scanlab.checks import ScanlabInputError, as_count, as_number, as_vector, one_of
from scanlab.compiled import compiled, function
from scanlab.rnn import ACTIVATIONS, PARAM_NAMES, Activation, RNNSizes, rnn_outputs

MAX_K = 100_000
TRUNCATIONS: tuple[int, ...] = (1, 2, 3)  # truncate_gradient values compiled into one graph
FULL = -1  # PyTensor's truncate_gradient value for "no truncation"
TRUNCATE_OPTIONS: tuple[int, ...] = (FULL, *TRUNCATIONS)


# --- A**k -----------------------------------------------------------------------------


def power_gradient_scan(
    A: TensorVariable,
    k: TensorVariable,
    truncate_gradient: int = FULL,
):
    """d sum(A**k) / dA through the loop `prior_result * A`.

    The loop runs k steps from `pt.ones(A.shape)`.
    """
    result = pytensor.scan(
        fn=lambda prior_result, A: prior_result * A,
        outputs_info=pt.ones(A.shape),
        non_sequences=[A],
        n_steps=k,
        truncate_gradient=truncate_gradient,
        return_updates=False,
    )
    return pytensor.grad(result[-1].sum(), A)


@compiled
def power_gradient_function() -> Function:
    """Compiled f(A, k) -> the full gradient.

    The same graph as the chapter's `grad`.
    """
    A, k = pt.vector("A"), pt.iscalar("k")
    return function([A, k], power_gradient_scan(A, k))


@compiled
def truncated_gradient_function() -> Function:
    """Compiled f(A, k) -> one gradient per value in TRUNCATIONS.

    The same graph as the chapter's `truncated`.
    """
    A, k = pt.vector("A"), pt.iscalar("k")
    gradients = [
        power_gradient_scan(A, k, t) for t in TRUNCATIONS
    ]
    return function([A, k], gradients)


def _power_inputs(A, k) -> tuple[np.ndarray, int]:
    return as_vector("A", A), as_count("k", k, minimum=1, maximum=MAX_K)


def power_gradient(A, k: int, truncate: int = FULL) -> np.ndarray:
    """d sum(A**k) / dA computed by PyTensor through the scan.

    truncate=-1 (FULL) gives the full gradient.
    """
    A, k = _power_inputs(A, k)
    truncate = one_of("truncate", truncate, TRUNCATE_OPTIONS)
    if truncate == FULL:
        return power_gradient_function()(A, k)
    gradients = truncated_gradient_function()(A, k)
    return gradients[TRUNCATIONS.index(truncate)]


def power_gradient_formula(A, k: int, truncate: int = FULL) -> np.ndarray:
    """The calculus answer: k * A**(k-1); truncated to t steps, min(t, k) * A**(k-1)."""
    A, k = _power_inputs(A, k)
    truncate = one_of("truncate", truncate, TRUNCATE_OPTIONS)
    steps = k if truncate == FULL else min(truncate, k)
    return steps * A ** (k - 1)


def describe_power_gradient(
    k: int, A=(0.5, 1.0, 2.0), truncate: int = FULL
) -> str:
    """The explorer: the gradient by scan beside the formula."""
    A, k = _power_inputs(A, k)
    truncate = one_of("truncate", truncate, TRUNCATE_OPTIONS)
    by_scan = power_gradient(A, k, truncate)
    formula = power_gradient_formula(A, k, truncate)
    steps = k if truncate == FULL else min(truncate, k)
    name = (
        "full gradient" if truncate == FULL
        else f"truncate_gradient={truncate}"
    )
    agree = bool(np.allclose(by_scan, formula, rtol=1e-12))
    rows = [
        ("A**k", "=", (A**k).tolist()),
        ("grad by scan", "=", by_scan.tolist()),
        (f"formula {steps} * A**{k - 1}", "=", formula.tolist()),
        ("agree (rtol 1e-12)", ":", agree),
    ]
    if truncate != FULL and truncate < k:
        dropped = (
            f"(truncation drops {k - truncate} of {k} steps)"
        )
        full = (k * A ** (k - 1)).tolist()
        full_label = f"full gradient {k} * A**{k - 1}"
        rows.append((full_label, "=", f"{full} {dropped}"))
    # labels first, then one common width: the values line up
    # whatever k is
    width = max(len(label) for label, _, _ in rows)
    lines = [f"A = {A.tolist()}, k = {k}, {name}"]
    lines += [
        f"{label.ljust(width)} {sep} {value}"
        for label, sep, value in rows
    ]
    return "\n".join(lines)


# --- the notes' RNN: back-propagation through time ------------------------------------


def rnn_targets(sizes: RNNSizes | None = None, seed: int = 0) -> np.ndarray:
    """One class label per step (the 'right answer' the loss rewards), shape (steps,)."""
    sizes = RNNSizes() if sizes is None else sizes
    if not isinstance(sizes, RNNSizes):
        raise ScanlabInputError(f"sizes must be an RNNSizes, got {type(sizes).__name__}")
    rng = np.random.default_rng(as_count("seed", seed) + 2)  # not the weights' stream
    return rng.integers(0, sizes.n_out, sizes.steps).astype(np.int64)


def rnn_loss(
    X, y, params: dict, activation: Activation
) -> TensorVariable:
    """Mean over steps of -log s[t, y[t]]: the loss to differentiate."""
    _, s = rnn_outputs(X, params, activation)
    s = s.reshape((s.shape[0], -1))  # softmax-2016: (steps, 1, n_out)
    return -pt.log(s[pt.arange(s.shape[0]), y]).mean()


def _symbolic_params() -> dict[str, TensorVariable]:
    return {
        name: (pt.matrix(name) if name in ("wx", "wh", "w") else pt.vector(name))
        for name in PARAM_NAMES
    }


@compiled
def rnn_loss_function(activation: Activation = "softmax-axis-1") -> Function:
    """Compiled f(X, y, wx, wh, w, bh, b, h0) -> loss (forward only)."""
    one_of("activation", activation, ACTIVATIONS)
    X, y, params = pt.matrix("X"), pt.lvector("y"), _symbolic_params()
    loss = rnn_loss(X, y, params, activation)
    return function([X, y, *params.values()], loss)


@compiled
def bptt_function(activation: Activation = "softmax-axis-1") -> Function:
    """Compiled f(X, y, wx, wh, w, bh, b, h0) -> [loss, d loss / d each parameter]."""
    one_of("activation", activation, ACTIVATIONS)
    X, y, params = pt.matrix("X"), pt.lvector("y"), _symbolic_params()
    loss = rnn_loss(X, y, params, activation)
    grads = pytensor.grad(loss, list(params.values()))
    return function([X, y, *params.values()], [loss, *grads])


def _rnn_args(X, y, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    if not isinstance(params, dict) or any(name not in params for name in PARAM_NAMES):
        raise ScanlabInputError(f"params must be a dict with keys {', '.join(PARAM_NAMES)}")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ScanlabInputError(f"X must be a 2-d matrix (steps, n_in), got ndim {X.ndim}")
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != X.shape[0] or not np.issubdtype(y.dtype, np.integer):
        raise ScanlabInputError(
            f"y must be one whole-number label per step, shape ({X.shape[0]},), got {y.shape}"
        )
    return X, y.astype(np.int64), [np.asarray(params[n], dtype=np.float64) for n in PARAM_NAMES]


def bptt_gradients(
    X, y, params: dict[str, np.ndarray], activation: Activation = "softmax-axis-1"
) -> tuple[float, dict[str, np.ndarray]]:
    """(loss, gradients by name) from PyTensor's gradient of the scan."""
    X, y, values = _rnn_args(X, y, params)
    loss, *grads = bptt_function(activation)(X, y, *values)
    return float(loss), dict(zip(PARAM_NAMES, grads, strict=True))


def finite_differences(
    loss: Callable[..., float],
    values: Sequence[np.ndarray],
    eps: float = 1e-6,
) -> list[np.ndarray]:
    """Central differences of `loss` for every entry of every value.

    Each is (loss(v + eps) - loss(v - eps)) / 2 eps. `loss(*values)`
    returns a number; only it is called, so this checks a gradient
    independently.
    """
    if not callable(loss):
        raise ScanlabInputError(
            "loss must be a function returning a number, "
            f"got {loss!r}"
        )
    eps = as_number("eps", eps)
    if not 0 < eps < 1:
        raise ScanlabInputError(
            f"eps must be between 0 and 1, got {eps}"
        )
    values = [np.array(v, dtype=np.float64) for v in values]
    grads = []
    for value in values:
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            start = value[index]
            value[index] = start + eps
            up = float(loss(*values))
            value[index] = start - eps
            down = float(loss(*values))
            value[index] = start
            grad[index] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


def finite_difference_gradients(
    X, y, params: dict[str, np.ndarray], activation: Activation = "softmax-axis-1",
    eps: float = 1e-6,
) -> dict[str, np.ndarray]:
    """`finite_differences` of the RNN loss (forward loop only) for every parameter."""
    X, y, values = _rnn_args(X, y, params)
    loss = rnn_loss_function(activation)
    grads = finite_differences(lambda *v: loss(X, y, *v), values, eps)
    return dict(zip(PARAM_NAMES, grads, strict=True))


@dataclass(frozen=True)
class GradientCheck:
    """One parameter: the BPTT gradient against finite differences."""

    name: str
    shape: tuple[int, ...]
    largest: float  # max |gradient|: the scale the difference is judged against
    difference: float  # max |BPTT - finite difference|

    @property
    def relative(self) -> float:
        return self.difference / max(self.largest, 1e-12)

    def ok(self, tolerance: float = 1e-6) -> bool:
        return self.relative < tolerance


def compare_gradients(
    analytic: dict[str, np.ndarray], numeric: dict[str, np.ndarray]
) -> list[GradientCheck]:
    """One `GradientCheck` per name of `analytic` (e.g. BPTT against finite differences)."""
    if not isinstance(analytic, dict) or not isinstance(numeric, dict):
        raise ScanlabInputError("analytic and numeric must be dicts of arrays keyed by name")
    missing = [name for name in analytic if name not in numeric]
    if missing:
        raise ScanlabInputError(f"numeric is missing {', '.join(missing)}")
    checks = []
    for name, grad in analytic.items():
        grad, other = np.asarray(grad), np.asarray(numeric[name])
        if grad.shape != other.shape:
            raise ScanlabInputError(
                f"numeric[{name!r}] has shape {other.shape}, expected {grad.shape}"
            )
        checks.append(GradientCheck(
            name, grad.shape, float(np.abs(grad).max()), float(np.abs(grad - other).max())
        ))
    return checks


def check_gradients(
    X, y, params: dict[str, np.ndarray], activation: Activation = "softmax-axis-1"
) -> list[GradientCheck]:
    """BPTT against finite differences for every parameter of the RNN."""
    _, bptt = bptt_gradients(X, y, params, activation)
    return compare_gradients(bptt, finite_difference_gradients(X, y, params, activation))
