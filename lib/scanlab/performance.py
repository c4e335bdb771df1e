"""Chapter 8: when to use scan, measured on the reader's machine.

The same computation written four ways:

- `scan`: one `pytensor.scan` whose length is symbolic (one graph for every size);
- `vectorised`: a whole-array PyTensor expression, when one exists (`pt.cumsum`, `A**k`);
- `unrolled`: a Python loop that builds one PyTensor op per step (one graph per length, and
  the graph, its rewrites and its compile grow with the length);
- `numpy`: plain NumPy (or a plain Python loop when no NumPy expression exists).

Three computations, from "has a one-line closed form" to "needs a loop":
`cumsum` (x_t + prior result), `power` (prior result * A, k steps: chapter 1) and
`recurrence` (tanh(a * prior result + x_t): no vectorised form).

Timings: `build_s` is `pytensor.function` (graph rewrites), `first_call_s` the first call
(the Numba compile, or a load from the on-disk cache `~/.pytensor` on a second run),
`run_s` the median of repeated later calls. Every way's result is checked against NumPy
before it is timed, so a fast wrong answer cannot win.

Each graph is compiled once and reused for every size (sizes are inputs); long measurements
report what they are doing through a `progress` callback (`ProgressLine` in a notebook).
"""

from __future__ import annotations

import importlib.util
import math
import statistics
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field
from typing import Any, Literal

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.executor import Function

from scanlab.announce import CellNote
from scanlab.checks import ScanlabInputError, as_count, one_of
from scanlab.compiled import function, on_python_linker, scan_loops
from scanlab.logp import arguments, check, forms, logp_function, way_name

Computation = Literal["cumsum", "power", "recurrence"]
Way = Literal["scan", "vectorised", "unrolled", "numpy"]
COMPUTATIONS: tuple[Computation, ...] = ("cumsum", "power", "recurrence")
WAYS: tuple[Way, ...] = ("scan", "vectorised", "unrolled", "numpy")
DESCRIPTIONS: dict[str, str] = {
    "cumsum": "cumulative sum: prior result + x_t",
    "power": "A**k: prior result * A, k steps (len(A) = 100)",
    "recurrence": "h_t = tanh(0.9 * prior result + x_t)",
}
POWER_LENGTH = 100  # len(A): the loop length is k, the size we vary
# A is drawn from [POWER_LOW, 1): A**k >= 0.9999**1_000_000 ~ 4e-44 stays a normal float
# for every allowed k (MAX_SIZE). Smaller A would underflow into subnormals or 0 at large
# k, and subnormal arithmetic is many times slower on x86: the timings would measure that.
POWER_LOW = 0.9999
DECAY = 0.9  # the recurrence's constant: tanh(0.9 * prior + x_t)
MAX_UNROLLED = 1000  # beyond this an unrolled graph takes minutes to build
MAX_SIZE = 1_000_000
NO_MODE = "-"  # NumPy rows: no PyTensor mode involved
PYTHON_LINKER = "PY"  # linker="py", cxx="": the name `_mode_name` gives that setting


# --- timing helpers -------------------------------------------------------------------


def batch_times(call: Callable[[], Any], repeat: int = 5, number: int = 1) -> list[float]:
    """Seconds per call in each of `repeat` batches of `number` back-to-back calls."""
    repeat = as_count("repeat", repeat, minimum=1)
    number = as_count("number", number, minimum=1)
    if not callable(call):
        raise ScanlabInputError(f"call must be callable, got {type(call).__name__}")
    batches = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            call()
        batches.append((time.perf_counter() - start) / number)
    return batches


def interleaved_best(calls: Sequence[Callable[[], Any]], rounds: int = 15) -> list[float]:
    """Fastest seconds per call of each of `calls`, timed in turns (a, b, a, b, ...).

    A busy machine slows whatever runs while it is busy; taking turns spreads that over
    every call, so a comparison of two calls holds even when other programs run.
    """
    rounds = as_count("rounds", rounds, minimum=1)
    for call in calls:
        if not callable(call):
            raise ScanlabInputError(f"calls must be callable, got {type(call).__name__}")
    best = [math.inf] * len(calls)
    for _ in range(rounds):
        for i, call in enumerate(calls):
            start = time.perf_counter()
            call()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def median_time(call: Callable[[], Any], repeat: int = 5, number: int = 1) -> float:
    """Median over `repeat` batches of the seconds one call takes (each batch: `number` calls)."""
    return statistics.median(batch_times(call, repeat, number))


def first_call_time(call: Callable[[], Any]) -> tuple[Any, float]:
    """(result, seconds) of one call: for a fresh PyTensor function, this includes the compile."""
    if not callable(call):
        raise ScanlabInputError(f"call must be callable, got {type(call).__name__}")
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def calls_per_batch(call: Callable[[], Any], target: float = 0.005, limit: int = 1000) -> int:
    """How many calls make a batch of about `target` seconds (fast calls need batching).

    Calibrated on the fastest of three calls, so one call slowed by a busy machine does not
    shrink every batch to a single, noisy call.
    """
    once = min(first_call_time(call)[1] for _ in range(3))
    return max(1, min(limit, int(target / max(once, 1e-9))))


_warm: list[bool] = []


def warm_up(progress: Callable[[str], None] | None = None) -> None:
    """Compile and call one trivial graph, so the first timed graph does not pay for the
    process's one-off start-up (imports, linker set-up). Runs once per process."""
    if not _warm:
        if progress is not None:
            progress("compiling one trivial graph first (the backend's one-off start-up)")
        x = pt.vector("x")
        function([x], x + 1.0)(np.zeros(2))
        _warm.append(True)


# --- the computations, four ways ------------------------------------------------------


def inputs(computation: Computation, n: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    """The arguments for size n: a sequence of n values, or (A, k=n) for power.

    power's A is drawn from [POWER_LOW, 1), so A**k never underflows (see POWER_LOW).
    """
    one_of("computation", computation, COMPUTATIONS)
    n = as_count("n", n, minimum=1, maximum=MAX_SIZE)
    rng = np.random.default_rng(as_count("seed", seed))
    if computation == "power":
        return (rng.uniform(POWER_LOW, 1.0, POWER_LENGTH), np.int32(n))
    return (rng.uniform(-1.0, 1.0, n),)


def numpy_version(computation: Computation) -> Callable[..., np.ndarray]:
    """Plain NumPy (a Python loop for the recurrence, which has no array form)."""
    one_of("computation", computation, COMPUTATIONS)
    if computation == "cumsum":
        return np.cumsum
    if computation == "power":
        return lambda A, k: A**k

    def recurrence(x: np.ndarray) -> np.ndarray:
        out, h = np.empty_like(x), 0.0
        for t, x_t in enumerate(x):
            h = math.tanh(DECAY * h + x_t)
            out[t] = h
        return out

    return recurrence


def has_way(computation: Computation, way: Way) -> bool:
    """False only for (recurrence, vectorised): no whole-array expression exists."""
    one_of("computation", computation, COMPUTATIONS)
    one_of("way", way, WAYS)
    return not (computation == "recurrence" and way == "vectorised")


def cumsum_step(x_t, prior_result):
    """One step of cumsum: the running total."""
    return prior_result + x_t


def recurrence_step(x_t, prior_result):
    """One step of the recurrence (DECAY is 0.9)."""
    return pt.tanh(DECAY * prior_result + x_t)


def step_function(computation: Computation):
    """fn of the scan way; the unrolled way calls it n times."""
    steps = {"cumsum": cumsum_step, "recurrence": recurrence_step}
    return steps[computation]


def scan_graph(computation: Computation):
    """(inputs, output) of the scan way: one graph, any length."""
    if computation == "power":
        A, k = pt.vector("A"), pt.iscalar("k")
        result = pytensor.scan(
            fn=lambda prior_result, A: prior_result * A,
            outputs_info=pt.ones(A.shape),
            non_sequences=[A],
            n_steps=k,
            return_updates=False,
        )
        return [A, k], result[-1]
    x = pt.vector("x")
    result = pytensor.scan(
        fn=step_function(computation),
        sequences=[x],
        outputs_info=pt.zeros(()),
        return_updates=False,
    )
    return [x], result


def vectorised_graph(computation: Computation):
    """(inputs, output) without a loop (recurrence has none)."""
    if computation == "power":
        A, k = pt.vector("A"), pt.iscalar("k")
        return [A, k], A**k
    x = pt.vector("x")
    return [x], pt.cumsum(x)


def unrolled_graph(computation: Computation, n: int):
    """(inputs, output) of n steps written out by a Python loop.

    n is fixed when the graph is built: one op per step.
    """
    if computation == "power":
        A = pt.vector("A")
        # accepted so every way takes the same arguments; n is fixed
        k = pt.iscalar("k")
        result = pt.ones(A.shape)
        for _ in range(n):
            result = result * A
        return [A, k], result
    x = pt.vector("x", shape=(n,))
    step = step_function(computation)
    prior, steps = pt.zeros(()), []
    for t in range(n):
        prior = step(x[t], prior)
        steps.append(prior)
    return [x], pt.stack(steps)


def build(
    computation: Computation, way: Way, n: int | None = None, mode: str | None = None
) -> Function:
    """A freshly compiled PyTensor function (NOT memoised: chapter 8 times the compile).

    `n` is needed only for `unrolled`, whose graph has n fixed steps. `mode` is a PyTensor
    mode name, None for the configured default, or `PYTHON_LINKER`.
    """
    one_of("computation", computation, COMPUTATIONS)
    one_of("way", way, ("scan", "vectorised", "unrolled"))
    if not has_way(computation, way):
        raise ScanlabInputError(f"{computation} has no {way} form: its step needs the prior result")
    if way == "unrolled":
        if n is None:
            raise ScanlabInputError("n is needed for an unrolled graph (one op per step)")
        n = as_count("n", n, minimum=1, maximum=MAX_UNROLLED)
        ins, out = unrolled_graph(computation, n)
    elif way == "scan":
        ins, out = scan_graph(computation)
    else:
        ins, out = vectorised_graph(computation)
    if mode == PYTHON_LINKER:
        # not a named mode: the setting most of the book uses, with no C helpers either
        with on_python_linker():
            return function(ins, out, on_unused_input="ignore")
    return function(ins, out, mode=mode, on_unused_input="ignore")


# --- measurements ---------------------------------------------------------------------


@dataclass(frozen=True)
class CompileTime:
    """Compiling one graph: build (rewrites) plus first call (Numba compile or cache load)."""

    computation: str
    way: str
    n: int | None  # None: one graph serves every size (symbolic length)
    mode: str
    build_s: float
    first_call_s: float
    nodes: int = 0  # apply nodes in the compiled graph
    loops: tuple[str, ...] = ()  # the Scan loops left in it (`scanlab.compiled.scan_loops`)

    @property
    def total_s(self) -> float:
        return self.build_s + self.first_call_s


@dataclass(frozen=True)
class RunTime:
    """Seconds per call after the first call: the median batch, and the fastest batch.

    On a shared machine other programs slow some batches down; the fastest batch is the one
    they disturbed least, so comparisons that must hold (the chapter's asserts) use `best`.
    """

    computation: str
    way: str
    n: int
    mode: str
    seconds: float  # median
    best: float


@dataclass
class Benchmark:
    """Every measurement of one run, and the questions a reader asks of them."""

    compile_times: list[CompileTime] = field(default_factory=list)
    run_times: list[RunTime] = field(default_factory=list)
    # the compiled functions, by (computation, way, n, mode), for checks that re-time them
    functions: dict[tuple, Function] = field(default_factory=dict, repr=False)

    def run_time(
        self, computation: str, way: str, n: int, mode: str = "NUMBA", best: bool = False
    ) -> float:
        """Median seconds per call (best=True: the fastest batch's)."""
        for r in self.run_times:
            if (r.computation, r.way, r.n) == (computation, way, n) and (
                r.mode == mode or way == "numpy"
            ):
                return r.best if best else r.seconds
        raise KeyError(f"no run time for {computation}, {way}, n={n}, {mode}")

    def compile_time(
        self, computation: str, way: str, n: int | None = None, mode: str = "NUMBA"
    ) -> CompileTime:
        for c in self.compile_times:
            if (c.computation, c.way, c.n, c.mode) == (computation, way, n, mode):
                return c
        raise KeyError(f"no compile time for {computation}, {way}, n={n}, {mode}")

    def ratio(
        self, computation: str, slower: str, faster: str, n: int, best: bool = False
    ) -> float:
        """run time of `slower` / run time of `faster` at size n (> 1: `faster` wins)."""
        return self.run_time(computation, slower, n, best=best) / self.run_time(
            computation, faster, n, best=best
        )

    def sizes(self, computation: str, way: str, mode: str = "NUMBA") -> list[int]:
        key = (computation, way, mode)
        return sorted({r.n for r in self.run_times if (r.computation, r.way, r.mode) == key})

    def table(
        self, modes: Sequence[str] | None = None, sizes: Sequence[int] | None = None
    ) -> str:
        """Run times as a text table: one row per (computation, way), one column per size.

        `modes` keeps only those PyTensor modes (NumPy rows have mode NO_MODE); `sizes`
        only those columns (default: every size measured).
        """
        kept = [r for r in self.run_times if modes is None or r.mode in modes]
        kept = [r for r in kept if sizes is None or r.n in sizes]
        sizes = sorted({r.n for r in kept})
        rows = list(dict.fromkeys((r.computation, r.way, r.mode) for r in kept))
        width = max([3, *(len(way_label(way, mode)) for _, way, mode in rows)])
        header = f"{'computation':<12}{'way':<{width + 1}}" + "".join(
            f"{f'n={n}':>9}" for n in sizes
        )
        lines = [header, "-" * len(header)]
        for computation, way, mode in rows:
            cells = []
            for n in sizes:
                try:
                    cells.append(f"{format_seconds(self.run_time(computation, way, n, mode)):>9}")
                except KeyError:
                    cells.append(f"{'-':>9}")
            label = way_label(way, mode)
            lines.append(f"{computation:<12}{label:<{width + 1}}" + "".join(cells))
        return "\n".join(lines)

    def compile_table(self, modes: Sequence[str] | None = None) -> str:
        """Compile times as a text table, one row per compiled graph (of `modes`, if given)."""
        kept = [c for c in self.compile_times if modes is None or c.mode in modes]
        width = max([3, *(len(way_label(c.way, c.mode)) for c in kept)])
        header = (
            f"{'computation':<12}{'way':<{width + 1}}{'steps':>5}"
            f"{'build':>9}{'1st call':>9}{'total':>9}{'nodes':>7}"
        )
        lines = [header, "-" * len(header)]
        for c in kept:
            steps = "any" if c.n is None else str(c.n)
            lines.append(
                f"{c.computation:<12}{way_label(c.way, c.mode):<{width + 1}}{steps:>5}"
                f"{format_seconds(c.build_s):>9}{format_seconds(c.first_call_s):>9}"
                f"{format_seconds(c.total_s):>9}{c.nodes:>7}"
            )
        return "\n".join(lines)


def way_label(way: str, mode: str) -> str:
    """'scan' for the default (Numba) mode and NumPy, 'scan (CVM)' for another mode."""
    return way if mode in ("NUMBA", NO_MODE) else f"{way} ({mode})"


def format_seconds(seconds: float) -> str:
    """'12.3 s', '45.6 ms', '7.8 µs': three significant figures for a table."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def how_much(seconds: float, than: float, close: float = 0.05) -> str:
    """A comparison of two measured times, for a sentence printed from the numbers:
    '3.2 times faster than', '1.4 times slower than', or 'about as fast as' (within 5%)."""
    if seconds <= 0 or than <= 0:
        raise ScanlabInputError(f"times must be > 0, got {seconds} and {than}")
    ratio = seconds / than
    if abs(ratio - 1) <= close:
        return "about as fast as"
    if ratio < 1:
        return f"{1 / ratio:.1f} times faster than"
    return f"{ratio:.1f} times slower than"


def cache_work(state: str, graphs: str = "it") -> str:
    """What a compile did, given the cache's state (CacheWatch.state()): 'Numba compiled it
    from scratch' (cold), 'mostly rewrites and a load from the cache' (warm), or, partly
    warm, that the cache held files (from other pages or runs) and the run added new ones.
    For the sentences printed under timing runs."""
    one_of("the cache state", state, ("cold", "warm", "partly warm"))
    return {
        "cold": f"Numba compiled {graphs} from scratch",
        "warm": "mostly rewrites and a load from the cache",
        "partly warm": (
            "the cache already held files and this run added new ones, so Numba "
            "compiled every graph the cache did not hold"
        ),
    }[state]


def _check(computation: Computation, result, args: tuple, label: str) -> None:
    expected = numpy_version(computation)(*args)
    if not np.allclose(result, expected, rtol=1e-10, atol=1e-12):
        raise AssertionError(f"{label} disagrees with NumPy")


def _mode_name(mode: str | None) -> str:
    """The mode's name for the tables; None is the configured default (normally Numba)."""
    if mode is not None:
        return mode
    linker = pytensor.config.linker
    return "NUMBA" if linker in ("auto", "numba") else linker.upper()


Progress = Callable[[str], None]


def _say(progress: Progress | None, text: str) -> None:
    if progress is not None:
        progress(text)


def _compile(
    bench: Benchmark, label: tuple[str, str, int | None, str], make: Callable[[], Function],
    first_args: tuple,
) -> Function:
    """Build with `make`, make the first call, record both times and the node count."""
    start = time.perf_counter()
    f = make()
    build_s = time.perf_counter() - start
    _, first_s = first_call_time(lambda: f(*first_args))
    nodes = len(f.maker.fgraph.apply_nodes)
    loops = tuple(scan_loops(f))
    bench.compile_times.append(CompileTime(*label, build_s, first_s, nodes, loops))
    bench.functions[label] = f
    return f


def _time(
    bench: Benchmark, label: tuple[str, str, int, str], call: Callable[[], Any], repeat: int
) -> None:
    batches = batch_times(call, repeat, calls_per_batch(call))
    bench.run_times.append(RunTime(*label, statistics.median(batches), min(batches)))


def measure(
    computation: Computation,
    ways: Sequence[Way] = WAYS,
    sizes: Sequence[int] = (10, 100, 1000),
    unrolled_sizes: Sequence[int] = (10, 50, 100),
    repeat: int = 7,
    mode: str | None = None,
    into: Benchmark | None = None,
    progress: Progress | None = None,
) -> Benchmark:
    """Compile and time `computation` every way in `ways`; results are added to `into`.

    One compile per graph: the scan and vectorised graphs serve every size in `sizes`;
    an unrolled graph exists per length in `unrolled_sizes` (empty: no unrolled rows).
    """
    one_of("computation", computation, COMPUTATIONS)
    for way in ways:
        one_of("way", way, WAYS)
    sizes = [as_count("sizes", n, minimum=1, maximum=MAX_SIZE) for n in sizes]
    unrolled_sizes = [
        as_count("unrolled_sizes", n, minimum=1, maximum=MAX_UNROLLED) for n in unrolled_sizes
    ]
    bench = Benchmark() if into is None else into
    _latest[:] = [bench]
    warm_up(progress)
    mode_name = _mode_name(mode)

    def timed(call: Callable[[], Any], way: str, n: int, args: tuple) -> None:
        _check(computation, call(), args, f"{computation} by {way} (n={n})")
        shown_mode = NO_MODE if way == "numpy" else mode_name
        _time(bench, (computation, way, n, shown_mode), call, repeat)

    for way in ways:
        if not has_way(computation, way):
            continue
        if way == "numpy":
            if mode is not None:
                continue  # NumPy has no PyTensor mode
            _say(progress, f"{computation}: timing NumPy at {len(sizes)} sizes")
            reference = numpy_version(computation)
            for n in sizes:
                args = inputs(computation, n)
                timed(lambda reference=reference, args=args: reference(*args), way, n, args)
            continue
        graph_sizes = unrolled_sizes if way == "unrolled" else [None]
        for graph_n in graph_sizes:
            steps = "any length" if graph_n is None else f"{graph_n} steps"
            _say(progress, f"{computation}: compiling the {way} graph ({steps}, {mode_name})")
            f = _compile(
                bench,
                (computation, way, graph_n, mode_name),
                lambda graph_n=graph_n, way=way: build(computation, way, graph_n, mode),
                inputs(computation, graph_n or sizes[0]),
            )
            _say(progress, f"{computation}: timing the {way} graph ({mode_name})")
            for n in [graph_n] if graph_n is not None else sizes:
                args = inputs(computation, n)
                timed(lambda f=f, args=args: f(*args), way, n, args)
    return bench


def measure_gradients(
    sizes: Sequence[int] = (10, 100, 1000),
    repeat: int = 7,
    into: Benchmark | None = None,
    progress: Progress | None = None,
) -> Benchmark:
    """Time what a sampler calls: each log-density of `scanlab.logp` with its gradient
    (and the latent one also without), one compiled function per form for every size.

    Rows are recorded with computation = the model ('ar1', 'latent') and way = e.g.
    'scan + grad'; every function is checked (value against NumPy, gradient against
    finite differences) before it is timed.
    """
    sizes = [as_count("sizes", n, minimum=2, maximum=MAX_SIZE) for n in sizes]
    bench = Benchmark() if into is None else into
    warm_up(progress)
    mode_name = _mode_name(None)  # the default mode compiles them
    for model, form, gradient in forms():
        way = way_name(form, gradient)
        _say(progress, f"{model} log-density: compiling {way}")
        f = _compile(
            bench,
            (model, way, None, mode_name),
            lambda model=model, form=form, gradient=gradient: logp_function(model, form, gradient),
            arguments(model, 2),
        )
        check(model, f, gradient=gradient)
        _say(progress, f"{model} log-density: timing {way} at {len(sizes)} sizes")
        for n in sizes:
            args = arguments(model, n)
            _time(bench, (model, way, n, mode_name), lambda f=f, args=args: f(*args), repeat)
    return bench


class ProgressLine:
    """One line in a notebook saying what a long cell is doing, replaced in place as the
    work moves on, and removed when the cell ends (a `scanlab.announce.CellNote`: nothing of
    it is stored). Keep such a cell to the measurement: removing the line clears the cell.

        with ProgressLine() as progress:
            measure(..., progress=progress)
    """

    def __init__(self) -> None:
        self._note: CellNote | None = None

    def __call__(self, text: str) -> None:
        if self._note is None:
            from IPython import get_ipython

            shell = get_ipython()
            if shell is None:
                return  # not in IPython: nowhere to show it
            self._note = CellNote(shell.display_pub)
            self._note.open()
        self._note.show(f"working: {text} ...")

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._note is not None:
            self._note.close()
            self._note = None


# --- backends -------------------------------------------------------------------------


@dataclass(frozen=True)
class Backend:
    """A PyTensor mode: does it run scan, and if not, why not (missing here, or never)?"""

    mode: str
    needs: str  # the Python package (or tool) it needs
    can: str
    cannot: str
    available: bool
    status: str  # what happened when this page tried it

    @property
    def verdict(self) -> str:
        if self.available:
            return "runs scan here"
        if self.status.endswith("is not installed"):
            return "not installed here"
        return "cannot run scan"

    def __str__(self) -> str:
        lines = [f"{self.mode} ({self.verdict})"]
        for label, text in (("tried", self.status), ("can", self.can), ("cannot", self.cannot)):
            lines += textwrap.wrap(
                f"{label}: {text}",
                width=66,
                initial_indent="  ",
                subsequent_indent="    ",
                break_on_hyphens=False,
            )
        return "\n".join(lines)


@contextmanager
def perform_calls(op_class: type) -> Iterator[list[int]]:
    """Count the calls of `op_class`'s Python `perform` inside the block (the list's length):
    what runs as Python code, not compiled. A function binds `perform` when it is built, so
    build it inside the block too. `_BACKENDS`'s sentences on where a step runs rest on it."""
    calls: list[int] = []
    own = vars(op_class).get("perform")
    original = op_class.perform
    op_class.perform = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        yield calls
    finally:
        if own is None:
            del op_class.perform  # it was inherited: inherit it again
        else:
            op_class.perform = own


_BACKENDS: tuple[tuple[str, str, str, str], ...] = (
    (
        "NUMBA",
        "numba",
        "the default: compiles the whole graph, Scan included, to machine code; caches it on disk",
        "start fast: each new graph's first call compiles; check that n_steps "
        "fits the sequences (chapter 2)",
    ),
    (
        "CVM",
        "a C++ compiler",
        "runs the ops inside each step as compiled C; steps through the loop in Cython",
        "turn the loop itself into one compiled function: per-step overhead stays",
    ),
    (
        "C",
        "a C++ compiler",
        "compiles a graph whose every op has C code into one C module",
        "compile Scan on any machine: the Scan op has no C implementation",
    ),
    (
        "FAST_COMPILE",
        "nothing",
        "start fast once its C helpers are compiled and cached (few rewrites, the loop in "
        "Python): handy to debug a loop",
        "run fast: the loop itself runs in Python, calling the step's ops (compiled C, with a "
        "C compiler) once per step",
    ),
    (
        PYTHON_LINKER,
        "nothing",
        'the Python linker (linker="py", cxx=""), which most of this book uses: no C or '
        "machine code is generated, so starting costs only the rewrites",
        "run fast: the loop itself, and every op of every step, runs in Python",
    ),
    ("JAX", "jax", "compile graphs with JAX (XLA)", "be tried on this page: jax is not installed"),
    ("PYTORCH", "torch", "compile graphs with PyTorch",
     "be tried on this page: torch is not installed"),
    ("MLX", "mlx", "compile graphs with Apple's MLX",
     "be tried on this page: mlx is not installed"),
)
MODES: tuple[str, ...] = tuple(mode for mode, *_ in _BACKENDS)  # PyTensor's named ones + PY


def backends(
    computation: Computation = "cumsum",
    n: int = 100,
    sizes: Sequence[int] = (),
    repeat: int = 7,
    into: Benchmark | None = None,
    progress: Progress | None = None,
) -> list[Backend]:
    """Try `computation` as a scan in every predefined PyTensor mode, and on the Python
    linker (`PYTHON_LINKER`), and report what happened.

    A mode whose package is missing is reported from `importlib.util.find_spec`, not run.
    With `into`, each mode that runs is also timed (compile, and run time at `sizes`)
    from the same compiled function, so no mode is compiled twice.
    """
    one_of("computation", computation, COMPUTATIONS)
    sizes = [as_count("sizes", s, minimum=1, maximum=MAX_SIZE) for s in sizes]
    args = inputs(computation, n)
    expected = numpy_version(computation)(*args)
    bench = Benchmark() if into is None else into
    report = []
    for mode, needs, can, cannot in _BACKENDS:
        package = needs if needs in ("numba", "jax", "torch", "mlx") else None
        if package and importlib.util.find_spec(package) is None:
            report.append(Backend(mode, needs, can, cannot, False, f"{package} is not installed"))
            continue
        _say(progress, f"backends: compiling the {computation} scan in mode {mode}")
        label = (computation, "scan", None, mode)
        try:
            if label in bench.functions:
                f = bench.functions[label]  # compiled and timed already: not compiled again
            elif any(astuple(c)[:4] == label for c in bench.compile_times):
                f = build(computation, "scan", mode=mode)  # timed already: not recorded again
            else:
                f = _compile(bench, label, lambda mode=mode: build(computation, "scan", mode=mode),
                             args)
            ok = np.allclose(f(*args), expected)
        except Exception as exc:  # the point is to show the error a reader would see
            message = str(exc).splitlines()[0] if str(exc) else ""
            status = f"{type(exc).__name__}: {message}"
            report.append(Backend(mode, needs, can, cannot, False, status))
            continue
        status = "scan compiles and runs, result matches NumPy" if ok else "WRONG result"
        report.append(Backend(mode, needs, can, cannot, ok, status))
        timed = {(r.computation, r.way, r.n, r.mode) for r in bench.run_times}
        if ok and sizes:
            _say(progress, f"backends: timing the {computation} scan in mode {mode}")
            for size in sizes:
                if (computation, "scan", size, mode) in timed:
                    continue  # measured already (the default mode, by `measure`)
                size_args = inputs(computation, size)
                _check(computation, f(*size_args), size_args, f"{mode} scan (n={size})")
                _time(bench, (computation, "scan", size, mode),
                      lambda f=f, a=size_args: f(*a), repeat)
    return report


# --- the explorer ---------------------------------------------------------------------


_latest: list[Benchmark] = []


def latest_benchmark() -> Benchmark:
    """The Benchmark that `measure` last filled in this process."""
    if not _latest:
        raise ScanlabInputError("nothing measured yet: call scanlab.performance.measure first")
    return _latest[-1]


def bar_length(ratio: float) -> int:
    """A bar on a log scale for a time `ratio` times the fastest: one # more per doubling."""
    return max(1, min(30, 1 + round(math.log2(ratio))))


def describe_measurement(computation: str, n: int, bench: Benchmark | None = None) -> str:
    """One size of one computation: every way's run time and its ratio to the fastest.

    Reads `bench`, or else the latest measurements: the explorer shows numbers measured
    once, when the notebook ran, and never times anything itself.
    """
    bench = latest_benchmark() if bench is None else bench
    one_of("computation", computation, COMPUTATIONS)
    n = as_count("n", n, minimum=1, maximum=MAX_SIZE)
    rows = [
        (way_label(r.way, r.mode), r.seconds)
        for r in bench.run_times
        if r.computation == computation and r.n == n
    ]
    if not rows:
        return f"{computation} was not measured at n={n}"
    fastest = min(seconds for _, seconds in rows)
    lines = [
        f"{computation}: {DESCRIPTIONS[computation]}",
        f"n = {n} steps, fastest first (measured when the notebook last ran);",
        "bars on a log scale: each # after the first doubles the time",
    ]
    for label, seconds in sorted(rows, key=lambda row: row[1]):
        bar = "#" * bar_length(seconds / fastest)
        lines.append(f"  {label:<20}{format_seconds(seconds):>9}  x{seconds / fastest:<7.1f}{bar}")
    return "\n".join(lines)
