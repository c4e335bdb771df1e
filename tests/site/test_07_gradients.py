"""Chapter 7 on the built site shows the gradients scanlab computes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from scanlab.gradients import (
    FULL,
    TRUNCATIONS,
    bptt_function,
    bptt_gradients,
    describe_power_gradient,
    power_gradient,
    power_gradient_function,
    rnn_loss_function,
    rnn_targets,
)
from scanlab.memory import scan_buffers
from scanlab.rnn import PARAM_NAMES, RNNSizes, rnn_weights
from tests.conftest import page_text


def _page(site: Path) -> str:
    return page_text(site, "chapters/07-gradients")


def test_gradient_and_formula_appear(built_site: Path) -> None:
    text = _page(built_site)
    a = np.array([0.5, 1.0, 2.0, 3.0])
    assert f"gradient through scan: {power_gradient(a, 4)}" in text
    assert f"calculus, 4 * A**3:    {4 * a**3}" in text
    assert "['scan_fn', 'grad_of_scan_fn']" in text


def test_measured_gradient_buffers_appear(built_site: Path) -> None:
    text = _page(built_site)
    a_big = np.linspace(0.5, 1.0, 1000)
    assert "its gradient: peak 240.0 MB" in text  # 3 arrays of (10001, 1000) float64
    for buffer in scan_buffers(power_gradient_function(), a_big, 10_000):
        assert str(buffer) in text


def test_truncated_gradients_appear(built_site: Path) -> None:
    text = _page(built_site)
    assert f"truncate_gradient=2: {power_gradient([2.0], 5, 2)} = 2 * 2**4" in text
    for t in TRUNCATIONS:
        assert f"k=5  t={t}: {power_gradient([0.5, 1.0, 2.0], 5, t)}" in text


def test_rnn_loss_and_buffers_appear(built_site: Path) -> None:
    text = _page(built_site)
    sizes = RNNSizes()
    params = rnn_weights(sizes, seed=0)
    X = np.random.default_rng(0).integers(1, 20, (sizes.steps, sizes.n_in)).astype(float)
    y = rnn_targets(sizes)
    loss, _ = bptt_gradients(X, y, params)
    assert f"targets y: {y} | loss: {round(loss, 6)}" in text
    args = (X, y, *(params[n] for n in PARAM_NAMES))
    for f in (rnn_loss_function(), bptt_function()):
        for buffer in scan_buffers(f, *args):
            assert str(buffer) in text


def test_explorer_leaves_are_on_the_page(built_site: Path) -> None:
    text = _page(built_site)
    for k in (1, 4, 6):
        for truncate in (FULL, 2):
            for line in describe_power_gradient(k, (0.5, 1.0, 2.0), truncate).splitlines():
                assert line in text
