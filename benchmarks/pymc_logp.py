"""Chapter 10's AR(2): what the sampler calls, through scan and vectorised.

Builds the chapter's two PyMC models on its data (the scan inside `pm.CustomDist` and the
same likelihood as array code), compiles each one's log-density plus gradient, and prints the
compile times (compile + first call), the time per call, their ratio, and whose numbers they
are (machine, versions, cold or warm compile cache):

    .venv/bin/python benchmarks/pymc_logp.py
    PYTENSOR_FLAGS=base_compiledir=$(mktemp -d) .venv/bin/python benchmarks/pymc_logp.py  # cold

With --sample it also times the chapter's `pm.sample` run of the scan model.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from scanlab import autoregressive as ar
from scanlab.machine import CacheWatch


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true", help="also time pm.sample")
    args = parser.parse_args(argv)
    watch = CacheWatch.start(label="this run")
    data = ar.simulated_data()
    point = np.array([0.5, -0.2, np.log(0.6)])  # phi1, phi2, sigma_log__
    compile_seconds, per_call, values = {}, {}, {}
    for name, vectorised in [("scan", False), ("vectorised", True)]:
        model = ar.ar2_model(data, vectorised=vectorised)
        start = time.perf_counter()
        f = ar.logp_dlogp_function(model, mode="NUMBA")
        values[name] = np.hstack(f(point))
        compile_seconds[name] = time.perf_counter() - start
        per_call[name] = ar.best_time(lambda f=f: f(point))
    if not np.allclose(values["scan"], values["vectorised"], rtol=1e-10):
        raise SystemExit(f"log-densities differ: {values}")
    names = ("phi1", "phi2", "sigma_log__")
    where = ", ".join(f"{k}={v:.3f}" for k, v in zip(names, point, strict=True))
    print(f"AR(2), {len(data)} values: log-density + gradient at {where}")
    for name in ("scan", "vectorised"):
        print(f"  {name:10}: compile + first call {compile_seconds[name]:6.2f} s, "
              f"then {per_call[name] * 1e6:8.1f} us per call")
    print(f"  ratio scan / vectorised: {per_call['scan'] / per_call['vectorised']:.1f} per call, "
          f"{compile_seconds['scan'] / compile_seconds['vectorised']:.1f} compiling")
    if args.sample:
        start = time.perf_counter()
        idata = ar.sample_posterior(ar.ar2_model(data))
        seconds = time.perf_counter() - start
        print(f"  pm.sample (2 chains x 300 + 300, cores=1): {seconds:.1f} s, compiling included"
              " (the scan graph above: a compile-cache hit)")
        print("  " + ar.posterior_table(ar.posterior_intervals(idata)).replace("\n", "\n  "))
    print(ar.machine(watch))


if __name__ == "__main__":
    main()
