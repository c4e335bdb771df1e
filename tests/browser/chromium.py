"""Drive the built site in Debian's Chromium, as a reader would (shared by tests and benchmarks).

Never a downloaded browser: Playwright for Python launches /usr/bin/chromium (or
$SCANLAB_CHROMIUM) through `executable_path`. Everything a page loads is watched, so tests
can assert that nothing leaves 127.0.0.1 and that the console stays clean.
"""

from __future__ import annotations

import ast
import html as html_module
import importlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
INSTALL_HINT = (
    "Chromium is needed for the browser tests: install it with `apt-get install chromium` "
    "(Debian/Ubuntu), or set SCANLAB_CHROMIUM=/path/to/chromium. Never `playwright install`."
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--metrics-recording-only",
    "--no-default-browser-check",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Any http(s) URL whose host is not one of LOCAL_HOSTS (also a valid JavaScript RegExp). The
# host must be followed by a port, a path, a query or the end: http://localhost:@evil.com/
# goes to evil.com.
FOREIGN_URL = re.compile(r"^https?://(?!(?:127\.0\.0\.1|localhost)(?::\d*)?(?:[/?#]|$))")


def screenshot_path(name: str) -> Path | None:
    """Where a test saves a screenshot for a person to look at, or None: off unless
    SCANLAB_SCREENSHOTS=1 (a full-page one takes ~2 s; no test reads them back)."""
    if os.environ.get("SCANLAB_SCREENSHOTS", "") not in ("1", "true"):
        return None
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name.replace('/', '_')}.png"


def chromium_path() -> str | None:
    """Debian's Chromium (or $SCANLAB_CHROMIUM), if installed."""
    candidates = [os.environ.get("SCANLAB_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def missing_browser_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if chromium_path() is None:
        return INSTALL_HINT
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package `playwright` is missing: `make env` installs it"
    return None


def require_browser() -> None:
    """In a test: skip when Chromium or Playwright is missing; fail instead in CI (CI=true)."""
    import pytest

    reason = missing_browser_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
    pytest.skip(reason)


@contextmanager
def launch(headless: bool = True) -> Iterator[Any]:
    """A Chromium browser driven by Playwright; closed on exit."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError(INSTALL_HINT)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=headless, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watch:
    """What a page did: console errors, uncaught errors, requests to other hosts, 4xx/5xx."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def clear(self) -> None:
        for record in (self.console_errors, self.page_errors, self.foreign_requests, self.failed):
            record.clear()

    def problems(self) -> list[str]:
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"request to another host: {u}" for u in self.foreign_requests]
            + [f"failed: {f}" for f in self.failed]
        )


def watch(context: Any, page: Any) -> Watch:
    """Record problems on `page` (and every request of its browser `context`)."""
    seen = Watch()

    def on_console(message: Any) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            seen.console_errors.append(f"{message.text} ({where})")

    def on_request(request: Any) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in LOCAL_HOSTS:
            seen.foreign_requests.append(request.url)

    def on_response(response: Any) -> None:
        if response.status >= 400:
            seen.failed.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    context.on("request", on_request)
    context.on("requestfailed", lambda r: seen.failed.append(f"{r.failure} {r.url}"))
    context.on("response", on_response)
    # Block anything not local, so a slip cannot hang a test on the network (it is still
    # recorded as a foreign request above and fails the test). A regular expression, not a
    # Python function: Playwright matches it in its driver, while a function would route
    # every request of every page through Python (measured: a third more cpu per page).
    context.route(FOREIGN_URL, lambda route: route.abort())
    return seen


@dataclass
class Visit:
    """A built page open in Chromium: what it did (`seen`) and the CJK font slices it fetched."""

    name: str
    page: Any
    seen: Watch
    fonts: dict[str, int]  # Noto Sans SC slice URL -> bytes


class Tab:
    """One browser tab that opens the built pages one after another, as a reader clicking
    through the book does.

    One tab, not a new one per page: a new tab starts a new renderer process and runs every
    script of the theme and the widget manager cold, more than twice the cpu of the page
    itself (measured: 8 widget pages, 30 cpu-s in new tabs, 15 in one tab). The browser
    cache is off, so each page still fetches everything it uses, as on a first visit (the
    font test counts what a page fetches): Playwright turns it off in a context that has a
    route, and `watch` adds one (tests/browser/test_tab.py checks that a second page fetches
    its fonts again). What a page did is recorded from its own navigation on (`open`).
    """

    def __init__(self, browser: Any, viewport: dict[str, int] | None = None) -> None:
        self.context = browser.new_context(viewport=viewport or {"width": 1200, "height": 900})
        self.page = self.context.new_page()
        self._seen = watch(self.context, self.page)
        self._fonts: dict[str, int] = {}

        def on_response(response: Any) -> None:
            # The size the server sent (`serve` always says it): no round trip for the body,
            # which Playwright cannot give once the page has been left.
            if response.url.endswith(".woff2") and "noto-sans-sc" in response.url:
                self._fonts[response.url] = int(response.headers.get("content-length", -1))

        self.page.on("response", on_response)

    def open(self, site_url: str, site: Path, name: str) -> Visit:
        """Open page `name` of the built `site` (served at `site_url`): loaded, its explorers
        drawn, its fonts ready."""
        html = (site / f"{name}.html").read_text("utf-8")
        self.page.goto("about:blank")  # the last page's late events stay with it
        self._seen.clear()
        self._fonts.clear()
        self.page.goto(f"{site_url}/{name}.html", wait_until="load")
        if count := expected_explorers(html):
            wait_for_explorers(self.page, count)
        # Not "networkidle" (500 ms of quiet per page): what loads later is still watched
        # while the page stays open for its tests.
        self.page.evaluate("document.fonts.ready.then(() => true)")
        return Visit(name, self.page, self._seen, self._fonts)

    def close(self) -> None:
        self.context.close()


# ---------------------------------------------------------------------------------------------
# Explorers on a page
# ---------------------------------------------------------------------------------------------


def widget_state_json(html: str) -> str:
    """The widget state a built page embeds, as its JSON text ('' when it has none)."""
    import re

    match = re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S
    )
    return match.group(1) if match else ""


def widget_state(html: str) -> dict[str, Any]:
    """The embedded widget models of a built page, by model id ({} when it has none)."""
    text = widget_state_json(html)
    return json.loads(text)["state"] if text else {}


def expected_explorers(html: str) -> int:
    """How many explorers a built page displays (from its embedded widget state)."""
    state = widget_state(html)
    return sum(
        "scanlab-explorer" in model["state"].get("_dom_classes", [])
        for model in state.values()
    )


class StoredExplorer:
    """One explorer as stored in a page's widget state: what each setting shows.

    Walks the stored Stack tree the way the jslinks do (each Stack follows the control that
    links to it), so it checks the wiring without the render function.
    """

    def __init__(self, state: dict, model_id: str) -> None:
        self.state = state
        self.box = model_id
        children = [self._id(c) for c in state[model_id]["state"]["children"]]
        self.controls = [c for c in children if "scanlab-control" in self._classes(c)]
        self.root = next(
            c for c in children if state[c]["model_name"] in ("StackModel", "OutputModel")
        )
        self.driver_of = {}
        for model in state.values():
            if model["model_name"] == "LinkModel":
                source, target = model["state"]["source"], model["state"]["target"]
                self.driver_of[self._id(target[0])] = self._id(source[0])

    @staticmethod
    def _id(ref: str) -> str:
        return ref.removeprefix("IPY_MODEL_")

    def _classes(self, model_id: str) -> list[str]:
        return self.state[model_id]["state"].get("_dom_classes", [])

    def spec(self) -> Spec:
        """The spec the explorer declares (its hidden `.scanlab-spec` HTML widget)."""
        for child in self.state[self.box]["state"]["children"]:
            value = self.state[self._id(child)]["state"].get("value", "")
            if isinstance(value, str) and 'class="scanlab-spec"' in value:
                match = re.search(r'data-spec="([^"]*)"', value)
                assert match, f"no data-spec in {value[:80]!r}"
                return Spec.parse(html_module.unescape(match.group(1)))
        raise AssertionError("explorer without a .scanlab-spec")

    def outputs(self, index: Sequence[int]) -> tuple[dict, ...]:
        node = self.root
        while self.state[node]["model_name"] == "StackModel":
            level = self.controls.index(self.driver_of[node])
            node = self._id(self.state[node]["state"]["children"][index[level]])
        return tuple(self.state[node]["state"]["outputs"])


def stored_explorers(html: str) -> list[StoredExplorer]:
    """The explorers a page displays, in page order, from its embedded widget state."""
    state = widget_state(html)
    if not state:
        return []
    views = re.findall(
        r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', html, re.S
    )
    found = []
    for view in views:
        model_id = json.loads(view)["model_id"]
        if model_id in state and "scanlab-explorer" in state[model_id]["state"].get(
            "_dom_classes", []
        ):
            found.append(StoredExplorer(state, model_id))
    return found


def widget_state_bytes(html: str) -> int:
    """Size of the page's embedded widget state (UTF-8 bytes)."""
    return len(widget_state_json(html).encode())


def wait_for_explorers(page: Any, count: int, timeout_ms: int = 30_000) -> None:
    """Wait until `count` explorers show their controls and their spec is in the DOM."""
    page.wait_for_function(
        """n => document.querySelectorAll('.scanlab-explorer .scanlab-spec').length >= n
               && document.querySelectorAll('.scanlab-explorer .widget-output').length > 0""",
        arg=count,
        timeout=timeout_ms,
    )


@dataclass
class Spec:
    """What an explorer on the page declares (its hidden `.scanlab-spec` div)."""

    render_name: str
    names: list[str]
    styles: list[str]
    defaults: list[int]
    labels: list[list[str]]
    values: list[list[Any]]
    free: list[str]
    reproducible: bool = True

    @classmethod
    def parse(cls, data: str) -> Spec:
        """Read a spec; one stored by an older explorer.py (no reprs/style/default) still works:
        its JSON options are used as values and `Driver` reads style and default from the DOM.
        """
        raw = json.loads(data)
        values = []
        for choice in raw["choices"]:
            if "reprs" not in choice:
                values.append(list(choice["options"]))
                continue
            row = []
            for text in choice["reprs"]:
                try:
                    row.append(ast.literal_eval(text))
                except (ValueError, SyntaxError) as exc:
                    raise AssertionError(
                        f"option {text} of choice {choice['name']!r} is not a Python literal, "
                        "so the site cannot be checked against scanlab: use numbers, strings, "
                        "tuples (with labels=[...] for display)"
                    ) from exc
            values.append(row)
        return cls(
            render_name=raw["render"],
            names=[c["name"] for c in raw["choices"]],
            styles=[c.get("style", "") for c in raw["choices"]],
            defaults=[c.get("default", -1) for c in raw["choices"]],
            labels=[c["labels"] for c in raw["choices"]],
            values=values,
            free=raw.get("free", []),
            reproducible=raw.get("reproducible", True),
        )

    def render(self) -> Callable[..., Any]:
        """The render function, imported by its dotted name."""
        module, _, name = self.render_name.rpartition(".")
        target: Any = importlib.import_module(module)
        for part in name.split("."):
            target = getattr(target, part)
        return target

    def setting(self, index: tuple[int, ...]) -> dict[str, Any]:
        return {n: v[i] for n, v, i in zip(self.names, self.values, index, strict=True)}


def stored_images(outputs: tuple[dict, ...]) -> list[str]:
    """The base64 PNGs among outputs, as stored in the page."""
    return [
        "".join(out["data"]["image/png"].split())
        for out in outputs
        if out["output_type"] != "stream" and "image/png" in out["data"]
    ]


def expected_view(outputs: tuple[dict, ...]) -> tuple[str, int]:
    """(text a reader sees, number of images) for outputs as the widget manager renders them."""
    from scanlab.explorer import html_text, normalise_space

    parts, images = [], 0
    for out in outputs:
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif any(k.startswith("image/") for k in out["data"]):
            images += 1
        elif "text/html" in out["data"]:
            parts.append(html_text(out["data"]["text/html"]))
        else:
            parts.append(out["data"].get("text/plain", ""))
    return normalise_space("".join(parts)), images


SHOWN_JS = """ex => {
  const outs = [...ex.querySelectorAll('.widget-output')].filter(
      o => !o.closest('.scanlab-live-only') && o.offsetParent !== null);
  return outs.map(o => {
    const imgs = [...o.querySelectorAll('img')].filter(
        i => i.complete && i.naturalWidth > 0 && i.offsetParent !== null);
    return {text: o.innerText, images: imgs.length, srcs: imgs.map(i => i.src)};
  });
}"""


def shown(explorer: Any) -> list[dict]:
    """What the explorer shows now: one entry per visible output widget."""
    return explorer.evaluate(SHOWN_JS)


CURRENT_JS = """(ex, styles) => [...ex.querySelectorAll('.scanlab-control')].map((c, i) => {
  if (styles[i] === 'slider')
    return Math.round(parseFloat(c.querySelector('.noUi-handle').getAttribute('aria-valuenow')));
  if (styles[i] === 'dropdown') return c.querySelector('select').selectedIndex;
  if (styles[i] === 'toggle')
    return [...c.querySelectorAll('button')].findIndex(b => b.classList.contains('mod-active'));
  return [...c.querySelectorAll('input[type=radio]')].findIndex(r => r.checked);
})"""

# Once the explorer shows `text` (whitespace runs collapsed, as scanlab.explorer.normalise_space
# does) and `images` images, in one output: that view (SHOWN_JS) and the option index every
# control shows (CURRENT_JS), read in the same frame; false until then.
SHOWN_WITH_CONTROLS_JS = f"""([ex, text, images, styles]) => {{
  const view = ({SHOWN_JS})(ex);
  if (view.length !== 1 || view[0].images !== images
      || view[0].text.replace(/\\s+/g, ' ').trim() !== text) return false;
  return {{view, current: ({CURRENT_JS})(ex, styles)}};
}}"""

_STYLE_CLASSES = {
    "slider": "widget-slider",
    "dropdown": "widget-dropdown",
    "toggle": "widget-toggle-buttons",
    "radio": "widget-radio",
}


class Driver:
    """Move one explorer's controls like a reader: keyboard or mouse."""

    def __init__(self, page: Any, explorer: Any, spec: Spec) -> None:
        self.page = page
        self.explorer = explorer
        self.spec = spec
        self.controls = explorer.locator(".scanlab-control").all()
        assert len(self.controls) == len(spec.names), (
            f"{spec.render_name}: {len(self.controls)} controls on the page for "
            f"{len(spec.names)} choices"
        )
        for i, control in enumerate(self.controls):
            if not spec.styles[i]:  # an older spec: tell the style from the widget's classes
                classes = control.get_attribute("class") or ""
                spec.styles[i] = next(
                    style
                    for style, css in _STYLE_CLASSES.items()
                    if css in classes.split()
                )
        for i in range(len(self.controls)):
            if spec.defaults[i] < 0:  # an older spec: the page shows the default on load
                spec.defaults[i] = self.current(i)
        self.index = list(spec.defaults)

    def current(self, i: int) -> int:
        """The option index control i shows (read from the DOM, not assumed)."""
        control, style = self.controls[i], self.spec.styles[i]
        if style == "slider":
            return round(float(control.locator(".noUi-handle").get_attribute("aria-valuenow")))
        if style == "dropdown":
            return control.locator("select").evaluate("s => s.selectedIndex")
        if style == "toggle":
            return control.locator("button").evaluate_all(
                "bs => bs.findIndex(b => b.classList.contains('mod-active'))"
            )
        return control.locator("input[type=radio]").evaluate_all(
            "rs => rs.findIndex(r => r.checked)"
        )

    def current_all(self) -> list[int]:
        """The option index every control shows, read from the DOM in one call."""
        return self.explorer.evaluate(CURRENT_JS, self.spec.styles)

    def move(self, i: int, target: int, method: str) -> None:
        """Set control i to option `target` by 'keyboard' or 'click'."""
        control, style = self.controls[i], self.spec.styles[i]
        delta = target - self.index[i]
        if delta == 0:
            return
        if method == "keyboard":
            if style == "slider":
                control.locator(".noUi-handle").focus()
                key = "ArrowRight" if delta > 0 else "ArrowLeft"
            elif style == "dropdown":
                control.locator("select").focus()
                key = "ArrowDown" if delta > 0 else "ArrowUp"
            elif style == "toggle":
                control.locator("button").nth(target).focus()
                self.page.keyboard.press("Space")
                delta, key = 0, ""
            else:  # radio: arrows move within the group
                control.locator("input[type=radio]").nth(self.index[i]).focus()
                key = "ArrowDown" if delta > 0 else "ArrowUp"
            for _ in range(abs(delta)):
                self.page.keyboard.press(key)
        elif method == "click":
            if style == "slider":
                # noUiSlider ignores taps during its 300 ms move animation (after any key or
                # tap); a reader's next click comes later, so wait for the animation to end.
                # On a busy machine the animation can start after that check, and the tap is
                # then ignored: a reader would tap again, so do we (the handle's value moves).
                handle = control.locator(".noUi-handle")
                before = handle.get_attribute("aria-valuenow")
                for _ in range(5):
                    control.locator(".noUi-state-tap").wait_for(state="detached", timeout=5000)
                    box = control.locator(".noUi-base").bounding_box()
                    n = len(self.spec.values[i])
                    x = box["x"] + 1 + (box["width"] - 2) * target / max(n - 1, 1)
                    self.page.mouse.click(x, box["y"] + box["height"] / 2)
                    try:
                        self.page.wait_for_function(
                            "([h, v]) => h.getAttribute('aria-valuenow') !== v",
                            arg=[handle.element_handle(), before],
                            timeout=1000,
                        )
                        break
                    except Exception as exc:  # the tap was ignored: tap again
                        if type(exc).__name__ != "TimeoutError":
                            raise
            elif style == "dropdown":
                control.locator("select").select_option(index=target)
            elif style == "toggle":
                control.locator("button").nth(target).click()
            else:
                control.locator("input[type=radio]").nth(target).click()
        else:
            raise ValueError(f"method must be 'keyboard' or 'click', got {method!r}")
        self.index[i] = target

    def wait_until_shown(
        self, want: tuple[str, int], timeout_s: float = 20.0
    ) -> tuple[list[dict], list[int]]:
        """Wait until the shown output matches `want`; return (view, option index per control).

        The browser polls (every animation frame, no round trip to Python per poll) and hands
        back the view and the controls read in the frame that matched; the caller compares
        them exactly. The wait is generous: under `make test` two workers keep both cores
        busy, and Chromium can then take seconds to redraw (seen once at 5 s); a wrong output
        still fails, after the wait, with what is shown then.
        """
        try:
            handle = self.page.wait_for_function(
                SHOWN_WITH_CONTROLS_JS,
                arg=[self.explorer.element_handle(), want[0], want[1], self.spec.styles],
                timeout=timeout_s * 1000,
            )
            matched = handle.json_value()
            return matched["view"], matched["current"]
        except Exception as exc:  # a timeout: the caller reports what is shown instead
            if type(exc).__name__ != "TimeoutError":
                raise
        return shown(self.explorer), self.current_all()


def walk(spec: Spec, max_full: int = 8, extra: int = 3, seed: int = 0) -> list[tuple[int, int]]:
    """Moves (control, target) that visit settings like a reader exploring.

    Small grids: every setting, one control moved per step (an odometer). Big grids: each
    control through all its options with the others at their defaults, then `extra` random
    settings (fixed seed), reached one control at a time. That is enough for the wiring: a
    control switches every Stack of its level at once (scanlab/explorer.py), so a fault shows
    on any setting that moves it. That every stored setting holds what scanlab computes is
    checked from the page's HTML, without a browser (tests/site/test_explorer_settings.py).
    """
    import itertools
    import random

    sizes = [len(v) for v in spec.values]
    index = list(spec.defaults)
    moves: list[tuple[int, int]] = []

    def go(target: tuple[int, ...]) -> None:
        for i, t in enumerate(target):
            if index[i] != t:
                moves.append((i, t))
                index[i] = t

    total = 1
    for n in sizes:
        total *= n
    if total <= max_full:
        for target in itertools.product(*(range(n) for n in sizes)):
            go(target)
    else:
        for i, n in enumerate(sizes):
            d = spec.defaults[i]
            for t in [*range(d + 1, n), *range(d - 1, -1, -1), d]:
                moves.append((i, t))
                index[i] = t
        rng = random.Random(seed)
        for _ in range(extra):
            go(tuple(rng.randrange(n) for n in sizes))
    go(tuple(spec.defaults))
    return moves


# ---------------------------------------------------------------------------------------------
# A built site and a local server, outside pytest (for benchmarks/)
# ---------------------------------------------------------------------------------------------


def built_site_dir(workdir: Path) -> Path:
    """$SCANLAB_SITE if set, else a fresh build of the book into `workdir` (execution off)."""
    import subprocess
    import sys

    reuse = os.environ.get("SCANLAB_SITE")
    if reuse:
        return Path(reuse)
    jb = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or "jupyter-book"
    result = subprocess.run(
        [jb, "build", str(ROOT), "--path-output", str(workdir), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"site build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return workdir / "_build" / "html"


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port); yield the base URL."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            # A browser that moves on mid-download closes the socket: not a server fault.
            import sys

            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    handler = functools.partial(Quiet, directory=str(directory))
    server = Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def toc_pages() -> list[str]:
    """Every page in _toc.yml (the same list the tests use)."""
    from tests.conftest import toc_pages as pages

    return pages()
