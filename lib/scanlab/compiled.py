"""Compile each PyTensor graph once per process.

PyTensor 3.x with the default Numba backend does its real compile at the first call
(seconds to tens of seconds), so everything interactive must reuse compiled functions.
`compiled` memoises a graph builder; `compile_count` lets tests and benchmarks prove that
moving a control does not compile anything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytensor
from pytensor.compile.executor import Function
from pytensor.graph.basic import Apply

_compiles = 0


def compile_count() -> int:
    """How many functions `function` has compiled in this process."""
    return _compiles


def function(*args, **kwargs) -> Function:
    """`pytensor.function`, counted. Use it for every compile in scanlab."""
    global _compiles
    _compiles += 1
    return pytensor.function(*args, **kwargs)


def backend_setting() -> tuple[str, str, str]:
    """The settings that decide how a graph compiles: (mode, linker, cxx)."""
    config = pytensor.config
    return (str(config.mode), str(config.linker), str(config.cxx))


def compiled[**P, R](builder: Callable[P, R]) -> Callable[P, R]:
    """Memoise a builder that creates and compiles a graph (its arguments must be hashable).

    One function per argument tuple *and backend setting*: a page that sets the Python
    linker, or a `with on_python_linker():` block, never gets a function compiled for Numba
    (or the other way round). `cache_clear()` empties the memo.
    """
    memo: dict[tuple, R] = {}

    @functools.wraps(builder)
    def build(*args: P.args, **kwargs: P.kwargs) -> R:
        key = (backend_setting(), args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = builder(*args, **kwargs)
        return memo[key]

    build.cache_clear = memo.clear  # type: ignore[attr-defined]
    return build


def on_python_linker() -> AbstractContextManager:
    """PyTensor's Python linker and no C compiler, inside a `with` block: the setting most
    chapters make for the whole page (`linker = "py"`, `cxx = ""`); nothing to compile."""
    return pytensor.config.change_flags(linker="py", cxx="")


def scan_nodes(f: Function | Any) -> list[Apply]:
    """Every Scan node left in compiled `f`, in the order they run (a forward loop before
    the gradient's loop that reads it). `node.op` is the loop, `node.inputs` what it reads.

    `f` may also be what PyMC's `model.logp_dlogp_function()` returns (chapter 10).
    """
    from pytensor.scan.op import Scan

    # PyMC's ValueGradFunction keeps its compiled Function here (no public name for it);
    # tests/test_autoregressive.py fails if a PyMC release moves it.
    f = getattr(f, "_pytensor_function", f)
    return [node for node in f.maker.fgraph.toposort() if isinstance(node.op, Scan)]


def scan_loops(f: Function | Any) -> list[str]:
    """The name of every Scan loop left in compiled `f`, e.g. ['scan_fn', 'grad_of_scan_fn'].

    Rewrites may replace a loop by array code (chapter 2) or add one (a gradient, chapter 7).
    """
    return [node.op.name for node in scan_nodes(f)]


def has_loop(f: Function | Any) -> bool:
    """Whether compiled `f` still contains a Scan, so that calling it runs a loop."""
    return bool(scan_loops(f))
