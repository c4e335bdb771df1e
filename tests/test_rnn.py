import matplotlib.pyplot as plt
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from matplotlib.figure import Figure

from scanlab import Choice, explorer
from scanlab.checks import ScanlabInputError
from scanlab.compiled import compile_count, has_loop, on_python_linker
from scanlab.rnn import (
    ACTIVATIONS,
    FIXES,
    PARAM_NAMES,
    RNNSizes,
    describe_rnn,
    draw_stacking,
    legacy_softmax,
    parse_sizes,
    rnn_function,
    rnn_inputs,
    rnn_outputs,
    rnn_weights,
    run_fixes,
    run_rnn,
    shared_params,
    static_shapes,
    symbolic_params,
)


@pytest.fixture(autouse=True, scope="module")
def python_linker():
    """Shapes and values are what these tests check, not the backend: PyTensor's Python linker
    runs the same graphs with no Numba compile (seconds per graph on a cold cache).
    A test about the backend names its mode."""
    with on_python_linker():
        yield


def numpy_rnn(X, p, activation):
    """The notes' loop written out in NumPy, one step at a time."""
    h_prev, hs, ss = p["h0"], [], []
    for x_t in X:
        h_t = 1 / (1 + np.exp(-(x_t @ p["wx"] + h_prev @ p["wh"] + p["bh"])))
        z = h_t @ p["w"] + p["b"]
        if activation == "sigmoid":
            s_t = 1 / (1 + np.exp(-z))
        else:
            s_t = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
            if activation == "softmax-2016":
                s_t = s_t[None, :]
        hs.append(h_t)
        ss.append(s_t)
        h_prev = h_t
    return np.array(hs), np.array(ss)


def test_sizes_default_to_the_notes():
    assert RNNSizes() == RNNSizes(steps=3, n_in=10, n_hidden=5, n_out=15)
    assert RNNSizes(3.0, 10, 5, 15).steps == 3  # a whole float is accepted as a count


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": 0}, r"steps must be a whole number >= 1, got 0"),
        ({"n_in": 2.5}, r"n_in must be a whole number >= 1, got 2.5"),
        ({"n_hidden": "5"}, r"n_hidden must be a whole number >= 1, got '5'"),
        ({"n_out": 1000}, r"n_out must be at most 200, got 1000"),
    ],
)
def test_sizes_are_validated(kwargs, message):
    with pytest.raises(ScanlabInputError, match=message):
        RNNSizes(**kwargs)


def test_weights_follow_the_notes():
    p = rnn_weights(RNNSizes(), seed=0)
    assert set(p) == set(PARAM_NAMES)
    expected = {"wx": (10, 5), "wh": (5, 5), "w": (5, 15), "bh": (5,), "b": (15,), "h0": (5,)}
    assert {k: v.shape for k, v in p.items()} == expected
    for name in ("wx", "wh", "w"):
        assert p[name].dtype == np.float64
        assert np.all(np.abs(p[name]) <= 0.2) and np.abs(p[name]).max() > 0.1
    for name in ("bh", "b", "h0"):
        assert not p[name].any()
    np.testing.assert_array_equal(rnn_weights(seed=0)["w"], p["w"])
    assert not np.array_equal(rnn_weights(seed=1)["w"], p["w"])


def test_inputs_like_the_notes():
    X = rnn_inputs(RNNSizes(steps=4, n_in=6))
    assert X.shape == (4, 6) and X.dtype == np.float64
    assert X.min() >= 1 and X.max() <= 19 and np.all(X == np.round(X))


def test_bad_sizes_and_seed():
    with pytest.raises(ScanlabInputError, match=r"sizes must be an RNNSizes, got tuple"):
        rnn_weights((3, 10, 5, 15))
    with pytest.raises(ScanlabInputError, match=r"seed must be a whole number >= 0, got -1"):
        rnn_weights(RNNSizes(), seed=-1)


def test_static_shapes_predict_the_puzzle():
    X = pt.matrix("X", shape=(3, 10))
    h, s = rnn_outputs(X, shared_params())
    assert h.type.shape == (None, 5)
    assert s.type.shape == (None, 1, 15)  # the time axis is not known statically
    assert static_shapes("softmax-axis-1", RNNSizes())["s"] == (None, 15)
    assert static_shapes("sigmoid", RNNSizes(n_out=7))["s"] == (None, 7)
    assert static_shapes("softmax-2016", RNNSizes())["after"] == (None, 15)


def test_rnn_outputs_with_symbolic_params_of_any_size():
    h, s = rnn_outputs(pt.matrix("X"), symbolic_params())
    assert (h.ndim, s.ndim) == (2, 3)
    assert s.type.shape[1] == 1


def test_rnn_outputs_bad_input():
    params = symbolic_params()
    with pytest.raises(ScanlabInputError, match=r"activation must be one of .*; got 'relu'"):
        rnn_outputs(pt.matrix("X"), params, "relu")
    with pytest.raises(ScanlabInputError, match=r"params is missing h0"):
        rnn_outputs(pt.matrix("X"), {k: v for k, v in params.items() if k != "h0"})
    with pytest.raises(ScanlabInputError, match=r"params must be a dict"):
        rnn_outputs(pt.matrix("X"), list(params.values()))
    with pytest.raises(ScanlabInputError, match=r"X must be a symbolic matrix .* got ndim 1"):
        rnn_outputs(pt.vector("X"), params)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_run_matches_numpy(activation):
    sizes = RNNSizes(steps=4, n_in=3, n_hidden=2, n_out=6)
    run = run_rnn(activation, sizes, seed=2)
    h, s = numpy_rnn(run.X, rnn_weights(sizes, seed=2), activation)
    np.testing.assert_allclose(run.h, h)
    np.testing.assert_allclose(run.s, s)
    expected_s = (4, 1, 6) if activation == "softmax-2016" else (4, 6)
    assert run.s.shape == expected_s
    assert run.h.shape == (4, 2)
    assert run.after.shape == (4, 6)


def test_only_the_2016_softmax_adds_the_middle_axis():
    shapes = {a: run_rnn(a).s.shape for a in ACTIVATIONS}
    assert shapes == {
        "softmax-2016": (3, 1, 15),
        "softmax-axis-1": (3, 15),
        "softmax-axis-none": (3, 15),
        "sigmoid": (3, 15),
    }
    assert run_rnn("softmax-2016").h.shape == (3, 5)  # hypothesis 1: scan adds nothing to h


def test_axis_none_only_bites_after_the_loop():
    inside = run_rnn("softmax-axis-none")
    np.testing.assert_allclose(inside.s.sum(axis=-1), 1.0)  # each step's z is a vector
    assert inside.after.sum() == pytest.approx(1.0)  # the whole (3, 15) matrix sums to 1
    assert np.all(inside.after.sum(axis=-1) < 0.5)
    np.testing.assert_allclose(run_rnn("softmax-axis-1").after.sum(axis=-1), 1.0)


def test_one_compile_per_activation_whatever_the_sizes():
    for activation in ACTIVATIONS:
        run_rnn(activation)
    before = compile_count()
    for sizes in (RNNSizes(1, 2, 3, 4), RNNSizes(7, 1, 1, 2), RNNSizes()):
        for activation in ACTIVATIONS:
            run_rnn(activation, sizes)
    assert compile_count() == before
    assert rnn_function("sigmoid") is rnn_function("sigmoid")


def test_compiling_only_the_shape_drops_the_loop():
    X = pt.matrix("X")
    params = symbolic_params()
    _, s = rnn_outputs(X, params)
    f = pytensor.function([X, *(params[n] for n in PARAM_NAMES)], s.shape)
    assert not has_loop(f)
    assert has_loop(rnn_function("softmax-2016"))
    for sizes in (RNNSizes(), RNNSizes(6, 2, 4, 9)):
        p = rnn_weights(sizes)
        shape = f(rnn_inputs(sizes), *(p[n] for n in PARAM_NAMES))
        assert tuple(shape) == (sizes.steps, 1, sizes.n_out)


def test_every_fix_gives_the_same_numbers():
    fixed = run_fixes(RNNSizes(steps=3, n_in=4, n_hidden=2, n_out=5))
    assert list(fixed) == list(FIXES)
    assert fixed["2016 softmax, no fix"].shape == (3, 1, 5)
    reference = fixed["softmax(z, axis=-1) in the step"]
    assert reference.shape == (3, 5)
    for name in FIXES[2:]:
        assert fixed[name].shape == (3, 5), name
        np.testing.assert_allclose(fixed[name], reference)


def test_specify_shape_catches_the_row_when_the_graph_is_built():
    with pytest.raises(ValueError, match=r"2-dimensional and will never match a shape of length 1"):
        pt.specify_shape(legacy_softmax(pt.vector("z")), (15,))


def test_describe_rnn_reports_static_and_runtime_shapes():
    text = describe_rnn("softmax-2016")
    assert "(None, 1, 15)" in text and "(3, 1, 15)" in text
    assert "s summed over its last axis: [[1.0], [1.0], [1.0]]" in text
    assert "Theano 0.8 (reproduced)" in text
    assert "scan stacks each step's s_t (1, 15): s (3, 1, 15)" in text
    text = describe_rnn("softmax-axis-none", steps=4, n_in=2, n_hidden=3, n_out=6)
    assert "(None, 6)" in text and "(4, 6)" in text and "(4, 3)" in text
    assert "s summed over its last axis: [1.0, 1.0, 1.0, 1.0]" in text
    with pytest.raises(ScanlabInputError, match=r"activation must be one of"):
        describe_rnn("tanh")
    with pytest.raises(ScanlabInputError, match=r"steps must be a whole number >= 1, got 0"):
        describe_rnn(steps=0)


def test_explorer_switches_without_compiling():
    run_rnn("softmax-2016")
    run_rnn("sigmoid")
    before = compile_count()
    ex = explorer(
        describe_rnn,
        Choice("activation", ["softmax-2016", "sigmoid"]),
        Choice("steps", [1, 3]),
    )
    assert compile_count() == before
    ex.select(activation="softmax-2016", steps=3)
    assert "(3, 1, 15)" in ex.shown_text()
    ex.select(activation="sigmoid", steps=1)
    assert "(1, 15)" in ex.shown_text() and "(None, 15)" in ex.shown_text()


def test_parse_sizes():
    assert parse_sizes("3, 10, 5, 15") == {"steps": 3, "n_in": 10, "n_hidden": 5, "n_out": 15}
    assert parse_sizes("2 1 1 4")["n_out"] == 4
    with pytest.raises(ScanlabInputError, match=r"sizes must be 4 whole numbers .* got 3"):
        parse_sizes("3, 10, 5")
    with pytest.raises(ScanlabInputError, match=r"n_hidden must be a whole number >= 1, got 0"):
        parse_sizes("3, 10, 0, 15")
    with pytest.raises(ScanlabInputError, match=r"'x' is not a number"):
        parse_sizes("3, x, 5, 15")


def test_stacking_diagram():
    fig = draw_stacking(3, 15)
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "s: (3, 1, 15)" in texts
    assert sum("(1, 15)" in t for t in texts) == 6
    plt.close(fig)
    with pytest.raises(ScanlabInputError, match=r"steps must be at most 8, got 9"):
        draw_stacking(9)


def test_shared_params_have_static_shapes():
    params = shared_params(RNNSizes(n_out=4))
    assert params["w"].type.shape == (5, 4)
    assert isinstance(params["w"], pytensor.compile.sharedvalue.SharedVariable)


def test_free_inputs_recompute_and_show_bad_sizes_as_a_message():
    import ipywidgets as widgets

    from scanlab import Free
    from scanlab.explorer import output_text

    menu = widgets.Dropdown(options=list(ACTIVATIONS), value="softmax-2016")
    sizes = widgets.Text("3, 10, 5, 15")
    ex = explorer(
        describe_rnn,
        Choice("activation", ["softmax-2016"]),
        free=[Free(menu, lambda v: {"activation": v}), Free(sizes, parse_sizes)],
    )
    sizes.value = "4, 2, 3, 6"
    assert "s_t (1, 6): s (4, 1, 6)" in output_text(ex.live_output.outputs)
    menu.value = "sigmoid"
    assert "s_t (6,): s (4, 6)" in output_text(ex.live_output.outputs)
    sizes.value = "4, 2, 3"
    assert "sizes must be 4 whole numbers" in output_text(ex.live_output.outputs)


def test_the_explorer_function_agrees_with_the_default_backend():
    """rnn_function links with PyTensor's Python code; the default (Numba) mode must agree."""
    X = pt.matrix("X")
    params = symbolic_params()
    h, s = rnn_outputs(X, params, "softmax-2016")
    inputs = [X, *(params[n] for n in PARAM_NAMES)]
    default = pytensor.function(inputs, [h, s], mode="NUMBA")  # the default backend, named
    sizes = RNNSizes(steps=4, n_in=3, n_hidden=2, n_out=5)
    p = rnn_weights(sizes, seed=3)
    X_value = rnn_inputs(sizes, seed=3)
    h_default, s_default = default(X_value, *(p[n] for n in PARAM_NAMES))
    run = run_rnn("softmax-2016", sizes, seed=3)
    np.testing.assert_allclose(run.h, h_default)
    np.testing.assert_allclose(run.s, s_default)
    assert run.s.shape == s_default.shape == (4, 1, 5)
