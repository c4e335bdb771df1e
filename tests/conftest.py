"""Shared fixtures: the built site (once per session) and a local server for it."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytensor
import pytest
import yaml
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]


def toc_pages() -> list[str]:
    """Every page named in _toc.yml, as paths without suffix (e.g. 'chapters/01-power')."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            for key in ("sections", "chapters"):
                walk(entry.get(key, []))
            for part in entry.get("parts", []):
                walk(part.get("chapters", []))

    walk(toc.get("chapters", []))
    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return pages


# How `make test` spreads work over its workers (pytest-xdist, --dist loadfile). A file runs
# whole on one worker, in order (a notebook's cells share one kernel under nbval; a module's
# tests share compiled functions), except the browser tests, which run per page: a page's
# tests (its Chinese glyphs, then its explorers) share one opened page on one worker
# (the `visit` fixture). Not --dist loadgroup: pytest-xdist 3.8 marks groups by rewriting
# item._nodeid, which pytest 9 no longer reads.
PER_PAGE = ("tests/browser/test_cjk_font.py", "tests/browser/test_explorers.py")
# The longest units start first, so that no long one is left running alone at the end
# (measured warm on 2 cores: the JupyterLab test 19 s, the site build 9 s that every site and
# browser test waits for, the progress test 14 s, notebooks 5-12 s). Then collection order.
FIRST = (
    "tests/lab/test_lab.py",
    "tests/site/test_site.py",
    "tests/test_explorer.py",
    "chapters/10-pymc.ipynb",
    "chapters/08-when-to-scan.ipynb",
    "chapters/07-gradients.ipynb",
)


def _unit(nodeid: str) -> str:
    """The scheduling unit of a test: its file, or for a browser test its page."""
    path = nodeid.split("::", 1)[0]
    page = re.search(r"\[([^\]]+)\]$", nodeid)
    return f"page {page.group(1)}" if path in PER_PAGE and page else path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Units in FIRST's order, then the rest in collection order, a unit's tests together
    # (on every worker alike: xdist checks that they all collected the same list).
    first = {path: rank for rank, path in enumerate(FIRST)}
    seen: dict[str, int] = {}
    for item in items:
        seen.setdefault(_unit(item.nodeid), len(seen))
    items.sort(key=lambda item: (first.get(u := _unit(item.nodeid), len(first)), seen[u]))


@pytest.hookimpl(optionalhook=True)  # pytest-xdist may not be loaded (-p no:xdist)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    config.option.loadscopereorder = False  # keep the order above (xdist: most tests first)

    class ByFileBrowserByPage(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

    return ByFileBrowserByPage(config, log)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the book with -W (warnings are errors) into a temporary folder; return its html dir.

    SCANLAB_SITE=path/to/_build/html reuses an existing build (handy while writing tests).
    """
    reuse = os.environ.get("SCANLAB_SITE")
    if reuse:
        return Path(reuse)
    if not (ROOT / "assets" / "vendor" / ".copied").exists():
        pytest.fail("assets/vendor is missing: run `make vendor` (the README's commands do)")
    # Under pytest-xdist every worker asks for the site: the first builds it into the run's
    # shared temporary folder, the others wait on the lock and reuse it.
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # this run's folder, above the workers' own
    with FileLock(str(shared / "site.lock")):
        html = shared / "site" / "_build" / "html"
        if not (shared / "site" / "built").exists():
            _build_site(shared / "site")
            (shared / "site" / "built").touch()
    return html


def _build_site(out: Path) -> None:
    """Build the book with -W (warnings are errors) into `out`."""
    jb = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or "jupyter-book"
    result = subprocess.run(
        [jb, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
    )
    log = f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert result.returncode == 0, f"site build failed:\n{log}"


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 (a free port), for browser tests."""
    from tests.browser.chromium import serve

    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright, one per session (browser and JupyterLab tests).

    Skips with an install hint when Chromium is missing; fails instead when CI=true.
    """
    from tests.browser.chromium import launch, require_browser

    require_browser()
    with launch() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def visit(browser: Any, site_url: str, built_site: Path) -> Iterator[Callable[[str], Any]]:
    """Open a built page in Chromium once for every browser test that reads it, in turn.

    `visit("chapters/01-power")` returns the open page (tests/browser/chromium.py: Visit),
    loaded, its explorers drawn and fonts ready, watched from before it loaded. The page
    stays open for the next test that asks for it; asking for another opens that one in the
    same tab (`Tab`), as a reader moves from page to page.
    """
    from tests.browser.chromium import Tab

    tab: Tab | None = None
    current: list[Any] = []

    def open_page(name: str) -> Any:
        nonlocal tab
        if current and current[0].name == name:
            return current[0]
        tab = tab or Tab(browser)
        current[:] = []  # if the page fails to open, no later test reuses it
        try:
            current.append(tab.open(site_url, built_site, name))
        except BaseException:
            # a crashed or stuck tab must not fail every later page of this worker
            tab.close()
            tab = None
            raise
        return current[0]

    yield open_page
    if tab is not None:
        tab.close()


# Test processes build graphs without creation tracebacks: PyTensor records a stack trace for
# every variable and node it creates (`traceback__limit`, 8 frames by default), 10-20% of the
# cpu of building a graph (profiled: tests/test_explain.py); only the messages of compiled
# nodes that fail at run time show them, and no test reads that part. The chapters' kernels
# (nbval's subprocesses) keep PyTensor's default: what a reader sees is unchanged.
pytensor.config.traceback__limit = 0

# Read at import, before any fixture changes them: PyTensor's default backend (Numba).
DEFAULT_BACKEND = {"linker": pytensor.config.linker, "cxx": pytensor.config.cxx}


@pytest.fixture
def default_backend() -> None:
    """Run this test on PyTensor's default backend (see `page_backend`)."""


def page_backend(request: pytest.FixtureRequest) -> Any:
    """For a module's autouse fixture: the Python linker (what the chapters run on; no Numba
    compile), or PyTensor's default backend for a test that asks for `default_backend`.
    scanlab memoises compiled functions per backend setting, so none crosses between them."""
    from scanlab.compiled import on_python_linker

    if "default_backend" in request.fixturenames:
        return pytensor.config.change_flags(**DEFAULT_BACKEND)
    return on_python_linker()


def page_text(site: Path, page: str) -> str:
    """A built page's HTML with entities decoded (e.g. page 'chapters/01-power')."""
    import html

    return html.unescape((site / f"{page}.html").read_text("utf-8"))


def stored_outputs(site: Path, page: str) -> list[dict]:
    """Every output stored in the widgets of a built page (e.g. 'chapters/06-randomness')."""
    from tests.browser.chromium import widget_state

    state = widget_state((site / f"{page}.html").read_text("utf-8"))
    return [out for model in state.values() for out in model["state"].get("outputs", [])]


CODE_COLUMN = 68  # characters: a longer line scrolls sideways in the page's code column


def html_text(fragment: str) -> str:
    """Raw HTML to the text a reader sees (tags dropped first, then entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def raw_html(site: Path, page: str) -> str:
    """A built page's raw HTML (e.g. page 'chapters/08-when-to-scan')."""
    return (site / f"{page}.html").read_text("utf-8")


def code_blocks(page: str, languages: str = "ipython3") -> list[str]:
    """The text of every highlighted code block on `page`'s raw HTML, hidden cells included
    (`languages`: a regex alternation of highlight languages, e.g. "ipython3|python")."""
    blocks = re.findall(
        rf'<div class="highlight-(?:{languages}) notranslate"><div class="highlight"><pre>'
        r"(.*?)</pre>",
        page,
        flags=re.S,
    )
    return [html_text(block) for block in blocks]


def visible_code_lines(page: str) -> list[str]:
    """The lines of every code cell shown open on `page`'s raw HTML (hide-input excluded)."""
    lines = []
    for cell in re.split(r'<div class="cell ', page)[1:]:
        if not cell.startswith("docutils container\"") or "cell_input" not in cell[:200]:
            continue
        code = re.search(r"<pre>(.*?)</pre>", cell, re.S)
        if code:
            lines += html_text(code.group(1)).splitlines()
    return lines
