"""Chapter 10: scan inside PyMC, an AR(2) model with noise.

y[t] = phi1 * y[t-1] + phi2 * y[t-2] + sigma * noise[t], noise[t] ~ N(0, 1).

One step function serves every use of the recurrence:

- simulating paths: y[t-2], y[t-1] are prior results (`outputs_info` with taps [-2, -1]),
  the random generator is a prior result too, phi1, phi2, sigma are non-sequences;
- the model's likelihood: the same scan inside `pm.CustomDist(dist=...)`, from which PyMC
  derives the log-density;
- one-step-ahead forecasts: the observed values are a *sequence* with taps [-2, -1];
- out-of-sample forecasts: the simulation again, from the last two observations.

Paths are batched: init has shape (2, k), the parameters shape (k,), the result (n, k), one
column per path, so one compiled function draws any number of paths for any coefficients.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.executor import Function

from scanlab.checks import ScanlabInputError, as_count, as_number
from scanlab.compiled import compiled, function
from scanlab.machine import CacheWatch, cores, cpu_model, versions
from scanlab.sketch import COLORS, LineChart, series

TRUE_PHI1, TRUE_PHI2, TRUE_SIGMA = 0.6, -0.3, 0.5
DATA_SEED, DATA_LENGTH = 0, 200
MAX_STEPS = 10_000
MAX_PATHS = 10_000


# --- The step and the scan ---------------------------------------------------------------------


def ar2_step(y_tm2, y_tm1, rng, phi1, phi2, sigma):
    """One step: draw y[t] given y[t-2], y[t-1]; return it and the generator to use next."""
    import pymc as pm

    mu = phi1 * y_tm1 + phi2 * y_tm2
    next_rng, y = pm.Normal.dist(mu=mu, sigma=sigma, rng=rng, return_next_rng=True)
    return y, next_rng


def ar2_scan(init, phi1, phi2, sigma, n_steps, rng):
    """(values, last rng): n_steps values after the two in init."""
    values, last_rng = pytensor.scan(
        fn=ar2_step,
        outputs_info=[dict(initial=init, taps=[-2, -1]), rng],
        non_sequences=[phi1, phi2, sigma],
        n_steps=n_steps,
        return_updates=False,
    )
    return values, last_rng


def long_run_mode():
    """The default mode; under PyTensor's Python linker, without the `fusion` rewrite.

    The Python linker runs a fused elementwise `Composite` one element at a time in Python:
    for hundreds of paths over hundreds of steps that takes seconds, and unfused NumPy
    operations take milliseconds. The values are the same.
    """
    from pytensor.compile.mode import get_default_mode

    mode = get_default_mode()
    return mode.excluding("fusion") if pytensor.config.linker == "py" else mode


@compiled
def paths_function() -> Function:
    """Compiled f(init, phi1, phi2, sigma, n_steps, rng) -> values.

    init has shape (2, k), the coefficients (k,), values
    (n_steps, k). Everything is an input: one compile serves every
    setting.
    """
    init = pt.matrix("init")
    phi1 = pt.vector("phi1")
    phi2 = pt.vector("phi2")
    sigma = pt.vector("sigma")
    n_steps = pt.iscalar("n_steps")
    rng = pt.random.rng("rng")
    values, _ = ar2_scan(init, phi1, phi2, sigma, n_steps, rng)
    return function([init, phi1, phi2, sigma, n_steps, rng], values,
                    mode=long_run_mode())


def _paths_inputs(phi1, phi2, sigma, n_steps, start, k):
    k = as_count("k", k, minimum=1, maximum=MAX_PATHS)
    n_steps = as_count("n_steps", n_steps, minimum=1, maximum=MAX_STEPS)
    params = []
    for name, value in (("phi1", phi1), ("phi2", phi2), ("sigma", sigma)):
        array = np.asarray(value, dtype=np.float64)
        if array.ndim == 0:
            array = np.full(k, as_number(name, float(array)))
        if array.shape != (k,) or not np.all(np.isfinite(array)):
            raise ScanlabInputError(
                f"{name} must be a number or {k} finite numbers (one per path), got shape "
                f"{array.shape}"
            )
        params.append(array)
    if np.any(params[2] < 0):
        raise ScanlabInputError("sigma must be >= 0 (a standard deviation)")
    start = np.asarray(start, dtype=np.float64)
    if start.shape == (2,):
        start = np.tile(start[:, None], (1, k))
    if start.shape != (2, k) or not np.all(np.isfinite(start)):
        raise ScanlabInputError(
            f"start must hold the two starting values (shape (2,)) or one pair per path "
            f"(shape (2, {k})), got shape {start.shape}"
        )
    return start, *params, n_steps


def ar2_paths(phi1, phi2, sigma, n_steps: int, start=(0.0, 0.0),
              seed: int = 0, k: int = 1) -> np.ndarray:
    """k paths of n_steps values, shape (n_steps, k), by the scan.

    phi1, phi2, sigma: numbers (shared by all paths) or one value
    per path; start: the two starting values, or one pair per
    path. The noise comes from numpy's generator seeded with
    `seed`.
    """
    # checked, numbers spread to one value per path
    start, phi1, phi2, sigma, n_steps = _paths_inputs(
        phi1, phi2, sigma, n_steps, start, k
    )
    rng = np.random.default_rng(as_count("seed", seed))
    return paths_function()(start, phi1, phi2, sigma, n_steps, rng)


def ar2_loop(phi1, phi2, sigma, n_steps: int, start=(0.0, 0.0), seed: int = 0,
             k: int = 1) -> np.ndarray:
    """The same paths by a plain Python loop over steps (numpy draws k normals per step)."""
    start, phi1, phi2, sigma, n_steps = _paths_inputs(phi1, phi2, sigma, n_steps, start, k)
    rng = np.random.default_rng(as_count("seed", seed))
    y = [start[0], start[1]]
    for _ in range(n_steps):
        y.append(rng.normal(phi1 * y[-1] + phi2 * y[-2], sigma))
    return np.array(y[2:])


def simulated_data() -> np.ndarray:
    """The chapter's data: DATA_LENGTH values from the true parameters, starting at [0, 0]."""
    return ar2_paths(TRUE_PHI1, TRUE_PHI2, TRUE_SIGMA, DATA_LENGTH, seed=DATA_SEED)[:, 0]


# --- Stationarity --------------------------------------------------------------------------------


def is_stationary(phi1: float, phi2: float) -> bool:
    """Whether the AR(2) forgets its start: both roots of z**2 - phi1 z - phi2 inside |z| < 1.

    Equivalent to the triangle phi2 < 1 - phi1, phi2 < 1 + phi1, phi2 > -1.
    """
    phi1, phi2 = as_number("phi1", phi1), as_number("phi2", phi2)
    return phi1 + phi2 < 1 and phi2 - phi1 < 1 and phi2 > -1


def largest_root(phi1: float, phi2: float) -> float:
    """|largest root| of z**2 - phi1 z - phi2: paths grow like this number to the power t."""
    phi1, phi2 = as_number("phi1", phi1), as_number("phi2", phi2)
    return float(np.max(np.abs(np.roots([1.0, -phi1, -phi2]))))


UNIT_ROOT_TOLERANCE = 1e-9  # |largest root| this close to 1 counts as a unit root


def has_unit_root(phi1: float, phi2: float) -> bool:
    """Whether the largest |root| is 1: (phi1, phi2) on the edge of the stationary triangle.

    Paths then neither settle nor grow exponentially: they wander like a random walk (for a
    root at -1, such as phi1 = -1, phi2 = 0, it is (-1)**t * y[t] that wanders: y flips sign).
    """
    return abs(largest_root(phi1, phi2) - 1.0) <= UNIT_ROOT_TOLERANCE


def edge_growth(phi1: float, phi2: float) -> str:
    """How the spread of paths with a unit root grows with t: 't**1.5' for a double root of
    size 1 ((2, -1) or (-2, -1)), else '√t', a random walk's."""
    if not has_unit_root(phi1, phi2):
        raise ScanlabInputError(f"({phi1}, {phi2}) has no unit root")
    double = abs(phi1**2 + 4 * phi2) <= UNIT_ROOT_TOLERANCE  # the discriminant is 0
    return "t**1.5" if double else "√t"


TRIANGLE = ((-2.0, -1.0), (2.0, -1.0), (0.0, 1.0), (-2.0, -1.0))  # corners of the stationary region


# --- The PyMC model ------------------------------------------------------------------------------


def ar2_dist(init, phi1, phi2, sigma, n_steps, size):
    """CustomDist's `dist`: the scan, with a generator of its own threaded through outputs_info."""
    values, _ = ar2_scan(init, phi1, phi2, sigma, n_steps, pt.random.shared_rng(seed=None))
    return values


def ar2_model(data: Sequence[float], *, vectorised: bool = False):
    """The chapter's model: priors on phi1, phi2, sigma; likelihood of data[2:] given data[:2].

    vectorised=False: the scan inside `pm.CustomDist(dist=ar2_dist)` (PyMC derives the
    log-density from the scan). vectorised=True: the same likelihood with no loop.
    """
    import pymc as pm

    data = np.asarray(data, dtype=np.float64)
    if data.ndim != 1 or data.size < 3:
        raise ScanlabInputError(f"data must be a 1-d series of at least 3 values, got {data.shape}")
    with pm.Model() as model:
        phi1 = pm.Normal("phi1", 0.0, 0.5)
        phi2 = pm.Normal("phi2", 0.0, 0.5)
        sigma = pm.HalfNormal("sigma", 1.0)
        if vectorised:
            mu = phi1 * data[1:-1] + phi2 * data[:-2]
            pm.Normal("y", mu=mu, sigma=sigma, observed=data[2:])
        else:
            pm.CustomDist("y", data[:2], phi1, phi2, sigma, data.size - 2,
                          dist=ar2_dist, observed=data[2:])
    return model


def quiet_pymc() -> None:
    """Keep PyMC's warnings only: it logs progress ("Initializing NUTS ...") to stderr."""
    logging.getLogger("pymc").setLevel(logging.WARNING)


def sample_posterior(model, *, draws: int = 300, tune: int = 300, chains: int = 2,
                     seed: int = 42):
    """NUTS, small and reproducible: cores=1, seeded, no progress bar, no convergence log."""
    import pymc as pm

    quiet_pymc()
    return pm.sample(draws=draws, tune=tune, chains=chains, cores=1, random_seed=seed,
                     progressbar=False, compute_convergence_checks=False, model=model)


@dataclass(frozen=True)
class Interval:
    name: str
    mean: float
    low: float
    high: float
    true: float

    @property
    def covers(self) -> bool:
        return self.low <= self.true <= self.high


def posterior_intervals(idata, prob: float = 0.94,
                        truth: dict[str, float] | None = None) -> list[Interval]:
    """Mean and central `prob` interval of phi1, phi2, sigma over all chains and draws."""
    truth = truth or {"phi1": TRUE_PHI1, "phi2": TRUE_PHI2, "sigma": TRUE_SIGMA}
    tail = (1 - prob) / 2
    rows = []
    for name, true in truth.items():
        values = np.asarray(idata.posterior[name]).ravel()
        low, high = np.quantile(values, [tail, 1 - tail])
        rows.append(Interval(name, float(values.mean()), float(low), float(high), true))
    return rows


def posterior_table(intervals: Sequence[Interval], prob: float = 0.94) -> str:
    """The posterior summary against the true values, rounded to 2 decimals."""
    lines = [f"{'':6} {'true':>6} {'mean':>6}   {prob:.0%} interval"]
    for row in intervals:
        lines.append(f"{row.name:6} {row.true:6.2f} {row.mean:6.2f}   "
                     f"[{row.low:5.2f}, {row.high:5.2f}]")
    return "\n".join(lines)


# --- Log-density: scan against vectorised --------------------------------------------------------


def logp_dlogp_function(model, **compile_kwargs: Any) -> Any:
    """What NUTS compiles and calls: f(one vector of every value variable, in the order of
    `model.value_vars`) -> [logp, gradient]. PyMC's own method, so a graph compiled here is
    the one `pm.sample` builds again (chapter 10: its rewrites run again, and Numba's machine
    code is loaded from PyTensor's compile cache)."""
    return model.logp_dlogp_function(ravel_inputs=True, **compile_kwargs)


def first_call(call: Callable[[], Any]) -> tuple[Any, float]:
    """(result, seconds) of a call; for a new function this includes its compile."""
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def best_time(call: Callable[[], Any], number: int = 200, repeat: int = 5) -> float:
    """Seconds per call, the fastest of `repeat` batches of `number` calls (the least disturbed)."""
    from scanlab.performance import batch_times

    return min(batch_times(call, repeat=repeat, number=number))


def as_long(ratio: float) -> str:
    """'3.2 times as long as', 'about as long as' or 'a third as long as', from a time ratio."""
    if not (ratio > 0 and np.isfinite(ratio)):
        raise ScanlabInputError(f"a time ratio must be a positive number, got {ratio!r}")
    if 0.9 <= ratio <= 1.1:
        return "about as long as"
    if ratio > 1:
        return f"{ratio:.2g} times as long as"
    return f"{ratio:.2g} times as long as (that is, {1 / ratio:.2g} times faster than)"


def compare_sentence(per_call: dict[str, float], compile_seconds: dict[str, float],
                     start_up: float | None = None, cache: str | None = None) -> str:
    """The chapter's sentence comparing the scan's timings with the vectorised ones.

    start_up: the seconds of the trivial graph compiled before both (Numba's one-off
    start-up), said to be in neither compile time. cache: the compile cache's state for
    the run (CacheWatch.state()), said as chapter 8 says it: a cold cache's compile times
    are Numba compiling from scratch, a warm one's mostly rewrites and a load.
    """
    from scanlab.performance import cache_work

    run = per_call["scan"] / per_call["vectorised"]
    build = compile_seconds["scan"] / compile_seconds["vectorised"]
    text = (
        f"On this run, one call of the scan's log-density and gradient took **{as_long(run)}** "
        f"the vectorised one ({per_call['scan'] * 1e6:.0f} µs against "
        f"{per_call['vectorised'] * 1e6:.0f} µs), and compiling it took {as_long(build)} "
        f"compiling the vectorised one ({compile_seconds['scan']:.1f} s against "
        f"{compile_seconds['vectorised']:.1f} s)."
    )
    if cache is not None:
        text += (f" The compile cache was **{cache}** for this run: "
                 f"{cache_work(cache, 'both')}.")
    if start_up is not None:
        text += (f" Neither compile time includes Numba's one-off start-up ({start_up:.1f} s, "
                 "paid before both by one trivial graph).")
    return text


def machine(watch: CacheWatch | None = None) -> str:
    """Whose timings: CPU and cores, the versions they depend on, PyMC's included, and
    (given a watch started before the page's first compile) whether the cache was cold."""
    found = versions(("pytensor", "pymc", "numba", "numpy"))
    names = {"pytensor": "PyTensor", "pymc": "PyMC", "numba": "Numba", "numpy": "NumPy"}
    lines = [
        f"machine: {cpu_model()}, {cores()} cores",
        "versions: " + ", ".join(f"{names[p]} {v}" for p, v in found.items()),
    ]
    if watch is not None:
        lines.append(watch.describe())
    return "\n".join(lines)


# --- Forecasts -----------------------------------------------------------------------------------


def one_step_scan(observed, rng, phi1, phi2, sigma):
    """One-step-ahead draws: the same step, with y[t-2], y[t-1] read from the observed sequence."""
    draws, last_rng = pytensor.scan(
        fn=ar2_step,
        sequences=[dict(input=observed, taps=[-2, -1])],
        outputs_info=[None, rng],
        non_sequences=[phi1, phi2, sigma],
        return_updates=False,
    )
    return draws, last_rng


@compiled
def one_step_function() -> Function:
    """Compiled f(observed (T, 1), rng, phi1 (k,), phi2 (k,), sigma (k,)) -> (T - 2, k) draws.

    observed's 1 is static, so it broadcasts against the k parameter draws.
    """
    observed = pt.matrix("observed", shape=(None, 1))
    params = [pt.vector("phi1"), pt.vector("phi2"), pt.vector("sigma")]
    rng = pt.random.rng("rng")
    draws, _ = one_step_scan(observed, rng, *params)
    return function([observed, rng, *params], draws, mode=long_run_mode())


def posterior_draws(idata) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """phi1, phi2, sigma as flat arrays, one value per posterior draw (chains concatenated)."""
    return tuple(np.asarray(idata.posterior[n], dtype=np.float64).ravel()
                 for n in ("phi1", "phi2", "sigma"))


def one_step_forecast(observed, phi1, phi2, sigma, seed: int = 0) -> np.ndarray:
    """Draws of y[t] given the observed y[t-2], y[t-1], for t = 2 .. T-1: shape (T - 2, k)."""
    observed = np.asarray(observed, dtype=np.float64)
    phi1, phi2, sigma = (np.asarray(v, dtype=np.float64) for v in (phi1, phi2, sigma))
    return one_step_function()(observed[:, None], np.random.default_rng(seed), phi1, phi2, sigma)


def out_of_sample(observed, phi1, phi2, sigma, horizon: int, seed: int = 0) -> np.ndarray:
    """Paths continuing the observed series for `horizon` steps, one per parameter draw."""
    phi1 = np.asarray(phi1, dtype=np.float64)
    return ar2_paths(phi1, phi2, sigma, horizon, start=np.asarray(observed)[-2:], seed=seed,
                     k=phi1.size)


def band(paths: np.ndarray, prob: float = 0.9) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median and central `prob` band of paths (rows = time, columns = draws)."""
    tail = (1 - prob) / 2
    low, mid, high = np.quantile(paths, [tail, 0.5, 1 - tail], axis=1)
    return low, mid, high


# --- Explorer ------------------------------------------------------------------------------------

EXPLORER_PATHS, EXPLORER_STEPS, EXPLORER_SEED = 4, 50, 1


def describe_paths(phi1: float, phi2: float) -> SideBySide:
    """Explorer leaf: where (phi1, phi2) lies, and a few paths.

    sigma = 0.5 and the same seed for every setting, so only the
    coefficients change; one compiled function serves every setting.
    """
    phi1, phi2 = as_number("phi1", phi1), as_number("phi2", phi2)
    k, n = EXPLORER_PATHS, EXPLORER_STEPS
    paths = ar2_paths(
        phi1, phi2, TRUE_SIGMA, n, seed=EXPLORER_SEED, k=k
    )
    root = largest_root(phi1, phi2)
    if is_stationary(phi1, phi2):
        print(f"stationary: largest |root| {root:.2f} < 1, "
              "paths forget their start")
    elif has_unit_root(phi1, phi2):
        print("ON THE EDGE: largest |root| 1.00, a unit root:\n"
              "paths wander, their spread growing like "
              f"{edge_growth(phi1, phi2)}, not exponentially")
        if abs(1 + phi1 - phi2) <= UNIT_ROOT_TOLERANCE:  # root -1
            print("(a root at -1: (-1)**t * y[t] wanders, "
                  "so y zigzags)")
    else:
        print(f"NON-STATIONARY: largest |root| {root:.2f} >= 1,\n"
              f"paths grow like {root:.2f}**t "
              f"(y[{n + 1}] = {paths[-1, 0]:.3g} on path 1)")
    t = np.arange(2, n + 2)
    lines = tuple(
        series(f"path {j + 1}", t, paths[:, j], color=COLORS[j % 4])
        for j in range(k)
    )
    sign = "−" if phi2 < 0 else "+"  # "+ -0.9" reads badly
    first = f"{phi1:g}".replace("-", "−")  # the same minus sign
    title = (
        f"y[t] = {first}·y[t-1] {sign} {abs(phi2):g}·y[t-2] "
        "+ 0.5·noise"
    )
    chart = LineChart(title, lines, xlabel="t")
    return SideBySide((region_chart(phi1, phi2), chart))


@dataclass(frozen=True)
class SideBySide:
    """Charts shown in one row (wrapping on a narrow screen): one explorer output."""

    charts: tuple[LineChart, ...]

    def _repr_html_(self) -> str:
        return ('<div style="display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start">'
                + "".join(chart.svg() for chart in self.charts) + "</div>")

    def __repr__(self) -> str:
        return " ".join(repr(chart) for chart in self.charts)


def region_chart(phi1: float, phi2: float) -> LineChart:
    """The stationary triangle in the (phi1, phi2) plane, with the chosen point marked."""
    if is_stationary(phi1, phi2):
        label, color = "stationary", COLORS[0]
    elif has_unit_root(phi1, phi2):
        label, color = "on the edge (unit root)", COLORS[2]
    else:
        label, color = "non-stationary", COLORS[1]
    tx, ty = zip(*TRIANGLE, strict=True)
    return LineChart(
        "where (phi1, phi2) lies",
        (
            series("stationary region", tx, ty, color=COLORS[3]),
            series(label, [phi1], [phi2], color=color, line=False, marker="hollow"),
        ),
        xlabel="phi1", ylabel="phi2", width=220, height=170,
    )
