"""Median time per `scanlab.explain` call (goal: under 300 ms), and proof that it compiles nothing.

The set of calls: the book's scans (A**k, the polynomial, the 2016 RNN, Fibonacci with taps,
an AR(2) with its generator threaded through outputs_info) and the ten broken calls of
chapter 9. Each is explained REPEATS times after one warm-up pass (the first explain in a
process also pays for importing PyTensor's scan machinery; that one-off cost is printed too).

Usage: .venv/bin/python benchmarks/explain_speed.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

import numpy as np  # noqa: E402
import pytensor  # noqa: E402
import pytensor.tensor as pt  # noqa: E402

from scanlab import explain  # noqa: E402
from scanlab.compiled import compile_count  # noqa: E402

REPEATS = 15


def calls() -> dict[str, dict]:
    A, k = pt.vector("A"), pt.iscalar("k")
    coefficients, x, X = pt.vector("coefficients"), pt.scalar("x"), pt.matrix("X")
    h0, v, u = pt.scalar("h0"), pt.vector("v"), pt.scalar("u")
    count = pytensor.shared(0.0, name="count")
    rng = pytensor.shared(np.random.default_rng(0), name="rng")
    F1 = pt.vector("F", shape=(1,))
    wx, wh, w = (pytensor.shared(np.zeros(s), name=n)
                 for s, n in [((10, 5), "wx"), ((5, 5), "wh"), ((5, 15), "w")])

    def recurrence(x_t, h_tm1):
        h_t = pt.sigmoid(pt.dot(x_t, wx) + pt.dot(h_tm1, wh))
        return h_t, pt.special.softmax(pt.dot(h_t, w), axis=-1)

    def ar2(x_tm2, x_tm1, rng_tm1):
        next_rng, x_t = pt.random.normal(0.6 * x_tm1 - 0.3 * x_tm2, 1.0, rng=rng_tm1,
                                         return_next_rng=True)
        return x_t, next_rng

    return {
        "A**k": dict(fn=lambda p, A: p * A, outputs_info=pt.ones_like(A), non_sequences=A,
                     n_steps=k),
        "polynomial": dict(fn=lambda c, p, x: c * x**p, sequences=[coefficients, pt.arange(10)],
                           non_sequences=x),
        "2016 RNN": dict(fn=recurrence, sequences=np.zeros((3, 10)),
                         outputs_info=[np.zeros(5), None]),
        "Fibonacci": dict(fn=lambda a, b: a + b, outputs_info=[dict(initial=np.array([0, 1]),
                                                                    taps=[-2, -1])], n_steps=10),
        "AR(2)": dict(fn=ar2, outputs_info=[dict(initial=np.zeros(2), taps=[-2, -1]), rng],
                      n_steps=100),
        "1 output count": dict(fn=lambda x_t, h: (h + x_t, x_t), sequences=v, outputs_info=h0),
        "2 dtype": dict(fn=lambda x_t, h: h + x_t, sequences=v, outputs_info=0),
        "3 adds an axis": dict(fn=lambda x_t, h: h + x_t, sequences=X, outputs_info=h0),
        "4 static shape": dict(fn=lambda h, v: h * v, outputs_info=pt.zeros(1), non_sequences=v,
                               n_steps=3),
        "5 short initial": dict(fn=lambda a, b: a + b, outputs_info=dict(initial=F1, taps=[-2, -1]),
                                n_steps=5),
        "6 past the end": dict(fn=lambda c, t: t + c, sequences=np.zeros(3),
                               outputs_info=np.float64(0), n_steps=5),
        "7 lengths differ": dict(fn=lambda c, p: c * p, sequences=[np.zeros(3), np.arange(9)]),
        "8 updates": dict(fn=lambda x_t: (x_t, {count: count + 1}), sequences=v),
        "9 implicit": dict(fn=lambda x_t: x_t * u, sequences=v),
        "10 generator": dict(fn=lambda x_t: x_t + pt.random.normal(rng=rng), sequences=v),
    }


def main() -> None:
    started = time.perf_counter()
    table = calls()
    first = None
    for kwargs in table.values():  # warm-up pass
        t = time.perf_counter()
        explain(**kwargs)
        first = first if first is not None else time.perf_counter() - t
    before = compile_count()
    times: dict[str, list[float]] = {name: [] for name in table}
    for _ in range(REPEATS):
        for name, kwargs in table.items():
            t = time.perf_counter()
            explain(**kwargs)
            times[name].append(time.perf_counter() - t)
    every = [t for ts in times.values() for t in ts]
    print(f"explain: {len(table)} calls x {REPEATS} repeats (after one warm-up pass)")
    for name, ts in times.items():
        print(f"  {name:<18} median {statistics.median(ts) * 1000:6.1f} ms")
    print(f"median time per explain call: {statistics.median(every) * 1000:.1f} ms "
          f"(goal < 300 ms); slowest call {max(every) * 1000:.1f} ms")
    print(f"first call in a fresh process: {first * 1000:.0f} ms; functions compiled while "
          f"explaining: {compile_count() - before}")
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
