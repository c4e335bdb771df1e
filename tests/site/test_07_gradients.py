"""Chapter 7 on the built site shows the gradients scanlab computes."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytensor
import pytest
from pytensor.scan.op import Scan

from scanlab.compiled import on_python_linker
from scanlab.gradients import (
    FULL,
    TRUNCATIONS,
    bptt_gradients,
    describe_power_gradient,
    power_gradient,
    power_gradient_function,
    rnn_targets,
)
from scanlab.memory import format_bytes, largest_first, scan_buffers
from scanlab.power import power_function
from scanlab.rnn import RNNSizes, rnn_weights


@pytest.fixture(scope="module", autouse=True)
def python_linker():
    """The page's own setting (the Python linker): its values, and no Numba compile."""
    with on_python_linker():
        yield


ROLE = {"untraced sit-sot": "latest prior result", "sit-sot": "prior results",
        "mit-mot": "gradient of each step", "nit-sot": "output of each step"}


def _page(site: Path) -> str:
    """The page as text: tags dropped (code is split into highlighted spans), spaces collapsed."""
    raw = (site / "chapters" / "07-gradients.html").read_text(encoding="utf-8")
    return _flat(html.unescape(re.sub(r"<[^>]+>", "", raw)))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_visible_scans_and_python_loops(built_site: Path) -> None:
    page = (built_site / "chapters" / "07-gradients.html").read_text(encoding="utf-8")
    text = _page(built_site)
    assert text.count("pytensor.scan(") >= 3  # A**k, its truncations, the RNN
    for name in ("def power_loop(", "def power_loop_gradient(", "def rnn_loss("):
        assert name in text, name
    assert "NBVAL" not in page and "assert " not in text


def test_gradient_and_formula_appear(built_site: Path) -> None:
    text = _page(built_site)
    a = np.array([0.5, 1.0, 2.0, 3.0])
    # a fresh build: this module's Python linker must not fill scanlab.power's memo
    assert _flat(f"Python loop: {power_function.__wrapped__('ones', 'last')(a, 4)}") in text
    assert _flat(f"gradient through scan: {power_gradient(a, 4)}") in text
    assert _flat(f"calculus, 4 * A**3: {4 * a**3}") in text


def test_the_three_questions_of_both_loops_are_counted(built_site: Path) -> None:
    text = _page(built_site)
    for node in power_gradient_function().maker.fgraph.toposort():
        if isinstance(node.op, Scan):
            info = node.op.info
            fed_back = (len(info.mit_mot_in_slices) + len(info.mit_sot_in_slices)
                        + len(info.sit_sot_in_slices) + info.n_untraced_sit_sot)
            line = (f"{node.op.name:16} sequences: {info.n_seqs}, "
                    f"non-sequences: {info.n_non_seqs}, prior results: {fed_back}")
            assert _flat(line) in text, line


def test_memory_is_read_from_the_default_backends_graphs(built_site: Path) -> None:
    text = _page(built_site)
    assert 'pytensor.config.linker = "py"' in text and 'pytensor.config.cxx = ""' in text
    assert 'mode="NUMBA"' in text  # the memory section builds for the default backend
    a_big = np.linspace(0.5, 1.0, 1000)
    with pytensor.config.change_flags(linker="auto"):  # Numba's rewrites; never called
        power_numba = power_function.__wrapped__("ones", "last")
        grad_numba = power_gradient_function.__wrapped__()
    listed = []
    for name, f in (("A**k alone", power_numba), ("its gradient", grad_numba)):
        listed.append(f"{name}:")
        for b in largest_first(scan_buffers(f, a_big, 10_000)):
            listed.append(f"{ROLE[b.kind]} {b.shape}, {format_bytes(b.nbytes)}")
    assert _flat(" ".join(listed)) in text
    assert "latest prior result (1000,), 8.0 KB" in text
    assert "gradient of each step (10001, 1000), 80.0 MB" in text


def test_truncated_gradients_appear(built_site: Path) -> None:
    text = _page(built_site)
    for t in TRUNCATIONS:
        assert _flat(f"truncate_gradient={t}: {power_gradient([2.0], 5, t)}") in text
    assert "truncate_gradient=2: [32.]" in text


def test_rnn_loss_and_truncation_appear(built_site: Path) -> None:
    text = _page(built_site)
    sizes = RNNSizes()
    params = rnn_weights(sizes, seed=0)
    X = np.random.default_rng(0).integers(1, 20, (sizes.steps, sizes.n_in)).astype(float)
    y = rnn_targets(sizes)
    loss, grads = bptt_gradients(X, y, params)
    assert _flat(f"targets y: {y} | loss: {round(loss, 6)}") in text
    # with truncate_gradient=1 the first two rows of d loss / d X are exactly zero, not the last
    assert re.search(r"X\[0\] \S+ 0\.00e\+00 X\[1\] \S+ 0\.00e\+00 X\[2\] (\S+) (\S+) ", text)
    last = re.search(r"X\[2\] ([0-9.e+-]+) ([0-9.e+-]+) ", text)
    assert last and last[1] == last[2] and float(last[1]) > 0
    assert re.search(rf"w {abs(grads['w']).max():.2e} \S+ b {abs(grads['b']).max():.2e} ", text)


def test_explorer_leaves_are_on_the_page(built_site: Path) -> None:
    text = _page(built_site)
    for k in (1, 4, 6):
        for truncate in (FULL, 2):
            for line in describe_power_gradient(k, (0.5, 1.0, 2.0), truncate).splitlines():
                assert _flat(line) in text


def test_bptt_states_are_named_as_rows_of_h(built_site: Path) -> None:
    words = _page(built_site)
    assert "(h0, h[0], h[1]: h0 and the first two rows of h)" in words
    assert "h_1" not in words
