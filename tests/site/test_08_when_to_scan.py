"""Chapter 8 on the built site: what does not depend on timing is what scanlab computes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from scanlab.performance import Benchmark, backends, build
from tests.conftest import page_text


def _page(site: Path) -> str:
    return page_text(site, "chapters/08-when-to-scan")


def test_polynomial_and_cumsum_appear(built_site: Path) -> None:
    text = _page(built_site)
    assert str(np.polynomial.polynomial.polyval(3.0, [1.0, 0.0, 2.0])) in text  # 19.0
    assert f"scan       {np.cumsum([1.0, 2.0, 3.0, 4.0, 5.0])}" in text


def test_backend_report_appears(built_site: Path) -> None:
    text = _page(built_site)
    for backend in backends():
        for line in str(backend).splitlines():
            assert line in text, line


def test_measured_tables_are_on_the_page(built_site: Path) -> None:
    text = _page(built_site)
    header = Benchmark().compile_table().splitlines()[0].split()
    assert re.search(r"\s+".join(re.escape(word) for word in header), text)  # widths vary
    for computation in ("cumsum", "power", "recurrence"):
        assert f"{computation:<12}scan " in text  # a row of the run-time table
    assert "scan (CVM)" in text  # the explorer lists the CVM measurement
    assert "mode=CVM           compile" in text


def test_node_counts_appear(built_site: Path) -> None:
    text = _page(built_site)
    for n in (10, 50, 100):
        nodes = len(build("cumsum", "unrolled", n).maker.fgraph.apply_nodes)
        assert f"unrolled, {n:3} steps: {nodes} nodes" in text
    scan_nodes = len(build("cumsum", "scan").maker.fgraph.apply_nodes)
    assert f"scan, any length: {scan_nodes} nodes" in text
