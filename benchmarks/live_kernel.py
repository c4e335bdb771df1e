"""Live kernel: how fast the book's explorers answer in a running Python process.

Every explorer stored in chapters/*.ipynb is rebuilt here, in-process, from its spec (the
hidden `.scanlab-spec` in the notebook's widget state), which renders (and compiles) it
once. Then, with `scanlab.compiled.compile_count()` checked before and after:
- move: a control's index changes -> the shown stack switches (what a slider does in
  JupyterLab; the browser follows the jslinks, the kernel only mirrors them);
- recompute: one setting rendered again from scratch by its render function, which is what
  a Free input costs on each change (the parse is negligible);
- for chapter 1, a real Free text box: its value changes -> new outputs.
Goal: <= 20 ms (median) per change, and no compile at all after the first render.

Usage: .venv/bin/python benchmarks/live_kernel.py
"""

from __future__ import annotations

import html
import json
import random
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ipywidgets as widgets  # noqa: E402

from scanlab import Choice, Free, explorer  # noqa: E402
from scanlab.checks import parse_numbers  # noqa: E402
from scanlab.compiled import compile_count  # noqa: E402
from scanlab.explorer import render_outputs  # noqa: E402
from tests.browser.chromium import Spec  # noqa: E402

GOAL_MS = 20.0
MOVES = 200
SPEC = re.compile(r'data-spec="([^"]*)"')


def notebook_specs(path: Path) -> list[dict]:
    """The explorer specs stored in a notebook's widget state, in no particular order."""
    nb = json.loads(path.read_text("utf-8"))
    state = nb.get("metadata", {}).get("widgets", {})
    state = state.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    specs = []
    for model in state.values():
        value = model.get("state", {}).get("value", "")
        if isinstance(value, str) and "scanlab-spec" in value:
            specs.append(json.loads(html.unescape(SPEC.search(value).group(1))))
    return specs


def rebuild(raw: dict):
    """An explorer equal to the stored one (same render function, options, labels, styles)."""
    spec = Spec.parse(json.dumps(raw))
    choices = []
    for i, name in enumerate(spec.names):
        default = spec.defaults[i] if spec.defaults[i] >= 0 else 0
        choices.append(
            Choice(
                name,
                spec.values[i],
                labels=spec.labels[i],
                style=spec.styles[i] or "slider",
                default=spec.values[i][default],
            )
        )
    return spec, explorer(spec.render(), *choices)


def ms(seconds: list[float]) -> str:
    return f"{1000 * statistics.median(seconds):8.3f} ms"


def main() -> int:
    warnings.simplefilter("error")  # a warning in a render function would be a bug
    print("Live kernel (in-process): medians; goal <= 20 ms per change, no compile per change")
    print(f"{'chapter':20} {'render function':40} {'build':>7} {'compiles':>8} "
          f"{'move':>11} {'recompute':>11}  free inputs")
    worst_move = worst_recompute = 0.0
    compiled_per_change = 0
    rng = random.Random(0)
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for raw in notebook_specs(path):
            if not raw.get("reproducible", True):
                print(f"{path.stem:20} {raw['render']:40} (measured timings: not rebuilt)")
                continue
            before = compile_count()
            start = time.perf_counter()
            spec, ex = rebuild(raw)
            build = time.perf_counter() - start
            compiles = compile_count() - before
            settled = compile_count()
            moves = []
            for _ in range(MOVES):
                level = rng.randrange(len(spec.names))
                target = rng.randrange(len(spec.values[level]))
                start = time.perf_counter()
                ex.controls[level].index = target
                shown = ex.shown()
                moves.append(time.perf_counter() - start)
                assert shown is ex.leaves[tuple(c.index for c in ex.controls)]
            recomputes = []
            for index in ex.leaves:
                setting = spec.setting(index)
                start = time.perf_counter()
                render_outputs(ex.render, setting)
                recomputes.append(time.perf_counter() - start)
            compiled_per_change += compile_count() - settled
            worst_move = max(worst_move, statistics.median(moves))
            if spec.free:  # only Free inputs recompute in the kernel
                worst_recompute = max(worst_recompute, statistics.median(recomputes))
            print(f"{path.stem:20} {spec.render_name:40} {build:5.1f} s {compiles:>8} "
                  f"{ms(moves)} {ms(recomputes)}  {', '.join(spec.free) or '-'}")

    # Chapter 1's Free text box, as a reader types into it.
    from scanlab.power import describe_power

    box = widgets.Text(value="1, 2, 3")
    ex = explorer(
        describe_power,
        Choice("k", range(1, 7), default=3),
        free=[Free(box, lambda v: {"A": parse_numbers("A", v), "k": 5})],
    )
    settled = compile_count()
    typed = []
    for i in range(50):
        start = time.perf_counter()
        box.value = f"{i % 7}, {1 + i % 3}, 0.5"
        typed.append(time.perf_counter() - start)
        assert f"A = [{float(i % 7)}," in ex.live_output.outputs[0]["text"]
    compiled_per_change += compile_count() - settled
    print(f"chapter 1 Free text box: value change -> new outputs {ms(typed)} (median of 50)")
    def verdict(seconds: float) -> str:
        return "meets" if seconds * 1000 <= GOAL_MS else "MISSES"

    print(f"worst medians: move {1000 * worst_move:.3f} ms ({verdict(worst_move)} the "
          f"{GOAL_MS:.0f} ms goal); Free recompute {1000 * worst_recompute:.2f} ms "
          f"({verdict(worst_recompute)} it); "
          f"compiles during changes: {compiled_per_change}")
    return 1 if compiled_per_change else 0


if __name__ == "__main__":
    sys.exit(main())
