"""Chapter 2: a polynomial, the notes' second scan (two sequences, no prior result).

What changes each step: a coefficient and its power (two sequences, zipped).
What stays: x (a non-sequence). What each step returns: one component,
coefficient * x**power; the polynomial is their sum.

scan zips its sequences and stops at the shortest one, which is why the notes can pass
`arange(max_coefficients_supported)` as the powers. Passing `n_steps` longer than a
sequence is a trap in PyTensor 3.3's default (Numba) backend, so the functions here that
take `n_steps` check it first (`check_n_steps`).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pytensor
import pytensor.tensor as pt
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.polynomial import polynomial as np_polynomial
from pytensor.compile.executor import Function

from scanlab.checks import ScanlabInputError, as_count, as_number, as_vector, one_of
from scanlab.compiled import compiled, function

MAX_COEFFICIENTS_SUPPORTED = 10_000  # the notes' `max_coefficients_supported`
Mode = Literal["default", "FAST_COMPILE"]
MODES: tuple[Mode, ...] = ("default", "FAST_COMPILE")


def polynomial_scan(
    coefficients: pt.TensorVariable,
    x: pt.TensorVariable,
    max_coefficients_supported: int = MAX_COEFFICIENTS_SUPPORTED,
    n_steps: pt.TensorVariable | int | None = None,
) -> pt.TensorVariable:
    """The notes' loop: one component coefficient * x**power per step (no prior result)."""
    return pytensor.scan(
        fn=lambda coefficient, power, free_variable: coefficient * (free_variable**power),
        sequences=[coefficients, pt.arange(max_coefficients_supported)],
        outputs_info=None,
        non_sequences=[x],
        n_steps=n_steps,
        return_updates=False,
    )


def _mode(mode: Mode) -> str | None:
    return None if one_of("mode", mode, MODES) == "default" else mode


def _compile(inputs, outputs, mode: Mode) -> Function:
    """`function` in `mode`; FAST_COMPILE as Python code only (with a C compiler configured it
    would first build C helpers, seconds on an empty compile cache)."""
    if _mode(mode) is None:
        return function(inputs, outputs)
    with pytensor.config.change_flags(cxx=""):
        return function(inputs, outputs, mode=_mode(mode))


@compiled
def polynomial_function(
    max_coefficients_supported: int = MAX_COEFFICIENTS_SUPPORTED,
) -> Function:
    """Compiled f(coefficients, x) -> sum of the components (the notes' calculate_polynomial)."""
    coefficients = pt.vector("coefficients")
    x = pt.scalar("x")
    components = polynomial_scan(coefficients, x, max_coefficients_supported)
    return function([coefficients, x], components.sum())


@compiled
def steps_function() -> Function:
    """Compiled f(coefficients, x, limit): every step, recorded.

    The limit is max_coefficients_supported. fn hands its
    arguments straight back as extra outputs, so the table is
    scan's own record of what each step saw and returned, not a
    reconstruction. The length of the powers is an input, not a
    constant: one compiled loop serves every limit.
    """
    coefficients = pt.vector("coefficients")
    x = pt.scalar("x")
    max_coefficients_supported = pt.iscalar(
        "max_coefficients_supported"
    )
    outputs = pytensor.scan(
        fn=lambda coefficient, power, free_variable: (
            coefficient,
            power,
            free_variable,
            coefficient * (free_variable**power),
        ),
        sequences=[
            coefficients,
            pt.arange(max_coefficients_supported),
        ],
        outputs_info=None,
        non_sequences=[x],
        return_updates=False,
    )
    return function(
        [coefficients, x, max_coefficients_supported], outputs
    )


@dataclass(frozen=True)
class Steps:
    """Scan's record of every step: what fn received and the component it returned."""

    coefficient: np.ndarray
    power: np.ndarray
    x: np.ndarray
    component: np.ndarray
    n_coefficients: int  # how many coefficients were passed (may exceed the steps run)
    max_coefficients_supported: int

    @property
    def n_steps(self) -> int:
        return len(self.component)

    @property
    def total(self) -> float:
        return float(self.component.sum())


def _coefficients_and_x(coefficients, x) -> tuple[np.ndarray, float]:
    return as_vector("coefficients", coefficients), as_number("x", x)


def _check_supported(coefficients: np.ndarray, max_coefficients_supported: int) -> None:
    # scan would silently drop the extra coefficients: the shortest sequence wins.
    if len(coefficients) > max_coefficients_supported:
        raise ScanlabInputError(
            f"coefficients has {len(coefficients)} elements but max_coefficients_supported is "
            f"{max_coefficients_supported}: scan stops at the shorter sequence, so the last "
            f"{len(coefficients) - max_coefficients_supported} would be ignored silently"
        )


def polynomial(coefficients, x) -> float:
    """sum(coefficients[i] * x**i) by the notes' scan; refuses more coefficients than supported."""
    coefficients, x = _coefficients_and_x(coefficients, x)
    _check_supported(coefficients, MAX_COEFFICIENTS_SUPPORTED)
    return float(polynomial_function()(coefficients, x))


def polynomial_steps(
    coefficients,
    x,
    max_coefficients_supported: int = MAX_COEFFICIENTS_SUPPORTED,
) -> Steps:
    """Every step scan ran, and how many coefficients were passed.

    `format_steps` reports those that no step used.
    """
    coefficients, x = _coefficients_and_x(coefficients, x)
    max_coefficients_supported = as_count(
        "max_coefficients_supported",
        max_coefficients_supported,
        minimum=1,
    )
    coefficient, power, xs, component = steps_function()(
        coefficients, x, max_coefficients_supported
    )
    return Steps(
        coefficient,
        power,
        xs,
        component,
        len(coefficients),
        max_coefficients_supported,
    )


def numpy_polynomial(coefficients, x) -> float:
    """The same sum by numpy.polynomial (lowest power first, like the notes)."""
    coefficients, x = _coefficients_and_x(coefficients, x)
    return float(np_polynomial.polyval(x, coefficients))


# --- n_steps longer than a sequence -------------------------------------------------------


def check_n_steps(n_steps, **sequences) -> int:
    """n_steps as an int; refused if a named sequence is shorter.

    PyTensor 3.3's Numba scan does not compare n_steps with the
    sequences' lengths (its loop is compiled without bounds checks),
    so this check has to happen before the call.
    """
    n_steps = as_count("n_steps", n_steps, minimum=1)
    for name, sequence in sequences.items():
        length = len(sequence)
        if n_steps > length:
            raise ScanlabInputError(
                f"n_steps={n_steps} is longer than the sequence "
                f"{name} ({length} elements): "
                "scan would read past its end. "
                f"Use n_steps <= {length}, or leave n_steps out "
                "and scan stops at the shortest sequence"
            )
    return n_steps


@compiled
def polynomial_n_steps_function(mode: Mode = "default") -> Function:
    """Compiled f(coefficients, x, n_steps) -> components, with NO length check (the trap)."""
    coefficients = pt.vector("coefficients")
    x = pt.scalar("x")
    n_steps = pt.iscalar("n_steps")
    components = polynomial_scan(coefficients, x, n_steps=n_steps)
    return _compile([coefficients, x, n_steps], components, mode)


def polynomial_components(coefficients, x, n_steps=None) -> np.ndarray:
    """The components for the first n_steps coefficients (all of them if n_steps is None)."""
    coefficients, x = _coefficients_and_x(coefficients, x)
    _check_supported(coefficients, MAX_COEFFICIENTS_SUPPORTED)
    if n_steps is None:
        n_steps = len(coefficients)
    n_steps = check_n_steps(n_steps, coefficients=coefficients)
    return polynomial_n_steps_function()(coefficients, x, n_steps)


@compiled
def running_total_function(mode: Mode = "default") -> Function:
    """Compiled f(values, n_steps) -> running totals, with NO length check (the trap).

    Unlike the polynomial, this loop carries a prior result, so it stays a real Scan loop.
    """
    values = pt.vector("values")
    n_steps = pt.iscalar("n_steps")
    totals = pytensor.scan(
        fn=lambda value, prior_total: prior_total + value,
        sequences=[values],
        outputs_info=[pt.zeros(())],
        n_steps=n_steps,
        return_updates=False,
    )
    return _compile([values, n_steps], totals, mode)


def running_total(values, n_steps=None) -> np.ndarray:
    """Cumulative sum by scan, refusing an n_steps longer than values."""
    values = as_vector("values", values)
    n_steps = check_n_steps(len(values) if n_steps is None else n_steps, values=values)
    return running_total_function()(values, n_steps)


# --- what the chapter prints ----------------------------------------------------------------

_BAR_CELLS = 20  # the whole bar column; split in two halves when a component is negative


def _bar(value: float, scale: float, half: int | None) -> str:
    """A text bar: right of `│` for positive values; with `half`, negatives go left of it."""
    width = half or _BAR_CELLS
    cells = 0 if scale == 0 else round(abs(value) / scale * width)
    right = "█" * cells if value > 0 else ""
    if half is None:
        return f"│{right}"
    left = ("█" * cells).rjust(half) if value < 0 else " " * half
    return f"{left}│{right}"


def format_steps(steps: Steps, bars: bool = False) -> str:
    """A per-step table: step, coefficient, power, x, component (and optional text bars).

    Steps are counted from 1, as everywhere in the book (step 1 reads element 0 of each
    sequence: the power column shows the index). Narrow on purpose (at most 65 characters
    with bars) so it fits the book's text column.
    """
    header = f"{'step':>4}  {'coefficient':>11}  {'power':>5}  {'x':>5}  {'component':>9}"
    negative = bool(np.any(steps.component < 0))
    half = _BAR_CELLS // 2 if negative else None
    if bars:
        header += "  " + ("-".rjust(half) + "│+" if half else "│")
    lines = [header]
    scale = float(np.max(np.abs(steps.component))) if steps.n_steps else 0.0
    for i in range(steps.n_steps):
        line = (
            f"{i + 1:>4}  {steps.coefficient[i]:>11g}  {steps.power[i]:>5d}  "
            f"{steps.x[i]:>5g}  {steps.component[i] + 0.0:>9.4g}"  # + 0.0: no "-0" for 0 * (-2)
        )
        if bars:
            line += "  " + _bar(float(steps.component[i]), scale, half)
        lines.append(line.rstrip())
    lines.append(f"sum of the components = {steps.total + 0.0:g}")
    dropped = steps.n_coefficients - steps.n_steps
    if dropped > 0:
        lines.append(
            f"{steps.n_coefficients} coefficients, {steps.n_steps} steps: the powers "
            f"(arange({steps.max_coefficients_supported})) ran out first:"
        )
        lines.append(f"{dropped} coefficient(s) never used")
    return "\n".join(lines)


MAX_EXPLORER_COEFFICIENTS = 20  # a table a reader can read


def describe_polynomial(
    coefficients=(1.0, 0.0, 2.0), x: float = 3.0
) -> str:
    """The explorer's text: steps with bars, the sum, numpy's."""
    coefficients, x = _coefficients_and_x(coefficients, x)
    if len(coefficients) > MAX_EXPLORER_COEFFICIENTS:
        raise ScanlabInputError(
            f"coefficients: at most {MAX_EXPLORER_COEFFICIENTS} "
            f"here (a table you can read), got {len(coefficients)}"
        )
    steps = polynomial_steps(coefficients, x)
    if not np.all(np.isfinite(steps.component)):
        raise ScanlabInputError(
            f"x = {x:g} overflows float64 for these "
            "coefficients (a component is not finite)",
        )
    terms = ""
    for c, p in zip(steps.coefficient, steps.power, strict=True):
        term = f"{abs(c):g}·x^{p}"
        if not terms:
            terms = f"-{term}" if c < 0 else term
        else:
            terms += f" {'-' if c < 0 else '+'} {term}"
    formula = textwrap.fill(
        f"p(x) = {terms}",
        width=65,
        subsequent_indent=" " * 7,
        break_on_hyphens=False,
    )
    label = coefficients_label(coefficients)
    # + 0.0: no "-0"
    by_numpy = numpy_polynomial(coefficients, x) + 0.0
    lines = [
        textwrap.fill(
            f"coefficients = {label}, x = {x:g}", width=65
        ),
        formula,
        format_steps(steps, bars=True),
        f"numpy.polynomial.polynomial.polyval: {by_numpy:g}",
    ]
    return "\n".join(lines)


def zip_diagram(coefficients=(1.0, 0.0, 2.0), shown_powers: int = 8) -> Figure:
    """Two sequences side by side: scan pairs them element by element, shortest one wins."""
    coefficients = as_vector("coefficients", coefficients)
    shown_powers = as_count("shown_powers", shown_powers, minimum=len(coefficients))
    n = len(coefficients)
    fig = Figure(figsize=(6.4, 1.9))
    ax = fig.add_subplot()
    ax.set_xlim(-2.6, shown_powers + 1.6)
    ax.set_ylim(-0.9, 2.2)
    ax.axis("off")
    rows = [
        ("coefficients", 1.2, [f"{c:g}" for c in coefficients]),
        (f"arange({MAX_COEFFICIENTS_SUPPORTED})", 0.2, [str(p) for p in range(shown_powers)]),
    ]
    for label, y, texts in rows:
        ax.text(-0.6, y + 0.4, label, ha="right", va="center", fontsize=9, family="monospace")
        for i, text in enumerate(texts):
            used = i < n
            ax.add_patch(
                Rectangle(
                    (i, y),
                    0.9,
                    0.8,
                    facecolor="#cfe0f5" if used else "#eeeeee",
                    edgecolor="#4a78b5" if used else "#bbbbbb",
                )
            )
            ax.text(
                i + 0.45,
                y + 0.4,
                text,
                ha="center",
                va="center",
                fontsize=9,
                color="black" if used else "#999999",
            )
    ax.text(
        shown_powers + 0.4,
        0.6,
        f"… {MAX_COEFFICIENTS_SUPPORTED - 1}",
        va="center",
        fontsize=9,
        color="#999999",
    )
    for i in range(n):
        label = f"step {i + 1}"  # steps count from 1, as in the tables
        ax.text(i + 0.45, -0.35, label, ha="center", va="center", fontsize=8, color="#4a78b5")
    ax.text(
        n + 0.1, -0.35, "no coefficient left: scan stops", va="center", fontsize=8, color="#a40000"
    )
    return fig


# The explorer's presets: small enough to render every combination when the notebook runs.
EXPLORER_COEFFICIENTS: tuple[tuple[float, ...], ...] = (
    (1.0, 0.0, 2.0),
    (1.0, 1.0, 1.0, 1.0, 1.0),
    (0.0, 0.0, 0.0, 1.0),
    (1.0, -1.0, 1.0, -1.0, 1.0),
    (2.0, -3.0, 0.0, 1.0),
    (5.0,),
)
EXPLORER_X: tuple[float, ...] = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0)


def coefficients_label(coefficients) -> str:
    """'[1, 0, 2]' for a control's option list."""
    return "[" + ", ".join(f"{c:g}" for c in coefficients) + "]"
