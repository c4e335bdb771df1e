"""scanlab.diagnosis: the step count read from PyTensor's own Scan node, and messages."""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt

from scanlab import explain
from scanlab.diagnosis import pytensor_message, scan_node_steps


def _scan(*args, **kwargs):
    return pytensor.scan(*args, return_updates=False, **kwargs)


def test_scan_node_steps_reads_pytensors_count():
    x = pt.tensor("x", shape=(10,))
    result = _scan(lambda a, b: a + b, sequences=[dict(input=x, taps=[-1, 1])])
    assert scan_node_steps(result) == 8  # 10 - 2: what the loop will run
    assert scan_node_steps(_scan(lambda a: a, sequences=[pt.vector("v")])) is None
    several = _scan(lambda h: (h + 1, h * 2), outputs_info=[pt.scalar("h"), None], n_steps=4)
    assert scan_node_steps(several) == 4


def test_pytensor_message_is_one_trimmed_line():
    long = ValueError("first line\n" + "word " * 100)
    text = pytensor_message(long)
    assert text.startswith("ValueError: first line word") and text.endswith("...")
    assert "\n" not in text and len(text) < 250


def test_step_count_in_words():
    one_sided = explain(lambda a, b: a + b, sequences=[dict(input=np.zeros(10), taps=[1, 2])])
    assert one_sided.n_steps == 8
    assert "10 - 2 for taps [1, 2]" in one_sided.n_steps_reason
    lag = explain(lambda a: a, sequences=[dict(input=np.zeros(10), taps=[-1])])
    assert lag.n_steps == 9  # a one-sided tap: not 10 - (max - min) = 10
    unknown = explain(lambda a: a, sequences=[pt.vector("v")])
    assert unknown.n_steps is None and "unknown before running" in unknown.n_steps_reason
    assert explain(lambda h: h, outputs_info=[np.zeros(2)], n_steps=0).results[0].shape == (0, 2)


def test_fix_uses_an_input_of_the_right_shape():
    X, v = pt.matrix("X"), pt.vector("v")
    adds = explain(lambda x_t, h: h + x_t, sequences=[X], outputs_info=[pt.scalar("h")])
    assert "pt.zeros(X.shape[1:])" in adds.problems[0].message
    static = explain(lambda h, v: h + v, outputs_info=[pt.zeros(1)], non_sequences=[v],
                     n_steps=3)
    assert "pt.zeros(v.shape)" in static.problems[0].message
    known = explain(lambda h: pt.stack([h, h]), outputs_info=[np.float64(0)], n_steps=2)
    assert "pt.zeros((2,))" in known.problems[0].message
