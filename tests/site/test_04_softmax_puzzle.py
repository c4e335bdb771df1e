"""Chapter 4 on the built site shows the shapes and sums scanlab computes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from scanlab.rnn import (
    ACTIVATIONS,
    FIXES,
    RNNSizes,
    describe_rnn,
    run_fixes,
    run_rnn,
    static_shapes,
)
from scanlab.softmax import compare_softmax
from tests.conftest import page_text


def _page(site: Path) -> str:
    return page_text(site, "chapters/04-softmax-puzzle")


def test_the_puzzle_and_both_hypotheses_appear(built_site: Path) -> None:
    text = _page(built_site)
    legacy = run_rnn("softmax-2016")
    assert legacy.s.shape == (3, 1, 15)
    assert f"Theano 0.8 (reproduced): s.shape = {legacy.s.shape}" in text
    assert f"Theano 0.8 (reproduced): h.shape = {legacy.h.shape}" in text
    for activation in ("sigmoid", "softmax-axis-none"):
        assert f"s.shape = {run_rnn(activation).s.shape}" in text
    assert str(legacy.X) in text  # the input matrix, printed as numpy prints it


def test_softmax_experiments_and_the_trap_appear(built_site: Path) -> None:
    text = _page(built_site)
    for result in compare_softmax(np.zeros(15), np.zeros((2, 5))).values():
        assert str(result) in text
    trap = compare_softmax([1.0, 2.0, 3.0], [[1, 2, 3], [1, 1, 1]])["PyTensor softmax(matrix)"]
    assert str(trap) in text
    assert "[0.787, 0.213]" in text


def test_predicted_shapes_appear(built_site: Path) -> None:
    text = _page(built_site)
    static = static_shapes("softmax-2016", RNNSizes())
    assert f"s.type.shape = {static['s']}" in text
    assert "s.shape = [ 3  1 15]" in text


def test_fixes_appear(built_site: Path) -> None:
    text = _page(built_site)
    fixed = run_fixes()
    reference = "softmax(z, axis=-1) in the step"
    for name in FIXES:
        assert name in text
        same = "(reference)" if name == reference else "True"
        assert f"{name:37}{fixed[name].shape!s:12}{same}" in text


def test_explorer_settings_are_on_the_page(built_site: Path) -> None:
    text = _page(built_site)
    for activation in ACTIVATIONS:
        for line in describe_rnn(activation, steps=5, n_hidden=2, n_out=4).splitlines():
            assert line in text


def test_plain_loop_links_and_wording(built_site: Path) -> None:
    text = _page(built_site)
    assert "Python loop: s.shape = (3, 1, 15)" in text
    assert "same numbers as scan: True" in text
    # PyTensor's docs have no page for pytensor.tensor.special: the module is named, not linked
    assert "https://pytensor.readthedocs.io/en/latest/library/tensor/special.html" not in text
    words = " ".join(re.sub(r"<[^>]+>", "", text).split())
    assert "lives in the module pytensor.tensor.special" in words
    # `fn` means scan's step function only; the compiled 2016 loop is `run`
    assert "run (h and s) runs a loop: True" in text
    assert "same numbers as run: True" in text
    assert "fn (h and s)" not in text and "same numbers as fn" not in text
    assert 'href="#softmax-trap"' in text and 'id="softmax-trap"' in text
    assert "two sections down" not in text
    assert "change it in the free input" not in text
    assert "when this page was built" not in text
    assert "NBVAL" not in text


def test_the_scans_behind_scanlab_calls_are_shown(built_site: Path) -> None:
    import inspect
    import re

    from scanlab.rnn import fixed_outputs, rnn_outputs

    text = re.sub(r"<[^>]+>", "", _page(built_site))  # highlighted code: one span per token
    for function in (rnn_outputs, fixed_outputs):
        for line in inspect.getsource(function).splitlines():
            assert line.strip() in text, line


def test_the_page_says_it_runs_on_the_python_linker(built_site: Path) -> None:
    import html
    import re

    raw = _page(built_site)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", raw)).split())
    assert 'pytensor.config.linker = "py" pytensor.config.cxx = ""' in words
    assert "In your own code leave these two lines out" in words
    assert 'href="glossary.html#python-linker"' in raw
    assert "the same rewrites as the default backend" not in words  # a few differ by backend


def test_fourth_reader_findings(built_site: Path) -> None:
    import html

    words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", _page(built_site))).split())
    # the table says that the compiled 2016 loop is `run` here, and why h is an output too
    assert "fn = theano.function(...) run = pytensor.function(...)" in words
    assert "outputs=[s] outputs=[h, s] h too, for Hypothesis 1 below" in words
    # Exercise 4.1 says which static shapes it means, and gives both answers
    assert "with static shapes for X and the weights, as in" in words
    assert "(None, 1, 6)" in words and "(None, 1, None)" in words
    # Exercise 4.2's check prints the axis=-1 values too
    assert "softmax(matrix, axis=-1): [[0.5 0.5] [0.5 0.5] [0.5 0.5]]" in words
