"""Chapter 3 on the built site shows what the probe measures, computed again here."""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

import numpy as np
import pytensor
import pytensor.tensor as pt

from scanlab.signature import (
    describe_signature,
    error_message,
    fibonacci,
    first_minus_second,
    probe,
)

PAGE = "03-argument-order.html"


def _raw(site: Path) -> str:
    return (site / "chapters" / PAGE).read_text("utf-8")


def _page(site: Path) -> str:
    return html.unescape(_raw(site))


def _everything():
    x, y, F = pt.vector("x"), pt.vector("y"), pt.vector("F")
    z, W, b = pt.scalar("z"), pt.matrix("W"), pt.vector("b")
    return probe(
        sequences=[dict(input=x, taps=[-1, 0, 1]), y],
        outputs_info=[dict(initial=F, taps=[-2, -1]), None, z],
        non_sequences=[W, b],
    )


def step(x_t, h_tm1):  # module level, so its name in the TypeError is just "step"
    return x_t + h_tm1


def test_probe_tables_and_def_lines_appear(built_site: Path) -> None:
    raw, text = _raw(built_site), _page(built_site)
    everything = _everything()
    assert everything.def_line() in text
    A, k = pt.vector("A"), pt.iscalar("k")
    power = probe(outputs_info=pt.ones_like(A), non_sequences=[A], n_steps=k)
    assert power._repr_html_() in raw  # the chapter's table, cell for cell
    F0 = pt.lvector("F")
    fib = probe(outputs_info=[dict(initial=F0, taps=[-2, -1])], n_steps=k)
    assert fib._repr_html_() in raw
    seq = pt.vector("x")
    assert probe(sequences=[dict(input=seq, taps=[1, -1])]).def_line() in text
    assert probe(outputs_info=[dict(initial=F0, taps=[-1, -2])], n_steps=k).def_line() in text


def test_docstring_example_count_appears(built_site: Path) -> None:
    names = ("Sequence1", "Sequence2", "Sequence3", "Output1")
    s1, s2, s3, o1 = (pt.vector(n) for n in names)
    o2, o3, a1, a2 = (pt.scalar(n) for n in ("Output2", "Output3", "Argument1", "Argument2"))
    signature = probe(
        sequences=[dict(input=s1, taps=[-3, 2, -1]), s2, dict(input=s3, taps=3)],
        outputs_info=[dict(initial=o1, taps=[-3, -5]), dict(initial=o2, taps=None), o3],
        non_sequences=[a1, a2],
    )
    text = _page(built_site)
    assert f"documented: 10 | received: {len(signature)}" in text
    assert "received but not documented: ['Output2[t-1]']" in text
    assert signature.warnings[0] in text


def test_computed_numbers_appear(built_site: Path) -> None:
    text = _page(built_site)
    numbers = fibonacci(12).tolist()
    assert f"scan       : {numbers}" in text
    squares = np.arange(6.0) ** 2
    assert f"scan, taps [1, -1]: {first_minus_second(squares, (1, -1)).tolist()}" in text
    steps = first_minus_second(np.arange(10.0) ** 2, (1, -1))
    assert len(steps) == 8 and steps[0] == 4.0 and steps[-1] == 32.0  # Exercise 3.3's answer
    assert f"{len(steps)} steps: {steps.tolist()}" in text


def test_error_messages_appear(built_site: Path) -> None:
    text = _page(built_site)
    V = pytensor.shared(np.eye(2), name="V")
    X, h0, c = pt.matrix("X"), pt.vector("h"), pt.vector("c")
    strict = error_message(
        lambda: pytensor.scan(lambda x_t: V @ x_t, sequences=[X], strict=True,
                              return_updates=False),
        width=68,
    )
    assert strict.startswith("MissingInputError")
    assert strict in text
    count = error_message(
        lambda: pytensor.scan(step, sequences=[X], outputs_info=[h0], non_sequences=[c],
                              return_updates=False)
    )
    assert count == "TypeError: step() takes 2 positional arguments but 3 were given"
    assert count in text


def test_every_explorer_setting_is_on_the_page(built_site: Path) -> None:
    text = _page(built_site)
    sequences = [(), ((0,),), ((-1, 0, 1),), ((0,), (0,)), ((-1, 0, 1), (0,))]
    outputs = [(None,), ((-1,),), ((-2, -1),), ((-2, -1), None, (-1,))]
    for seqs, outs, n in itertools.product(sequences, outputs, [0, 1, 2]):
        for line in describe_signature(seqs, outs, n).splitlines():
            assert line in text, (seqs, outs, n, line)


def _polynomial(order: str):
    coefficients, x = pt.vector("coefficients"), pt.scalar("x")
    fns = {
        "right": lambda coefficient, power, free_variable: coefficient * free_variable**power,
        "swapped": lambda power, coefficient, free_variable: coefficient * free_variable**power,
    }
    components = pytensor.scan(
        fns[order], sequences=[coefficients, pt.arange(10000)], non_sequences=[x],
        return_updates=False,
    )
    return pytensor.function([coefficients, x], components.sum())


def test_the_swapped_polynomial_passes_the_notes_check_only(built_site: Path) -> None:
    text = _page(built_site)
    right, swapped = _polynomial("right"), _polynomial("swapped")
    assert right([1.0, 0.0, 2.0], 3.0) == swapped([1.0, 0.0, 2.0], 3.0) == 19.0
    assert (right([1.0, 2.0, 3.0], 2.0), swapped([1.0, 2.0, 3.0], 2.0)) == (17.0, 20.0)
    rows = " ".join(text.split())  # one line per input: right, swapped, Python loop
    assert "coefficients x right swapped Python loop" in rows
    assert "[1.0, 0.0, 2.0] 3.0 19.0 19.0 19.0" in rows
    assert "[1.0, 2.0, 3.0] 2.0 17.0 20.0 17.0" in rows


def test_the_python_fn_runs_once(built_site: Path) -> None:
    calls = []

    def counted(x_t, total):
        calls.append(x_t)
        return total + x_t

    steps_in = pt.vector("steps_in")
    running = pytensor.scan(counted, sequences=[steps_in], outputs_info=pt.zeros(()),
                            return_updates=False)
    total = pytensor.function([steps_in], running)(np.arange(5.0)).tolist()
    assert len(calls) == 1
    text = _page(built_site)
    assert f"running total: {total}" in text
    assert "calls after pytensor.scan: 1" in text and "calls after 5 steps: 1" in text


def test_outputs_info_messages_are_pytensors(built_site: Path) -> None:
    text = " ".join(_page(built_site).split())  # the page wraps long messages
    xs, X = pt.vector("xs"), pt.matrix("X")
    dtype = error_message(lambda: pytensor.scan(
        lambda x_t, total: total + x_t, sequences=[xs], outputs_info=0, return_updates=False))
    assert "has dtype int8, while the result of the inner function (`fn`) has dtype float64" \
        in dtype
    ndim = error_message(lambda: pytensor.scan(
        lambda x_t, h: (h + x_t)[None, :], sequences=[X], outputs_info=pt.zeros(3),
        return_updates=False))
    assert "has 2 dimension(s), while the corresponding variable" in ndim
    assert "shape_padleft" in ndim
    for message in (dtype, ndim):
        assert " ".join(message.split(". ")[0].split()) in text
    assert "Inconsistency in the inner graph of scan" in text
    assert "shape=(1,))' and 'Vector(float64, shape=(?,))'" in text


def test_a_fixed_and_an_unknown_length_only_fail_at_the_call() -> None:
    """The prose: PyTensor logs the rewrite error; with the default backend (Numba) it goes on
    and the call fails later, with a message about slices (the page checks, in a hidden cell,
    that on its Python linker pytensor.function raises it after logging it)."""
    import logging

    import pytest

    A, k = pt.vector("A"), pt.iscalar("k")
    totals = pytensor.scan(lambda total, A: total + A, outputs_info=pt.zeros(1),
                           non_sequences=[A], n_steps=k, return_updates=False)
    log = logging.getLogger("pytensor.graph.rewriting.basic")
    log.disabled = True
    try:
        f = pytensor.function([A, k], totals, mode="NUMBA")  # compiles: the error is only logged
    finally:
        log.disabled = False
    with pytest.raises(ValueError, match=r"cannot assign slice of shape \(1,\)"):
        f(np.ones(3), 2)


def test_no_scaffolding_or_false_build_claims(built_site: Path) -> None:
    text = _page(built_site)
    assert "NBVAL" not in text
    assert "when this page was built" not in text
    assert "https://pytensor.readthedocs.io/en/latest/library/scan.html" in text
    assert "glossary.html#tap" in _raw(built_site)


def test_the_page_runs_on_the_python_linker(built_site: Path) -> None:
    raw = _raw(built_site)
    text = html.unescape(re.sub(r"<[^>]+>", "", raw))  # code as a reader reads it, tags gone
    assert 'pytensor.config.linker = "py"' in text and 'pytensor.config.cxx = ""' in text
    assert "glossary.html#python-linker" in raw
    assert "mode=Mode(" not in text  # the page-wide setting replaced the per-call mode


def test_the_fixed_loop_runs_the_same_in_the_default_mode(built_site: Path) -> None:
    """The page runs the three fixes on the Python linker; the default backend agrees."""
    text = _page(built_site)
    xs, X, A = pt.vector("xs"), pt.matrix("X"), pt.vector("A")
    fixed = pytensor.scan(
        fn=lambda x_t, row_t, total, h_tm1, acc, A: [total + x_t, h_tm1 + row_t, acc + A],
        sequences=[xs, X],
        outputs_info=[pt.zeros((), dtype=xs.dtype), pt.zeros(3), pt.zeros_like(A)],
        non_sequences=[A],
        return_updates=False,
    )
    run_fixed = pytensor.function([xs, X, A], fixed, mode="NUMBA")
    results = run_fixed([1.0, 2.0, 3.0], np.ones((3, 3)), [1.0, 2.0])
    assert [r.shape for r in results] == [(3,), (3, 3), (3, 2)]
    for result in results:
        assert f"{result.shape} {result.tolist()}" in text


def test_prose_says_what_the_code_does(built_site: Path) -> None:
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", _raw(built_site))).split())
    assert "often nothing complains" in words
    # the probe names an unnamed input before calling scan (record_scan, shown on the page)
    assert "the probe names it after its place, outputs_info[0], before calling scan" in words
    assert "show_source(probe, record_scan)" in words and "def record_scan(" in words
    assert "show_source(describe_signature, probe_layout)" in words  # what the explorer runs
    assert "functions scanlab compiled so far: 0" in words
    assert "multiplies each power index by x raised to the coefficient" in words
    assert "reaching back to the deepest tap, -2" in words
    assert "layout_scan builds exactly this call" not in words


def test_predictions_are_boxes_and_shared_variables_a_section(built_site: Path) -> None:
    raw = _raw(built_site)
    titles = re.findall(r'<p class="admonition-title">Predict: ([^<]*)', raw)
    assert titles == ["A**k", "the polynomial", "Fibonacci", "three fixes in one loop"]
    assert "<strong>Predict</strong>" not in raw  # no inline predictions left
    assert "<h2>Shared variables, and " in raw  # its own section, in the contents
