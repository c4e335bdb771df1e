"""scanlab.autoregressive: the AR(2) scan, its PyMC model and forecasts, checked against
numpy loops, numpy's roots and PyMC's own log-densities."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytensor
import pytest

from scanlab import autoregressive as ar
from scanlab.checks import ScanlabInputError
from scanlab.compiled import compile_count, on_python_linker, scan_loops
from scanlab.explorer import output_text, render_outputs
from scanlab.taps import ar2_loop as noiseless_loop


@pytest.fixture(autouse=True)
def python_linker():
    """These tests check values, not the backend: PyTensor's Python linker (no compile step)."""
    with on_python_linker():
        yield


def test_paths_equal_the_python_loop_draw_for_draw() -> None:
    scan = ar.ar2_paths([0.6, 1.2, -0.5], [-0.3, -0.4, 0.2], [0.5, 1.0, 0.1], 30,
                        start=(1.0, -1.0), seed=3, k=3)
    loop = ar.ar2_loop([0.6, 1.2, -0.5], [-0.3, -0.4, 0.2], [0.5, 1.0, 0.1], 30,
                       start=(1.0, -1.0), seed=3, k=3)
    assert scan.shape == (30, 3)
    np.testing.assert_allclose(scan, loop, rtol=1e-12)


@pytest.mark.parametrize("n_steps", [1, 2, 7])
def test_one_and_few_steps(n_steps: int) -> None:
    scan = ar.ar2_paths(0.6, -0.3, 0.5, n_steps, seed=1, k=2)
    assert scan.shape == (n_steps, 2)
    np.testing.assert_allclose(scan, ar.ar2_loop(0.6, -0.3, 0.5, n_steps, seed=1, k=2))


def test_without_noise_it_is_chapter_5s_recurrence() -> None:
    scan = ar.ar2_paths(0.5, 0.3, 0.0, 8, start=(1.0, 2.0))[:, 0]
    np.testing.assert_allclose(scan, noiseless_loop(0.5, 0.3, (1.0, 2.0), 8))


def test_start_per_path() -> None:
    start = np.array([[0.0, 10.0], [1.0, -10.0]])
    scan = ar.ar2_paths(0.5, 0.2, 0.0, 3, start=start, k=2)
    np.testing.assert_allclose(scan[:, 1], noiseless_loop(0.5, 0.2, (10.0, -10.0), 3))


def test_simulated_data_is_seeded_and_from_the_true_parameters() -> None:
    data = ar.simulated_data()
    assert data.shape == (ar.DATA_LENGTH,)
    assert np.array_equal(data, ar.simulated_data())
    loop = ar.ar2_loop(ar.TRUE_PHI1, ar.TRUE_PHI2, ar.TRUE_SIGMA, ar.DATA_LENGTH,
                       seed=ar.DATA_SEED)[:, 0]
    np.testing.assert_allclose(data, loop)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(start=(0.0, 0.0, 0.0)), "start must hold"),
        (dict(sigma=-1.0), "sigma must be >= 0"),
        (dict(phi1=[0.1, 0.2]), "phi1 must be a number or 1 finite"),
        (dict(n_steps=0), "n_steps"),
        (dict(phi2=float("nan")), "phi2"),
    ],
)
def test_bad_input_names_the_argument(kwargs: dict, message: str) -> None:
    args = dict(phi1=0.6, phi2=-0.3, sigma=0.5, n_steps=5) | kwargs
    with pytest.raises(ScanlabInputError, match=message):
        ar.ar2_paths(**args)


def test_stationarity_is_the_roots_condition() -> None:
    grid = np.linspace(-2.5, 2.5, 41)
    for phi1 in grid:
        for phi2 in np.linspace(-1.5, 1.5, 31):
            roots = np.abs(np.roots([1.0, -phi1, -phi2]))
            if abs(roots.max() - 1) < 1e-9:  # on the edge: either answer is fair
                continue
            assert ar.is_stationary(phi1, phi2) == (roots.max() < 1), (phi1, phi2)
            assert ar.largest_root(phi1, phi2) == pytest.approx(roots.max())


def test_non_stationary_paths_grow_like_the_largest_root() -> None:
    root = ar.largest_root(1.4, 0.3)
    path = ar.ar2_paths(1.4, 0.3, 0.0, 60, start=(1.0, 1.0))[:, 0]
    assert path[-1] / path[-2] == pytest.approx(root, rel=1e-6)
    assert not ar.is_stationary(1.4, 0.3)


@pytest.mark.parametrize(
    ("phi1", "phi2", "growth", "ratio"),
    [(1.0, 0.0, "√t", 2.0), (-1.0, 0.0, "√t", 2.0), (0.0, -1.0, "√t", 2.0),
     (2.0, -1.0, "t**1.5", 8.0)],
)
def test_unit_root_paths_spread_like_a_power_of_t(phi1, phi2, growth, ratio) -> None:
    assert ar.has_unit_root(phi1, phi2) and not ar.is_stationary(phi1, phi2)
    assert ar.edge_growth(phi1, phi2) == growth
    paths = ar.ar2_paths(phi1, phi2, 1.0, 400, seed=3, k=4000)
    spread = paths.std(axis=1)
    # four times the steps: twice the spread for √t, eight times for t**1.5
    assert spread[399] / spread[99] == pytest.approx(ratio, rel=0.1)


def test_unit_root_is_told_apart() -> None:
    assert not ar.has_unit_root(0.6, -0.3) and not ar.has_unit_root(1.4, 0.3)
    with pytest.raises(ScanlabInputError):
        ar.edge_growth(1.4, 0.3)


def test_scan_model_log_density_equals_the_vectorised_one() -> None:
    data = ar.simulated_data()[:40]
    scan = ar.logp_dlogp_function(ar.ar2_model(data))
    vectorised = ar.logp_dlogp_function(ar.ar2_model(data, vectorised=True))
    assert scan_loops(scan) and not scan_loops(vectorised)
    rng = np.random.default_rng(0)
    for _ in range(10):
        point = rng.normal(size=3)  # phi1, phi2, sigma_log__
        np.testing.assert_allclose(
            np.hstack(scan(point)), np.hstack(vectorised(point)), rtol=1e-10
        )
    # and against the normal density computed by hand
    phi1, phi2, sigma = 0.3, -0.1, 0.7
    resid = data[2:] - phi1 * data[1:-1] - phi2 * data[:-2]
    likelihood = np.sum(-0.5 * (resid / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi))
    model = ar.ar2_model(data)
    point = {"phi1": phi1, "phi2": phi2, "sigma_log__": np.log(sigma)}
    assert model.compile_logp(vars=[model["y"]])(point) == pytest.approx(likelihood)


def test_logp_dlogp_function_is_the_samplers_of_one_vector_in_value_vars_order() -> None:
    model = ar.ar2_model(ar.simulated_data()[:40])
    assert [v.name for v in model.value_vars] == ["phi1", "phi2", "sigma_log__"]
    f = ar.logp_dlogp_function(model)
    vector = np.array([0.3, -0.1, np.log(0.7)])
    named = dict(zip(["phi1", "phi2", "sigma_log__"], vector, strict=True))
    logp, gradient = f(vector)
    # PyMC is the oracle: its functions of named values give the same numbers
    assert logp == pytest.approx(model.compile_logp()(named))
    np.testing.assert_allclose(gradient, model.compile_dlogp()(named))
    # the sampler's own step method compiles the same graph, so that chapter 10's pm.sample
    # finds it in Numba's compile cache (a cache-file count in the chapter would see other
    # processes' compiles under pytest-xdist)
    import pymc as pm

    with model:
        step = pm.NUTS()
    mine = pytensor.dprint(f._pytensor_function, file="str", print_type=True)
    nuts = pytensor.dprint(step._logp_dlogp_func._pytensor_function, file="str", print_type=True)
    assert mine == nuts


def test_model_needs_a_series() -> None:
    with pytest.raises(ScanlabInputError, match="data must be a 1-d series"):
        ar.ar2_model([1.0, 2.0])


def test_custom_dist_draws_move_the_generator_on() -> None:
    import pymc as pm

    model = ar.ar2_model(ar.simulated_data()[:20])
    draws = pm.draw(model["y"], draws=3, random_seed=1)
    assert draws.shape == (3, 18)
    assert not np.allclose(draws[0], draws[1]) and not np.allclose(draws[1], draws[2])


def test_one_step_forecast_reads_the_observed_sequence() -> None:
    data = ar.simulated_data()[:12]
    phi1, phi2 = np.array([0.6, 0.1]), np.array([-0.3, 0.4])
    noiseless = ar.one_step_forecast(data, phi1, phi2, np.zeros(2))
    assert noiseless.shape == (10, 2)  # taps [-2, -1] on 12 values: 10 steps
    for j in range(2):
        np.testing.assert_allclose(noiseless[:, j], phi1[j] * data[1:-1] + phi2[j] * data[:-2])
    noisy = ar.one_step_forecast(data, phi1, phi2, np.ones(2), seed=4)
    np.testing.assert_allclose(noisy - noiseless,
                               np.random.default_rng(4).normal(size=(10, 2)))


def test_out_of_sample_continues_from_the_last_two_values() -> None:
    data = ar.simulated_data()
    future = ar.out_of_sample(data, [0.5, 0.6], [0.2, -0.3], [0.0, 0.0], 4)
    assert future.shape == (4, 2)
    np.testing.assert_allclose(future[:, 1], noiseless_loop(0.6, -0.3, tuple(data[-2:]), 4))


def test_band_orders_low_mid_high() -> None:
    paths = np.random.default_rng(0).normal(size=(5, 400))
    low, mid, high = ar.band(paths)
    assert low.shape == (5,) and np.all(low < mid) and np.all(mid < high)


def _fake_idata(values: dict[str, np.ndarray]) -> SimpleNamespace:
    return SimpleNamespace(posterior=values)


def test_posterior_intervals_and_table() -> None:
    draws = np.linspace(0.0, 1.0, 101).reshape(1, 101)
    idata = _fake_idata({"phi1": draws, "phi2": draws + 0.5, "sigma": draws + 1})
    rows = ar.posterior_intervals(idata)
    assert [r.name for r in rows] == ["phi1", "phi2", "sigma"]
    assert rows[0].mean == pytest.approx(0.5)
    assert (rows[0].low, rows[0].high) == pytest.approx((0.03, 0.97))
    assert rows[0].covers and not rows[1].covers and not rows[2].covers
    table = ar.posterior_table(rows)
    assert "phi1     0.60   0.50   [ 0.03,  0.97]" in table


def test_as_long_and_compare_sentence() -> None:
    assert ar.as_long(3.04) == "3 times as long as"
    assert ar.as_long(1.02) == "about as long as"
    assert ar.as_long(0.5).startswith("0.5 times as long as (that is, 2 times faster")
    with pytest.raises(ScanlabInputError):
        ar.as_long(0.0)
    text = ar.compare_sentence({"scan": 2e-4, "vectorised": 2e-5}, {"scan": 3.0, "vectorised": 1.0})
    assert "**10 times as long as** the vectorised one (200 µs against 20 µs)" in text
    assert "3 times as long as compiling the vectorised one (3.0 s against 1.0 s)." in text
    assert "start-up" not in text
    warmed = ar.compare_sentence({"scan": 2e-4, "vectorised": 2e-5},
                                 {"scan": 3.0, "vectorised": 1.0}, start_up=0.74)
    assert warmed.startswith(text)
    assert "Neither compile time includes Numba's one-off start-up (0.7 s," in warmed
    assert "cache" not in warmed
    cold = ar.compare_sentence({"scan": 2e-4, "vectorised": 2e-5},
                               {"scan": 3.0, "vectorised": 1.0}, start_up=0.74, cache="cold")
    said = " The compile cache was **cold** for this run: Numba compiled both from scratch."
    assert cold == text + said + warmed[len(text):]
    warm = ar.compare_sentence({"scan": 2e-4, "vectorised": 2e-5},
                               {"scan": 3.0, "vectorised": 1.0}, cache="warm")
    assert warm.endswith("was **warm** for this run: mostly rewrites and a load from the cache.")
    with pytest.raises(ScanlabInputError):
        ar.compare_sentence({"scan": 2e-4, "vectorised": 2e-5},
                            {"scan": 3.0, "vectorised": 1.0}, cache="lukewarm")


def test_explorer_leaf_marks_the_non_stationary_region_without_compiling() -> None:
    ar.describe_paths(0.6, -0.3)  # compiles once, if not already
    before = compile_count()
    stationary = render_outputs(ar.describe_paths, {"phi1": 0.6, "phi2": -0.3})
    exploding = render_outputs(ar.describe_paths, {"phi1": 1.4, "phi2": 0.3})
    assert compile_count() == before
    root = ar.largest_root(0.6, -0.3)
    assert output_text(stationary).startswith(f"stationary: largest |root| {root:.2f} < 1")
    root = ar.largest_root(1.4, 0.3)
    assert root > 1
    assert output_text(exploding).startswith(f"NON-STATIONARY: largest |root| {root:.2f} >= 1")
    (html,) = [o["data"]["text/html"] for o in exploding if "text/html" in o.get("data", {})]
    first, second = html.split("</svg>")[:2]
    assert "non-stationary" in first and "path 4" in second
    walk = render_outputs(ar.describe_paths, {"phi1": 1.0, "phi2": 0.0})
    assert output_text(walk).startswith("ON THE EDGE: largest |root| 1.00, a unit root")
    assert "paths wander, their spread growing like √t, not exponentially" in output_text(walk)
    assert "zigzags" not in output_text(walk)
    zigzag = render_outputs(ar.describe_paths, {"phi1": -1.0, "phi2": 0.0})
    assert "(a root at -1: (-1)**t * y[t] wanders, so y zigzags)" in output_text(zigzag)
    # both coefficients' signs in the title are the same minus sign
    (html,) = [o["data"]["text/html"] for o in zigzag if "text/html" in o.get("data", {})]
    assert "y[t] = −1·y[t-1] + 0·y[t-2]" in html and "= -1" not in html
    for said in (walk, exploding, zigzag):  # the printed lines fit the page
        printed = [o["text"] for o in said if o.get("output_type") == "stream"]
        assert all(len(line) <= 68 for text in printed for line in text.splitlines())
    (html,) = [o["data"]["text/html"] for o in walk if "text/html" in o.get("data", {})]
    assert "on the edge (unit root)" in html.split("</svg>")[0]


def test_a_root_at_minus_one_is_a_random_walk_with_flipped_signs() -> None:
    # phi1 = -1: (-1)**t * y[t] steps by the same noise as the walk phi1 = +1, up to sign
    zigzag = ar.ar2_paths(-1.0, 0.0, 0.5, 50, seed=1, k=4)
    walk = ar.ar2_paths(1.0, 0.0, 0.5, 50, seed=1, k=4)
    t = np.arange(2, 52)[:, None]
    steps = np.diff((-1.0) ** t * zigzag, axis=0)
    np.testing.assert_allclose(np.abs(steps), np.abs(np.diff(walk, axis=0)))
    flips = np.sign(zigzag[1:]) != np.sign(zigzag[:-1])
    assert (flips.mean(axis=0) > 0.5).all()  # y flips sign at most steps


def test_machine_names_the_versions_and_the_cache(tmp_path) -> None:
    import pymc

    text = ar.machine()
    assert f"PyTensor {pytensor.__version__}, PyMC {pymc.__version__}, Numba" in text
    assert "cores" in text and "compile cache" not in text
    watch = ar.CacheWatch.start(tmp_path)
    assert "compile cache: cold" in ar.machine(watch)
