"""The built appendix (and the introduction): what scanlab computes here is what the pages show."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from scanlab.legacy import THEANO_TO_PYTENSOR, check_table, warnings_from
from scanlab.polynomial import polynomial
from scanlab.power import power
from scanlab.rnn import RNNSizes, output_activation, run_rnn
from tests.conftest import CODE_COLUMN, code_blocks, raw_html, toc_pages


def _text(page: Path) -> str:
    """The page as plain text: tags dropped, entities decoded, whitespace collapsed."""
    raw = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    return " ".join(html.unescape(raw).split())


@pytest.fixture(scope="module")
def appendix(built_site: Path) -> str:
    return _text(built_site / "chapters" / "appendix-theano.html")


def _shown(text: str, value: object) -> bool:
    return " ".join(str(value).split()) in text


def test_power_outputs_are_the_ones_scanlab_computes(appendix: str) -> None:
    for k in (2, 4):
        assert _shown(appendix, power(range(10), k)), f"A**{k} of range(10) is not on the page"


def test_polynomial_output(appendix: str) -> None:
    value = polynomial([1, 0, 2], 3)
    assert value == 19.0
    assert f"{value} {value}" in appendix  # the scan's result, then the notes' hand computation


@pytest.mark.parametrize(
    ("activation", "label"),
    [("softmax-axis-1", "today"), ("softmax-2016", "Theano 0.8's softmax"), ("sigmoid", "sigmoid")],
)
def test_rnn_shapes(appendix: str, activation: str, label: str) -> None:
    run = run_rnn(activation)
    assert f"h: {run.h.shape} | s: {run.s.shape}" in appendix, label


def test_the_puzzle_shape_appears_only_with_the_2016_softmax() -> None:
    assert run_rnn("softmax-2016").s.shape == (3, 1, 15)
    assert run_rnn("softmax-axis-1").s.shape == (3, 15)


def test_softmax_experiments(appendix: str) -> None:
    # exp1: a vector of 15 zeros; exp2: a (2, 5) matrix of zeros.
    vector, matrix = np.zeros(15), np.zeros((2, 5))
    today = output_activation(pt.as_tensor(vector), "softmax-axis-1").eval()
    old = output_activation(pt.as_tensor(vector), "softmax-2016").eval()
    assert (today.shape, old.shape) == ((15,), (1, 15))
    assert f"{today.shape} today" in appendix
    assert f"{old.shape} Theano 0.8's softmax, as reproduced by softmax_2016" in appendix
    every = output_activation(pt.as_tensor(matrix), "softmax-axis-none").eval()
    rows = output_activation(pt.as_tensor(matrix), "softmax-axis-1").eval()
    assert f"softmax(X): every entry {every[0, 0]:.1f}" in appendix
    assert f"softmax(X, axis=-1): every entry {rows[0, 0]:.1f}" in appendix


def test_deprecation_messages_are_quoted_as_text(appendix: str) -> None:
    def old_scan() -> object:
        A = pt.vector("A")
        return pytensor.scan(lambda p, A: p * A, outputs_info=pt.ones_like(A), non_sequences=A,
                             n_steps=3)

    (message,) = warnings_from(old_scan)
    assert message.startswith("DeprecationWarning:")
    assert _shown(appendix, message)
    assert "FutureWarning: RandomStream is deprecated." in appendix


def test_summary_table_rows_and_check(appendix: str) -> None:
    for row in THEANO_TO_PYTENSOR:
        assert _shown(appendix, row.theano), row.theano
        assert _shown(appendix, row.pytensor), row.pytensor
    assert _shown(appendix, check_table())


def test_every_theano_snippet_is_labelled_and_not_run(built_site: Path) -> None:
    page = (built_site / "chapters" / "appendix-theano.html").read_text(encoding="utf-8")
    # A**k, polynomial, the question, experiments 1 and 2, exp1, exp2.
    assert page.count("Theano 0.8 (2016), quoted from the notes, not run") >= 7
    assert "theano.scan(" in page or "theano</span>.<span" in page
    assert "computed when the page was built" not in page


def test_exercise_a1_shapes(appendix: str) -> None:
    # fn_2016 on 5 rows and on 1 row: scan keeps the step axis; each s_t is a (1, 15) row.
    for rows in (5, 1):
        run = run_rnn("softmax-2016", RNNSizes(steps=rows))
        label = "row" if rows == 1 else "rows"
        assert f"X with {rows} {label}: h {run.h.shape}, s {run.s.shape}" in appendix


def test_predictions_have_answers_in_dropdowns(built_site: Path) -> None:
    page = (built_site / "chapters" / "appendix-theano.html").read_text(encoding="utf-8")
    assert page.count("Predict: ") >= 2
    assert page.count("dropdown") >= 4  # two answers, two exercise solutions


def test_intro_links_every_page_and_quotes_the_notes(built_site: Path) -> None:
    index = built_site / "chapters" / "index.html"
    page = index.read_text(encoding="utf-8")
    for target in toc_pages()[1:]:
        link = f'href="{Path(target).name}.html"'
        assert link in page, f"the introduction does not link {target}"
    text = _text(index)
    for line in ("什么在变", "什么不变", "每次循环是什么结果", "在变的东西,上次的结果,不变的东西",
                 "小航", "make book", "make test", "make lab"):
        assert line in text, line


def test_the_page_runs_on_the_python_linker(built_site: Path) -> None:
    page = (built_site / "chapters" / "appendix-theano.html").read_text(encoding="utf-8")
    code = html.unescape(re.sub(r"<[^>]+>", "", page))  # code as a reader reads it, tags gone
    assert 'pytensor.config.linker = "py"' in code and 'pytensor.config.cxx = ""' in code
    assert "glossary.html#python-linker" in page
    text = _text(built_site / "chapters" / "appendix-theano.html")
    # Numba leaves out a few rewrites the Python linker applies
    assert "nearly the same rewrites" in text and "and the same rewrites" not in text


def test_code_and_quoted_theano_code_fit_the_code_column(built_site: Path) -> None:
    # ~68 monospace characters fit the page's code column; the quotes say line breaks were added
    page = raw_html(built_site, "chapters/appendix-theano")
    blocks = code_blocks(page, "ipython3|python")  # hidden cells and quotes too
    assert len(blocks) > 10
    lines = [line for block in blocks for line in block.split("\n")]
    widest = max(lines, key=len)
    assert len(widest) <= CODE_COLUMN, widest
    assert "# Scan is smart enough to notice this and not waste memory" in lines
