from pathlib import Path

import pytest

from scanlab.machine import (
    CacheWatch,
    cache_entries,
    cache_state,
    cores,
    cpu_model,
    machine_report,
    versions,
)


def test_cpu_model_reads_the_model_name(tmp_path: Path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nvendor_id\t: X\nmodel name\t: Example CPU @ 2.0GHz\n")
    assert cpu_model(info) == "Example CPU @ 2.0GHz"


def test_cpu_model_without_cpuinfo_still_names_something(tmp_path: Path):
    assert cpu_model(tmp_path / "missing")


def test_cores_is_positive():
    assert cores() >= 1


def test_versions_of_installed_and_missing_packages():
    import numpy
    import pytensor

    found = versions(("numpy", "pytensor", "no-such-package-scanlab"))
    assert found["numpy"] == numpy.__version__
    assert found["pytensor"] == pytensor.__version__
    assert found["no-such-package-scanlab"] == "not installed"


def test_cache_entries_counts_files_in_subfolders(tmp_path: Path):
    assert cache_entries(tmp_path / "absent") == 0
    (tmp_path / "numba").mkdir()
    (tmp_path / "numba" / "a.nbi").write_text("")
    (tmp_path / "b.so").write_text("")
    assert cache_entries(tmp_path) == 2


@pytest.mark.parametrize(
    ("before", "after", "state"),
    [(0, 0, "cold"), (0, 12, "cold"), (12, 12, "warm"), (12, 20, "partly warm")],
)
def test_cache_state(before, after, state):
    assert cache_state(before, after) == state


def test_cache_state_refuses_negative_counts():
    with pytest.raises(ValueError, match="file counts must be >= 0"):
        cache_state(-1, 3)


def test_cache_watch_sees_a_compile_fill_an_empty_cache(tmp_path: Path):
    watch = CacheWatch.start(tmp_path)
    assert watch.before == 0
    (tmp_path / "entry.nbc").write_text("")
    assert watch.state() == "cold"
    assert "0 files before this page's first compile, 1 now" in watch.describe()
    warm = CacheWatch.start(tmp_path)
    assert warm.state() == "warm"
    (tmp_path / "other.nbc").write_text("")
    assert warm.state() == "partly warm"


def test_machine_report_names_cpu_versions_and_cache(tmp_path: Path):
    report = machine_report(CacheWatch.start(tmp_path)).splitlines()
    assert report[0].startswith("machine: ") and report[0].endswith(" cores")
    assert "PyTensor " in report[1] and "Numba " in report[1] and "NumPy " in report[1]
    assert report[2].startswith("compile cache: cold")
    assert len(machine_report().splitlines()) == 2
