import time

import numpy as np
import pytest

from scanlab.checks import ScanlabInputError
from scanlab.performance import (
    COMPUTATIONS,
    NO_MODE,
    Benchmark,
    _check,
    backends,
    batch_times,
    build,
    calls_per_batch,
    describe_measurement,
    first_call_time,
    format_seconds,
    has_way,
    inputs,
    latest_benchmark,
    measure,
    median_time,
    numpy_version,
)


def test_median_time_ignores_one_slow_call():
    delays = iter([0.1, 0.001, 0.001, 0.001, 0.001])
    seconds = median_time(lambda: time.sleep(next(delays)), repeat=5)
    assert 0.001 <= seconds < 0.05


def test_batch_times_one_value_per_batch():
    delays = iter([0.1, 0.001, 0.001])
    batches = batch_times(lambda: time.sleep(next(delays)), repeat=3)
    assert len(batches) == 3
    assert batches[0] >= 0.1 > max(batches[1:])


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


@pytest.mark.parametrize(
    ("computation", "way"),
    [
        (c, w)
        for c in COMPUTATIONS
        for w in ("scan", "vectorised", "unrolled")
        if has_way(c, w)  # the tanh recurrence has no vectorised form
    ],
)
def test_every_way_agrees_with_numpy(computation, way):
    f = build(computation, way, n=10)
    args = inputs(computation, 10)
    np.testing.assert_allclose(f(*args), numpy_version(computation)(*args), rtol=1e-12)


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
    bench = measure("cumsum", ways=("scan", "unrolled", "numpy"), sizes=(5, 20),
                    unrolled_sizes=(5,), repeat=2)
    assert latest_benchmark() is bench
    compiled = [(c.way, c.n) for c in bench.compile_times]
    assert compiled == [("scan", None), ("unrolled", 5)]  # one scan graph for every size
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
    with pytest.raises(KeyError, match="no run time for cumsum, vectorised"):
        bench.run_time("cumsum", "vectorised", 20)


def test_describe_measurement_bad_input():
    with pytest.raises(ScanlabInputError, match=r"computation must be one of"):
        describe_measurement("sort", 10, Benchmark())


def test_backends_report_what_happened():
    report = {b.mode: b for b in backends()}
    assert report["NUMBA"].available and "matches NumPy" in report["NUMBA"].status
    assert report["CVM"].available
    assert not report["C"].available
    assert "cannot produce C code" in report["C"].status
    for mode, package in (("JAX", "jax"), ("PYTORCH", "torch")):
        try:
            __import__(package)
        except ImportError:
            assert not report[mode].available
            assert report[mode].status == f"{package} is not installed"


def test_a_recurrence_has_no_vectorised_form():
    assert not has_way("recurrence", "vectorised")
    with pytest.raises(ScanlabInputError, match="recurrence has no vectorised form"):
        build("recurrence", "vectorised", n=10)
