"""What a compiled scan keeps in memory.

`scan_buffers` reads the compiled graph: for each Scan node, the outer buffers that hold
its results (sit-sot, mit-sot, nit-sot, untraced) and their shapes for given inputs.
`allocations` lists every array the graph allocates outside the loop (Alloc, AllocEmpty):
a buffer handed to scan can be a one-row slice of a much larger allocation.
`peak_bytes` measures the peak of the bytes *requested* during a call, with tracemalloc (NumPy
and Numba arrays both report to it). `resident_growth` measures what became *resident*: an
array reserved like `numpy.empty` but never written is address space, not physical memory,
on Linux, so the two can differ by the whole size of a scan buffer. `memory_use` reads both
figures on the same calls (half the calls of the two apart; a call that writes 80 MB costs
tens of milliseconds).
"""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import dataclass

import numpy as np
import pytensor
from pytensor.compile.executor import Function
from pytensor.compile.mode import Mode
from pytensor.scan.op import Scan


@dataclass(frozen=True)
class Buffer:
    """One result buffer of a compiled Scan node."""

    kind: str  # "sit-sot", "mit-sot", "nit-sot", "untraced sit-sot", "mit-mot"
    shape: tuple[int, ...]
    itemsize: int

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * self.itemsize

    def __str__(self) -> str:
        return f"{self.kind}: shape {self.shape}, {format_bytes(self.nbytes)}"


def format_bytes(nbytes: float) -> str:
    """Bytes for a reader: '96 B', '7.8 KB', '80.0 MB' (powers of 1000)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{int(nbytes)} B"


def _buffer_inputs(node) -> list[tuple[str, object]]:
    """(kind, outer variable) for each result buffer of a Scan node, in the op's order."""
    info = node.op.info
    outer = list(node.inputs[1 + info.n_seqs :])
    kinds = (
        ["mit-mot"] * info.n_mit_mot
        + ["mit-sot"] * info.n_mit_sot
        + ["sit-sot"] * info.n_sit_sot
        + ["untraced sit-sot"] * info.n_untraced_sit_sot
    )
    # nit-sot outer inputs are only row counts; scan_buffers reports their outputs instead.
    return list(zip(kinds, outer, strict=False))


# id(f) -> (f, its shape functions): holding f keeps its id from being reused by a later
# function (a Function cannot be weakly referenced).
_shape_functions: dict[int, tuple[Function, dict[str, Function]]] = {}


def _shapes(
    f: Function, which: str, variables: list[tuple[str, object, str]], args
) -> list[Buffer]:
    """Evaluate the shapes of graph variables of `f` for inputs `args`."""
    if not variables:
        return []
    compiled_for_f = _shape_functions.setdefault(id(f), (f, {}))[1]
    if which not in compiled_for_f:  # compile once per (function, report), like everything here
        compiled_for_f[which] = pytensor.function(
            f.maker.fgraph.inputs,
            [v.shape for _, v, _ in variables],
            on_unused_input="ignore",
            accept_inplace=True,
            # Pure Python: a shape graph is tiny, and FAST_COMPILE's VM would first build its C
            # helper (seconds on an empty compile cache).
            mode=Mode(linker="py", optimizer="fast_compile"),
        )
    shapes = compiled_for_f[which](*args)
    return [
        Buffer(kind, tuple(int(s) for s in shape), np.dtype(dtype).itemsize)
        for (kind, _, dtype), shape in zip(variables, shapes, strict=True)
    ]


def allocations(f: Function, *args) -> list[Buffer]:
    """Every Alloc/AllocEmpty in compiled `f` (outside loops), with shapes for inputs `args`."""
    variables = [
        (type(node.op).__name__, node.outputs[0], node.outputs[0].dtype)
        for node in f.maker.fgraph.toposort()
        if type(node.op).__name__ in ("Alloc", "AllocEmpty")
    ]
    return _shapes(f, "allocations", variables, args)


def scan_buffers(f: Function, *args) -> list[Buffer]:
    """The result buffers of every Scan in compiled `f`, with shapes for inputs `args`."""
    variables: list[tuple[str, object, str]] = []
    for node in f.maker.fgraph.toposort():
        if not isinstance(node.op, Scan):
            continue
        for kind, var in _buffer_inputs(node):
            variables.append((kind, var, var.dtype))
        n_traced = node.op.info.n_mit_mot + node.op.info.n_mit_sot + node.op.info.n_sit_sot
        first_nit = n_traced
        for j in range(node.op.info.n_nit_sot):
            out = node.outputs[first_nit + j]
            variables.append(("nit-sot", out, out.dtype))
    return _shapes(f, "scan_buffers", variables, args)


def peak_bytes(f: Function, *args, repeat: int = 2, samples: int = 1) -> int:
    """Peak bytes allocated by a call of `f(*args)`, measured on the last of `repeat` calls.

    The first call may compile (Numba); measuring a later one counts only the loop's own arrays.
    tracemalloc sees every thread of the process (in a kernel, its messaging threads too), so
    with `samples` > 1 the call is measured that many times and the smallest peak is kept.
    Print it with `format_bytes`, which picks a unit that fits (B, KB, MB).
    """
    for _ in range(repeat - 1):
        f(*args)
    peaks = []
    for _ in range(max(1, samples)):
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            f(*args)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        peaks.append(int(peak))
    return min(peaks)


def peak_memory(f: Function, *args, repeat: int = 2) -> float:
    """`peak_bytes` in MB (kept for callers that print MB; prefer format_bytes(peak_bytes(...)))."""
    return peak_bytes(f, *args, repeat=repeat) / 1e6


def largest_first(buffers: list[Buffer]) -> list[Buffer]:
    """Buffers by size, largest first (ties by text): a stable order for printing.

    The order of Scan nodes and of same-kind buffers in a compiled graph can differ between
    processes, so anything stored and compared (nbval) should be sorted this way.
    """
    return sorted(buffers, key=lambda b: (-b.nbytes, str(b)))


def _resident_bytes() -> int | None:
    """The process's resident memory now (Linux: /proc/self/statm), or None elsewhere."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    import resource

    return pages * resource.getpagesize()


def _peak_resident_bytes() -> int | None:
    """The process's peak resident memory since the last reset (Linux: VmHWM), or None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # reported in kB
    except (OSError, ValueError, IndexError):
        return None
    return None


def _reset_peak_resident() -> bool:
    """Reset the process's peak RSS to its current RSS (Linux >= 4.0); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def resident_growth(f: Function, *args, repeat: int = 2, samples: int = 3) -> int | None:
    """Bytes by which resident memory (RSS) grew during a call of `f(*args)`.

    The peak RSS (VmHWM in /proc/self/status) is first reset to the current RSS
    (Linux's /proc/self/clear_refs); the growth is the peak after the call minus the RSS
    before it. Not `getrusage`'s ru_maxrss: it also keeps the peak of threads that have
    exited, which no reset clears (in a kernel it read the whole process's 340 MB). The
    smallest of `samples` calls, since a kernel's own threads allocate now and then. None
    where this cannot be measured (not Linux). Print it with `resident_text`.
    """
    for _ in range(repeat - 1):
        f(*args)
    gc.collect()  # once, not per sample: a full collection in a kernel costs ~0.1 s
    growths = []
    for _ in range(samples):
        before = _resident_bytes()
        if before is None or not _reset_peak_resident():
            return None
        out = f(*args)
        peak = _peak_resident_bytes()
        del out
        if peak is None:
            return None
        growths.append(max(0, peak - before))
    return min(growths)


@dataclass(frozen=True)
class MemoryUse:
    """What `memory_use` measured: bytes requested, bytes made resident."""

    allocated: int  # peak bytes requested during the call (tracemalloc)
    resident: int | None  # growth of resident memory (peak RSS) during it; None: not Linux


def memory_use(
    f: Function,
    *args,
    repeat: int = 2,
    samples: int = 3,
) -> MemoryUse:
    """What `f(*args)` allocates, and how much becomes resident.

    Both figures are read on the same calls. `allocated`: the
    peak of the bytes requested during the call, counted by
    tracemalloc (NumPy and Numba arrays report to it).
    `resident`: the peak RSS after the call (VmHWM in
    /proc/self/status, first reset to the current RSS through
    Linux's /proc/self/clear_refs) minus the RSS before it;
    not getrusage's ru_maxrss, which also keeps the peak of
    exited threads and cannot be reset. The first `repeat - 1`
    calls are not measured (the first may compile). A kernel's
    other threads only ever add bytes, so of `samples` calls
    the smallest figure of each kind is kept. `resident` is
    None where it cannot be measured (not Linux). Print them
    with `format_bytes`, `resident_text`.
    """
    for _ in range(repeat - 1):
        f(*args)
    # No gc.collect() (0.15 s in a kernel): garbage left before
    # a call cannot raise its peak above the RSS read just before
    # it, and a collection during the call only frees memory.
    allocated: list[int] = []
    resident: list[int] = []
    for _ in range(max(1, samples)):
        # Reading /proc allocates a little: done outside the
        # traced span, not counted.
        before = _resident_bytes()
        reset = before is not None and _reset_peak_resident()
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            out = f(*args)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        high = _peak_resident_bytes() if reset else None
        del out
        allocated.append(int(peak))
        if high is not None and before is not None:
            resident.append(max(0, high - before))
    all_read = len(resident) == len(allocated)
    return MemoryUse(
        min(allocated), min(resident) if all_read else None
    )


def allocated_text(nbytes: float) -> str:
    """A stable reading of `memory_use(...).allocated`: '80.0 MB', or 'less than 10 KB'.

    Below 1 MB the peak also counts the Python objects a call creates, which vary slightly
    between calls and processes (8548 and 8592 bytes seen for the same call), so it is
    printed as a bound: less than the next power of ten.
    """
    if nbytes >= 1e6:
        return format_bytes(nbytes)
    if nbytes < 1e3:
        return "less than 1 KB"
    bound = 10
    while nbytes >= bound * 1e3:
        bound *= 10
    return "less than 1 MB" if bound == 1000 else f"less than {bound} KB"


def resident_text(nbytes: int | None) -> str:
    """A rounded, stable reading of `resident_growth`: 'less than 5 MB' or 'about 80 MB'."""
    if nbytes is None:
        return "not measurable here"
    if nbytes < 5e6:
        return "less than 5 MB"
    return f"about {round(nbytes / 1e7) * 10} MB"
