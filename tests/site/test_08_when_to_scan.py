"""Chapter 8 on the built site: what does not depend on timing is what PyTensor computes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytensor

from scanlab.compiled import scan_loops
from scanlab.logp import forms, logp_function, way_name
from scanlab.performance import Benchmark, backends, build, scan_graph
from scanlab.source import source_of
from tests.conftest import page_text


def _page(site: Path) -> str:
    return page_text(site, "chapters/08-when-to-scan")


def _words(site: Path) -> str:
    """The page without its tags: prose as a reader reads it (`<code>` marks dropped)."""
    return re.sub(r"<[^>]+>", "", _page(site))


def test_polynomial_and_cumsum_appear(built_site: Path) -> None:
    text = _page(built_site)
    assert str(np.polynomial.polynomial.polyval(3.0, [1.0, 0.0, 2.0])) in text  # 19.0
    assert f"scan       {np.cumsum([1.0, 2.0, 3.0, 4.0, 5.0])}" in text
    assert f"{np.cumsum([1.0, 2.0, 3.0, 4.0, 5.0])}" in text  # the plain Python loop


def test_measured_scans_are_shown_as_source(built_site: Path) -> None:
    text = _words(built_site)  # highlighted code: one <span> per token
    for line in source_of(scan_graph).splitlines()[:8]:
        assert line.strip() in text, line


def test_backend_report_appears(built_site: Path) -> None:
    text = _page(built_site)
    for backend in backends():
        for line in str(backend).splitlines():
            assert line in text, line
    assert "C (cannot run scan)" in text and "C (NOT usable here)" not in text


def test_measured_tables_carry_the_machine_versions_and_cache(built_site: Path) -> None:
    text = _page(built_site)
    header = Benchmark().compile_table().splitlines()[0].split()
    assert re.search(r"\s+".join(re.escape(word) for word in header), text)  # widths vary
    for computation in ("cumsum", "power", "recurrence"):
        assert f"{computation:<12}scan " in text  # a row of the run-time table
    assert "scan (CVM)" in text  # the explorer and the compile table list CVM
    assert "mode=CVM           compile" in text
    timing_tables = 4  # compile, run time, gradients, modes
    assert len(re.findall(r"machine: .+, \d+ cores", text)) >= timing_tables
    assert len(re.findall(rf"versions: PyTensor {re.escape(pytensor.__version__)}, "
                          r"Numba \S+, NumPy \S+", text)) >= timing_tables
    assert len(re.findall(r"compile cache: (cold|warm|partly warm) \(", text)) >= timing_tables


def test_sentences_comparing_timings_are_written_from_them(built_site: Path) -> None:
    text = _words(built_site)
    said = r"(\d+\.\d times (faster|slower) than|about as fast as)"
    assert re.search(rf"at 10 steps the unrolled graph was {said} scan for cumsum", text)
    assert re.search(rf"the Python loop was {said} the recurrence scan", text)
    assert re.search(rf"On this run CVM compiled {said} Numba", text)
    assert re.search(rf"made each call at 1 000 steps {said} the value alone", text)
    for stale in ("what they can offer is in the compile column", "about 100 nodes",
                  "not usable here", "measured when the page ran"):
        assert stale not in text


def test_gradient_loops_are_what_pytensor_compiles(built_site: Path) -> None:
    text = _page(built_site)
    for model, form, gradient in forms():
        loops = tuple(scan_loops(logp_function(model, form, gradient)))
        assert f"{model:7} {way_name(form, gradient):20} loops: {loops}" in text


def test_node_counts_appear(built_site: Path) -> None:
    text = _page(built_site)
    for n in (10, 20, 40):
        nodes = len(build("cumsum", "unrolled", n).maker.fgraph.apply_nodes)
        assert re.search(rf"cumsum\s+unrolled\s+{n}\s+(\S+ \S+\s+){{3}}{nodes}\n", text)
    scan_nodes = len(build("cumsum", "scan").maker.fgraph.apply_nodes)
    assert re.search(rf"cumsum\s+scan\s+any\s+(\S+ \S+\s+){{3}}{scan_nodes}\n", text)
    for n in (10, 100):
        nodes = build("power", "unrolled", n).maker.fgraph.apply_nodes
        ops = ", ".join(f"{node.op} with {len(node.inputs)} inputs" for node in nodes)
        assert f"unrolled power, {n:3} steps: {len(nodes)} node(s): {ops}" in text


def test_prose_has_no_test_scaffolding(built_site: Path) -> None:
    text = _words(built_site)
    for scaffolding in ("checked by the tests", "test run", "the tests re-time"):
        assert scaffolding not in text, scaffolding
    assert "log scale: each # after the first doubles the time" in text  # the explorer's bars


def test_predictions_come_before_the_exercises(built_site: Path) -> None:
    text = _words(built_site)
    main = text.split("Exercise 8.1")[0]
    assert main.count("Predict before you run") >= 3


def test_timing_runs_are_announced_before_they_start(built_site: Path) -> None:
    text = " ".join(_words(built_site).replace("’", "'").split())
    first = text.index("this page's first timing run")
    second = text.index("the page's second timing run")
    assert first < text.index("machine_report(watch)") < second  # the measurement cells
    assert second < text.index("measure_gradients(sizes=SIZES")
    for announced in (text[first:first + 1200], text[second:second + 800]):
        announced = announced.lower()
        assert "on a first run, with an empty compile cache" in announced
        assert "much less" in announced and "a line under the cell says" in announced
    assert "It compiles 9 graphs with Numba" in text
    assert "It compiles 4 graphs with Numba" in text
    # demos that time nothing use the Python linker, and say so
    assert text.count("# times nothing: PyTensor's Python linker") == 2
    assert text.count('with pytensor.config.change_flags(linker="py", cxx=""):') == 2


def test_backends_include_the_python_linker(built_site: Path) -> None:
    text = " ".join(_words(built_site).split())
    assert "Every timing except the Backends comparison uses the default backend, Numba" in text
    assert "A cell that runs something but times nothing" in text
    assert "every predefined backend mode of PyTensor 3.3" in text
    assert "mode=PY            compile" in _page(built_site)
    said = r"(\d+\.\d times (faster|slower) than|about as fast as)"
    assert re.search(rf"the Python linker \(PY\) compiled {said} Numba and ran {said} it, "
                     rf"{said} FAST_COMPILE", text)


def test_power_inputs_are_said_to_stay_normal(built_site: Path) -> None:
    from scanlab.performance import POWER_LOW

    text = " ".join(_words(built_site).split())
    assert f"`A` is drawn from [{POWER_LOW}, 1)".replace("`", "") in text
    assert "subnormal numbers" in text
