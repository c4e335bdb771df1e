"""The appendix: what the 2016 Theano 0.8 code becomes in PyTensor 3.3.

`THEANO_TO_PYTENSOR` is the appendix's summary table as data, so a test (and the appendix
itself, when it runs) can check that every PyTensor name it recommends really exists in the
installed PyTensor. `warnings_from` runs a piece of old-style code and returns the warnings it
raises as text, so a page can quote a deprecation message without printing a warning.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytensor

from scanlab.checks import ScanlabInputError


@dataclass(frozen=True)
class ApiChange:
    """One row of the table: the Theano 0.8 spelling, the PyTensor 3.3 one, and why.

    `names` are the dotted PyTensor names the row relies on (checked by `missing_names`).
    """

    theano: str
    pytensor: str
    why: str
    names: tuple[str, ...] = ()


THEANO_TO_PYTENSOR: tuple[ApiChange, ...] = (
    ApiChange(
        "import theano; import theano.tensor as T",
        "import pytensor; import pytensor.tensor as pt",
        "Theano stopped in 2017; PyMC's fork of it continues as PyTensor.",
        ("pytensor.tensor",),
    ),
    ApiChange(
        "result, updates = theano.scan(...)",
        "result = pytensor.scan(..., return_updates=False)",
        "without the flag scan still returns `(outputs, updates)` and warns "
        "(`DeprecationWarning`).",
        ("pytensor.scan",),
    ),
    ApiChange(
        "theano.function(..., updates=updates)",
        "pytensor.function(...)",
        "scan returns no updates. A shared variable that should carry state from call to "
        "call (usually a shared random generator) goes into the loop through `outputs_info`, "
        "and you pass `updates={rng: last_rng}` to `pytensor.function` yourself, or every "
        "call repeats the same draws (chapters 6 and 9).",
        ("pytensor.function",),
    ),
    ApiChange(
        "T.nnet.softmax(v)",
        "pytensor.tensor.special.softmax(v, axis=-1)",
        "a vector stays a vector (Theano returned a `(1, n)` row); on a matrix the default "
        "`axis=None` normalises over all elements, Theano normalised each row.",
        ("pytensor.tensor.special.softmax",),
    ),
    ApiChange(
        "T.nnet.sigmoid",
        "pt.sigmoid",
        "the nnet module is gone; sigmoid is an ordinary elementwise op.",
        ("pytensor.tensor.sigmoid",),
    ),
    ApiChange(
        "T.fmatrix, T.fvector, T.vector, T.scalar, T.iscalar, T.arange, T.ones_like",
        "pt.fmatrix, pt.fvector, pt.vector, pt.scalar, pt.iscalar, pt.arange, pt.ones_like",
        "same names. `f...` is always float32; `pt.vector` and `pt.scalar` follow `floatX` "
        "(float64 by default).",
        (
            "pytensor.tensor.fmatrix",
            "pytensor.tensor.fvector",
            "pytensor.tensor.vector",
            "pytensor.tensor.scalar",
            "pytensor.tensor.iscalar",
            "pytensor.tensor.arange",
            "pytensor.tensor.ones_like",
        ),
    ),
    ApiChange(
        "theano.shared(name=..., value=...)",
        "pytensor.shared(name=..., value=...)",
        "same function, same keywords (the value may also come first, positionally).",
        ("pytensor.shared",),
    ),
    ApiChange(
        "allow_input_downcast=True",
        "allow_input_downcast=True",
        "unchanged keyword of `function`: lets a float64 array into a float32 input.",
        ("pytensor.function",),
    ),
    ApiChange(
        "on_unused_input='ignore'",
        "on_unused_input='ignore'",
        "unchanged keyword; the notes did not need it (every input is used).",
        ("pytensor.function",),
    ),
    ApiChange(
        "import theano.typed_list",
        "import pytensor.typed_list",
        "still exists; the notes import it but never use it, so the translations drop it.",
        ("pytensor.typed_list.TypedListType",),
    ),
    ApiChange(
        "T.shared_randomstreams.RandomStreams",
        "pt.random.shared_rng()",
        "PyTensor's `RandomStream` is deprecated (FutureWarning); random state now travels "
        "through `outputs_info` like any prior result (chapter 6).",
        ("pytensor.tensor.random.shared_rng",),
    ),
    ApiChange(
        "numpy.random.uniform(...)",
        "rng = numpy.random.default_rng(2016); rng.uniform(...)",
        "not an API change: the book seeds every random draw so each page shows the same numbers.",
        ("numpy.random.default_rng",),
    ),
    ApiChange(
        "print numpy.shape(c)",
        "print(numpy.shape(c))",
        "Python 2's print statement is a function in Python 3.",
    ),
)


def api_table(table: tuple[ApiChange, ...] = THEANO_TO_PYTENSOR) -> str:
    """The table as Markdown, two columns so it fits a page: old above new, then why.

    The 'why' column may itself contain Markdown.
    """
    lines = ["| Theano 0.8 (2016) <br> → PyTensor 3.3 | what changed |", "|---|---|"]
    for row in table:
        change = f"`{row.theano}` <br> → `{row.pytensor}`"
        cells = (cell.replace("|", "\\|") for cell in (change, row.why))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def resolve(dotted: str) -> Any:
    """The object a dotted name such as 'pytensor.tensor.special.softmax' refers to."""
    if not isinstance(dotted, str) or not all(p.isidentifier() for p in dotted.split(".")):
        raise ScanlabInputError(
            f"dotted must be a dotted name like 'pytensor.scan', got {dotted!r}"
        )
    parts = dotted.split(".")
    try:
        obj = importlib.import_module(parts[0])
    except ImportError:
        raise ScanlabInputError(
            f"dotted name {dotted!r} does not exist: cannot import {parts[0]!r}"
        ) from None
    # Walk attributes the way code would spell them (`pytensor.scan` is the function, not the
    # module of that name); import a submodule only when no attribute has that name.
    for i, attr in enumerate(parts[1:], start=1):
        if hasattr(obj, attr):
            obj = getattr(obj, attr)
            continue
        try:
            obj = importlib.import_module(".".join(parts[: i + 1]))
        except ImportError:
            raise ScanlabInputError(
                f"dotted name {dotted!r} does not exist: no attribute {attr!r}"
            ) from None
    return obj


def missing_names(table: tuple[ApiChange, ...] = THEANO_TO_PYTENSOR) -> list[str]:
    """The names the table relies on that this environment lacks (ideally none)."""
    missing = []
    for row in table:
        for name in row.names:
            try:
                resolve(name)
            except ScanlabInputError:
                missing.append(name)
    return missing


def check_table(table: tuple[ApiChange, ...] = THEANO_TO_PYTENSOR) -> str:
    """One line saying whether every name the table relies on exists in this environment."""
    names = sorted({name for row in table for name in row.names})
    missing = missing_names(table)
    if missing:
        return f"missing here (PyTensor {pytensor.__version__}): {', '.join(missing)}"
    return f"all {len(names)} names the table uses exist here (PyTensor {pytensor.__version__})"


def warnings_from(action: Callable[[], object]) -> list[str]:
    """Run `action()` and return every warning it raised as 'Category: message' (none printed)."""
    if not callable(action):
        raise ScanlabInputError(f"action must be a function taking no arguments, got {action!r}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # report each warning even if it was seen before
        action()
    return [f"{w.category.__name__}: {w.message}" for w in caught]
