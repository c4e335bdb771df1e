"""Compare scan, a vectorised expression, an unrolled loop and NumPy from the command line.

The same measurements as chapter 8 (`scanlab.performance`), printed as tables:

    .venv/bin/python benchmarks/compare_loops.py
    .venv/bin/python benchmarks/compare_loops.py --sizes 10 1000 --unrolled 10 --modes CVM

Run it twice: the "1st call" column (Numba's compile) shrinks once PyTensor's on-disk cache
holds the graphs; the "build" column (graph rewrites) does not.
"""

from __future__ import annotations

import argparse

from scanlab.performance import (
    COMPUTATIONS,
    DESCRIPTIONS,
    MAX_UNROLLED,
    Benchmark,
    backends,
    measure,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--computations", nargs="+", choices=COMPUTATIONS, default=COMPUTATIONS)
    parser.add_argument("--sizes", nargs="+", type=int, default=[10, 100, 1000, 10000],
                        help="loop lengths for scan, vectorised and numpy")
    parser.add_argument("--unrolled", nargs="+", type=int, default=[10, 50, 100],
                        help=f"loop lengths for the unrolled graphs (at most {MAX_UNROLLED})")
    parser.add_argument("--repeat", type=int, default=5, help="timed batches per measurement")
    parser.add_argument("--modes", nargs="*", default=[], choices=["CVM", "FAST_COMPILE"],
                        help="also time the cumsum scan in these PyTensor modes")
    parser.add_argument("--backends", action="store_true", help="report every PyTensor mode")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    bench = Benchmark()
    for computation in args.computations:
        print(f"measuring {computation}: {DESCRIPTIONS[computation]} ...", flush=True)
        measure(computation, sizes=args.sizes, unrolled_sizes=args.unrolled,
                repeat=args.repeat, into=bench)
    for mode in args.modes:
        print(f"measuring cumsum scan in mode {mode} ...", flush=True)
        measure("cumsum", ways=("scan",), sizes=args.sizes, repeat=args.repeat, mode=mode,
                into=bench)
    print("\nCompile time (build = pytensor.function, 1st call = Numba compile or cache load)")
    print(bench.compile_table())
    print("\nRun time per call (median of batches, after the first call)")
    print(bench.table())
    if args.backends:
        print("\nPyTensor modes")
        for backend in backends():
            print(backend)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
