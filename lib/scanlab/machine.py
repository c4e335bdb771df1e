"""Whose numbers are these? The machine, the versions and the compile cache behind a timing.

Chapter 8 prints this next to every timing table, so a reader of the website knows what
produced the numbers they see: a 2-core build machine with a cold cache measures a different
world from a laptop with a warm one.

Cold or warm is decided by counting the files in PyTensor's compile cache
(`pytensor.config.base_compiledir`: Numba's cache in `numba/`, the C modules beside it)
before the chapter's first compile and again after its timing runs:

- **cold**: the cache was empty, so every graph was compiled from scratch;
- **warm**: the cache already held entries and the runs added none: every graph was loaded;
- **partly warm**: it held entries and the runs still added some (some graphs were new).
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytensor

PACKAGES = ("pytensor", "numba", "numpy")
_NAMES = {"pytensor": "PyTensor", "numba": "Numba", "numpy": "NumPy"}


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what `platform` knows."""
    try:
        for line in cpuinfo.read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def cores() -> int:
    """CPU cores this process may run on (what a compile or a timing can use)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def versions(packages: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed version of each package, by distribution name ('not installed' if absent)."""
    found = {}
    for package in packages:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def cache_dir() -> Path:
    """PyTensor's compile cache (Numba's and the C backend's), `~/.pytensor` by default."""
    return Path(pytensor.config.base_compiledir)


def cache_entries(path: Path | None = None) -> int:
    """How many files the compile cache holds (0 if it does not exist yet)."""
    path = cache_dir() if path is None else Path(path)
    if not path.is_dir():
        return 0
    return sum(len(files) for _, _, files in os.walk(path))


def cache_state(before: int, after: int) -> str:
    """'cold', 'warm' or 'partly warm' from the cache's file count before and after the runs."""
    if before < 0 or after < 0:
        raise ValueError(f"file counts must be >= 0, got before={before}, after={after}")
    if before == 0:
        return "cold"
    return "warm" if after <= before else "partly warm"


@dataclass(frozen=True)
class CacheWatch:
    """The compile cache's file count when the watch started (before the first compile)."""

    path: Path
    before: int
    label: str = "this page"  # whose first compile: "this page", "this run"

    @classmethod
    def start(cls, path: Path | None = None, label: str = "this page") -> CacheWatch:
        path = cache_dir() if path is None else Path(path)
        return cls(path, cache_entries(path), label)

    def state(self) -> str:
        return cache_state(self.before, cache_entries(self.path))

    def describe(self) -> str:
        after = cache_entries(self.path)
        state = cache_state(self.before, after)
        where = str(self.path).replace(str(Path.home()), "~", 1)
        return (
            f"compile cache: {state} ({where}):\n"
            f"  {self.before} files before {self.label}'s first compile, {after} now"
        )


def machine_report(watch: CacheWatch | None = None) -> str:
    """Three lines: CPU and cores; PyTensor, Numba, NumPy and Python versions; the cache."""
    found = versions()
    libraries = ", ".join(f"{_NAMES.get(p, p)} {v}" for p, v in found.items())
    lines = [
        f"machine: {cpu_model()}, {cores()} cores",
        f"versions: {libraries}, Python {platform.python_version()}",
    ]
    if watch is not None:
        lines.append(watch.describe())
    return "\n".join(lines)
