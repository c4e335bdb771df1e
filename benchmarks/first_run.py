"""A reader's first Run All: each chapter's cold and warm time, compiles and slowest cells.

Each chapter runs alone, in its own kernel, with `jupyter nbconvert --execute` into a
temporary file (the chapter itself is not touched), as a reader's fresh Run All would:
- cold: an empty PyTensor compile cache (`PYTENSOR_FLAGS=base_compiledir=<new empty dir>`);
- warm: the same run again with that (now filled) cache.
The goal, 20 s cold, is judged without a chapter's timing runs: cells tagged `timing-run`,
which time what the chapter teaches (a compile, a measurement) and which the chapter
announces before they start (tests/test_timing_runs.py); their cold seconds get a column.
A column lists the cells over 2 s cold that show no line while they run (neither a key of
the chapter's `announce` call nor an explorer's or a measurement's own progress line).
Wall time is the whole nbconvert process (kernel start, imports and every cell); cpu is
the user + sys time of nbconvert and its kernel (from `getrusage(RUSAGE_CHILDREN)`), which
a busy machine stretches far less than wall time. For scale, on this machine: an empty
notebook costs about 4 s of cpu (nbconvert and kernel start), importing numpy, pytensor,
matplotlib, ipywidgets and scanlab about 1.5 s more, and each new scan graph compiled on
a cold cache about 7 s (a gradient through scan, or an RNN, more).

Compiles are counted inside the kernel by an IPython startup file (in a temporary
IPYTHONDIR) that wraps, at import time:
- `pytensor.compile.maker.FunctionMaker.create`: one call per graph PyTensor compiles,
  whoever asks (`pytensor.function`, `.eval()`, scanlab, PyMC); the column `compiles`
  (with the Python linker, which most chapters use, a scan's inner function is a compile
  of its own, so a page counts more compiles than graphs, but each takes milliseconds);
- `NumbaLinker.jit_compile`: the graph's Numba cache key, so `graphs` counts distinct
  compiled graphs (what a cold cache pays for) and `uncached` those Numba cannot cache;
- the first call of every compiled `Function`: with the default Numba backend that is
  where the real compile happens (seconds cold, a cache load warm); the column `1st calls`
  sums those seconds;
- `scanlab.explorer.explorer`: seconds spent rendering every setting of each explorer,
  and the compiles inside it (column `explorers`).
Each event records the IPython execution count, so compiles are attributed to cells.
Cell times come from nbclient's timing metadata (`record_timing`, on by default):
`iopub.execute_input` to `shell.execute_reply` of each code cell.

The machine is shared: the load average (`uptime`) is printed with each run. Times are
noisy, counts are not.

Usage:
  .venv/bin/python benchmarks/first_run.py                      # every chapter, cold + warm
  .venv/bin/python benchmarks/first_run.py --chapters 04 07     # some chapters (name prefixes)
  .venv/bin/python benchmarks/first_run.py --tree /tmp/before   # another checkout (its lib/)
  .venv/bin/python benchmarks/first_run.py --warm-only          # the existing default cache
  .venv/bin/python benchmarks/first_run.py --cells              # every compile, by cell
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from scanlab.announce import announced_keys, says_what_it_does

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 20.0
# The issue allows chapter 8 more than GOAL_S for its timing runs, if it says so before they
# start. A cell that times something the chapter teaches (a compile, a sampler) carries this
# tag, and the chapter announces it (tests/test_timing_runs.py checks both); the goal is judged
# on the rest of the chapter.
TIMING_TAG = "timing-run"
# The issue: a cell that takes longer says what it is doing while it runs (scanlab.announce).
SILENT_S = 2.0

# Runs in the kernel before any cell (IPython startup file). Patches modules as they are
# imported (a meta-path finder), so nothing is imported early and cell times stay honest.
HOOK = r"""
import importlib.abc, importlib.util, json, os, sys, time

_LOG = os.environ["FIRST_RUN_LOG"]
_SEEN = set()
_KEEP = []  # keeps compiled functions alive, so an id is never reused for a new one
_STATE = {"explorer_depth": 0, "cell": 0, "cell_id": None}


def _pre_run_cell(info):
    _STATE["cell"] += 1  # the n-th cell the kernel runs
    _STATE["cell_id"] = getattr(info, "cell_id", None)


get_ipython().events.register("pre_run_cell", _pre_run_cell)


def _log(event, **fields):
    fields.update(ev=event, cell=_STATE["cell"], cell_id=_STATE["cell_id"], t=time.time())
    with open(_LOG, "a") as f:
        f.write(json.dumps(fields) + "\n")


def _patch_maker(module):
    original = module.FunctionMaker.create

    def create(self, *args, **kwargs):
        start = time.perf_counter()
        fn = original(self, *args, **kwargs)
        try:
            nodes = self.fgraph.apply_nodes
            loops = sorted(n.op.name for n in nodes if type(n.op).__name__ == "Scan")
            outs = [str(o.type) for o in self.fgraph.outputs][:4]
        except Exception:
            loops, outs = [], []
        _log("compile", seconds=time.perf_counter() - start, loops=loops, outputs=outs,
             nodes=len(self.fgraph.apply_nodes), in_explorer=_STATE["explorer_depth"] > 0)
        return fn

    module.FunctionMaker.create = create


def _patch_executor(module):
    original = module.Function.__call__

    def call(self, *args, **kwargs):
        if id(self) in _SEEN:
            return original(self, *args, **kwargs)
        _SEEN.add(id(self))
        _KEEP.append(self)
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            _log("first_call", seconds=time.perf_counter() - start,
                 in_explorer=_STATE["explorer_depth"] > 0)

    module.Function.__call__ = call


def _patch_explorer(module):
    original = module.explorer

    def explorer(render, *choices, **kwargs):
        settings = 1
        for c in choices:
            settings *= len(getattr(c, "options", ()) or ())
        _STATE["explorer_depth"] += 1
        start = time.perf_counter()
        try:
            return original(render, *choices, **kwargs)
        finally:
            _STATE["explorer_depth"] -= 1
            _log("explorer", seconds=time.perf_counter() - start, settings=settings,
                 render=getattr(render, "__qualname__", repr(render)))

    explorer.__wrapped__ = original
    module.explorer = explorer


def _patch_linker(module):
    original = module.NumbaLinker.jit_compile

    def jit_compile(self, fn_and_cache):
        key = fn_and_cache[1]
        _log("graph", key=None if key is None else str(hash(key)))
        return original(self, fn_and_cache)

    module.NumbaLinker.jit_compile = jit_compile


_PATCHES = {
    "pytensor.link.numba.linker": _patch_linker,
    "pytensor.compile.maker": _patch_maker,
    "pytensor.compile.executor": _patch_executor,
    "scanlab.explorer": _patch_explorer,
}


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in _PATCHES:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module

        class Loader(importlib.abc.Loader):
            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                exec_module(module)
                _PATCHES[name](module)

        spec.loader = Loader()
        return spec


sys.meta_path.insert(0, _Finder())
_log("kernel_ready")
del _Finder
"""


@dataclass
class Run:
    """One nbconvert run of one chapter."""

    seconds: float
    cpu: float  # user + sys of nbconvert and its kernel: far less noisy than wall time
    ok: bool
    load: str
    compiles: int = 0  # FunctionMaker.create calls
    graphs: int = 0  # distinct Numba cache keys among them: what a cold cache compiles
    uncached: int = 0  # graphs Numba cannot cache on disk: compiled again on every run
    first_call_s: float = 0.0
    explorer_s: float = 0.0
    explorer_compiles: int = 0
    explorers: list[dict] = field(default_factory=list)
    timing_s: float = 0.0  # in cells tagged timing-run (see TIMING_TAG)
    c_modules: int = 0  # C extensions built (gcc) into the cache by this run
    silent: list[int] = field(default_factory=list)  # cells over SILENT_S that show no line
    cells: list[tuple[float, int, str, int]] = field(default_factory=list)  # s, index, head, n
    events: list[dict] = field(default_factory=list)
    error: str = ""


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cell_seconds(cell: dict) -> float | None:
    timing = cell.get("metadata", {}).get("execution", {})
    start = timing.get("iopub.execute_input") or timing.get("iopub.status.busy")
    end = timing.get("shell.execute_reply") or timing.get("iopub.status.idle")
    if not (start and end):
        return None
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def first_line(source: str) -> str:
    for line in source.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line[:60]
    return "(empty)"


def run_chapter(tree: Path, notebook: Path, compiledir: Path | None, timeout: int) -> Run:
    work = Path(tempfile.mkdtemp(prefix="first-run-"))
    startup = work / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-first-run.py").write_text(HOOK)
    log = work / "events.jsonl"
    env = dict(os.environ)
    env.update(
        IPYTHONDIR=str(work / "ipython"),
        FIRST_RUN_LOG=str(log),
        PYTHONPATH=os.pathsep.join(
            [str(tree / "lib"), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    )
    if compiledir is not None:
        flags = [f for f in env.get("PYTENSOR_FLAGS", "").split(",") if f]
        flags = [f for f in flags if not f.startswith("base_compiledir=")]
        env["PYTENSOR_FLAGS"] = ",".join([*flags, f"base_compiledir={compiledir}"])
    out = work / "out.ipynb"
    jupyter = Path(sys.executable).parent / "jupyter"
    command = [
        str(jupyter), "nbconvert", "--to", "notebook", "--execute",
        f"--ExecutePreprocessor.timeout={timeout}",
        "--ExecutePreprocessor.kernel_name=python3",
        "--output", str(out), str(notebook),
    ]  # fmt: skip
    load = load_average()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tree)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the kernel is nbconvert's child
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run = Run(seconds, cpu, result.returncode == 0, load)
    if not run.ok:
        lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in result.stderr.splitlines()]
        errors = [line.strip() for line in lines if "Error" in line]
        run.error = (errors or lines or ["(no message)"])[-1][:200]
    if log.exists():
        run.events = [json.loads(line) for line in log.read_text().splitlines()]
    if out.exists():
        nb = json.loads(out.read_text("utf-8"))
        # The n-th cell the kernel ran is the n-th code cell nbclient executed (by count).
        executed = sorted(
            (cell["execution_count"], index)
            for index, cell in enumerate(nb["cells"])
            if cell["cell_type"] == "code" and cell.get("execution_count")
        )
        by_count = {n: index for n, (_, index) in enumerate(executed, start=1)}
        codes = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        keys = announced_keys(codes)
        compiles_in = defaultdict(int)
        for event in run.events:
            if event["ev"] == "compile":
                compiles_in[by_count.get(event["cell"], -1)] += 1
        for index, cell in enumerate(nb["cells"]):
            seconds = cell_seconds(cell) if cell["cell_type"] == "code" else None
            if seconds is not None:
                source = "".join(cell["source"])
                run.cells.append((seconds, index, first_line(source), compiles_in[index]))
                if TIMING_TAG in cell.get("metadata", {}).get("tags", []):
                    run.timing_s += seconds
                if seconds > SILENT_S and not says_what_it_does(source, keys):
                    run.silent.append(index)
        for event in run.events:
            event["cell_index"] = by_count.get(event["cell"], -1)
    compiles = [e for e in run.events if e["ev"] == "compile"]
    run.compiles = len(compiles)
    graphs = [e["key"] for e in run.events if e["ev"] == "graph"]
    run.graphs = len({key for key in graphs if key is not None})
    run.uncached = sum(1 for key in graphs if key is None)
    run.first_call_s = sum(e["seconds"] for e in run.events if e["ev"] == "first_call")
    run.explorers = [e for e in run.events if e["ev"] == "explorer"]
    run.explorer_s = sum(e["seconds"] for e in run.explorers)
    run.explorer_compiles = sum(1 for e in compiles if e.get("in_explorer"))
    shutil.rmtree(work, ignore_errors=True)
    return run


def chapters(tree: Path, wanted: list[str]) -> list[Path]:
    found = sorted((tree / "chapters").glob("*.ipynb"))
    if not wanted:
        return found
    picked = [nb for nb in found if any(nb.stem.startswith(w) for w in wanted)]
    missing = [w for w in wanted if not any(nb.stem.startswith(w) for nb in found)]
    if missing:
        have = [n.stem for n in found]
        raise SystemExit(f"--chapters: no chapter starts with {missing}; have {have}")
    return picked


def describe_cells(run: Run, slowest: int) -> str:
    top = sorted(run.cells, reverse=True)[:slowest]
    return "; ".join(f"#{i} {s:.1f}s {c}c `{head}`" for s, i, head, c in top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", nargs="*", default=[], help="name prefixes, e.g. 01 07")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout to measure")
    parser.add_argument("--warm-only", action="store_true", help="one run, default cache")
    parser.add_argument("--slowest", type=int, default=3, help="slowest cells to list")
    parser.add_argument("--cells", action="store_true", help="list every compile by cell")
    parser.add_argument("--timeout", type=int, default=1200)
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    args = parser.parse_args()
    tree = args.tree.resolve()
    notebooks = chapters(tree, args.chapters)
    print(f"tree {tree} ({len(notebooks)} chapters), Python {sys.executable}")
    print(f"load average before: {load_average()} on {os.cpu_count()} cores\n")

    results: dict[str, dict[str, Run]] = {}
    for nb in notebooks:
        runs: dict[str, Run] = {}
        if args.warm_only:
            runs["warm"] = run_chapter(tree, nb, None, args.timeout)
        else:
            cache = Path(tempfile.mkdtemp(prefix="first-run-cache-"))
            runs["cold"] = run_chapter(tree, nb, cache, args.timeout)
            # gcc runs only for the C backends (CVM, FAST_COMPILE with a compiler): seconds each
            runs["cold"].c_modules = sum(1 for _ in cache.rglob("*.so"))
            runs["warm"] = run_chapter(tree, nb, cache, args.timeout)
            shutil.rmtree(cache, ignore_errors=True)
        results[nb.stem] = runs
        for kind, run in runs.items():
            status = "" if run.ok else f"  FAILED: {run.error}"
            built = f"  C modules built {run.c_modules}" if kind == "cold" else ""
            print(
                f"  {nb.stem:<26} {kind:<4} {run.seconds:6.1f} s  cpu {run.cpu:6.1f} s"
                f"  compiles {run.compiles:3d} (graphs {run.graphs}, uncached {run.uncached})"
                f"{built}  (load {run.load}){status}",
                flush=True,
            )

    print()
    header = (
        "| chapter | cold s (cpu) | of it timing runs s | silent cells over 2 s | warm s (cpu) "
        "| compiles (graphs, uncached) | 1st calls cold s "
        "| explorers cold s of all cells s (compiles) | load (cold) "
        "| slowest cells, cold: #index s compiles |"
    )
    if args.warm_only:
        header = (
            "| chapter | warm s (cpu) | compiles (graphs, uncached) | 1st calls s "
            "| explorers s (compiles) | load "
            "| slowest cells |"
        )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for name, runs in results.items():
        main_run = runs.get("cold") or runs["warm"]
        cells_s = sum(seconds for seconds, *_ in main_run.cells)
        explorers = (
            f"{main_run.explorer_s:.1f} of {cells_s:.1f} in cells ({main_run.explorer_compiles})"
        )
        cells = describe_cells(main_run, args.slowest)
        flag = "" if all(r.ok for r in runs.values()) else " FAILED"
        if args.warm_only:
            w = runs["warm"]
            print(
                f"| {name}{flag} | {w.seconds:.1f} ({w.cpu:.1f}) | "
                f"{w.compiles} ({w.graphs}, {w.uncached}) | "
                f"{w.first_call_s:.1f} | "
                f"{explorers} | {w.load} | {cells} |"
            )
        else:
            c, w = runs["cold"], runs["warm"]
            mark = "" if c.seconds - c.timing_s <= GOAL_S else " *"
            print(
                f"| {name}{flag} | {c.seconds:.1f}{mark} ({c.cpu:.1f}) | {c.timing_s:.1f} "
                f"| {', '.join(f'#{i}' for i in c.silent) or 'none'} | {w.seconds:.1f} "
                f"({w.cpu:.1f}) | {c.compiles} ({c.graphs}, {c.uncached}) | "
                f"{c.first_call_s:.1f} | {explorers} | {c.load} | {cells} |"
            )
    if not args.warm_only:
        print(
            f"\n* over the goal of {GOAL_S:.0f} s for a cold first Run All, not counting the "
            f"chapter's announced timing runs (cells tagged {TIMING_TAG}). On a loaded machine "
            "wall time stretches; cpu (user + sys of nbconvert and its kernel) much less so."
        )
    total = sum((r.get("cold") or r["warm"]).seconds for r in results.values())
    print(f"total: {total:.0f} s; load average after: {load_average()}")

    if args.cells:
        for name, runs in results.items():
            run = runs.get("cold") or runs["warm"]
            print(f"\n{name}: compiles by cell (cold)")
            for event in run.events:
                if event["ev"] == "explorer":
                    what = (
                        f"explorer {event['render']}: {event['settings']} settings "
                        f"in {event['seconds']:.1f} s"
                    )
                elif event["ev"] == "compile":
                    what = (
                        f"compile loops={event['loops']} nodes={event['nodes']} "
                        f"out={event['outputs']}"
                    ) + (" [in explorer]" if event.get("in_explorer") else "")
                else:
                    continue
                print(f"  cell {event['cell_index']:>3}: {what}")
            firsts = sorted(
                (e["seconds"], e["cell_index"]) for e in run.events if e["ev"] == "first_call"
            )[::-1][:8]
            print("  slowest first calls: " + ", ".join(f"cell {i} {s:.1f}s" for s, i in firsts))
    if args.json:
        args.json.write_text(
            json.dumps(
                {n: {k: r.__dict__ for k, r in runs.items()} for n, runs in results.items()},
                indent=1,
            )
        )
    failed = [n for n, runs in results.items() if not all(r.ok for r in runs.values())]
    if failed:
        print(f"failed: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
