import time

import numpy as np
import pytest

from scanlab.checks import ScanlabInputError
from scanlab.compiled import on_python_linker
from scanlab.performance import (
    _BACKENDS,
    COMPUTATIONS,
    MAX_SIZE,
    MODES,
    NO_MODE,
    PYTHON_LINKER,
    Benchmark,
    ProgressLine,
    _check,
    backends,
    bar_length,
    batch_times,
    build,
    cache_work,
    calls_per_batch,
    describe_measurement,
    first_call_time,
    format_seconds,
    has_way,
    how_much,
    inputs,
    interleaved_best,
    latest_benchmark,
    measure,
    measure_gradients,
    median_time,
    numpy_version,
    perform_calls,
    way_label,
)


@pytest.fixture
def python_linker():
    """For tests of values, not of the backend: PyTensor's Python linker (no compile step)."""
    with on_python_linker():
        yield


def test_median_time_ignores_one_slow_call():
    delays = iter([0.1, 0.001, 0.001, 0.001, 0.001])
    seconds = median_time(lambda: time.sleep(next(delays)), repeat=5)
    assert 0.001 <= seconds < 0.05


def test_batch_times_one_value_per_batch():
    delays = iter([0.1, 0.001, 0.001])
    batches = batch_times(lambda: time.sleep(next(delays)), repeat=3)
    assert len(batches) == 3
    assert batches[0] >= 0.1 > max(batches[1:])


def test_interleaved_best_takes_turns_and_keeps_the_fastest():
    order = []
    delays = iter([0.03, 0.001] + [0.001, 0.001] * 4)

    def call(name):
        def run():
            order.append(name)
            time.sleep(next(delays))
        return run

    slow_first, fast = interleaved_best([call("a"), call("b")], rounds=5)
    assert order[:4] == ["a", "b", "a", "b"] and len(order) == 10
    assert fast >= 0.001
    assert slow_first < 0.02  # the one slow call is not the best of five
    with pytest.raises(ScanlabInputError, match="calls must be callable"):
        interleaved_best([42])


def test_median_time_makes_repeat_times_number_calls():
    calls = []
    median_time(lambda: calls.append(1), repeat=3, number=4)
    assert len(calls) == 12


def test_first_call_time_returns_the_result_and_its_duration():
    result, seconds = first_call_time(lambda: time.sleep(0.01) or 42)
    assert result == 42
    assert seconds >= 0.01


def test_calls_per_batch_is_bounded():
    assert calls_per_batch(lambda: time.sleep(0.01), target=0.005) == 1
    assert calls_per_batch(lambda: None, limit=50) == 50


@pytest.mark.parametrize(
    ("call", "kwargs", "message"),
    [
        (lambda: None, {"repeat": 0}, r"repeat must be a whole number >= 1, got 0"),
        (lambda: None, {"number": 1.5}, r"number must be a whole number >= 1, got 1.5"),
        (42, {}, r"call must be callable, got int"),
    ],
)
def test_median_time_bad_input(call, kwargs, message):
    with pytest.raises(ScanlabInputError, match=message):
        median_time(call, **kwargs)


def test_format_seconds():
    assert format_seconds(12.34) == "12.3 s"
    assert format_seconds(0.0456) == "45.6 ms"
    assert format_seconds(7.8e-6) == "7.8 µs"
    assert format_seconds(5e-8) == "50 ns"


def test_cache_work_says_what_compiling_did_for_each_state():
    assert cache_work("cold") == "Numba compiled it from scratch"
    assert cache_work("cold", "both") == "Numba compiled both from scratch"
    assert cache_work("warm") == "mostly rewrites and a load from the cache"
    assert cache_work("partly warm") == (
        "the cache already held files and this run added new ones, so Numba "
        "compiled every graph the cache did not hold"
    )
    with pytest.raises(ScanlabInputError):
        cache_work("lukewarm")


def test_numpy_versions():
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(numpy_version("cumsum")(x), [0.5, -0.5, 1.5])
    np.testing.assert_allclose(numpy_version("power")(x, 3), x**3)
    h1 = np.tanh(0.5)
    h2 = np.tanh(0.9 * h1 - 1.0)
    np.testing.assert_allclose(numpy_version("recurrence")(x)[:2], [h1, h2])


def test_inputs():
    (x,) = inputs("cumsum", 7)
    assert x.shape == (7,)
    A, k = inputs("power", 12)
    assert A.shape == (100,) and int(k) == 12
    assert (inputs("recurrence", 5)[0] == inputs("recurrence", 5)[0]).all()  # seeded


@pytest.mark.parametrize("n", [10_000, MAX_SIZE])  # chapter 8's largest, the largest allowed
def test_power_inputs_never_underflow(n):
    # subnormal (or zero) powers would make the scan's timing measure slow float arithmetic
    A, k = inputs("power", n)
    assert (A ** int(k)).min() >= np.finfo(float).tiny


@pytest.mark.parametrize(
    ("computation", "way"),
    [
        (c, w)
        for c in COMPUTATIONS
        for w in ("scan", "vectorised", "unrolled")
        if has_way(c, w)  # the tanh recurrence has no vectorised form
    ],
)
@pytest.mark.usefixtures("python_linker")
def test_every_way_agrees_with_numpy(computation, way):
    f = build(computation, way, n=10)
    args = inputs(computation, 10)
    np.testing.assert_allclose(f(*args), numpy_version(computation)(*args), rtol=1e-12)


@pytest.mark.usefixtures("python_linker")
def test_scan_graph_serves_every_length():
    f = build("cumsum", "scan")
    for n in (1, 3, 20):
        (x,) = inputs("cumsum", n)
        np.testing.assert_allclose(f(x), np.cumsum(x))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("recurrence", "vectorised"), r"recurrence has no vectorised form"),
        (("cumsum", "unrolled"), r"n is needed for an unrolled graph"),
        (("cumsum", "unrolled", 5000), r"n must be at most 1000, got 5000"),
        (("sort", "scan"), r"computation must be one of 'cumsum', 'power', 'recurrence'"),
        (("cumsum", "numpy"), r"way must be one of 'scan', 'vectorised', 'unrolled'"),
    ],
)
def test_build_bad_input(args, message):
    with pytest.raises(ScanlabInputError, match=message):
        build(*args)


def test_check_refuses_a_wrong_answer():
    x = np.arange(3.0)
    _check("cumsum", np.cumsum(x), (x,), "right")
    with pytest.raises(AssertionError, match="wrong disagrees with NumPy"):
        _check("cumsum", x, (x,), "wrong")


def test_measure_records_compiles_and_run_times():
    said = []
    bench = measure("cumsum", ways=("scan", "unrolled", "numpy"), sizes=(5, 20),
                    unrolled_sizes=(5,), repeat=2, progress=said.append)
    assert latest_benchmark() is bench
    compiled = [(c.way, c.n) for c in bench.compile_times]
    assert compiled == [("scan", None), ("unrolled", 5)]  # one scan graph for every size
    said = [line for line in said if "trivial graph" not in line]  # once per process
    assert said[0] == "cumsum: compiling the scan graph (any length, NUMBA)"
    assert any("timing NumPy" in line for line in said)
    scan, unrolled = bench.compile_times
    assert scan.loops == ("scan_fn",) and unrolled.loops == ()
    assert (scan.nodes, unrolled.nodes) == (
        len(build("cumsum", "scan").maker.fgraph.apply_nodes),
        len(build("cumsum", "unrolled", 5).maker.fgraph.apply_nodes),
    )
    assert bench.compile_table().splitlines()[0].split()[-1] == "nodes"
    assert set(bench.functions) == {("cumsum", "scan", None, "NUMBA"),
                                    ("cumsum", "unrolled", 5, "NUMBA")}
    assert "unrolled" not in bench.compile_table(modes=("CVM",))
    assert "n=5 " not in bench.table(sizes=(20,)) and "n=20" in bench.table(sizes=(20,))
    assert all(c.build_s > 0 and c.first_call_s > 0 for c in bench.compile_times)
    assert bench.sizes("cumsum", "scan") == [5, 20]
    assert bench.sizes("cumsum", "numpy", NO_MODE) == [5, 20]
    assert bench.ratio("cumsum", "scan", "numpy", 20) == (
        bench.run_time("cumsum", "scan", 20) / bench.run_time("cumsum", "numpy", 20)
    )
    assert bench.ratio("cumsum", "scan", "numpy", 20, best=True) == (
        bench.run_time("cumsum", "scan", 20, best=True)
        / bench.run_time("cumsum", "numpy", 20, best=True)
    )
    for r in bench.run_times:
        assert 0 < r.best <= r.seconds
    table = bench.table()
    assert table.splitlines()[0].startswith("computation way      ")
    assert table.splitlines()[2].startswith("cumsum      scan     ")
    assert "n=20" in table
    assert "unrolled" in bench.compile_table()
    assert "numpy" not in bench.table(modes=("NUMBA",))
    assert "scan" not in bench.table(modes=(NO_MODE,)).split("\n", 2)[2]
    text = describe_measurement("cumsum", 20)
    assert "n = 20 steps" in text
    assert "scan" in text and "numpy" in text and "unrolled" not in text
    assert "was not measured at n=7" in describe_measurement("cumsum", 7)
    assert "log scale: each # after the first doubles the time" in text
    shown = {way_label(r.way, r.mode): r.seconds for r in bench.run_times
             if r.computation == "cumsum" and r.n == 20}
    for line in text.splitlines()[3:]:  # each bar: one # plus one per doubling of the time
        seconds = shown[line[2:22].strip()]
        assert line.count("#") == bar_length(seconds / min(shown.values())), line
    assert [bar_length(r) for r in (1.0, 1.9, 2.0, 4.0, 1024.0, 1e12)] == [1, 2, 2, 3, 11, 30]
    with pytest.raises(KeyError, match="no run time for cumsum, vectorised"):
        bench.run_time("cumsum", "vectorised", 20)


def test_describe_measurement_bad_input():
    with pytest.raises(ScanlabInputError, match=r"computation must be one of"):
        describe_measurement("sort", 10, Benchmark())


def test_backends_report_what_happened():
    bench = Benchmark()
    report = {b.mode: b for b in backends(sizes=(50,), repeat=1, into=bench)}
    assert report["NUMBA"].available and "matches NumPy" in report["NUMBA"].status
    assert report["CVM"].available
    assert not report["C"].available
    assert "cannot produce C code" in report["C"].status  # PyTensor's own message
    assert str(report["C"]).startswith("C (cannot run scan)")
    assert str(report["NUMBA"]).startswith("NUMBA (runs scan here)")
    for mode, package in (("JAX", "jax"), ("PYTORCH", "torch")):
        try:
            __import__(package)
        except ImportError:
            assert not report[mode].available
            assert report[mode].status == f"{package} is not installed"
            assert str(report[mode]).startswith(f"{mode} (not installed here)")
    assert report["PY"].available  # the Python linker, beside the named modes
    timed = {(r.mode, r.n) for r in bench.run_times}
    assert timed == {("NUMBA", 50), ("CVM", 50), ("FAST_COMPILE", 50), ("PY", 50)}
    assert [c.mode for c in bench.compile_times] == ["NUMBA", "CVM", "FAST_COMPILE", "PY"]


def test_backends_cover_every_predefined_mode():
    from pytensor.compile.mode import predefined_modes

    # DebugMode registers itself once used: a checking tool, not a backend
    assert set(predefined_modes) - {"DEBUG_MODE"} == set(MODES) - {PYTHON_LINKER}


def test_python_linker_build_runs_ops_in_python():
    from pytensor.link.basic import PerformLinker

    f = build("cumsum", "scan", mode=PYTHON_LINKER)
    assert isinstance(f.maker.linker, PerformLinker)
    np.testing.assert_allclose(f(np.arange(4.0)), np.cumsum(np.arange(4.0)))


def _python_calls(op_class: type, mode: str, n: int) -> int:
    """How often op_class's Python perform runs in one call of the cumsum scan on `mode`."""
    with perform_calls(op_class) as calls:
        f = build("cumsum", "scan", mode=mode)
        calls.clear()  # count the call only, not the build
        np.testing.assert_allclose(f(np.arange(float(n))), np.cumsum(np.arange(float(n))))
    return len(calls)


def test_perform_calls_counts_and_puts_perform_back():
    from pytensor.scan.op import Scan
    from pytensor.tensor.elemwise import Elemwise

    own, inherited = vars(Elemwise)["perform"], "perform" in vars(Scan)
    assert _python_calls(Elemwise, PYTHON_LINKER, 10) >= 10
    assert vars(Elemwise)["perform"] is own and ("perform" in vars(Scan)) == inherited
    with pytest.raises(RuntimeError), perform_calls(Elemwise):
        raise RuntimeError("the block fails")
    assert vars(Elemwise)["perform"] is own


def test_the_loop_itself_runs_in_python_in_fast_compile_and_py():
    # what _BACKENDS says: FAST_COMPILE and PY step through the loop with Scan's Python
    # perform; CVM (Cython) and Numba do not call it
    from pytensor.scan.op import Scan

    modes = ("FAST_COMPILE", PYTHON_LINKER, "CVM")
    counted = {mode: _python_calls(Scan, mode, 4) for mode in modes}
    assert counted == {"FAST_COMPILE": 1, PYTHON_LINKER: 1, "CVM": 0}
    said = {mode: cannot for mode, _, _, cannot in _BACKENDS}
    assert "the loop itself runs in Python" in said["FAST_COMPILE"]
    assert "the loop itself, and every op of every step, runs in Python" in said[PYTHON_LINKER]


def test_the_step_runs_compiled_c_in_fast_compile_and_python_on_py():
    # what _BACKENDS says of the ops inside a step: FAST_COMPILE's are compiled C when a C
    # compiler is there, PY's (cxx="") run Elemwise's Python perform at every step
    import pytensor
    from pytensor.tensor.elemwise import Elemwise

    counted = {mode: _python_calls(Elemwise, mode, 50) for mode in ("FAST_COMPILE", PYTHON_LINKER)}
    assert pytensor.config.cxx, "this test needs a C compiler, as the chapter's machine has"
    assert counted["FAST_COMPILE"] < 5 and counted[PYTHON_LINKER] >= 50, counted
    said = {mode: cannot for mode, _, _, cannot in _BACKENDS}
    assert "compiled C, with a C compiler" in said["FAST_COMPILE"]


def test_backends_do_not_record_a_mode_measured_already():
    bench = measure("cumsum", ways=("scan",), sizes=(20,), repeat=1)
    backends(sizes=(20,), repeat=1, into=bench)
    assert [c.mode for c in bench.compile_times].count("NUMBA") == 1
    assert [(r.mode, r.n) for r in bench.run_times].count(("NUMBA", 20)) == 1


def test_how_much_picks_the_word_from_the_numbers():
    assert how_much(1.0, 3.2) == "3.2 times faster than"
    assert how_much(1.4, 1.0) == "1.4 times slower than"
    assert how_much(1.02, 1.0) == "about as fast as"
    with pytest.raises(ScanlabInputError, match="times must be > 0"):
        how_much(0.0, 1.0)


@pytest.mark.usefixtures("python_linker")
def test_measure_gradients_times_what_a_sampler_calls():
    said = []
    bench = measure_gradients(sizes=(5, 30), repeat=1, progress=said.append)
    ways = {(c.computation, c.way): c.loops for c in bench.compile_times}
    assert set(ways) == {("ar1", "scan + grad"), ("ar1", "vectorised + grad"),
                         ("latent", "scan + grad"), ("latent", "scan, value only")}
    assert ways["ar1", "vectorised + grad"] == ()
    assert len(ways["latent", "scan + grad"]) == 2
    assert {r.n for r in bench.run_times} == {5, 30}
    assert len(bench.run_times) == 8
    said = [line for line in said if "trivial graph" not in line]  # once per process
    assert said[0] == "ar1 log-density: compiling scan + grad"
    assert {c.mode for c in bench.compile_times} == {"PY"}  # named after the default mode
    assert "vectorised + grad" in bench.table()


def test_progress_line_is_gone_when_the_cell_ends():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    created = not InteractiveShell.initialized()
    InteractiveShell.instance()
    try:
        with capture_output() as captured:
            with ProgressLine() as progress:
                progress("compiling")
                progress("timing")
                shown = [out.data["text/plain"] for out in captured.outputs if out.data]
    finally:
        if created:
            InteractiveShell.clear_instance()
    assert shown == ["working: compiling ...", "working: timing ..."]
    assert captured.outputs == []


def test_a_recurrence_has_no_vectorised_form():
    assert not has_way("recurrence", "vectorised")
    with pytest.raises(ScanlabInputError, match="recurrence has no vectorised form"):
        build("recurrence", "vectorised", n=10)


@pytest.mark.usefixtures("python_linker")
def test_warm_up_says_what_it_compiles_and_compiles_once(monkeypatch):
    from scanlab import performance

    monkeypatch.setattr(performance, "_warm", [])
    said = []
    performance.warm_up(said.append)
    performance.warm_up(said.append)
    assert said == ["compiling one trivial graph first (the backend's one-off start-up)"]
