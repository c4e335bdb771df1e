"""scanlab.explain: every diagnosis checked against what PyTensor really does with the call.

Each of the ten problems is a broken call whose diagnosis must name the reader's variable,
next to a check that PyTensor really fails (or silently misbehaves) that way. A seeded
property test compares explain's step count, arguments and result shapes with a real
`pytensor.scan`, evaluated cheaply (Python linker, no rewrites), over many random layouts.
"""

from __future__ import annotations

import logging
import random
import warnings

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.graph.utils import MissingInputError
from pytensor.scan.op import Scan

from scanlab import ScanlabInputError, explain
from scanlab.compiled import compile_count
from scanlab.explain import (
    explain_shapes,
    parse_initial,
    parse_sequence_taps,
    parse_shape,
)

CHEAP = Mode(linker="py", optimizer=None)  # evaluates a scan in milliseconds, no Numba


def kinds(e):
    return [p.kind for p in e.problems]


def problem(e, kind):
    found = [p for p in e.problems if p.kind == kind]
    assert found, f"no {kind!r} in {kinds(e)}"
    return found[0]


def scan(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytensor.scan(*args, return_updates=False, **kwargs)


# ---------------------------------------------------------------------------------------
# The ten problems


def test_1_output_count():
    x, h0 = pt.vector("x"), pt.scalar("h0")

    def step(x_t, h_tm1):
        return h_tm1 + x_t, 2 * x_t

    e = explain(step, sequences=[x], outputs_info=[h0])
    p = problem(e, "output_count")
    assert p.severity == "error" and not e.ok
    assert "[h0]" in p.message and "outputs_info=[h0, None]" in p.message
    with pytest.raises(ValueError, match="Please provide None as outputs_info"):
        scan(step, sequences=[x], outputs_info=[h0])
    fixed = explain(step, sequences=[x], outputs_info=[h0, None])
    assert fixed.ok and len(fixed.results) == 2


def test_2_dtype_int_number_and_float32():
    x = pt.vector("x")
    assert pt.constant(0.0).dtype == "float32"  # what a float number becomes
    e = explain(lambda x_t, h: h + x_t, sequences=[x], outputs_info=[0])
    p = problem(e, "dtype")
    assert "outputs_info[0]" in p.message and "int8" in p.message and "float64" in p.message
    with pytest.raises(ValueError, match="has dtype int8"):
        scan(lambda x_t, h: h + x_t, sequences=[x], outputs_info=[0])
    h32 = pt.scalar("h32", dtype="float32")
    e = explain(lambda x_t, h: h + x_t, sequences=[x], outputs_info=[h32])
    assert "`h32`" in problem(e, "dtype").message
    assert "h32.astype('float64')" in problem(e, "dtype").message
    with pytest.raises(ValueError, match="has dtype float32"):
        scan(lambda x_t, h: h + x_t, sequences=[x], outputs_info=[h32])
    assert explain(lambda x_t, h: h + x_t, sequences=[x], outputs_info=[np.float64(0)]).ok


def test_3_step_adds_or_drops_an_axis():
    X, h0 = pt.matrix("X"), pt.scalar("h0")
    e = explain(lambda x_t, h: h + x_t, sequences=[X], outputs_info=[h0])
    p = problem(e, "ndim")
    assert "`h0`" in p.message and "adds an axis" in p.message
    assert "shape of one step" in p.message  # not shape_padleft, which PyTensor suggests
    with pytest.raises(ValueError, match="shape_padleft"):
        scan(lambda x_t, h: h + x_t, sequences=[X], outputs_info=[h0])
    # a row of length 1 (Theano's softmax): the fix is in the step
    hv = pt.vector("hv", shape=(15,))
    e = explain(lambda h: pt.shape_padleft(h), outputs_info=[hv], n_steps=3)
    assert "out[0]" in problem(e, "ndim").message
    # a step that drops the axis
    e = explain(lambda x_t, h: (h * x_t).sum(), sequences=[X], outputs_info=[pt.vector("hv")])
    assert "drops an axis" in problem(e, "ndim").message
    with pytest.raises(ValueError, match="0 dimension"):
        scan(lambda x_t, h: (h * x_t).sum(), sequences=[X], outputs_info=[pt.vector("hv")])


def test_4_static_shape_mismatch(caplog):
    v = pt.vector("v")

    def step(h, v):
        return h * v

    e = explain(step, outputs_info=[pt.zeros(1)], non_sequences=[v], n_steps=3)
    p = problem(e, "static_shape")
    assert "outputs_info[0]" in p.message and "(1,)" in p.message
    assert "Inconsistency in the inner graph" in p.message
    result = scan(step, outputs_info=[pt.zeros(1)], non_sequences=[v], n_steps=3)
    with caplog.at_level(logging.CRITICAL), pytest.raises(TypeError, match="Inconsistency"):
        pytensor.function([v], result, mode="FAST_COMPILE")
    named = explain(step, outputs_info=[pt.vector("h1", shape=(1,))], non_sequences=[v], n_steps=3)
    assert "`h1`" in problem(named, "static_shape").message
    assert explain(step, outputs_info=[pt.zeros(v.shape)], non_sequences=[v], n_steps=3).ok


def test_5_initial_value_shorter_than_taps():
    F = pt.vector("F", shape=(1,))

    def fib(a, b):
        return a + b

    e = explain(fib, outputs_info=[dict(initial=F, taps=[-2, -1])], n_steps=5)
    p = problem(e, "initial_too_short")
    assert "`F`" in p.message and "(2,)" in p.message
    # PyTensor accepts it without a word (no error, no warning) and returns wrong results:
    # here not even n_steps of them
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = pytensor.scan(fib, outputs_info=[dict(initial=F, taps=[-2, -1])], n_steps=5,
                               return_updates=False)
        values = pytensor.function([F], result, mode=CHEAP)(np.array([1.0]))
    assert values.shape != (5,)
    assert explain(fib, outputs_info=[dict(initial=np.array([0.0, 1.0]), taps=[-2, -1])],
                   n_steps=5).ok


def test_6_n_steps_past_the_end_and_negative():
    coefficients = pt.vector("coefficients", shape=(3,))

    def running(c, total):
        return total + c

    e = explain(running, sequences=[coefficients], outputs_info=[np.float64(0)], n_steps=5)
    p = problem(e, "n_steps_past_end")
    assert "`coefficients`" in p.message and "n_steps=3" in p.message
    assert "(sequences[0], length 3)" in p.message
    # what happens depends on the loop: both outcomes are named
    assert "depends on the loop (chapter 5)" in p.message
    assert "raises on the Python linker" in p.message
    assert "returns fewer steps or raises a shape error" in p.message
    # an example value is named by its place: said once, not twice
    e = explain(running, sequences=[np.zeros(4)], outputs_info=[np.float64(0)], n_steps=5)
    p = problem(e, "n_steps_past_end")
    assert "sequence `sequences[0]` (length 4) allows only 4" in p.message
    zero = pt.constant(0.0, dtype="float64")
    result = scan(running, sequences=[coefficients], outputs_info=[zero], n_steps=5)
    f = pytensor.function([coefficients], result, mode=CHEAP)
    with pytest.raises(ValueError, match=r"Sequence 0 has shape \(3,\) but the Scan's required"):
        f(np.array([1.0, 0.0, 2.0]))
    # a loop the rewrites remove (the Python linker, full rewrites) returns fewer steps
    seven = pt.vector("seven", shape=(7,))
    mean = scan(lambda a, b, c: (a + b + c) / 3, sequences=dict(input=seven, taps=[-1, 0, 1]),
                n_steps=8)
    f = pytensor.function([seven], mean, mode=Mode(linker="py"))
    assert f(np.arange(7.0)).shape == (5,)
    e = explain(running, sequences=[coefficients], outputs_info=[np.float64(0)], n_steps=-2)
    assert "n_steps=-2" in problem(e, "negative_n_steps").message
    with pytest.raises(ValueError, match="length should not be negative"):
        scan(running, sequences=[coefficients], outputs_info=[np.float64(0)], n_steps=-2)


def test_7_sequences_of_different_lengths():
    coefficients = pt.vector("coefficients", shape=(3,))
    powers = pt.arange(10000)
    e = explain(lambda c, p: c * p, sequences=[coefficients, powers])
    p = problem(e, "sequences_differ")
    assert p.severity == "warning" and e.ok
    assert "the shortest, `coefficients`" in p.message
    assert "ignores the rest of the longer sequence." in p.message
    assert e.n_steps == 3
    three = explain(lambda a, b, c: a * b * c, sequences=[coefficients, powers, np.zeros(5)])
    assert "ignores the rest of the longer sequences." in problem(three, "sequences_differ").message
    page = e._repr_html_()  # backticked names are code in HTML, plain backticks in str()
    assert "the shortest, <code>coefficients</code>" in page and "`" not in page
    assert "the shortest, `coefficients`" in str(e)
    result = scan(lambda c, p: c * p, sequences=[coefficients, powers])
    out = pytensor.function([coefficients], result, mode=CHEAP)(np.array([1.0, 0.0, 2.0]))
    assert out.shape == (e.n_steps,)


def test_8_updates_with_return_updates_false():
    x = pt.vector("x")
    count = pytensor.shared(0.0, name="count")

    def step(x_t):
        return 2 * x_t, {count: count + 1}

    e = explain(step, sequences=[x])
    assert "`count`" in problem(e, "updates").message
    assert "outputs_info" in problem(e, "updates").message
    with pytest.raises(ValueError, match="return_updates=False but Scan produced updates"):
        pytensor.scan(step, sequences=[x], return_updates=False)


def test_9_implicit_non_sequence():
    x, u = pt.vector("x"), pt.scalar("u")
    e = explain(lambda x_t: x_t * u, sequences=[x])
    p = problem(e, "implicit_non_sequence")
    assert p.severity == "warning" and "`u`" in p.message and "non_sequences=[..., u]" in p.message
    strict = explain(lambda x_t: x_t * u, sequences=[x], strict=True)
    assert problem(strict, "implicit_non_sequence").severity == "error"
    # PyTensor adds u to the Scan node's inputs although fn never received it
    result = scan(lambda x_t: x_t * u, sequences=[x])
    node = result.owner if isinstance(result.owner.op, Scan) else result.owner.inputs[0].owner
    assert u in node.inputs
    V = pytensor.shared(np.eye(2), name="V")
    X = pt.matrix("X")
    uses_v = explain(lambda x_t: V @ x_t, sequences=[X])
    assert "`V`" in problem(uses_v, "implicit_non_sequence").message
    with pytest.raises(MissingInputError, match="shared variable V"):
        scan(lambda x_t: V @ x_t, sequences=[X], strict=True)
    assert explain(lambda x_t, u: x_t * u, sequences=[x], non_sequences=[u]).problems == ()


def test_10_random_generator_not_threaded():
    x = pt.vector("x")
    rng = pytensor.shared(np.random.default_rng(0), name="rng")

    def step(x_t):
        return x_t + pt.random.normal(rng=rng)

    e = explain(step, sequences=[x])
    p = problem(e, "random_generator")
    assert "`rng`" in p.message and "normal" in p.message and "outputs_info" in p.message
    draws = pytensor.function([x], scan(step, sequences=[x]), mode=CHEAP)(np.zeros(4))
    assert len(set(draws.tolist())) == 1  # every step the same draw

    def threaded(rng_tm1):
        next_rng, draw = pt.random.normal(rng=rng_tm1, return_next_rng=True)
        return draw, next_rng

    fixed = explain(threaded, outputs_info=[None, rng], n_steps=4)
    assert fixed.problems == () and fixed.results[1].stacked is False
    good, last_rng = scan(threaded, outputs_info=[None, rng], n_steps=4)
    assert len(set(pytensor.function([], good, mode=CHEAP)().tolist())) == 4
    # the fix's last part: without updates every call repeats the draws; with them they move on
    assert "`updates={rng: last_rng}`" in p.message
    same = pytensor.function([], good, mode=CHEAP)
    assert np.array_equal(same(), same())
    moving = pytensor.function([], good, updates={rng: last_rng}, mode=CHEAP)
    assert not np.array_equal(moving(), moving())


# ---------------------------------------------------------------------------------------
# More problems and the report


def test_argument_count_and_no_steps():
    x, h0 = pt.vector("x"), pt.scalar("h0")

    def step(h_tm1):
        return 2 * h_tm1

    e = explain(step, sequences=[x], outputs_info=[h0])
    p = problem(e, "argument_count")
    assert "step() takes 1 positional argument but 2 were given" in p.message
    assert "def fn(x_t, h0_tm1)" in p.message
    e = explain(step, outputs_info=[h0])
    assert "n_steps" in problem(e, "no_steps").message and e.loop.startswith("# scan stopped")
    with pytest.raises(ValueError, match="No information about the number of steps"):
        scan(step, outputs_info=[h0])


def test_step_error_keeps_the_argument_table():
    e = explain(lambda x_t, W: x_t @ W, sequences=[np.zeros((5, 4))], non_sequences=[np.eye(3)])
    assert "fn failed" in problem(e, "step_error").message
    assert [a.shape for a in e.arguments] == [(4,), (3, 3)]


def test_taps_none_warns():
    e = explain(lambda s, o: s + o, sequences=[pt.vector("s")],
                outputs_info=[dict(initial=pt.scalar("Output2"), taps=None)])
    assert "taps is explicitly set to None" in problem(e, "taps_none").message
    assert [a.role for a in e.arguments] == ["sequence", "prior result"]


def test_arguments_n_steps_and_results_of_a_full_call():
    x, y = pt.tensor("x", shape=(10, 3)), pt.tensor("y", shape=(7, 3))
    F = pt.tensor("F", shape=(2, 3))
    W = pt.matrix("W")

    def step(x_tp1, x_tp2, y_t, F_tm2, F_tm1, W):
        return F_tm1 + x_tp1, x_tp2 @ W

    e = explain(step, sequences=[dict(input=x, taps=[1, 2]), y],
                outputs_info=[dict(initial=F, taps=[-2, -1]), None], non_sequences=[W])
    assert [a.source for a in e.arguments] == [
        "sequences[0] x, tap 1", "sequences[0] x, tap 2", "sequences[1] y, tap 0",
        "outputs_info[0] F, tap -2", "outputs_info[0] F, tap -1", "non_sequences[0] W",
    ]
    assert [a.role for a in e.arguments] == ["sequence"] * 3 + ["prior result"] * 2 + [
        "non-sequence"
    ]
    assert e.arguments[0].tap == 1 and e.arguments[5].tap is None
    assert e.n_steps == 7 and "x allows 8 (10 - 2 for taps [1, 2])" in e.n_steps_reason
    assert [(r.step_shape, r.shape, r.dtype) for r in e.results] == [
        ((3,), (7, 3), "float64"), ((None,), (7, None), "float64"),
    ]
    assert e.def_line() == "def step(x_tp1, x_tp2, y_t, F_tm2, F_tm1, W):"
    text = str(e)
    assert "n_steps: 7" in text and "the shortest, `y`" in text
    page = e._repr_html_()
    assert page.count("<tr") == 1 + 6 + 1 + 2
    # arguments and outputs are both numbered from 1
    cell = 'style="padding:0.15em 0.6em;text-align:left"'
    assert f"<td {cell}>1</td><td {cell}>outputs_info[0]" in page
    assert f"<td {cell}>2</td><td {cell}>outputs_info[1]" in page
    assert f"<td {cell}>0</td>" not in page
    assert 'title="上次的结果 (the prior result)"' in page  # the book's translation
    assert 'title="在变的东西 (what changes)"' in page and 'title="不变的东西 (what stays)"' in page


def test_example_values_and_variables_agree():
    def step(x_t, h_tm1, W):
        return pt.tanh(x_t @ W + h_tm1)

    by_example = explain(step, sequences=[np.zeros((6, 4))], outputs_info=[np.zeros(5)],
                         non_sequences=[[[0.0] * 5] * 4])
    X, h, W = pt.tensor("X", shape=(6, 4)), pt.tensor("h", shape=(5,)), pt.tensor("W", shape=(4, 5))
    by_variable = explain(step, sequences=[X], outputs_info=[h], non_sequences=[W])
    assert by_example.n_steps == by_variable.n_steps == 6
    assert [r.shape for r in by_example.results] == [r.shape for r in by_variable.results]
    assert [(a.role, a.shape, a.dtype) for a in by_example.arguments] == [
        (a.role, a.shape, a.dtype) for a in by_variable.arguments
    ]


def test_explain_never_compiles():
    before = compile_count()
    explain(lambda x_t, h: h + x_t, sequences=[np.zeros((4, 2))], outputs_info=[np.zeros(2)])
    assert compile_count() == before


def test_the_loop_runs_and_gives_scans_numbers():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(9, 2)), rng.normal(size=(6, 2))
    F0, h0, W = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(2, 2))

    def step(x_tm1, x_tp1, y_t, F_tm3, F_tm1, h_tm1, W):
        return F_tm1 * 0.5 + x_tm1 - F_tm3, h_tm1 @ W + y_t * x_tp1, x_tm1 * 2

    kwargs = dict(sequences=[dict(input=x, taps=[-1, 1]), y],
                  outputs_info=[dict(initial=F0, taps=[-3, -1]), h0, None], non_sequences=[W])
    for go_backwards in (False, True):
        e = explain(step, **kwargs, go_backwards=go_backwards)
        assert e.ok, e.problems
        space = {"np": np, "step": step, "sequences": [x, y], "outputs_info": [F0, h0, None],
                 "non_sequences": [W]}
        exec(e.loop, space)
        symbolic = dict(sequences=[dict(input=pt.matrix("x"), taps=[-1, 1]), pt.matrix("y")],
                        outputs_info=[dict(initial=pt.matrix("F0"), taps=[-3, -1]),
                                      pt.vector("h0"), None],
                        non_sequences=[pt.matrix("W")])
        outputs = scan(step, **symbolic, go_backwards=go_backwards)
        inputs = [symbolic["sequences"][0]["input"], symbolic["sequences"][1],
                  symbolic["outputs_info"][0]["initial"], symbolic["outputs_info"][1],
                  symbolic["non_sequences"][0]]
        by_scan = pytensor.function(inputs, outputs, mode=CHEAP)(x, y, F0, h0, W)
        for mine, theirs in zip(space["result"], by_scan, strict=True):
            np.testing.assert_allclose(mine, theirs)


def test_book_scans_explained():
    A, k = pt.vector("A"), pt.iscalar("k")
    power = explain(lambda prior_result, A: prior_result * A, outputs_info=pt.ones_like(A),
                    non_sequences=A, n_steps=k)
    assert power.ok and power.n_steps is None and "given as k" in power.n_steps_reason
    assert [a.role for a in power.arguments] == ["prior result", "non-sequence"]
    assert power.results[0].shape == (None, None)
    assert explain(lambda p, A: p * A, outputs_info=np.ones(10), non_sequences=np.arange(10.0),
                   n_steps=4).results[0].shape == (4, 10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(fn=3), r"fn must be callable"),
        (dict(sequences=["abc"]), r"sequences\[0\] must be a PyTensor variable or an example"),
        (dict(sequences=[[[1, 2], [3]]]), r"sequences\[0\] must be array-like"),
        (dict(outputs_info=[object()]), r"outputs_info\[0\] must be a PyTensor variable"),
        (dict(sequences=[dict(taps=[0])]), r"sequences\[0\] is a dict without 'input'"),
        (dict(sequences=[dict(input=np.zeros(3), taps=[0.5])]), r"taps must be whole numbers"),
        (dict(n_steps="3"), r"n_steps must be a whole number"),
        (dict(go_backwards="yes"), r"go_backwards must be True or False"),
        (dict(truncate_gradient=1.5), r"truncate_gradient must be a whole number"),
    ],
)
def test_bad_input_that_is_not_a_scan_call(kwargs, message):
    call = dict(fn=lambda x_t: x_t, sequences=[np.zeros(3)])
    call.update(kwargs)
    with pytest.raises(ScanlabInputError, match=message):
        explain(**call)


# ---------------------------------------------------------------------------------------
# Random layouts, compared with a real scan (the oracle)


def _random_layout(r: random.Random) -> dict:
    features = [(), (2,), (3,)]
    seqs = []
    for _ in range(r.randint(0, 2)):
        taps = sorted(r.sample(range(-2, 3), r.randint(1, 3)), key=lambda _: r.random())
        span = max(max(taps), 0) - min(min(taps), 0)
        seqs.append((taps, (span + r.randint(0, 6), *r.choice(features))))
    outs = []
    for _ in range(r.randint(0, 2)):
        if r.random() < 0.3:
            outs.append((None, r.choice(features)))
        else:
            taps = r.sample([-3, -2, -1], r.randint(1, 2))
            outs.append((taps, r.choice(features)))
    nons = [r.choice([(), (2,), (2, 3)]) for _ in range(r.randint(0, 2))]
    allowed = min((s[1][0] - (max(max(s[0]), 0) - min(min(s[0]), 0)) for s in seqs), default=None)
    choices = [None] if seqs else []
    choices += [0, r.randint(0, allowed if allowed is not None else 6)]
    choices += [1] if allowed is None or allowed >= 1 else []
    n_steps = r.choice(choices)
    if not outs:  # fn returns at least one value
        outs.append((None, r.choice(features)))
    return dict(seqs=seqs, outs=outs, nons=nons, n_steps=n_steps)


def _real_call(layout: dict, rng: np.random.Generator):
    """Named symbolic inputs, values for them, and the scan call's keyword arguments."""
    inputs, values = [], []
    sequences = []
    for i, (taps, shape) in enumerate(layout["seqs"]):
        v = pt.tensor(f"sequences[{i}]", shape=(None,) * len(shape))
        inputs.append(v)
        values.append(rng.normal(size=shape))
        sequences.append(dict(input=v, taps=taps))
    outputs_info = []
    for i, (taps, feature) in enumerate(layout["outs"]):
        if taps is None:
            outputs_info.append(None)
            continue
        shape = feature if taps == [-1] else (-min(taps), *feature)
        v = pt.tensor(f"outputs_info[{i}]", shape=(None,) * len(shape))
        inputs.append(v)
        values.append(rng.normal(size=shape))
        outputs_info.append(dict(initial=v, taps=taps))
    non_sequences = []
    for i, shape in enumerate(layout["nons"]):
        v = pt.tensor(f"non_sequences[{i}]", shape=(None,) * len(shape))
        inputs.append(v)
        values.append(rng.normal(size=shape))
        non_sequences.append(v)
    return inputs, values, dict(sequences=sequences, outputs_info=outputs_info,
                                non_sequences=non_sequences, n_steps=layout["n_steps"])


def _step_for(layout: dict, received: list):
    features = [feature for _, feature in layout["outs"]]

    def step(*args):
        received.append([a.name for a in args])
        total = sum((a.sum() for a in args), pt.constant(0.0, dtype="float64"))
        outs = [pt.zeros(f, dtype="float64") + 0.1 * total for f in features]
        return outs if len(outs) != 1 else outs[0]

    return step


def test_random_layouts_match_a_real_scan(capsys):
    r, values_rng = random.Random(9), np.random.default_rng(9)
    compared = 0
    for _ in range(160):
        layout = _random_layout(r)
        inputs, values, call = _real_call(layout, values_rng)
        real_names: list = []
        outputs = scan(_step_for(layout, real_names), **call)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        evaluated = pytensor.function(inputs, outputs, mode=CHEAP)(*values)
        # explain gets example values half of the time, static-shaped variables otherwise
        examples = iter(values)

        def given(name, examples=examples, as_examples=compared % 2 == 0):
            value = next(examples)
            return value if as_examples else pt.tensor(name, shape=value.shape)

        sequences = [dict(input=given(f"sequences[{i}]"), taps=s["taps"])
                     for i, s in enumerate(call["sequences"])]
        outputs_info = [None if o is None else dict(initial=given(f"outputs_info[{i}]"),
                                                    taps=o["taps"])
                        for i, o in enumerate(call["outputs_info"])]
        non_sequences = [given(f"non_sequences[{i}]") for i in range(len(call["non_sequences"]))]
        e = explain(_step_for(layout, []), sequences=sequences, outputs_info=outputs_info,
                    non_sequences=non_sequences, n_steps=call["n_steps"])
        assert e.ok, (layout, e.problems)
        steps = {value.shape[0] for value in evaluated}
        assert steps == {e.n_steps}, (layout, steps, e.n_steps)
        if e.n_steps == 0:
            # Zero steps: for an output that is not fed back the Python linker returns (0, 0)
            # where Numba returns (0, *step) (measured): compare those with the static type
            # of the real scan's output; outputs fed back must match exactly.
            for i, (v, res) in enumerate(zip(outputs, e.results, strict=True)):
                fed_back = i < len(call["outputs_info"]) and call["outputs_info"][i] is not None
                if fed_back:
                    assert evaluated[i].shape == res.shape, layout
                else:
                    static = (0, *v.type.shape[1:])
                    assert len(static) == len(res.shape), layout
                    assert all(a is None or a == b for a, b in zip(static, res.shape, strict=True))
        else:
            assert [tuple(v.shape) for v in evaluated] == [res.shape for res in e.results], layout
        if call["n_steps"] != 1:  # one step: fn gets x[0] and the initial value, unnamed
            assert [a.variable_name for a in e.arguments] == real_names[0], layout
            roles = {"sequences": "sequence", "outputs_info": "prior result",
                     "non_sequences": "non-sequence"}
            assert [a.role for a in e.arguments] == [
                roles[name.split("[")[0]] for name in real_names[0]
            ]
        compared += 1
    with capsys.disabled():
        print(f"\nexplain matched a real pytensor.scan on {compared} random layouts")
    assert compared >= 150


# ---------------------------------------------------------------------------------------
# The chapter's explorer


def test_explain_shapes_reports_each_kind_of_setting():
    assert "problems: none" in explain_shapes()
    assert "(10, 4)" in explain_shapes()  # h: (4,) per step, 10 steps
    assert "[dtype]" in explain_shapes(initial=((4,), "int64"))
    assert "[static_shape]" in explain_shapes(initial=((1,), "float64"))
    assert "[ndim]" in explain_shapes(initial=((), "float64"))
    assert "[step_error]" in explain_shapes(weights=(4, 4))
    two = explain_shapes(taps=(-1, 0))
    assert "window_step" in two and "n_steps: 9" in two


@pytest.mark.parametrize(
    ("initial", "kind"),
    [(((4,), "int64"), "dtype"), (((1,), "float64"), "static_shape"), (((), "float64"), "ndim")],
)
def test_explorer_says_the_call_fails_when_it_does(initial, kind):
    # the results row says "fails", not the shape fn's step would give ...
    text = explain_shapes(initial=initial)
    assert f"  fails [{kind}]  " in text and "(10, 4)" not in text
    assert f"error [{kind}]: " in text
    # ... because the real call fails (building the loop, compiling or running it)
    x, W = pt.matrix("x", shape=(10, 3)), pt.matrix("W", shape=(3, 4))
    h0 = pt.tensor("h0", shape=initial[0], dtype=initial[1])
    with pytest.raises((ValueError, TypeError)):
        h = scan(lambda x_t, h_tm1, W: pt.tanh(x_t @ W + h_tm1),
                 sequences=[x], outputs_info=[h0], non_sequences=[W])
        pytensor.function([x, h0, W], h, mode=CHEAP)(
            np.zeros((10, 3)), np.zeros(initial[0], dtype=initial[1]), np.zeros((3, 4))
        )


def test_one_style_for_problems_in_text_and_html():
    e = explain(lambda x_t, y_t, h: h + x_t + y_t, sequences=[np.zeros(5), np.zeros(4)],
                outputs_info=[np.float64(0)])
    (p,) = e.problems
    assert str(p).startswith("warning [sequences_differ]: the sequences allow")
    assert "warning [sequences_differ]: the sequences allow" in str(e)
    assert "<b>warning</b> [<code>sequences_differ</code>]: the sequences" in e._repr_html_()
    assert all(r.fails is None for r in e.results)  # a warning stops nothing


def test_parse_shapes_and_initial_values():
    assert parse_shape("x", "(7, 4, 5)") == (7, 4, 5)
    assert parse_shape("x", "10 3") == (10, 3) and parse_shape("x", "()") == ()
    assert parse_initial("(4,) float32") == ((4,), "float32")
    assert parse_initial("4") == ((4,), "float64")
    assert parse_sequence_taps("-1, 0") == (-1, 0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_shape("x's shape", "(7, x)"), r"x's shape must list whole numbers"),
        (lambda: parse_shape("x's shape", "1 2 3 4 5"), r"at most 4 dimensions"),
        (lambda: parse_shape("x's shape", "(10**9,)"), r"whole numbers"),
        (lambda: parse_shape("x's shape", 3), r"must be text"),
        (lambda: parse_initial("(4,) complex"), r"dtype must be one of"),
        (lambda: parse_sequence_taps("0; 1"), r"must be one list"),
    ],
)
def test_parse_bad_input(call, message):
    with pytest.raises(ScanlabInputError, match=message):
        call()


# ---------------------------------------------------------------------------------------
# A prior result fn never reads (chapter 3)


def _rows(inputs, out, *args):
    """Rows of `out` compiled with the default rewrites (the Python linker: no Numba)."""
    with pytensor.config.change_flags(linker="py", cxx=""):
        return len(pytensor.function(inputs, out)(*args))


def test_a_prior_result_fn_never_reads_is_flagged_and_the_row_pytensor_drops_is_real():
    B, k = pt.vector("B"), pt.iscalar("k")
    e = explain(lambda total, B: B * 2, outputs_info=[pt.zeros_like(B)], non_sequences=[B],
                n_steps=k)
    p = problem(e, "prior_result_unread")
    assert p.severity == "warning" and p.output == 0
    assert "write None" in p.message and "fewer rows than steps" in p.message
    # PyTensor is the oracle: one row short, and every row once the output gets None
    ignored = scan(lambda total, B: B * 2, outputs_info=pt.zeros_like(B), non_sequences=[B],
                   n_steps=k)
    assert [_rows([B, k], ignored, [1.0, 2.0], n) for n in (1, 3)] == [0, 2]
    # fewer, not always one fewer: with two taps the rewrite drops the look-back, two rows
    call = dict(non_sequences=[B], n_steps=k,
                outputs_info=[dict(initial=pt.zeros((2, 2)), taps=[-2, -1])])
    deeper_step = lambda t2, t1, B: B * 2  # noqa: E731
    message = problem(explain(deeper_step, **call), "prior_result_unread").message
    assert "fewer rows than steps" in message
    deeper = scan(deeper_step, **call)
    assert [_rows([B, k], deeper, [1.0, 2.0], n) for n in (3, 5)] == [1, 3]
    fixed = scan(lambda B: B * 2, outputs_info=None, non_sequences=[B], n_steps=k)
    assert [_rows([B, k], fixed, [1.0, 2.0], n) for n in (1, 3)] == [1, 3]
    assert "prior_result_unread" not in kinds(
        explain(lambda B: B * 2, outputs_info=[None], non_sequences=[B], n_steps=k)
    )


def test_an_unread_prior_result_whose_step_still_changes_gets_no_row_warning():
    x = pt.vector("x")
    e = explain(lambda x_t, total: x_t * 2, sequences=[x], outputs_info=[pt.zeros(())])
    p = problem(e, "prior_result_unread")
    assert "fewer rows than steps" not in p.message
    # PyTensor: every row is there (the step reads the sequence)
    ignored = scan(lambda x_t, total: x_t * 2, sequences=[x], outputs_info=pt.zeros(()))
    assert _rows([x], ignored, [1.0, 2.0, 3.0]) == 3
    # an output fed by another output's prior result is not fed by its own: flagged, no row note
    k = pt.iscalar("k")
    swap = dict(outputs_info=[pt.zeros(()), pt.ones(())], n_steps=k)
    two = explain(lambda a, b: (b, a + b), **swap)
    [flag] = [q for q in two.problems if q.kind == "prior_result_unread"]
    assert flag.output == 0 and "fewer rows than steps" not in flag.message
    a_out, _ = scan(lambda a, b: (b, a + b), **swap)
    assert _rows([k], a_out, 4) == 4


def test_the_row_note_is_per_output_even_when_another_output_keeps_the_loop():
    B, k = pt.vector("B"), pt.iscalar("k")
    # a ignores its prior result and reads only B; b reads its own, so the loop stays
    step = lambda a, b, B: (B * 2, b + 1)  # noqa: E731
    infos = [pt.zeros_like(B), pt.zeros(())]
    [flag] = [q for q in explain(step, outputs_info=infos, non_sequences=[B], n_steps=k).problems
              if q.kind == "prior_result_unread"]
    assert flag.output == 0 and "fewer rows than steps" in flag.message
    # PyTensor: a still loses its row, b keeps every one
    a_out, b_out = scan(step, outputs_info=infos, non_sequences=[B], n_steps=k)
    assert [_rows([B, k], a_out, [1.0, 2.0], n) for n in (1, 3)] == [0, 2]
    assert [_rows([B, k], b_out, [1.0, 2.0], n) for n in (1, 3)] == [1, 3]


def test_prior_results_that_are_read_are_not_flagged():
    x, k = pt.vector("x"), pt.iscalar("k")
    total = explain(lambda x_t, total: total + x_t, sequences=[x], outputs_info=[pt.zeros(())])
    fib = explain(lambda f2, f1: f1 + f2, outputs_info=[dict(initial=pt.vector("F"),
                                                                taps=[-2, -1])], n_steps=k)
    only_deeper = explain(lambda f2, f1: f2 * 2, outputs_info=[dict(initial=pt.vector("F"),
                                                                       taps=[-2, -1])], n_steps=k)
    for e in (total, fib, only_deeper):
        assert "prior_result_unread" not in kinds(e), e.problems
