"""Chapter 1: A**k by repeated multiplication, the notes' first scan.

Three ways to write the initial state (the notes used `ones_like`), because the choice
changes what the compiled loop keeps in memory; see `scanlab.memory`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.executor import Function

from scanlab.checks import as_count, as_vector, one_of
from scanlab.compiled import compiled, function
from scanlab.memory import allocations

InitStyle = Literal["ones_like", "ones"]
INIT_STYLES: tuple[InitStyle, ...] = ("ones_like", "ones")
MAX_K = 1_000_000


def power_scan(
    A: pt.TensorVariable,
    k: pt.TensorVariable,
    init: InitStyle = "ones_like",
) -> pt.TensorVariable:
    """The symbolic loop: k steps of prior result * A, all kept."""
    one_of("init", init, INIT_STYLES)
    start = (
        pt.ones_like(A) if init == "ones_like" else pt.ones(A.shape)
    )
    return pytensor.scan(
        fn=lambda prior_result, A: prior_result * A,
        outputs_info=start,
        non_sequences=[A],
        n_steps=k,
        return_updates=False,
    )


@compiled
def power_function(
    init: InitStyle = "ones_like",
    keep: Literal["last", "all"] = "last",
) -> Function:
    """Compiled f(A, k): A**k, or with keep='all' A**1 .. A**k."""
    one_of("keep", keep, ("last", "all"))
    A = pt.vector("A")
    k = pt.iscalar("k")
    result = power_scan(A, k, init)
    output = result[-1] if keep == "last" else result
    return function([A, k], output)


def _inputs(A, k) -> tuple[np.ndarray, int]:
    return as_vector("A", A), as_count("k", k, minimum=1, maximum=MAX_K)


def power(A, k: int, init: InitStyle = "ones_like") -> np.ndarray:
    """A**k computed by the scan (k >= 1: `result[-1]` of an empty loop does not exist)."""
    A, k = _inputs(A, k)
    return power_function(init, "last")(A, k)


def power_steps(A, k: int, init: InitStyle = "ones_like") -> np.ndarray:
    """All k results, shape (k, len(A)): row i is A**(i+1)."""
    A, k = _inputs(A, k)
    return power_function(init, "all")(A, k)


def describe_power(
    k: int,
    A=(0.0, 1.0, 2.0, 3.0),
    init: InitStyle = "ones_like",
) -> str:
    """The explorer's text: steps, result[-1], what it allocates."""
    A, k = _inputs(A, k)
    steps = power_steps(A, k, init)
    lines = [
        f"A = {A.tolist()}, k = {k}, "
        f"outputs_info = pt.{init}(...)"
    ]
    for i, row in enumerate(steps, start=1):
        lines.append(f"step {i}: prior result * A = {row.tolist()}")
    last = steps[-1].tolist()
    lines.append(
        f"result.shape = {steps.shape};  "
        f"result[-1] = A**{k} = {last}"
    )
    allocated = allocations(power_function(init, "last"), A, k)
    allocated_text = "; ".join(str(b) for b in allocated)
    lines.append(f"compiled result[-1] allocates: {allocated_text}")
    return "\n".join(lines)
