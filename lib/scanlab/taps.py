"""Chapter 5: taps (looking further back or ahead), loops that stop early, loops that run backwards.

- Output taps: `outputs_info=dict(initial=start, taps=[-2, -1])` hands each step the two prior
  results it asks for (Fibonacci, AR(2)). `start` holds those two values; they are not in
  the result.
- Sequence taps: `sequences=dict(input=x, taps=[-1, 0, 1])` hands each step a window of the
  sequence; every window must fit inside x. PyTensor counts the position t = 0 as part of
  every window, so the loop runs len(x) - (max(max tap, 0) - min(min tap, 0)) steps
  (`pytensor/scan/basic.py`): taps=[-1] on 10 values runs 9 steps, taps=[1, 2] runs 8 and its
  first step reads x[1], x[2]. Several sequences: the shortest count wins.
- `until`: the step function also returns a condition; scan stops after the first step where it
  is true, so `n_steps` is only a maximum and the result has one row per step that ran.
- `go_backwards=True`: the loop walks the sequence from its end; results come out in the order
  the steps ran (last element first).

Every graph is compiled once, with its parameters as inputs, so explorers never recompile.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pytensor
import pytensor.tensor as pt
from matplotlib.figure import Figure
from pytensor.compile.executor import Function
from pytensor.scan.utils import until

from scanlab.checks import ScanlabInputError, as_count, as_number, as_vector
from scanlab.compiled import compiled, function
from scanlab.sketch import COLORS, LineChart, series

MAX_STEPS = 100_000
MAX_TAP = 50


# --- Output taps: a recurrence of order two ----------------------------------------------------


def ar2_scan(start, phi1, phi2, c, n_steps):
    """x[t] = c + phi1 * x[t-1] + phi2 * x[t-2], n_steps times.

    The loop starts from start = [x0, x1]. fn receives the prior
    results in the order the taps are listed, here [-2, -1]: first
    x[t-2], then x[t-1], then the non-sequences.
    """
    return pytensor.scan(
        fn=lambda x_tm2, x_tm1, phi1, phi2, c: (
            c + phi1 * x_tm1 + phi2 * x_tm2
        ),
        outputs_info=dict(initial=start, taps=[-2, -1]),
        non_sequences=[phi1, phi2, c],
        n_steps=n_steps,
        return_updates=False,
    )


@compiled
def ar2_function() -> Function:
    """Compiled f(start, phi1, phi2, c, n) -> x2 .. x(n+1)."""
    start = pt.vector("start")
    phi1 = pt.dscalar("phi1")
    phi2 = pt.dscalar("phi2")
    c = pt.dscalar("c")
    n = pt.iscalar("n")
    return function(
        [start, phi1, phi2, c, n],
        ar2_scan(start, phi1, phi2, c, n),
    )


def _ar2_inputs(phi1, phi2, start, n, c):
    start = as_vector("start", start)
    if start.shape != (2,):
        raise ScanlabInputError(
            f"start must hold exactly two values [x0, x1] (one per tap), got {start.size}"
        )
    return (
        start,
        as_number("phi1", phi1),
        as_number("phi2", phi2),
        as_number("c", c),
        as_count("n", n, minimum=1, maximum=MAX_STEPS),
    )


def ar2(
    phi1: float,
    phi2: float,
    start: Sequence[float],
    n: int,
    c: float = 0.0,
) -> np.ndarray:
    """The scan's result: the n new values x2 .. x(n+1)."""
    start, phi1, phi2, c, n = _ar2_inputs(phi1, phi2, start, n, c)
    return ar2_function()(start, phi1, phi2, c, n)


def ar2_loop(
    phi1: float,
    phi2: float,
    start: Sequence[float],
    n: int,
    c: float = 0.0,
) -> np.ndarray:
    """The same recurrence as a plain Python loop."""
    start, phi1, phi2, c, n = _ar2_inputs(phi1, phi2, start, n, c)
    x = [start[0], start[1]]
    for _ in range(n):
        x.append(c + phi1 * x[-1] + phi2 * x[-2])
    return np.array(x[2:])


def fibonacci(n: int) -> np.ndarray:
    """F2 .. F(n+1) by the scan: AR(2) with phi1 = phi2 = 1 from [F0, F1] = [0, 1]."""
    return ar2(1.0, 1.0, (0.0, 1.0), n)


def ar2_figure(phi1: float, phi2: float, start=(1.0, 1.0), n: int = 40, c: float = 0.0) -> Figure:
    """A small plot of the series, start values included (hollow markers)."""
    series = ar2(phi1, phi2, start, n, c)
    start = as_vector("start", start)
    fig, ax = plt.subplots(figsize=(4.2, 2.2))
    ax.plot([0, 1], start, "o", mfc="none", color="C1", label="start (not in result)")
    ax.plot(np.arange(2, n + 2), series, ".-", color="C0", lw=1, ms=3, label="scan result")
    ax.axhline(0, color="0.8", lw=0.8)
    ax.set_xlabel("t")
    sign = "−" if phi2 < 0 else "+"  # "+ -0.9" reads badly
    ax.set_title(f"x[t] = {phi1:g}·x[t-1] {sign} {abs(phi2):g}·x[t-2]", fontsize=9)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6, loc="best")
    fig.tight_layout()
    return fig


def describe_ar2(
    phi1: float, phi2: float, start=(1.0, 1.0), n: int = 40
) -> LineChart:
    """Explorer leaf: the AR(2) series as an SVG chart.

    One compiled function serves every coefficient, and the chart
    is drawn fast enough to follow typing in a live kernel.
    """
    values = ar2(phi1, phi2, start, n)
    start = as_vector("start", start)
    sign = "−" if phi2 < 0 else "+"  # "+ -0.9" reads badly
    return LineChart(
        f"x[t] = {phi1:g}·x[t-1] {sign} {abs(phi2):g}·x[t-2]",
        (
            series(
                "start (not in result)", [0, 1], start,
                color=COLORS[2], line=False, marker="hollow",
            ),
            series(
                "scan result", np.arange(2, n + 2), values,
                color=COLORS[0], marker="dot",
            ),
        ),
        xlabel="t",
        width=560,
        height=280,
        # inside, it would sit on the start markers at t = 0, 1
        legend="below",
    )


# --- Sequence taps: a moving window ------------------------------------------------------------


def _as_taps(taps) -> tuple[int, ...]:
    if isinstance(taps, (str, bytes)) or not isinstance(taps, Sequence) or not taps:
        raise ScanlabInputError(f"taps must be a non-empty list of whole numbers, got {taps!r}")
    return tuple(as_count("taps", t, minimum=-MAX_TAP, maximum=MAX_TAP) for t in taps)


def window_reach(taps: Sequence[int]) -> tuple[int, int]:
    """How far a window reaches (behind, ahead) of its position t.

    PyTensor counts t itself as part of every window, even when 0 is
    not a tap: taps=[1, 2] reach 0 behind and 2 ahead, taps=[-1]
    reach 1 behind and 0 ahead.
    """
    taps = _as_taps(taps)
    return max(0, -min(taps)), max(0, max(taps))


def window_steps(length: int, taps: Sequence[int], n_steps: int | None = None) -> int:
    """How many steps scan runs over x of this length with these taps.

    length - behind - ahead (see `window_reach`), never below 0. Given `n_steps`, it is n_steps,
    and an n_steps above that count is refused, because PyTensor does not check it reliably.
    What a too large n_steps does depends on the graph and the backend: a loop the rewrites
    remove (chapter 5's moving average) becomes slices of x and runs fewer steps, silently; a
    loop that stays, such as one that feeds a result back, raises ValueError on the Python
    linker and in FAST_COMPILE, but on Numba, the default backend, runs every step and reads
    past the end of x. tests/test_taps.py checks each case against real scans.
    """
    return sequence_steps([(length, taps)], n_steps)


def sequence_steps(
    windows: Sequence[tuple[int, Sequence[int]]], n_steps: int | None = None
) -> int:
    """Steps of a scan over several sequences, given as (length, taps) pairs: the fewest wins."""
    if isinstance(windows, (str, bytes)) or not isinstance(windows, Sequence) or not windows:
        raise ScanlabInputError(
            f"windows must be a non-empty list of (length, taps) pairs, got {windows!r}"
        )
    counts = []
    for i, pair in enumerate(windows):
        if not isinstance(pair, Sequence) or len(pair) != 2:
            raise ScanlabInputError(
                f"windows[{i}] must be a (length, taps) pair, got {pair!r}"
            )
        length = as_count(f"windows[{i}] length", pair[0], minimum=0)
        behind, ahead = window_reach(pair[1])
        counts.append(max(0, length - behind - ahead))
    allowed = min(counts)
    if n_steps is None:
        return allowed
    n_steps = as_count("n_steps", n_steps, minimum=0)
    if n_steps > allowed:
        raise ScanlabInputError(
            f"n_steps must be at most {allowed} (the steps the sequences allow), got {n_steps}"
        )
    return n_steps


def window_indices(
    length: int, taps: Sequence[int], n_steps: int | None = None
) -> list[tuple[int, ...]]:
    """For each step, the indices of x it reads, in taps order.

    Step 0 sits at t = max(0, -min(taps)): the first position whose
    window starts inside x.
    """
    behind, _ahead = window_reach(taps)
    taps = _as_taps(taps)
    return [
        tuple(behind + step + tap for tap in taps)
        for step in range(window_steps(length, taps, n_steps))
    ]


def window_scan(x, weights, taps: Sequence[int]):
    """Each step returns sum_i weights[i] * x[t + taps[i]]."""
    return pytensor.scan(
        # fn gets one argument per tap (in the listed order), then the non-sequence weights
        fn=lambda *args: sum(args[-1][i] * value for i, value in enumerate(args[:-1])),
        sequences=[dict(input=x, taps=list(taps))],
        non_sequences=[weights],
        return_updates=False,
    )


@compiled
def window_function(taps: tuple[int, ...] = (-1, 0, 1)) -> Function:
    """Compiled f(x, weights) -> one weighted sum per step (one compile per distinct taps)."""
    x = pt.vector("x")
    weights = pt.vector("weights")
    return function([x, weights], window_scan(x, weights, taps))


def moving_window(x, weights=(1 / 3, 1 / 3, 1 / 3), taps: Sequence[int] = (-1, 0, 1)) -> np.ndarray:
    """The scan's weighted moving window over x (a moving average by default)."""
    taps = _as_taps(taps)
    weights = as_vector("weights", weights)
    if weights.size != len(taps):
        raise ScanlabInputError(
            f"weights must have one value per tap ({len(taps)}), got {weights.size}"
        )
    x = as_vector("x", x)
    if window_steps(x.size, taps) == 0:
        behind, ahead = window_reach(taps)
        raise ScanlabInputError(
            f"x must be longer than {behind + ahead} (taps {list(taps)} reach {behind} behind "
            f"and {ahead} ahead), got length {x.size}"
        )
    return window_function(taps)(x, weights)


def moving_window_numpy(
    x, weights=(1 / 3, 1 / 3, 1 / 3), taps: Sequence[int] = (-1, 0, 1)
) -> np.ndarray:
    """The same windows by fancy indexing, for checking the scan."""
    x = as_vector("x", x)
    weights = as_vector("weights", weights)
    index = np.array(window_indices(x.size, taps), dtype=int).reshape(-1, len(_as_taps(taps)))
    return x[index] @ weights


# --- until: a loop that stops early -------------------------------------------------------------


def newton_sqrt_scan(a, x0, tol, max_steps):
    """Newton's method for sqrt(a): x <- (x + a/x) / 2, repeated.

    It stops once two iterates differ by less than tol.
    """

    def step(x_prev, a, tol):
        x_new = (x_prev + a / x_prev) / 2
        # returning until(...) next to the output
        # makes this a while-loop
        return x_new, until(pt.abs(x_new - x_prev) < tol)

    return pytensor.scan(
        fn=step,
        outputs_info=x0,
        non_sequences=[a, tol],
        n_steps=max_steps,
        return_updates=False,
    )


@compiled
def newton_function() -> Function:
    """Compiled f(a, x0, tol, max_steps) -> the iterates.

    One iterate per step that ran.
    """
    a = pt.dscalar("a")
    x0 = pt.dscalar("x0")
    tol = pt.dscalar("tol")
    max_steps = pt.iscalar("max_steps")
    return function(
        [a, x0, tol, max_steps],
        newton_sqrt_scan(a, x0, tol, max_steps),
    )


def _newton_inputs(a, x0, tol, max_steps):
    a, x0, tol = as_number("a", a), as_number("x0", x0), as_number("tol", tol)
    if a <= 0:
        raise ScanlabInputError(f"a must be > 0 (we take its square root), got {a:g}")
    if x0 <= 0:
        raise ScanlabInputError(f"x0 must be > 0 (Newton's step divides by it), got {x0:g}")
    if tol < 0:
        raise ScanlabInputError(f"tol must be >= 0, got {tol:g}")
    return a, x0, tol, as_count("max_steps", max_steps, minimum=1, maximum=MAX_STEPS)


def newton_sqrt(a: float, x0: float = 1.0, tol: float = 1e-10, max_steps: int = 50) -> np.ndarray:
    """The scan's iterates: one per step that ran (at most max_steps)."""
    a, x0, tol, max_steps = _newton_inputs(a, x0, tol, max_steps)
    return newton_function()(a, x0, tol, max_steps)


def newton_loop(a: float, x0: float = 1.0, tol: float = 1e-10, max_steps: int = 50) -> np.ndarray:
    """The same while-loop in Python: the check comes after each step, as with until."""
    a, x0, tol, max_steps = _newton_inputs(a, x0, tol, max_steps)
    iterates, x = [], x0
    for _ in range(max_steps):
        x_new = (x + a / x) / 2
        iterates.append(x_new)
        if abs(x_new - x) < tol:
            break
        x = x_new
    return np.array(iterates)


def describe_newton(a: float, tol: float, max_steps: int = 20, x0: float = 1.0) -> str:
    """Explorer leaf: the steps that ran, the result's shape, and why the loop stopped."""
    iterates = newton_sqrt(a, x0, tol, max_steps)
    a, x0, tol, max_steps = _newton_inputs(a, x0, tol, max_steps)
    previous = np.r_[x0, iterates[:-1]]
    lines = [f"sqrt({a:g}) from x0 = {x0:g}, tol = {tol:g}, n_steps = {max_steps} (a maximum)"]
    for i, (x, before) in enumerate(zip(iterates, previous, strict=True), start=1):
        # x padded to one width, so the |change| column lines up
        lines.append(f"step {i:2d}: x = {x:<15.12g}   |change| = {abs(x - before):.3g}")
    stopped = abs(iterates[-1] - previous[-1]) < tol
    why = "until(...) became true" if stopped else "n_steps ran out before until(...) was true"
    lines.append(f"result.shape = {iterates.shape}: {why}")
    lines.append(f"error of the last iterate: {abs(iterates[-1] - np.sqrt(a)):.3g}")
    return "\n".join(lines)


# --- go_backwards ------------------------------------------------------------------------------


def running_total_scan(x, go_backwards: bool):
    """A running total over x, walked forwards or backwards."""
    return pytensor.scan(
        fn=lambda x_t, total: total + x_t,
        sequences=[x],
        outputs_info=pt.zeros(()),
        go_backwards=go_backwards,
        return_updates=False,
    )


@compiled
def backwards_function() -> Function:
    """Compiled f(x) -> the running total of x walked from its end, in the order the steps ran."""
    x = pt.vector("x")
    return function([x], running_total_scan(x, go_backwards=True))


def backwards_total(x) -> np.ndarray:
    """Raw result of go_backwards=True: row i is x[-1] + ... + x[-1-i] (step order, not x order)."""
    return backwards_function()(as_vector("x", x))


def reverse_cumsum(x) -> np.ndarray:
    """Suffix sums aligned with x: element i is x[i] + ... + x[-1] (the raw result reversed)."""
    return backwards_total(x)[::-1]
