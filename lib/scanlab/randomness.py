"""Chapter 6: random numbers inside a loop (a random walk).

A random generator in PyTensor 3.3 is a value like any other: a draw takes a generator and
gives back a new one, `next_rng, draw = rng.normal()`. Drawing again from the *same*
generator gives the same number. So:

- the generator as a non-sequence (what stays the same every step) gives every step the
  same draw: the walk moves by the same amount each time;
- the generator in `outputs_info` (a prior result) gives each step the generator the step
  before returned, so every step draws a new number.

The generator is an input of the compiled function (`pt.random.rng`), so one compiled
function serves every seed: pass `np.random.default_rng(seed)`.
"""

from __future__ import annotations

from typing import Literal

import matplotlib.pyplot as plt
import numpy as np
import pytensor
import pytensor.tensor as pt
from matplotlib.figure import Figure
from pytensor.compile.executor import Function

from scanlab.checks import as_count, one_of
from scanlab.compiled import compiled, function
from scanlab.sketch import COLORS, LineChart, series

Threading = Literal["outputs_info", "non_sequence"]
THREADINGS: tuple[Threading, ...] = ("outputs_info", "non_sequence")
MAX_STEPS = 1_000_000
# The explorer draws two walks per setting while a reader types: longer walks lag behind.
EXPLORER_MAX_STEPS = 10_000
MAX_SEED = 2**32 - 1


def walk_scan(rng, n_steps):
    """The right way: the generator is a prior result.

    Returns (positions, last generator).
    """

    def step(position, rng):  # prior results, in outputs_info order
        next_rng, move = rng.normal()
        return position + move, next_rng

    positions, last_rng = pytensor.scan(
        fn=step,
        outputs_info=[pt.zeros(()), rng],
        n_steps=n_steps,
        return_updates=False,
    )
    return positions, last_rng


def repeating_walk_scan(rng, n_steps):
    """The trap: the generator is a non-sequence.

    Every step draws from the same state.
    """

    def step(position, rng):  # prior result, then the non-sequence
        _unused_next_rng, move = rng.normal()
        return position + move

    return pytensor.scan(
        fn=step,
        outputs_info=[pt.zeros(())],
        non_sequences=[rng],
        n_steps=n_steps,
        return_updates=False,
    )


@compiled
def walk_function(
    threading: Threading = "outputs_info",
) -> Function:
    """Compiled f(generator, n_steps) for one way of threading.

    "outputs_info": (positions, next generator); "non_sequence":
    positions alone. The generator is an ordinary input (not
    mutated: the caller's generator is unchanged), so any seed runs
    through the same compiled function.
    """
    one_of("threading", threading, THREADINGS)
    rng = pt.random.rng("rng")
    n_steps = pt.iscalar("n_steps")
    if threading == "outputs_info":
        positions, last_rng = walk_scan(rng, n_steps)
        return function([rng, n_steps], [positions, last_rng])
    positions = repeating_walk_scan(rng, n_steps)
    return function([rng, n_steps], positions)


def _generator(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(as_count("seed", seed, minimum=0, maximum=MAX_SEED))


def random_walk_with_rng(seed, n_steps: int) -> tuple[np.ndarray, np.random.Generator]:
    """Positions after each of n_steps N(0, 1) moves, and the generator to continue from.

    seed: a whole number, or a numpy Generator (which is left unchanged).
    """
    n_steps = as_count("n_steps", n_steps, minimum=1, maximum=MAX_STEPS)
    positions, next_rng = walk_function("outputs_info")(_generator(seed), n_steps)
    return positions, next_rng


def random_walk(seed, n_steps: int) -> np.ndarray:
    """Positions of the walk (shape (n_steps,)); the start, 0, is not in the result."""
    return random_walk_with_rng(seed, n_steps)[0]


def repeating_walk(seed, n_steps: int) -> np.ndarray:
    """The walk with the generator as a non-sequence: every move is the same number."""
    n_steps = as_count("n_steps", n_steps, minimum=1, maximum=MAX_STEPS)
    return walk_function("non_sequence")(_generator(seed), n_steps)


def numpy_walk(seed, n_steps: int) -> np.ndarray:
    """The reference: numpy draws n_steps normals from the same seed and adds them up."""
    n_steps = as_count("n_steps", n_steps, minimum=1, maximum=MAX_STEPS)
    return np.cumsum(_generator(seed).normal(size=n_steps))


def moves(positions) -> np.ndarray:
    """The move of each step: positions minus the prior position (the walk starts at 0)."""
    positions = np.asarray(positions, dtype=np.float64)
    return np.diff(positions, prepend=0.0)


def walk_figure(seed: int, n_steps: int) -> Figure:
    """Both walks for one seed: generator threaded through outputs_info vs as a non-sequence."""
    good = random_walk(seed, n_steps)
    bad = repeating_walk(seed, n_steps)
    t = np.arange(0, n_steps + 1)
    fig, ax = plt.subplots(figsize=(3.9, 2.1))
    ax.plot(t, np.r_[0.0, good], lw=1, color="C0", label="rng in outputs_info")
    ax.plot(t, np.r_[0.0, bad], lw=1, ls="--", color="C3", label="rng as non-sequence")
    ax.axhline(0, color="0.8", lw=0.8)
    ax.set_xlabel("step", fontsize=8)
    ax.set_ylabel("position", fontsize=8)
    ax.set_title(f"seed {seed}, {n_steps} steps: end at {good[-1]:.3f}", fontsize=9)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6, loc="best")
    fig.tight_layout()
    return fig


def describe_walk(seed: int, n_steps: int) -> LineChart:
    """Explorer leaf: both walks as an SVG chart.

    The same two compiled functions serve every leaf. A live kernel
    redraws the chart for every setting a reader types, so n_steps
    is at most EXPLORER_MAX_STEPS: longer walks keep them waiting.
    """
    n_steps = as_count(
        "n_steps", n_steps, minimum=1, maximum=EXPLORER_MAX_STEPS
    )
    good = random_walk(seed, n_steps)
    bad = repeating_walk(seed, n_steps)
    t = np.arange(0, n_steps + 1)
    # The y-axis follows the real walk; the dashed line is cut where
    # it leaves that band, so a straight line of 1000 equal moves
    # does not squash the walk flat.
    low, high = min(0.0, good.min()), max(0.0, good.max())
    margin = 0.1 * ((high - low) or 1.0)
    return LineChart(
        f"seed {seed}, {n_steps} steps: end at {good[-1]:.3f}",
        (
            series(
                "rng in outputs_info", t, np.r_[0.0, good],
                color=COLORS[0],
            ),
            series(
                "rng as non-sequence", t, np.r_[0.0, bad],
                color=COLORS[1], dashed=True,
            ),
        ),
        xlabel="step",
        ylabel="position",
        width=560,
        height=300,
        legend="below",
        y_range=(low - margin, high + margin),
    )
