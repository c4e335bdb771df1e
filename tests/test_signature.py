"""scanlab.signature: the probe reports what fn really receives, in order."""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.graph.utils import MissingInputError

from scanlab.checks import ScanlabInputError
from scanlab.compiled import compile_count, on_python_linker
from scanlab.signature import (
    describe_signature,
    draw_taps,
    error_message,
    fibonacci,
    fibonacci_loop,
    first_minus_second,
    layout_scan,
    parse_taps,
    probe,
    probe_layout,
)


@pytest.fixture(autouse=True)
def python_linker():
    """The order of arguments does not depend on the backend: run the few compiled loops here
    (a real pytensor.scan each) on PyTensor's Python linker, with no compile step."""
    with on_python_linker():
        yield


@pytest.fixture
def everything():
    x, y, F = pt.vector("x"), pt.vector("y"), pt.vector("F")
    z, W, b = pt.scalar("z"), pt.matrix("W"), pt.vector("b")
    return probe(
        sequences=[dict(input=x, taps=[-1, 0, 1]), y],
        outputs_info=[dict(initial=F, taps=[-2, -1]), None, z],
        non_sequences=[W, b],
    )


def test_full_order_roles_sources_and_taps(everything):
    assert everything.variable_names == [
        "x[t-1]", "x[t]", "x[t+1]", "y[t]", "F[t-2]", "F[t-1]", "z[t-1]", "W", "b",
    ]
    assert everything.roles == ["sequence"] * 4 + ["prior result"] * 3 + ["non-sequence"] * 2
    assert [a.tap for a in everything.arguments] == [-1, 0, 1, 0, -2, -1, -1, None, None]
    # the None output (index 1) adds nothing; z is outputs_info[2]
    assert everything.arguments[6].source == "outputs_info[2] z"
    assert everything.arguments[7].source == "non_sequences[0] W"
    # place: the group and index, as PyTensor's own scan took them (the None output counts)
    assert [a.place for a in everything.arguments] == [("sequences", 0)] * 3 + [
        ("sequences", 1), ("outputs_info", 0), ("outputs_info", 0), ("outputs_info", 2),
        ("non_sequences", 0), ("non_sequences", 1)]
    assert everything.def_line() == "def fn(x_tm1, x_t, x_tp1, y_t, F_tm2, F_tm1, z_tm1, W, b):"
    assert everything.role_order_holds()
    assert everything.n_outputs == 3
    assert [a.position for a in everything.arguments] == list(range(1, 10))


def test_types_are_one_time_step(everything):
    assert everything.arguments[0].shape == ()  # a slice of a vector is a scalar
    assert everything.arguments[7].shape == (None, None)
    assert "Matrix(float64" in everything.arguments[7].type
    assert everything.arguments[7].short_type == "matrix float64 (?, ?)"
    assert everything.arguments[8].short_type == "vector float64 (?,)"
    assert everything.arguments[0].short_type == "scalar float64 ()"


def test_probe_compiles_nothing():
    before = compile_count()
    A, k = pt.vector("A"), pt.iscalar("k")
    signature = probe(outputs_info=pt.ones_like(A), non_sequences=[A], n_steps=k)
    assert compile_count() == before
    assert signature.roles == ["prior result", "non-sequence"]
    # ones_like(A) is unnamed: the probe names it after its place
    assert signature.arguments[0].source == "outputs_info[0]"
    assert signature.def_line() == "def fn(outputs_info_0_tm1, A):"


def test_taps_arrive_in_listed_order_not_sorted():
    x, F = pt.vector("x"), pt.vector("F")
    k = pt.iscalar("k")
    assert probe(sequences=[dict(input=x, taps=[1, -1])]).variable_names == ["x[t+1]", "x[t-1]"]
    assert probe(outputs_info=[dict(initial=F, taps=[-1, -3])], n_steps=k).variable_names == [
        "F[t-1]", "F[t-3]",
    ]


def test_taps_none_with_initial_value_is_a_prior_result_with_a_warning():
    out2, s = pt.scalar("Output2"), pt.vector("s")
    signature = probe(sequences=[s], outputs_info=[dict(initial=out2, taps=None)])
    assert signature.variable_names == ["s[t]", "Output2[t-1]"]
    assert len(signature.warnings) == 1
    assert "taps is explicitly set to None" in signature.warnings[0]


def test_unnamed_and_duplicate_names_are_told_apart():
    a, b = pt.vector("v"), pt.vector("v")
    signature = probe(sequences=[a, b], non_sequences=[pt.scalar(), 2.0])
    assert [a.source for a in signature.arguments] == [
        "sequences[0] v", "sequences[1]", "non_sequences[0]", "non_sequences[1]",
    ]
    assert signature.parameters == ["v_t", "sequences_1_t", "non_sequences_0", "non_sequences_1"]
    assert [a.place[1] for a in signature.arguments] == [0, 1, 0, 1]  # unnamed: the same place


def test_the_readers_dicts_are_not_modified():
    x = pt.vector("x")
    entry = dict(input=x, taps=3)
    probe(sequences=[entry])
    assert entry == dict(input=x, taps=3)


def test_probe_with_own_fn_and_shared_variables():
    V = pytensor.shared(np.eye(2), name="V")
    X = pt.matrix("X")
    assert probe(sequences=[X], fn=lambda x_t: V @ x_t).parameters == ["X_t"]
    listed = probe(sequences=[X], non_sequences=[V], fn=lambda x_t, V: V @ x_t, strict=True)
    assert listed.parameters == ["X_t", "V"]
    assert listed.arguments[1].role == "non-sequence"
    with pytest.raises(MissingInputError, match="shared variable V"):
        probe(sequences=[X], fn=lambda x_t: V @ x_t, strict=True)


def test_probe_takes_scans_arguments_in_scans_order():
    """fn first, as pytensor.scan takes it: probe(step, sequences=[X]) works."""
    import inspect

    names = list(inspect.signature(probe).parameters)
    scans = list(inspect.signature(pytensor.scan).parameters)
    assert names[:4] == scans[:4] == ["fn", "sequences", "outputs_info", "non_sequences"]
    # and only these: n_steps and strict by keyword (chapter 3 says so)
    keyword_only = inspect.Parameter.KEYWORD_ONLY
    assert names[4:] == ["n_steps", "strict"]
    assert all(inspect.signature(probe).parameters[n].kind == keyword_only for n in names[4:])
    assert scans[4] == "n_steps"  # scan's fifth positional argument
    X, h = pt.matrix("X"), pt.vector("h")

    def step(x_t, h_tm1):
        return x_t + h_tm1

    positional = probe(step, [X], [h])
    assert positional.parameters == probe(sequences=[X], outputs_info=[h], fn=step).parameters
    assert positional.parameters == ["X_t", "h_tm1"]


def test_strict_ignores_plain_symbolic_variables():
    u, X = pt.vector("u"), pt.matrix("X")
    assert probe(sequences=[X], fn=lambda x_t: x_t + u, strict=True).parameters == ["X_t"]


def test_probe_refuses_one_step():
    h = pt.vector("h")
    with pytest.raises(ScanlabInputError, match="n_steps must not be 1"):
        probe(outputs_info=[h], n_steps=1)
    with pytest.raises(ScanlabInputError, match="n_steps must not be 1"):
        probe(outputs_info=[h], n_steps=pt.constant(1))
    # What the refusal says scan does with n_steps=1: fn gets x[0] (unnamed, no x[t]) and the
    # initial value itself (not a slice h[t-1]); a non-sequence is passed as itself either way.
    x, W = pt.matrix("x"), pt.matrix("W")
    received = []

    def fn(*args):
        received.extend(args)
        return args[1]

    pytensor.scan(fn, sequences=[x], outputs_info=[h], non_sequences=[W], n_steps=1,
                  return_updates=False)
    first, prior, weights = received
    assert first.name is None and first.owner.inputs[0] is x  # x[0]
    assert prior is h and weights is W


def test_wrong_number_of_parameters_is_pythons_type_error():
    X, h, c = pt.matrix("X"), pt.vector("h"), pt.vector("c")

    def step(x_t, h_tm1):
        return x_t + h_tm1

    message = error_message(
        lambda: pytensor.scan(
            step, sequences=[X], outputs_info=[h], non_sequences=[c], return_updates=False
        )
    )
    assert message.startswith("TypeError: ")
    assert message.endswith("step() takes 2 positional arguments but 3 were given")
    wrapped = error_message(
        lambda: pytensor.scan(
            step, sequences=[X], outputs_info=[h], non_sequences=[c], return_updates=False
        ),
        width=30,
    )
    assert all(len(line) <= 30 or " " not in line for line in wrapped.splitlines())
    assert len(wrapped.splitlines()) > 3
    assert " ".join(wrapped.split()) == " ".join(message.split())
    with pytest.raises(AssertionError, match="expected an error"):
        error_message(lambda: None)


def test_text_and_html_tables(everything):
    text = str(everything)
    assert text.splitlines()[0].split() == ["#", "role", "source", "tap", "scan's", "name", "type"]
    assert "def fn(x_tm1" in text
    page = everything._repr_html_()
    assert page.count("<tr") == 10  # header + 9 arguments
    assert "F[t-2]" in page
    empty = probe(n_steps=pt.iscalar("k"))
    assert "no arguments" in str(empty) and empty.def_line() == "def fn():"


def test_layout_builds_the_call_and_shapes():
    layout = layout_scan(sequences=[(-1, 0, 1), (0,)], outputs=[(-2, -1), None, (-1,)],
                         non_sequences=2)
    assert "sequences=[dict(input=x, taps=[-1, 0, 1]), y]" in layout.code
    assert "outputs_info=[dict(initial=F, taps=[-2, -1]), None, G]" in layout.code
    assert "non_sequences=[W, b]" in layout.code
    assert layout.outputs_info[0]["initial"].type.shape == (2, 3)
    assert layout.outputs_info[2].type.shape == (3,)
    assert layout.n_steps is None
    assert "n_steps=k" in layout_scan(sequences=[], outputs=[(-1,)]).code


def test_probe_layout_exercise_3_2():
    _, signature = probe_layout(sequences=[(-2, 0)], outputs=[(-3, -1)], non_sequences=1)
    assert signature.def_line() == "def fn(x_tm2, x_t, F_tm3, F_tm1, W):"
    assert all(a.shape == (3,) for a in signature.arguments[:4])
    assert signature.arguments[4].shape == (3, 3)


def test_describe_signature_text():
    text = describe_signature(sequences=[(-1, 0, 1), (0,)], outputs=[(-2, -1), None, (-1,)],
                              non_sequences=2)
    assert "fn receives 9 arguments\n(4 sequence slices, 3 prior results, 2 non-sequences):" in text
    assert "scan's name" not in text  # the explorer's table is the compact one
    assert text.count("vector float64 (3,)") == 8
    assert "def fn(x_tm1, x_t, x_tp1, y_t, F_tm2, F_tm1, G_tm1, W, b):" in text
    assert "return 3 values" in text
    assert "def fn():" in describe_signature(sequences=[], outputs=[], non_sequences=0)
    one_each = describe_signature(sequences=[(0,)], outputs=[(-1,)], non_sequences=1)
    assert "(1 sequence slice, 1 prior result, 1 non-sequence):" in one_each
    assert "def fn(y_unused" not in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(outputs=[(0,)]), r"taps of output F must all be negative"),
        (dict(outputs=[(-1, -1)]), r"must not repeat a tap"),
        (dict(sequences=[()]), r"taps of sequence x must list at least one tap"),
        (dict(sequences=[(0.5,)]), r"taps of sequence x must be a whole number"),
        (dict(sequences=[(12,)]), r"must be at most 9"),
        (dict(sequences="x"), r"sequences must be a list of tap lists"),
        (dict(sequences=[(0,)] * 5), r"sequences: at most 4"),
        (dict(non_sequences=5), r"non_sequences must be at most 4"),
        (dict(non_sequences=-1), r"non_sequences must be a whole number >= 0"),
    ],
)
def test_layout_bad_input(kwargs, message):
    with pytest.raises(ScanlabInputError, match=message):
        layout_scan(**kwargs)


def test_parse_taps():
    assert parse_taps("output taps", "-2, -1; none; -1", outputs=True) == ((-2, -1), None, (-1,))
    assert parse_taps("sequence taps", "-1 0 1;0") == ((-1, 0, 1), (0,))
    assert parse_taps("sequence taps", "  ") == ()


@pytest.mark.parametrize(
    ("text", "outputs", "message"),
    [
        ("a", False, r"sequence taps \(input 1\): taps are whole numbers .* 'a' is not one$"),
        ("-1; 1.5", True, r"output taps \(input 2\).*'1.5' is not one \(write 'none'"),
        ("-1;;0", False, r"\(input 2\) is empty"),
        ("0", True, r"must all be negative"),
        ("none", False, r"'none' is not one"),
        (3, False, r"must be text like"),
    ],
)
def test_parse_taps_bad_input(text, outputs, message):
    name = "output taps" if outputs else "sequence taps"
    with pytest.raises(ScanlabInputError, match=message):
        parse_taps(name, text, outputs=outputs)


def test_draw_taps_returns_a_small_figure(everything):
    import matplotlib.pyplot as plt

    fig = draw_taps(everything)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "#1 x_tm1" in texts and "#6 F_tm1" in texts and "t+1" in texts
    assert fig.get_size_inches()[0] <= 8
    plt.close(fig)


def test_fibonacci_matches_python_loop():
    assert fibonacci(12).tolist() == fibonacci_loop(12)
    assert fibonacci(5, start=(2, 1)).tolist() == [3, 4, 7, 11, 18]
    with pytest.raises(ScanlabInputError, match="start must hold two numbers"):
        fibonacci(3, start=(0, 1, 1))
    with pytest.raises(ScanlabInputError, match="k must be at most 90"):
        fibonacci(91)


def test_first_minus_second_follows_listed_order():
    squares = np.arange(6.0) ** 2
    assert first_minus_second(squares, (1, -1)).tolist() == [4.0, 8.0, 12.0, 16.0]
    with pytest.raises(ScanlabInputError, match="x must be longer than the taps' span"):
        first_minus_second([1.0, 2.0], (1, -1))


def test_chapter_explorer_free_inputs_recompute_and_show_errors():
    import ipywidgets as widgets

    from scanlab import Choice, Free, explorer
    from scanlab.explorer import output_text

    free = [
        Free(widgets.Text(value="-1, 0, 1; 0"),
             lambda v: {"sequences": parse_taps("sequence taps", v)}),
        Free(widgets.Text(value="-2, -1; none; -1"),
             lambda v: {"outputs": parse_taps("output taps", v, outputs=True)}),
        Free(widgets.IntSlider(value=2, min=0, max=4), lambda v: {"non_sequences": v}),
    ]
    shown = explorer(describe_signature, Choice("non_sequences", [0, 1]), free=free)
    assert "def fn(x_tm1, x_t, x_tp1, y_t, F_tm2, F_tm1, G_tm1, W, b):" in output_text(
        shown.live_output.outputs
    )
    free[0].widget.value = "1, -3"
    assert "def fn(x_tp1, x_tm3, F_tm2" in output_text(shown.live_output.outputs)
    free[1].widget.value = "-1; 2"
    assert "ScanlabInputError: output taps (input 2) must all be negative" in output_text(
        shown.live_output.outputs
    )
