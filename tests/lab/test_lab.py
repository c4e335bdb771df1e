"""Chapter 1's explorer in a live JupyterLab: it answers from the kernel, Free inputs recompute.

Starts `jupyter lab` on 127.0.0.1 (token, temporary notebook dir, temporary settings) with
a notebook made of chapter 1's explorer cells as they stand, after the chapter's imports
(`explorer_notebook`); opens it in Chromium, runs all cells from the Run menu, moves a
control, types into a Free input, and shuts the server (and its kernel) down through the
REST API, checking that both really exit. The rest of chapter 1 is not run here: strict
nbval runs every cell of it in a kernel (`make test`); what only Lab can show is the live
widgets, and those are the explorer cells.
"""

from __future__ import annotations

import ast
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest

from scanlab.explorer import normalise_space, render_outputs
from tests.browser.chromium import (
    ROOT,
    Driver,
    Spec,
    expected_view,
    screenshot_path,
    watch,
)

NOTEBOOK = Path(os.environ.get("SCANLAB_LAB_NOTEBOOK", ROOT / "chapters" / "01-power.ipynb"))
JUPYTER = Path(sys.executable).parent / "jupyter"


@dataclass
class Lab:
    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def api(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def explorer_notebook(chapter: Path, out: Path) -> int:
    """Write to `out` the chapter's imports (one cell) and its explorer cells, unchanged.

    Imports are the top-level `import` statements of every code cell, in order; an explorer
    cell is one that calls `explorer(`. Returns how many explorer cells were kept. A name an
    explorer cell takes from another kind of cell fails the test (a NameError on stderr).
    """
    nb = nbformat.read(chapter, as_version=4)
    imports: list[str] = []
    explorers = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "explorer(" in cell.source:
            explorers.append(nbformat.v4.new_code_cell(cell.source))
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # an IPython magic: nothing to import from it
            continue
        imports += [
            ast.get_source_segment(cell.source, node)
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
        ]
    setup = nbformat.v4.new_code_cell("\n".join(dict.fromkeys(imports)))
    trimmed = nbformat.v4.new_notebook(cells=[setup, *explorers], metadata=nb.metadata)
    nbformat.write(trimmed, out)
    return len(explorers)


@contextmanager
def jupyter_lab(tmp: Path, notebook: Path) -> Iterator[Lab]:
    """A JupyterLab server on 127.0.0.1 serving `notebook`'s explorers; always stopped after."""
    root = tmp / "notebooks"
    root.mkdir()
    assert explorer_notebook(notebook, root / notebook.name), f"{notebook} has no explorer cell"
    settings = tmp / "settings"
    news = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    env = dict(
        os.environ,
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
    )
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp / "lab.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [
                str(JUPYTER), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
                f"--port={port}", f"--IdentityProvider.token={token}",
                f"--notebook-dir={root}",
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    lab = Lab(f"http://127.0.0.1:{port}", token, process, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                lab.api("/api/status")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text()[-3000:]
                    raise RuntimeError(f"jupyter lab did not start:\n{tail}") from None
                time.sleep(0.3)
        yield lab
    finally:
        if process.poll() is None:  # the test failed before its own clean shutdown
            try:
                lab.api("/api/shutdown", "POST")
                process.wait(timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()  # our own server, by its id
                process.wait(timeout=30)


def _run_all_cells(page: Any) -> None:
    """Run > Run All Cells, as a reader would, once the kernel is idle."""
    idle = "() => document.querySelector('#jp-main-statusbar')?.innerText.includes('| Idle')"
    page.wait_for_function(idle, timeout=180_000)

    def menu(name: str, command: str) -> None:
        page.locator("#jp-MainMenu .lm-MenuBar-item", has_text=name).first.click()
        page.locator(f'.lm-Menu-item[data-command="{command}"]').click()

    # Clear the stored outputs first, so every output seen later came from this kernel.
    menu("Edit", "editmenu:clear-all")
    page.wait_for_function("() => !document.querySelector('.jp-Notebook .jp-OutputArea-output')")
    menu("Run", "runmenu:run-all")
    # Done when every code cell has a number (not [*] or [ ]) and the kernel is idle again
    # (textContent: Lab skips rendering cells out of view, so innerText can be empty).
    page.wait_for_function(
        r"""() => {
          const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
          return prompts.length > 0 && prompts.every(p => /\[\d+\]/.test(p.textContent))
                 && document.querySelector('#jp-main-statusbar').innerText.includes('| Idle');
        }""",
        timeout=1_500_000,  # first calls compile with Numba
    )


def _kernel_processes(lab: Lab) -> list[psutil.Process]:
    return psutil.Process(lab.process.pid).children(recursive=True)


@pytest.mark.timeout(1800)  # first calls compile with Numba (5-25 s per graph, cold cache)
def test_chapter_1_explorer_is_live_in_jupyterlab(tmp_path: Path, browser: Any) -> None:
    # `browser` is the session's one Chromium (tests/conftest.py): Playwright's sync API
    # cannot start a second driver while the first one's event loop is running.
    assert NOTEBOOK.is_file(), f"{NOTEBOOK} is missing (chapter 1 holds the model explorer)"
    with jupyter_lab(tmp_path, NOTEBOOK) as lab:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        seen = watch(context, page)
        page.goto(f"{lab.url}/lab/tree/{NOTEBOOK.name}?token={lab.token}")
        page.wait_for_selector(".jp-Notebook", timeout=120_000)
        _run_all_cells(page)

        outputs = page.locator(".jp-OutputArea-output")
        errors = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        )
        assert outputs.count() > 0
        assert errors.count() == 0, "a cell printed to stderr:\n" + "\n".join(
            errors.all_inner_texts()
        )
        explorers = page.locator(".jp-OutputArea .scanlab-explorer").all()
        assert explorers, "chapter 1 shows no explorer after Run All"
        kernels = lab.api("/api/kernels")
        assert len(kernels) == 1

        for explorer in explorers:
            explorer.scroll_into_view_if_needed()
            classes = explorer.get_attribute("class") or ""
            assert "jupyter-widgets-disconnected" not in classes, "a live kernel is connected"
            spec = Spec.parse(explorer.locator(".scanlab-spec").get_attribute("data-spec"))
            driver = Driver(page, explorer, spec)
            render = spec.render()
            # Move each control one step, by keyboard then by mouse: the live widgets answer.
            # JupyterLab keeps Up/Down for its own cell navigation unless the focused element
            # is editable text (`:read-write`), so a dropdown or radio group is moved by mouse.
            for i, values in enumerate(spec.values):
                if len(values) < 2:
                    continue
                keys = spec.styles[i] in ("slider", "toggle")
                for method in ("keyboard", "click") if keys else ("click", "click"):
                    target = (driver.index[i] + 1) % len(values)
                    driver.move(i, target, method)
                    want = expected_view(render_outputs(render, spec.setting(tuple(driver.index))))
                    view, _ = driver.wait_until_shown(want)
                    assert [normalise_space(v["text"]) for v in view] == [want[0]], (
                        f"after a {method} move of {spec.names[i]!r} in JupyterLab "
                        f"(control shows option {driver.current(i)}, want {target})"
                    )
            if spec.free:
                _check_free_inputs(page, explorer, render)

        if shot := screenshot_path("lab-01-power"):
            page.screenshot(path=str(shot))
        assert not seen.page_errors, seen.page_errors
        assert not seen.foreign_requests, seen.foreign_requests

        # Clean shutdown: the server stops its kernel and exits 0; no process is left.
        children = _kernel_processes(lab)
        assert children, "the kernel should be a child process of the server"
        lab.api("/api/shutdown", "POST")
        assert lab.process.wait(timeout=60) == 0, lab.log.read_text()[-3000:]
        _, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, f"left running after shutdown: {alive}"
        context.close()


def _parsed(explorer: Any) -> dict:
    data = explorer.locator(".scanlab-free-setting").get_attribute("data-setting")
    return json.loads(data)


def _live_text(explorer: Any) -> str:
    return normalise_space(explorer.locator(".scanlab-live-only .widget-output").inner_text())


def _wait(predicate: Any, timeout_s: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _check_free_inputs(page: Any, explorer: Any, render: Any) -> None:
    """Type new numbers into each Free input: the kernel recomputes; a typo gives a message."""
    live = explorer.locator(".scanlab-live-only")
    assert live.is_visible() and explorer.locator(".scanlab-static-only").is_hidden()
    boxes = live.locator("input[type=text], input[type=number], textarea").all()
    assert boxes, "Free inputs declared but no text box is shown"
    for box in boxes:
        before = _parsed(explorer)
        old = box.input_value()
        new = _bump_numbers(old)
        box.fill(new)
        box.press("Enter")
        assert _wait(lambda b=before: _parsed(explorer) != b), f"typing {new!r} changed nothing"
        record = _parsed(explorer)
        if "setting" in record:
            want = expected_view(render_outputs(render, record["setting"]))[0]
        else:
            want = normalise_space(record["error"])
        assert _wait(lambda w=want: _live_text(explorer) == w), (
            f"after typing {new!r}: shown {_live_text(explorer)!r}, scanlab gives {want!r}"
        )
    # A typo is a message in the output, not a traceback, and the inputs keep working.
    text_boxes = live.locator("input[type=text], textarea").all()
    if text_boxes:
        box = text_boxes[0]
        good = box.input_value()
        box.fill(good + ", oops")
        assert _wait(lambda: "error" in _parsed(explorer)), "a typo should be reported"
        assert _wait(lambda: "Error" in _live_text(explorer))
        assert "Traceback" not in _live_text(explorer)
        box.fill(good)
        assert _wait(lambda: "setting" in _parsed(explorer))


def _bump_numbers(text: str) -> str:
    """'1, 2, 3' -> '2, 3, 4': a different, still well-formed value for a numeric box."""
    import re

    bumped = re.sub(r"-?\d+(\.\d+)?", lambda m: _plus_one(m.group(0)), text)
    return bumped if bumped != text else text + "1"


def _plus_one(number: str) -> str:
    value = float(number) + 1
    return str(int(value)) if "." not in number else str(value)
