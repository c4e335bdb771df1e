"""Chapter 4: the notes' small RNN, whose softmax output came back as (3, 1, 15).

One step of the loop, in the book's three questions:
- what changes (sequence): one row `x_t` of the input matrix X;
- prior result: the hidden state `h_tm1` (starts at `h0`);
- what stays (non-sequences): the weights wx, wh, w and biases bh, b.
Each step returns `h_t` and `s_t`; scan stacks them along a new first axis, so `s` has
shape `(steps,) + s_t.shape`. In Theano 0.8 `s_t` was a `(1, n_out)` row (its softmax
padded vectors), hence `(3, 1, 15)`; `legacy_softmax` reproduces that op.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pytensor
import pytensor.tensor as pt
from matplotlib.figure import Figure
from pytensor.compile.executor import Function
from pytensor.tensor.special import softmax
from pytensor.tensor.variable import TensorVariable

from scanlab.checks import ScanlabInputError, as_count, one_of, parse_numbers
from scanlab.compiled import compiled
from scanlab.softmax import legacy_softmax, python_function

Activation = Literal["softmax-2016", "softmax-axis-1", "softmax-axis-none", "sigmoid"]
ACTIVATIONS: tuple[Activation, ...] = (
    "softmax-2016",
    "softmax-axis-1",
    "softmax-axis-none",
    "sigmoid",
)
ACTIVATION_LABELS: dict[Activation, str] = {
    "softmax-2016": "T.nnet.softmax(z), Theano 0.8 (reproduced)",
    "softmax-axis-1": "softmax(z, axis=-1), PyTensor 3.3",
    "softmax-axis-none": "softmax(z) (axis=None), PyTensor 3.3",
    "sigmoid": "pt.sigmoid(z), PyTensor 3.3",
}
PARAM_NAMES: tuple[str, ...] = ("wx", "wh", "w", "bh", "b", "h0")
MAX_SIZE = 200  # keeps explorer inputs small enough to print


@dataclass(frozen=True)
class RNNSizes:
    """Sizes of the notes' RNN: X is (steps, n_in), h is (steps, n_hidden), s_t has n_out values."""

    steps: int = 3
    n_in: int = 10
    n_hidden: int = 5
    n_out: int = 15

    def __post_init__(self) -> None:
        for name in ("steps", "n_in", "n_hidden", "n_out"):
            value = as_count(name, getattr(self, name), minimum=1, maximum=MAX_SIZE)
            object.__setattr__(self, name, value)

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """The shape of every weight, bias and initial state, keyed like `rnn_weights`."""
        return {
            "wx": (self.n_in, self.n_hidden),
            "wh": (self.n_hidden, self.n_hidden),
            "w": (self.n_hidden, self.n_out),
            "bh": (self.n_hidden,),
            "b": (self.n_out,),
            "h0": (self.n_hidden,),
        }


def _check_sizes(sizes) -> RNNSizes:
    if not isinstance(sizes, RNNSizes):
        raise ScanlabInputError(f"sizes must be an RNNSizes, got {type(sizes).__name__}")
    return sizes


def rnn_weights(sizes: RNNSizes = RNNSizes(), seed: int = 0) -> dict[str, np.ndarray]:
    """Weights like the notes' (0.2 * uniform(-1, 1)), zero biases and zero h0, as float64."""
    sizes = _check_sizes(sizes)
    rng = np.random.default_rng(as_count("seed", seed))
    params: dict[str, np.ndarray] = {}
    for name, shape in sizes.param_shapes().items():
        if name.startswith("w"):
            params[name] = 0.2 * rng.uniform(-1.0, 1.0, shape)
        else:
            params[name] = np.zeros(shape)
    return params


def rnn_inputs(sizes: RNNSizes = RNNSizes(), seed: int = 0) -> np.ndarray:
    """An input matrix like the notes' `randint(1, 20, (3, 10))`: shape (steps, n_in), float64."""
    sizes = _check_sizes(sizes)
    rng = np.random.default_rng(as_count("seed", seed) + 1)  # not the weights' stream
    return rng.integers(1, 20, (sizes.steps, sizes.n_in)).astype(np.float64)


def shared_params(sizes: RNNSizes = RNNSizes(), seed: int = 0) -> dict[str, TensorVariable]:
    """The weights as shared variables, like the notes, with static shapes (to predict shapes)."""
    return {
        name: pytensor.shared(value, name=name, shape=value.shape)
        for name, value in rnn_weights(sizes, seed).items()
    }


def symbolic_params(sizes: RNNSizes | None = None) -> dict[str, TensorVariable]:
    """The weights as symbolic inputs: any sizes (None) or static shapes from `sizes`."""
    shapes = RNNSizes().param_shapes() if sizes is None else _check_sizes(sizes).param_shapes()
    return {
        name: pt.tensor(name, shape=(None,) * len(shape) if sizes is None else shape)
        for name, shape in shapes.items()
    }


def output_activation(
    z, activation: Activation = "softmax-2016"
) -> TensorVariable:
    """The output non-linearity, on the logits z = h_t @ w + b."""
    one_of("activation", activation, ACTIVATIONS)
    z = pt.as_tensor_variable(z)
    if activation == "softmax-2016":
        return legacy_softmax(z)
    if activation == "softmax-axis-1":
        return softmax(z, axis=-1)
    if activation == "softmax-axis-none":
        # over every element: on one step's vector,
        # the same as axis=-1
        return softmax(z)
    return pt.sigmoid(z)


def _check_params(params) -> None:
    if not isinstance(params, dict):
        raise ScanlabInputError(f"params must be a dict with keys {', '.join(PARAM_NAMES)}")
    missing = [name for name in PARAM_NAMES if name not in params]
    if missing:
        raise ScanlabInputError(f"params is missing {', '.join(missing)}")


def _as_input_matrix(X) -> TensorVariable:
    X = pt.as_tensor_variable(X)
    if X.ndim != 2:
        raise ScanlabInputError(f"X must be a symbolic matrix (steps, n_in), got ndim {X.ndim}")
    return X


def _hidden(x_t, h_tm1, wx, wh, bh):
    return pt.sigmoid(pt.dot(x_t, wx) + pt.dot(h_tm1, wh) + bh)


def rnn_outputs(
    X,
    params: dict[str, TensorVariable],
    activation: Activation = "softmax-2016",
) -> tuple[TensorVariable, TensorVariable]:
    """The symbolic loop: (h, s), the hidden states and outputs.

    X is a symbolic (steps, n_in) matrix; params maps wx, wh, w, bh,
    b, h0 to symbolic tensors (shared variables or plain inputs).
    """
    one_of("activation", activation, ACTIVATIONS)
    _check_params(params)
    X = _as_input_matrix(X)

    # fn's arguments in scan's order: what changes, prior result,
    # what stays.
    def recurrence(x_t, h_tm1, wx, wh, w, bh, b):
        h_t = _hidden(x_t, h_tm1, wx, wh, bh)
        s_t = output_activation(pt.dot(h_t, w) + b, activation)
        return [h_t, s_t]

    h, s = pytensor.scan(
        fn=recurrence,
        sequences=[X],
        # None: s_t is returned, never fed back
        outputs_info=[params["h0"], None],
        non_sequences=[
            params[name] for name in ("wx", "wh", "w", "bh", "b")
        ],
        return_updates=False,
    )
    return h, s


def output_after_loop(
    h, params: dict[str, TensorVariable], activation: Activation
) -> TensorVariable:
    """The output layer applied once to all hidden states, after the loop: (steps, n_out).

    This is where softmax's default axis=None bites: it normalises the whole matrix.
    """
    _check_params(params)
    return output_activation(pt.dot(h, params["w"]) + params["b"], activation)


@functools.cache
def static_shapes(activation: Activation, sizes: RNNSizes) -> dict[str, tuple[int | None, ...]]:
    """`type.shape` of h, s and the after-loop output, from static input shapes (nothing runs)."""
    X = pt.matrix("X", shape=(sizes.steps, sizes.n_in))
    params = symbolic_params(sizes)
    h, s = rnn_outputs(X, params, activation)
    after = output_after_loop(h, params, activation)
    return {"h": h.type.shape, "s": s.type.shape, "after": after.type.shape}


@compiled
def rnn_function(activation: Activation) -> Function:
    """Compiled f(X, wx, wh, w, bh, b, h0) -> (h, s, after loop).

    The weights are inputs, so one function serves every size.
    `python_function` links it with the Python linker whatever the
    page's setting, so no chapter waits for a Numba compile.
    """
    one_of("activation", activation, ACTIVATIONS)
    X = pt.matrix("X")
    params = symbolic_params()
    h, s = rnn_outputs(X, params, activation)
    after = output_after_loop(h, params, activation)
    return python_function(
        [X, *(params[n] for n in PARAM_NAMES)], [h, s, after]
    )


@dataclass(frozen=True)
class RNNRun:
    """One run of the RNN: inputs, every step's h and s, and the output layer after the loop."""

    activation: Activation
    sizes: RNNSizes
    X: np.ndarray
    h: np.ndarray
    s: np.ndarray
    after: np.ndarray


def run_rnn(
    activation: Activation = "softmax-2016", sizes: RNNSizes = RNNSizes(), seed: int = 0
) -> RNNRun:
    """Run the compiled RNN (one compile per activation, whatever the sizes)."""
    one_of("activation", activation, ACTIVATIONS)
    sizes = _check_sizes(sizes)
    X = rnn_inputs(sizes, seed)
    params = rnn_weights(sizes, seed)
    h, s, after = rnn_function(activation)(X, *(params[n] for n in PARAM_NAMES))
    return RNNRun(activation, sizes, X, h, s, after)


def fixed_outputs(
    X, params: dict[str, TensorVariable]
) -> dict[str, TensorVariable]:
    """The 2016 output and four fixes of it, keyed by the code used.

    All five come from one loop; each fix gives (steps, n_out).
    """
    _check_params(params)
    X = _as_input_matrix(X)

    def recurrence(x_t, h_tm1, wx, wh, w, bh, b):
        h_t = _hidden(x_t, h_tm1, wx, wh, bh)
        z = pt.dot(h_t, w) + b
        s_t = legacy_softmax(z)  # (1, n_out), as in 2016
        return [
            h_t,
            s_t,
            softmax(z, axis=-1),
            s_t[0],
            pt.squeeze(s_t, axis=0),
        ]

    _, s_2016, s_axis, s_index, s_squeeze = pytensor.scan(
        fn=recurrence,
        sequences=[X],
        outputs_info=[params["h0"], None, None, None, None],
        non_sequences=[
            params[name] for name in ("wx", "wh", "w", "bh", "b")
        ],
        return_updates=False,
    )
    outputs = [s_2016, s_axis, s_index, s_squeeze, s_2016[:, 0]]
    return dict(zip(FIXES, outputs, strict=True))


FIXES: tuple[str, ...] = (
    "2016 softmax, no fix",
    "softmax(z, axis=-1) in the step",
    "s_t[0] in the step",
    "pt.squeeze(s_t, axis=0) in the step",
    "s[:, 0] after the loop",
)


@compiled
def fixes_function() -> Function:
    """Compiled f(X, weights...) -> every output of `fixed_outputs`, in its order."""
    X = pt.matrix("X")
    params = symbolic_params()
    outputs = fixed_outputs(X, params)
    return python_function([X, *(params[n] for n in PARAM_NAMES)], list(outputs.values()))


def run_fixes(sizes: RNNSizes = RNNSizes(), seed: int = 0) -> dict[str, np.ndarray]:
    """Every output of `fixed_outputs`, computed for the given sizes."""
    sizes = _check_sizes(sizes)
    params = rnn_weights(sizes, seed)
    values = fixes_function()(rnn_inputs(sizes, seed), *(params[n] for n in PARAM_NAMES))
    return dict(zip(FIXES, values, strict=True))


def draw_stacking(steps: int = 3, n_out: int = 15) -> Figure:
    """Boxes: each step returns a (1, n_out) row; scan stacks them into (steps, 1, n_out)."""
    steps = as_count("steps", steps, minimum=1, maximum=8)
    n_out = as_count("n_out", n_out, minimum=1, maximum=MAX_SIZE)
    import matplotlib.pyplot as plt  # a pyplot figure, so notebooks show it with plt.show()

    fig, ax = plt.subplots(figsize=(6.4, 2.0 + 0.25 * steps))
    colours = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3"]
    width, height, gap = 3.0, 0.5, 0.35
    for t in range(steps):
        y = (steps - 1 - t) * (height + gap)
        colour = colours[t % len(colours)]
        ax.add_patch(_box((0, y), width, height, colour))
        ax.text(width / 2, y + height / 2, f"step {t}: s_t  (1, {n_out})", ha="center", va="center",
                color="white", fontsize=9)
        ax.annotate("", xy=(5.0, y + height / 2), xytext=(width + 0.15, y + height / 2),
                    arrowprops={"arrowstyle": "->", "color": "#555555"})
        ax.add_patch(_box((5.2, y), width, height, colour))
        ax.text(5.2 + width / 2, y + height / 2, f"s[{t}]  (1, {n_out})", ha="center", va="center",
                color="white", fontsize=9)
    top = steps * (height + gap) - gap
    ax.add_patch(_box((5.05, -0.12), width + 0.3, top + 0.24, "none", edge="#222222"))
    ax.text(5.2 + width / 2, top + 0.3, f"s: ({steps}, 1, {n_out})", ha="center", fontsize=10,
            weight="bold")
    ax.text(width / 2, top + 0.3, "what each step returns", ha="center", fontsize=10)
    ax.text(4.1, top + 0.3, "scan stacks", ha="center", fontsize=9, color="#555555")
    ax.set_xlim(-0.2, 8.7)
    ax.set_ylim(-0.3, top + 0.7)
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def _box(xy, width, height, colour, edge=None):
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch(xy, width, height, boxstyle="round,pad=0.02,rounding_size=0.08",
                          facecolor=colour, edgecolor=edge or colour, linewidth=1.2)


def _fmt_shape(shape) -> str:
    parts = ["None" if d is None else str(d) for d in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def _row_sums(value: np.ndarray) -> str:
    return str(np.round(value.sum(axis=-1), 3).tolist())


def describe_rnn(
    activation: Activation = "softmax-2016",
    steps: int = 3,
    n_in: int = 10,
    n_hidden: int = 5,
    n_out: int = 15,
) -> str:
    """What the chapter's explorer shows: static and runtime shapes of h and s, and row sums."""
    one_of("activation", activation, ACTIVATIONS)
    sizes = RNNSizes(steps, n_in, n_hidden, n_out)
    static = static_shapes(activation, sizes)
    run = run_rnn(activation, sizes)
    step_shape = run.s.shape[1:]
    lines = [
        f"s_t = {ACTIVATION_LABELS[activation]}",
        f"X ({steps}, {n_in}), wx ({n_in}, {n_hidden}), wh ({n_hidden}, {n_hidden}), "
        f"w ({n_hidden}, {n_out})",
        "",
        f"{'':6}{'static type.shape':>19}{'runtime shape':>16}",
        f"{'h':6}{_fmt_shape(static['h']):>19}{_fmt_shape(run.h.shape):>16}",
        f"{'s':6}{_fmt_shape(static['s']):>19}{_fmt_shape(run.s.shape):>16}",
        f"scan stacks each step's s_t {_fmt_shape(step_shape)}: "
        f"s {_fmt_shape(run.s.shape)}",
        f"s summed over its last axis: {_row_sums(run.s)}",
        "",
        "output layer after the loop, activation(h @ w + b):",
        f"shape {_fmt_shape(run.after.shape)}, row sums {_row_sums(run.after)}",
    ]
    return "\n".join(lines)


def parse_sizes(text: str) -> dict[str, int]:
    """Sizes typed by a reader as 'steps, n_in, n_hidden, n_out', e.g. '3, 10, 5, 15'."""
    numbers = parse_numbers("sizes", text)
    if numbers.size != 4:
        raise ScanlabInputError(
            f"sizes must be 4 whole numbers 'steps, n_in, n_hidden, n_out', got {numbers.size}"
        )
    sizes = RNNSizes(*numbers.tolist())
    return {name: getattr(sizes, name) for name in ("steps", "n_in", "n_hidden", "n_out")}
