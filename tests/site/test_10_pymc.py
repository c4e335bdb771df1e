"""Chapter 10 on the built site shows the numbers scanlab.autoregressive computes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from scanlab import autoregressive as ar
from scanlab.explorer import render_outputs
from tests.conftest import (
    html_text,
    page_text,
    raw_html,
    stored_outputs,
)

PAGE = "chapters/10-pymc"


@pytest.fixture(scope="module")
def posterior():
    """The chapter's sampling run, repeated: same model, same seed, same draws."""
    return ar.sample_posterior(ar.ar2_model(ar.simulated_data()))


def test_scan_and_loop_numbers_appear(built_site: Path) -> None:
    text = page_text(built_site, PAGE)
    three = ar.ar2_paths(0.6, -0.3, 0.5, 5, seed=0, k=3)
    assert f"shape: {three.shape}" in text
    assert str(np.round(three, 4)) in text
    assert "same numbers as the scan: True" in text
    assert f"first values: {np.round(ar.simulated_data()[:5], 4)}" in text


def test_log_densities_appear_and_agree(built_site: Path) -> None:
    text = page_text(built_site, PAGE)
    data = ar.simulated_data()
    point = np.array([0.5, -0.2, np.log(0.6)])  # phi1, phi2, sigma_log__
    for name, vectorised in [("scan", False), ("vectorised", True)]:
        logp, gradient = ar.logp_dlogp_function(ar.ar2_model(data, vectorised=vectorised))(point)
        assert f"{name:12}{logp:<13.6f}{np.round(gradient, 6)}" in text


def test_posterior_summary_appears_and_covers_the_truth(built_site: Path, posterior) -> None:
    text = page_text(built_site, PAGE)
    rows = ar.posterior_intervals(posterior)
    assert all(row.covers for row in rows)
    for line in ar.posterior_table(rows).splitlines()[1:]:
        assert line in text
    calls = int(posterior.sample_stats["n_steps"].sum())
    assert f"log-density and gradient calls for the 600 kept draws: {calls}" in text


def test_forecast_numbers_appear(built_site: Path, posterior) -> None:
    text = page_text(built_site, PAGE)
    data = ar.simulated_data()
    draws = ar.posterior_draws(posterior)
    ahead = ar.one_step_forecast(data, *draws, seed=7)
    assert f"shape: {ahead.shape}" in text and ahead.shape == (198, 600)
    low, high = np.quantile(ahead, [0.05, 0.95], axis=1)
    covered = ((low <= data[2:]) & (data[2:] <= high)).mean()
    assert f"observed values inside their 90% one-step band: {covered:.0%}" in text
    future = ar.out_of_sample(data, *draws, 20, seed=8)
    low, mid, high = np.quantile(future, [0.05, 0.5, 0.95], axis=1)
    for h in (1, 2, 5, 20):
        steps = "step " if h == 1 else "steps"  # "1 step  ahead", aligned
        assert (f"{h:2d} {steps} ahead: median {mid[h - 1]:6.3f},"
                f" 90% band width {high[h - 1] - low[h - 1]:.3f}") in text
    stationary = sum(ar.is_stationary(a, b) for a, b in zip(*draws[:2], strict=True))
    assert stationary == 600
    assert f"stationary posterior draws: {stationary} of 600" in text


def test_explorer_leaves_are_the_pictures_scanlab_draws(built_site: Path) -> None:
    stored = stored_outputs(built_site, PAGE)
    # (1.0, 0.0): a unit root, on the triangle's edge
    # (-1.0, 0.0): a root at -1, the zigzag the text and the leaf describe
    for phi1, phi2 in [(0.6, -0.3), (1.4, 0.3), (-1.0, -0.9), (1.8, 0.0), (1.0, 0.0),
                       (-1.0, 0.0)]:
        outputs = render_outputs(ar.describe_paths, {"phi1": phi1, "phi2": phi2})
        assert all(output in stored for output in outputs), (phi1, phi2)


def test_backends_are_named_where_they_matter(built_site: Path) -> None:
    import re

    words = re.sub(r"<[^>]+>", "", page_text(built_site, PAGE)).replace("’", "'")
    text = " ".join(words.split())
    setting = text.index('pytensor.config.linker = "py" pytensor.config.cxx = ""')
    assert setting < text.index("three = simulate(")  # before the first loop runs
    assert "Python linker" in text[setting:setting + 1500]
    timing = text.index("the page's first timing runs")
    assert timing < text.index("scan_logp = logp_and_gradient(model)")
    assert 'return model.logp_dlogp_function( ravel_inputs=True, mode="NUMBA" )' in text
    assert 'compile_kwargs={"mode": "NUMBA"}' in text


def test_visible_code_defines_what_it_uses(built_site: Path) -> None:
    """A reader who copies the visible cells has `ar` and `watch` (remove-cell cells are not
    on the page), defined before the cells that use them."""
    text = html_text(raw_html(built_site, PAGE))
    first_use = min(text.index(use) for use in ("ar.best_time", "ar.machine(watch)",
                                                "ar.ar2_scan,",
                                                "ar.describe_paths"))
    assert text.index("from scanlab import autoregressive as ar") < first_use
    assert text.index("watch = CacheWatch.start()") < text.index("three = simulate(")
    assert re.search(r"from scanlab\.machine import CacheWatch", text)




def test_garch_exercise_checks_the_scan_and_the_closed_form(built_site: Path) -> None:
    text = page_text(built_site, PAGE)
    assert "same scales: True" in text and "convolution, same scales: True" in text
    assert "5000 steps: all finite: True | same as the scan: True" in text
    assert "pytensor.tensor.signal.convolve1d" in text
    # the closed form is said right: it exists, and its work grows like T**2
    assert "matrix form" not in text and "rescaled" not in text
    assert "PyTensor has no op for a discounted" not in text
