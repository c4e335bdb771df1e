"""scanlab.compiled: counted compiles, one compile per builder, loops read from PyTensor."""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt

from scanlab.compiled import (
    compile_count,
    compiled,
    function,
    has_loop,
    on_python_linker,
    scan_loops,
    scan_nodes,
)


def _power_graph():
    A = pt.vector("A")
    k = pt.iscalar("k")
    result = pytensor.scan(
        lambda prior, A: prior * A,
        outputs_info=pt.ones(A.shape),
        non_sequences=A,
        n_steps=k,
        return_updates=False,
    )
    return A, k, result


def test_function_counts_each_compile_and_compiles_what_pytensor_would() -> None:
    A, k, result = _power_graph()
    before = compile_count()
    f = function([A, k], result[-1])
    assert compile_count() == before + 1
    np.testing.assert_allclose(f(np.array([1.0, 2.0, 3.0]), 3), [1.0, 8.0, 27.0])
    assert compile_count() == before + 1  # calling compiles nothing more that we count


def test_compiled_builds_once_per_argument_tuple() -> None:
    built: list[int] = []

    @compiled
    def doubler(n: int):
        built.append(n)
        x = pt.vector("x")
        return function([x], x * n)

    before = compile_count()
    assert doubler(2) is doubler(2)
    assert doubler(3) is not doubler(2)
    assert built == [2, 3]
    assert compile_count() == before + 2
    np.testing.assert_allclose(doubler(3)(np.array([1.0])), [3.0])


def test_compiled_keeps_one_function_per_backend_setting() -> None:
    @compiled
    def tripler():
        x = pt.vector("x")
        return function([x], x * 3)

    default = tripler()
    with on_python_linker():
        python = tripler()
        assert tripler() is python  # memoised within the setting
    assert python is not default and tripler() is default
    assert type(python.maker.linker).__name__ == "PerformLinker"
    assert type(default.maker.linker).__name__ != "PerformLinker"
    tripler.cache_clear()
    assert tripler() is not default


def test_on_python_linker_sets_and_restores_the_page_setting() -> None:
    x = pt.vector("x")
    with on_python_linker():
        assert pytensor.config.linker == "py" and pytensor.config.cxx == ""
        inside = function([x], x * 2)
    assert pytensor.config.linker != "py"  # restored on leaving the block
    assert type(inside.maker.linker).__name__ == "PerformLinker"
    np.testing.assert_allclose(inside(np.array([1.0])), [2.0])


def test_scan_loops_reads_the_compiled_graph() -> None:
    A, k, result = _power_graph()
    looped = function([A, k], result[-1])
    assert has_loop(looped)
    assert len(scan_loops(looped)) == 1
    # PyTensor is the oracle: its own toposort of the compiled graph holds that one Scan.
    from pytensor.scan.op import Scan

    scans = [n for n in looped.maker.fgraph.toposort() if isinstance(n.op, Scan)]
    assert scan_loops(looped) == [n.op.name for n in scans]

    x = pt.vector("x")
    plain = function([x], x + 1)
    assert scan_loops(plain) == []
    assert not has_loop(plain)


def test_scan_nodes_are_the_compiled_loops_in_the_order_they_run() -> None:
    from pytensor.graph.traversal import ancestors
    from pytensor.scan.op import Scan

    A, k, result = _power_graph()
    with on_python_linker():
        gradient = function([A, k], pytensor.grad(result[-1].sum(), A))
    nodes = scan_nodes(gradient)
    # PyTensor is the oracle: the compiled graph's own Scan nodes, forward loop first, and
    # the gradient's loop reads what the forward loop computed.
    assert set(nodes) == {n for n in gradient.maker.fgraph.apply_nodes if isinstance(n.op, Scan)}
    assert [n.op.name for n in nodes] == ["scan_fn", "grad_of_scan_fn"]
    forward, backward = nodes
    assert set(forward.outputs) & set(ancestors(backward.inputs))
    assert scan_loops(gradient) == ["scan_fn", "grad_of_scan_fn"]
    np.testing.assert_allclose(gradient([1.0, 2.0], 3), [3.0, 12.0])
