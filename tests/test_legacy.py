"""scanlab.legacy: the Theano -> PyTensor table and quoting warnings as text."""

from __future__ import annotations

import warnings

import pytensor
import pytensor.tensor as pt
import pytest

from scanlab.checks import ScanlabInputError
from scanlab.legacy import (
    THEANO_TO_PYTENSOR,
    ApiChange,
    api_table,
    check_table,
    missing_names,
    resolve,
    warnings_from,
)


def test_every_name_the_table_recommends_exists() -> None:
    assert missing_names() == []
    names = {name for row in THEANO_TO_PYTENSOR for name in row.names}
    assert check_table() == (
        f"all {len(names)} names the table uses exist here (PyTensor {pytensor.__version__})"
    )


def test_resolve_finds_modules_and_attributes() -> None:
    from pytensor.tensor.special import softmax

    assert resolve("pytensor.tensor.special.softmax") is softmax
    assert resolve("pytensor.scan") is pytensor.scan
    assert resolve("pytensor.typed_list").__name__ == "pytensor.typed_list"


@pytest.mark.parametrize(
    ("dotted", "match"),
    [
        (
            "pytensor.tensor.nnet.softmax",
            r"'pytensor\.tensor\.nnet\.softmax' does not exist: no attribute 'nnet'",
        ),
        ("theano.scan", r"'theano\.scan' does not exist: cannot import 'theano'"),
        ("pytensor..scan", r"like 'pytensor\.scan', got 'pytensor\.\.scan'"),
        ("", r"dotted must be a dotted name like 'pytensor\.scan', got ''"),
        (3, r"dotted must be a dotted name like 'pytensor\.scan', got 3"),
    ],
)
def test_resolve_rejects_names_that_do_not_exist(dotted: object, match: str) -> None:
    with pytest.raises(ScanlabInputError, match=match):
        resolve(dotted)  # type: ignore[arg-type]


def test_check_table_names_what_is_missing() -> None:
    table = (ApiChange("T.nnet.softmax", "pt.nnet.softmax", "gone", ("pytensor.tensor.nnet",)),)
    assert missing_names(table) == ["pytensor.tensor.nnet"]
    assert check_table(table).startswith("missing here (PyTensor")
    assert check_table(table).endswith("): pytensor.tensor.nnet")


def test_api_table_is_markdown_with_one_row_per_change() -> None:
    lines = api_table().splitlines()
    assert lines[0] == "| Theano 0.8 (2016) <br> → PyTensor 3.3 | what changed |"
    assert lines[1] == "|---|---|"
    assert len(lines) == 2 + len(THEANO_TO_PYTENSOR)
    assert all(line.startswith("| `") and line.endswith(" |") for line in lines[2:])
    assert "<br> → `pytensor.tensor.special.softmax(v, axis=-1)` |" in api_table()


def test_api_table_escapes_pipes() -> None:
    table = (ApiChange("a | b", "c", "d"),)
    assert api_table(table).splitlines()[2] == "| `a \\| b` <br> → `c` | d |"


def test_table_covers_the_changes_the_appendix_explains() -> None:
    theano_side = " ".join(row.theano for row in THEANO_TO_PYTENSOR)
    for old in ("theano.scan", "T.nnet.softmax", "T.nnet.sigmoid", "T.fmatrix", "theano.shared",
                "allow_input_downcast", "on_unused_input", "theano.typed_list", "RandomStreams",
                "print numpy"):
        assert old in theano_side, old


def _scan(**kwargs) -> None:
    A = pt.vector("A")
    pytensor.scan(lambda prior, A: prior * A, outputs_info=pt.ones_like(A), non_sequences=[A],
                  n_steps=3, **kwargs)


def test_warnings_from_quotes_the_scan_deprecation() -> None:
    messages = warnings_from(_scan)
    assert len(messages) == 1
    assert messages[0].startswith("DeprecationWarning: Scan return signature will change.")
    assert "return_updates=False" in messages[0]


def test_warnings_from_is_empty_for_current_code() -> None:
    assert warnings_from(lambda: _scan(return_updates=False)) == []


def test_warnings_from_reports_a_warning_seen_before_and_lets_none_escape() -> None:
    with warnings.catch_warnings(record=True) as outside:
        warnings.simplefilter("always")
        first = warnings_from(_scan)
        second = warnings_from(_scan)
    assert first == second and len(first) == 1
    assert outside == []


def test_warnings_from_rejects_a_non_callable() -> None:
    with pytest.raises(ScanlabInputError, match=r"action must be a function taking no arguments"):
        warnings_from("pytensor.scan")  # type: ignore[arg-type]
