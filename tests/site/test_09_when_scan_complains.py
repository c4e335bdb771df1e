"""Chapter 9 on the built site shows what scanlab.explain says, computed again here."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytensor
import pytensor.tensor as pt

from scanlab import explain
from scanlab.explain import explain_shapes
from tests.browser.chromium import widget_state_json
from tests.conftest import page_text, stored_outputs

PAGE = "chapters/09-when-scan-complains"
KINDS = (
    "output_count", "dtype", "ndim", "static_shape", "initial_too_short", "n_steps_past_end",
    "negative_n_steps", "sequences_differ", "updates", "implicit_non_sequence",
    "random_generator",
)


def _raw(site: Path) -> str:
    return (site / f"{PAGE}.html").read_text("utf-8")


def test_first_explanation_table_appears(built_site: Path) -> None:
    def step(x_tm2, x_t, y_t, h_tm1, W):
        return (x_t - x_tm2) @ W + y_t + 0.5 * h_tm1

    e = explain(step, sequences=[dict(input=np.zeros((10, 3)), taps=[-2, 0]), np.zeros((9, 3))],
                outputs_info=[np.zeros(3)], non_sequences=[np.eye(3)])
    assert e._repr_html_() in _raw(built_site)  # the table, cell for cell
    assert e.loop in page_text(built_site, PAGE)


def test_every_problem_is_diagnosed_on_the_page(built_site: Path) -> None:
    text = page_text(built_site, PAGE)
    for kind in KINDS:
        assert f"[{kind}]:" in text, kind
    assert "ValueError: Please provide None as outputs_info" in text
    assert "Inconsistency in the inner graph of scan" in text


def test_the_rnn_report_appears(built_site: Path) -> None:
    from pytensor.tensor.special import softmax

    def weights(name, shape):
        return pytensor.shared(np.zeros(shape, dtype="float32"), name=name, shape=shape)

    wx, wh, w = weights("wx", (10, 5)), weights("wh", (5, 5)), weights("w", (5, 15))
    bh, b, h0 = weights("bh", (5,)), weights("b", (15,)), weights("h0", (5,))

    def recurrence(x_t, h_tm1):
        h_t = pt.sigmoid(pt.dot(x_t, wx) + pt.dot(h_tm1, wh) + bh)
        c = pt.dot(h_t, w) + b
        return [h_t, softmax(pt.shape_padleft(c), axis=-1)]

    X = np.zeros((3, 10), dtype="float32")
    rnn = explain(recurrence, sequences=X, outputs_info=[h0, None], n_steps=X.shape[0])
    assert [r.shape for r in rnn.results] == [(3, 5), (3, 1, 15)]
    assert str(rnn) in page_text(built_site, PAGE)


def test_explorer_default_setting_appears(built_site: Path) -> None:
    shown = [out.get("text", "") for out in stored_outputs(built_site, PAGE)]
    assert explain_shapes() + "\n" in shown
    # an int64 h0: the table says the call fails, as the diagnosis does
    ints = explain_shapes(initial=((4,), "int64"))
    assert ints + "\n" in shown and "fails [dtype]" in ints
    assert len(widget_state_json(_raw(built_site)).encode()) <= 300_000


def test_threaded_generator_moves_on_between_calls(built_site: Path) -> None:
    text = page_text(built_site, PAGE)
    assert "updates={rng: last_rng}" in text
    first = re.search(r"1st call: \[([^\]]+)\]", text).group(1).split()
    second = re.search(r"2nd call: \[([^\]]+)\]", text).group(1).split()
    assert len(first) == len(second) == 4 and first != second


def test_no_test_scaffolding_and_the_books_words(built_site: Path) -> None:
    raw = _raw(built_site)
    assert "test run" not in page_text(built_site, PAGE)
    assert 'title="上次的结果 (the prior result)"' in raw and "the last result" not in raw
    assert "<code>sequences[0]</code> allows 8" in raw  # backticks render as code
    assert 'mode="FAST_COMPILE"' not in raw and "FAST_COMPILE" not in page_text(built_site, PAGE)
