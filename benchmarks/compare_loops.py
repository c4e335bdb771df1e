"""Compare scan, a vectorised expression, an unrolled loop and NumPy from the command line.

The same measurements as chapter 8 (`scanlab.performance`, `scanlab.logp`), printed as tables
with the machine, the library versions and the state of PyTensor's compile cache:

    .venv/bin/python benchmarks/compare_loops.py
    .venv/bin/python benchmarks/compare_loops.py --sizes 10 1000 --unrolled 10 --modes --gradients

Run it twice: the "1st call" column (Numba's compile) shrinks once PyTensor's on-disk cache
holds the graphs, and the cache line turns from cold to warm; the "build" column (graph
rewrites) does not shrink. Chapter 8 fills the same cache (`~/.pytensor`) with the same
graphs, so after it this script starts warm; to start cold, give PyTensor a cache folder that
does not exist yet, on both runs:

    PYTENSOR_FLAGS=base_compiledir=/tmp/fresh .venv/bin/python benchmarks/compare_loops.py
"""

from __future__ import annotations

import argparse
import sys

from scanlab.machine import CacheWatch, machine_report
from scanlab.performance import (
    COMPUTATIONS,
    DESCRIPTIONS,
    MAX_UNROLLED,
    Benchmark,
    backends,
    measure,
    measure_gradients,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--computations", nargs="+", choices=COMPUTATIONS, default=COMPUTATIONS)
    parser.add_argument("--sizes", nargs="+", type=int, default=[10, 100, 1000, 10000],
                        help="loop lengths for scan, vectorised and numpy")
    parser.add_argument("--unrolled", nargs="+", type=int, default=[10, 20, 40],
                        help=f"loop lengths for the unrolled graphs (at most {MAX_UNROLLED})")
    parser.add_argument("--repeat", type=int, default=5, help="timed batches per measurement")
    parser.add_argument("--modes", action="store_true",
                        help="try the cumsum scan in every PyTensor mode and time those that run")
    parser.add_argument("--gradients", action="store_true",
                        help="time log-densities with their gradients (what a sampler calls)")
    return parser.parse_args(argv)


def progress(text: str) -> None:
    print(f"  {text} ...", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    watch = CacheWatch.start(label="this run")
    bench = Benchmark()
    for computation in args.computations:
        print(f"measuring {computation}: {DESCRIPTIONS[computation]}", file=sys.stderr)
        measure(computation, sizes=args.sizes, unrolled_sizes=args.unrolled,
                repeat=args.repeat, into=bench, progress=progress)
    report = []
    if args.modes:
        report = backends(sizes=args.sizes, repeat=args.repeat, into=bench, progress=progress)
    gradients = None
    if args.gradients:
        gradients = measure_gradients(sizes=[max(2, n) for n in args.sizes],
                                      repeat=args.repeat, progress=progress)
    print("\nCompile time (build = pytensor.function, 1st call = Numba compile or cache load)")
    print(bench.compile_table())
    print("\nRun time per call (median of batches, after the first call)")
    print(bench.table())
    if gradients is not None:
        print("\nLog-density with its gradient, per call (what a sampler calls)")
        print(gradients.table())
    for backend in report:
        print(backend)
    print()
    print(machine_report(watch))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
