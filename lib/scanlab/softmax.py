"""Chapter 4: softmax then (Theano 0.8, reproduced) and now (PyTensor 3.3).

Theano 0.8's `T.nnet.softmax` took a vector or a matrix, padded a vector to a `(1, n)` row
and normalised each row; its docs said "Returns: a symbolic 2D tensor". PyTensor's
`pytensor.tensor.special.softmax(x, axis=None)` keeps the input's shape, and with the
default `axis=None` it normalises over *every* element, so on a matrix the rows no longer
sum to 1 each. `compare_softmax` runs the notes' two experiments both ways.

Design note: the chapter's helpers and explorer compile with `python_function` (PyTensor's
Python linker: the same graph, no Numba and no C compile), whatever the calling page or test
has set. With the default Numba backend each distinct graph costs seconds on a cold cache
(issue 11), an RNN over 20 s; chapter 4 runs its own cells on the Python linker too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.executor import Function
from pytensor.compile.mode import Mode
from pytensor.tensor.special import softmax
from pytensor.tensor.variable import TensorVariable

from scanlab.checks import ScanlabInputError, as_matrix, as_vector
from scanlab.compiled import compiled, function


def python_function(inputs, outputs) -> Function:
    """`scanlab.compiled.function` with PyTensor's Python linker: same rewrites, no compile.

    A Scan inside runs its Python loop, and its inner function is linked without C
    (`cxx=""` while the function is built), so nothing calls Numba or a C compiler.
    """
    with pytensor.config.change_flags(cxx=""):
        return function(inputs, outputs, mode=Mode(linker="py", optimizer="fast_run"))


def legacy_softmax(x) -> TensorVariable:
    """Theano 0.8's `T.nnet.softmax`: a vector becomes a (1, n) row, then each row is normalised.

    Theano's `Softmax.make_node` accepted 1-d or 2-d input and padded a vector with
    `shape_padleft(x, n_ones=1)`; the output type was the padded input's, always 2-d.
    """
    x = pt.as_tensor_variable(x)
    if x.ndim not in (1, 2):
        raise ScanlabInputError(
            f"x must be a 1-d or 2-d tensor (like Theano 0.8's softmax), got ndim {x.ndim}"
        )
    if x.ndim == 1:
        x = pt.shape_padleft(x)
    return softmax(x, axis=-1)


# The variants compared on the page, in the order `softmax_function` returns them.
VARIANTS: tuple[str, ...] = (
    "Theano 0.8 softmax(vector)",
    "Theano 0.8 softmax(matrix)",
    "PyTensor softmax(vector)",
    "PyTensor softmax(matrix)",
    "PyTensor softmax(matrix, axis=-1)",
)


@compiled
def softmax_function() -> Function:
    """Compiled f(vector, matrix) -> every variant in VARIANTS (one graph for the whole page)."""
    v = pt.vector("v")
    M = pt.matrix("M")
    outputs = [legacy_softmax(v), legacy_softmax(M), softmax(v), softmax(M), softmax(M, axis=-1)]
    return python_function([v, M], outputs)


@dataclass(frozen=True)
class SoftmaxResult:
    """One variant's result, with the numbers a reader checks: shape and sums along rows."""

    name: str
    value: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)

    @property
    def row_sums(self) -> np.ndarray:
        """Sums over the last axis: 1 for every row of a row-wise softmax."""
        return self.value.sum(axis=-1)

    def __str__(self) -> str:
        sums = np.round(np.atleast_1d(self.row_sums), 3).tolist()
        return f"{self.name:<34}{self.shape!s:<8} row sums {sums}"


def compare_softmax(vector, matrix) -> dict[str, SoftmaxResult]:
    """Every variant in VARIANTS on a vector and a matrix, computed by PyTensor."""
    v = as_vector("vector", vector)
    M = as_matrix("matrix", matrix)
    values = softmax_function()(v, M)
    return {name: SoftmaxResult(name, value) for name, value in zip(VARIANTS, values, strict=True)}

