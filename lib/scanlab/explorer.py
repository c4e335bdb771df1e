"""Explorers: widgets that stay live on the static website and in a running kernel.

A chapter declares its choices and a render function, nothing more:

    explorer(describe_power, Choice("k", range(1, 7)), Choice("n", [2, 4, 8]))

Every combination of choices is rendered once, by PyTensor, when the notebook runs, into
an `Output` widget (filled on the kernel side, so strict nbval passes). The outputs sit in
nested `Stack`s and each control is `jslink`ed to the stacks of its level, so switching
happens in the browser with no kernel. A Python observer mirrors the links, so the same
object also works (and can be tested) without any frontend, and in JupyterLab a move only
switches a stack: nothing is computed, let alone compiled, per move.

`Free` inputs (a text box, any number) need a kernel: they recompute live in JupyterLab.
On the static site the widget manager marks every view `jupyter-widgets-disconnected`;
`book.css` hides `.scanlab-live-only` there and shows the `.scanlab-static-only` note.

Design note: size budget
------------------------
Each page stores the state of all its widgets as JSON. Budget: at most 60 rendered
settings per explorer (`MAX_LEAVES`) and at most 300 KB of widget state per chapter page
(checked by tests/browser and printed by benchmarks/page_weight.py). To stay inside it:
- one shared `Layout` model for every output and stack, one for every control, one hidden
  one; one style model per control class;
- stacks nest the choice with the fewest options outermost, which minimises the number of
  `Stack` and `Link` models (1 + n1 + n1*n2 + ... for n1 <= n2 <= ...);
- text results (about 0.7 KB of JSON each plus the text) rather than figures; a figure is a
  72-dpi PNG and costs its base64 size (keep it small, a few KB).
Measured: chapter 1's 6 x 4 x 2 text grid with two Free inputs is about 79 KB of state
(114 KB before the shared models and the nesting order); every chapter is under 230 KB.

How it is checked: tests/site compares every setting stored in a built page with what the
render function (imported by the dotted name in the hidden `.scanlab-spec`) computes in the
test; tests/browser opens every page in Chromium, moves each control through its options by
keyboard and by mouse (and a few combinations), and compares what is shown with the output
stored for that setting.
Option values travel as `repr`s, so use literals (numbers, strings, tuples). Pass
`reproducible=False` for outputs that change from run to run (timings): each setting is then
compared with the output stored in the page.

Design note: progress while rendering
-------------------------------------
Rendering every setting can take seconds (a cold compile). After `PROGRESS_AFTER_S`, the
cell says what it is doing ("rendering setting 12 of 24 ...", updated in place), and the
line is removed before the explorer is shown, so nothing of it is stored:
- it is not a widget (no model in the page's widget state), but a `scanlab.announce.CellNote`:
  a display that strict nbval records with no field to compare, updated in place, then
  removed with `clear_output()`, which nbclient (`nbconvert --execute`) and JupyterLab apply;
- a background thread shows and updates it, so one slow setting (a cold compile) is
  announced while it runs;
- `clear_output()` clears the whole cell, so the line is shown only when the cell has shown
  nothing else yet (tracked per execute request at the kernel's session, see
  `_CellOutputs`), and only in a real kernel (not under `capture_output`).
"""

from __future__ import annotations

import base64
import contextvars
import html
import inspect
import io
import itertools
import json
import re
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Literal

import ipywidgets as widgets
from IPython.utils.capture import capture_output
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from scanlab.announce import CellNote

Style = Literal["slider", "dropdown", "toggle", "radio"]

MAX_LEAVES = 60  # rendered settings per explorer: keeps each page's widget state small
PROGRESS_AFTER_S = 1.0  # an explorer that renders faster than this shows no progress at all
PROGRESS_EVERY_S = 0.2  # at most five updates of the progress line a second

_CONTROLS: dict[str, type[widgets.Widget]] = {
    "slider": widgets.SelectionSlider,
    "dropdown": widgets.Dropdown,
    "toggle": widgets.ToggleButtons,
    "radio": widgets.RadioButtons,
}


@dataclass(frozen=True)
class Choice:
    """A control over a finite list of values: one keyword argument of the render function."""

    name: str
    options: Sequence[Any]
    label: str | None = None
    style: Style = "slider"
    default: Any = None
    labels: Sequence[str] | None = None  # shown instead of str(option)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(
                f"Choice name must be a Python identifier (a keyword argument of the render "
                f"function), got {self.name!r}"
            )
        if isinstance(self.options, (str, bytes)):
            raise ValueError(
                f"Choice {self.name!r}: options must be a list of values, got the string "
                f"{self.options!r}"
            )
        try:
            options = list(self.options)
        except TypeError:
            raise ValueError(
                f"Choice {self.name!r}: options must be a list of values, got {self.options!r}"
            ) from None
        if not options:
            raise ValueError(f"Choice {self.name!r}: options must not be empty")
        for i, option in enumerate(options):
            try:
                repeated = option in options[:i]
            except (ValueError, TypeError):  # e.g. arrays: == is elementwise, no single answer
                repeated = False
            if repeated:
                raise ValueError(
                    f"Choice {self.name!r}: option {option!r} appears twice; options must be "
                    "distinct"
                )
        if self.style not in _CONTROLS:
            raise ValueError(
                f"Choice {self.name!r}: style must be one of {sorted(_CONTROLS)}, "
                f"got {self.style!r}"
            )
        if self.default is not None and self.default not in options:
            raise ValueError(
                f"Choice {self.name!r}: default {self.default!r} is not one of the options "
                f"{options!r}"
            )
        if self.labels is not None:
            labels = list(self.labels)
            if len(labels) != len(options):
                raise ValueError(
                    f"Choice {self.name!r}: labels must match options one to one "
                    f"({len(labels)} labels for {len(options)} options)"
                )
            if not all(isinstance(label, str) for label in labels):
                raise ValueError(f"Choice {self.name!r}: labels must be strings, got {labels!r}")
            object.__setattr__(self, "labels", tuple(labels))
        shown = self.option_labels_for(options)
        if len(set(shown)) != len(shown):
            raise ValueError(
                f"Choice {self.name!r}: two options show the same label {shown!r}; pass "
                "labels=[...] to tell them apart"
            )
        object.__setattr__(self, "options", tuple(options))

    def option_labels_for(self, options: Sequence[Any]) -> list[str]:
        return list(self.labels) if self.labels is not None else [str(o) for o in options]

    @property
    def default_index(self) -> int:
        return 0 if self.default is None else self.options.index(self.default)

    def option_labels(self) -> list[str]:
        return self.option_labels_for(self.options)

    def index_of(self, value: Any) -> int:
        """The position of `value` among the options, or a ValueError naming them."""
        try:
            return self.options.index(value)
        except ValueError:
            raise ValueError(
                f"Choice {self.name!r} has no option {value!r}; options: {list(self.options)!r}"
            ) from None


@dataclass(frozen=True)
class Free:
    """A kernel-only input: a widget whose value `parse` turns into render keyword arguments."""

    widget: widgets.ValueWidget
    parse: Callable[[Any], dict[str, Any]]


def _error_output(exc: Exception) -> dict:
    text = f"{type(exc).__name__}: {exc}"
    return {
        "output_type": "display_data",
        "data": {
            "text/plain": text,
            "text/html": f'<pre class="scanlab-error">{html.escape(text)}</pre>',
        },
        "metadata": {},
    }


def _figure_output(fig) -> dict:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72, bbox_inches="tight")
    plt.close(fig)
    return {
        "output_type": "display_data",
        "data": {
            "image/png": base64.b64encode(buffer.getvalue()).decode(),
            "text/plain": "<Figure>",
        },
        "metadata": {},
    }


def render_outputs(render: Callable[..., Any], setting: dict[str, Any]) -> tuple[dict, ...]:
    """Outputs (nbformat dicts) for one setting. Errors become a visible message, never a raise."""
    from matplotlib.figure import Figure

    try:
        with capture_output() as captured:
            value = render(**setting)
    except Exception as exc:  # a widget must keep working: show the message instead
        return (_error_output(exc),)
    outputs: list[dict] = []
    if captured.stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": captured.stdout})
    if captured.stderr:  # e.g. a warning: shown, not swallowed
        outputs.append({"output_type": "stream", "name": "stderr", "text": captured.stderr})
    for item in captured.outputs:
        outputs.append(
            {"output_type": "display_data", "data": item.data, "metadata": item.metadata or {}}
        )
    if isinstance(value, str):
        outputs.append({"output_type": "stream", "name": "stdout", "text": value + "\n"})
    elif isinstance(value, Figure):
        outputs.append(_figure_output(value))
    elif hasattr(value, "_repr_html_"):
        outputs.append(
            {
                "output_type": "display_data",
                "data": {"text/html": value._repr_html_(), "text/plain": repr(value)},
                "metadata": {},
            }
        )
    elif value is not None:
        outputs.append(
            {"output_type": "display_data", "data": {"text/plain": repr(value)}, "metadata": {}}
        )
    return tuple(outputs)


class _TextOfHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "tr", "li", "pre", "table"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The text a browser shows for some HTML (tags dropped, entities decoded)."""
    parser = _TextOfHTML()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts).strip()


def output_text(outputs: Sequence[dict]) -> str:
    """The plain text of outputs, as a reader would read it (for tests).

    Streams as printed, otherwise `text/plain` (or the visible text of HTML-only output).
    """
    parts = []
    for out in outputs:
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif "text/plain" in out["data"]:
            parts.append(out["data"]["text/plain"])
        elif "text/html" in out["data"]:
            parts.append(html_text(out["data"]["text/html"]))
    return "".join(parts)


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace: how tests compare shown text with computed text."""
    return re.sub(r"\s+", " ", text).strip()


# --- progress while rendering (see the design note) -----------------------------------------

_OUTPUT_MESSAGES = frozenset({"stream", "display_data", "execute_result", "error", "clear_output"})


class _CellOutputs:
    """Which execute requests (cells) have sent output so far, seen at the kernel's session.

    Wraps the session's `send` once per kernel: every output message (streams from the IO
    thread included) names its cell in `parent_header`.
    """

    def __init__(self, kernel: Any, current: str | None) -> None:
        self.seen: set[str] = set()
        self.installed_in = current  # outputs of this cell before now were not seen
        session = kernel.session
        original = session.send

        def send(stream: Any, msg_or_type: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                if isinstance(msg_or_type, dict):
                    kind = msg_or_type.get("header", {}).get("msg_type")
                    parent = msg_or_type.get("parent_header", {}).get("msg_id")
                else:
                    kind = msg_or_type
                    given = kwargs.get("parent", args[1] if len(args) > 1 else None) or {}
                    parent = given.get("header", {}).get("msg_id")
                if kind in _OUTPUT_MESSAGES and parent:
                    self.seen.add(parent)
            except Exception:  # never break the kernel's messaging for a progress line
                pass
            return original(stream, msg_or_type, *args, **kwargs)

        session.send = send

    def has_output(self, cell: str) -> bool:
        """Whether `cell` has shown anything; unknown (True) for the cell that installed us."""
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()  # printed text reaches the session only when flushed
            except Exception:
                pass
        return cell == self.installed_in or cell in self.seen


def _kernel_shell() -> Any:
    """The IPython shell of a real kernel sending to a frontend, else None."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    publisher = getattr(shell, "display_pub", None)
    # A capturing publisher (capture_output, a test) has no session: show nothing there.
    if kernel is None or getattr(publisher, "session", None) is None:
        return None
    if not hasattr(kernel, "session"):
        return None
    return shell


def _current_cell(shell: Any) -> str | None:
    header = getattr(shell.display_pub, "parent_header", None) or {}
    return header.get("msg_id")


def _track_cell_outputs() -> _CellOutputs | None:
    shell = _kernel_shell()
    if shell is None:
        return None
    tracker = getattr(shell.kernel, "_scanlab_cell_outputs", None)
    if tracker is None:
        try:
            tracker = _CellOutputs(shell.kernel, _current_cell(shell))
            shell.kernel._scanlab_cell_outputs = tracker
        except Exception:
            return None
    return tracker


def _kernel_line() -> CellNote | None:
    """A progress line for the running cell, if one can be removed without a trace."""
    tracker = _track_cell_outputs()
    shell = _kernel_shell()
    if tracker is None or shell is None:
        return None
    cell = _current_cell(shell)
    if cell is None or tracker.has_output(cell):
        return None  # clear_output would also erase what the cell showed before
    return CellNote(shell.display_pub)


class _Progress:
    """Says which setting is rendering, from `after` seconds on, while rendering goes on.

    A background thread shows and updates the line, so a single slow setting (a cold
    compile) is announced while it runs, not after. It runs in a copy of the cell's
    context, so its messages name the running cell as their parent.
    """

    def __init__(
        self,
        total: int,
        *,
        after: float,
        every: float,
        open_line: Callable[[], Any] = _kernel_line,
    ) -> None:
        self.total = total
        self.after = after
        self.every = every
        self.current: tuple[int, dict[str, Any]] = (1, {})
        self.line: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        line = open_line()  # decided in the cell's thread, before anything renders
        if line is not None:
            context = contextvars.copy_context()
            self._thread = threading.Thread(target=context.run, args=(self._run, line), daemon=True)
            self._thread.start()

    def rendering(self, number: int, setting: dict[str, Any]) -> None:
        """Called before setting `number` (1-based) is rendered."""
        self.current = (number, setting)

    def text(self) -> str:
        number, setting = self.current
        shown = ", ".join(f"{k}={v!r}" for k, v in setting.items())
        return (
            f"Rendering every setting of this explorer (each is stored for the static page): "
            f"{number} of {self.total} ({shown}) …"
        )

    def _run(self, line: Any) -> None:
        if self._stop.wait(self.after):
            return  # fast: nothing shown at all
        try:
            line.open()
            self.line = line
            while True:
                line.show(self.text())
                if self._stop.wait(self.every):
                    return
        except Exception:  # a progress line must never break rendering
            return

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.line is not None:
            self.line.close()
            self.line = None


@dataclass
class Explorer:
    """The widget tree of one explorer, plus what tests need to drive it."""

    render: Callable[..., Any]
    choices: tuple[Choice, ...]
    controls: list[widgets.Widget]
    leaves: dict[tuple[int, ...], widgets.Output]  # keyed by option index, in choice order
    stacks: list[list[widgets.Stack]]  # stacks[i] = every Stack switched by control i
    widget: widgets.Widget
    live_output: widgets.Output | None = None
    free: tuple[Free, ...] = field(default=())
    root: widgets.Widget | None = None  # the outermost Stack (or the single leaf)
    spec: dict[str, Any] = field(default_factory=dict)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def select(self, **setting: Any) -> None:
        """Move controls by value, as a reader would."""
        pairs = zip(self.choices, self.controls, strict=True)
        by_name = {c.name: (c, control) for c, control in pairs}
        unknown = sorted(set(setting) - set(by_name))
        if unknown:
            raise ValueError(f"explorer has no choice {unknown}; choices: {list(by_name)}")
        for name, value in setting.items():
            choice, control = by_name[name]
            control.index = choice.index_of(value)

    def setting(self) -> dict[str, Any]:
        """The values the controls show now."""
        pairs = zip(self.choices, self.controls, strict=True)
        return {c.name: c.options[ctl.index] for c, ctl in pairs}

    def shown(self) -> widgets.Output:
        """The Output a reader currently sees."""
        node = self.root if self.root is not None else self.stacks[0][0]
        while isinstance(node, widgets.Stack):
            node = node.children[node.selected_index]
        return node

    def shown_text(self) -> str:
        return output_text(self.shown().outputs)


def _check_parameters(render: Callable[..., Any], names: Sequence[str]) -> None:
    """Every choice must be a keyword argument the render function accepts."""
    try:
        signature = inspect.signature(render)
    except (TypeError, ValueError):  # builtins without a signature: nothing to check
        return
    params = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return
    accepted = {
        p.name
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }
    missing = [n for n in names if n not in accepted]
    if missing:
        raise ValueError(
            f"explorer: {getattr(render, '__qualname__', render)!r} takes no keyword argument "
            f"{missing}; its parameters are {sorted(accepted)}"
        )


def explorer(
    render: Callable[..., Any],
    *choices: Choice,
    free: Sequence[Free] = (),
    title: str | None = None,
    reproducible: bool = True,
) -> Explorer:
    """Render every combination of `choices` now and wire controls that switch in the browser.

    `reproducible=False` marks outputs that differ from run to run (measured timings): the
    site tests then check each setting against the output stored in the page instead of
    recomputing it with the render function.
    """
    if not choices:
        raise ValueError("explorer needs at least one Choice")
    if not all(isinstance(c, Choice) for c in choices):
        raise ValueError("explorer: pass choices as Choice(...) objects after the render function")
    names = [c.name for c in choices]
    if len(set(names)) != len(names):
        raise ValueError(f"explorer: choice names must be distinct, got {names}")
    _check_parameters(render, names)
    total = 1
    for c in choices:
        total *= len(c.options)
    if total > MAX_LEAVES:
        sizes = " x ".join(str(len(c.options)) for c in choices)
        raise ValueError(
            f"explorer: {sizes} = {total} settings, more than {MAX_LEAVES}; every setting is "
            "stored in the page, so offer fewer options (or use a Free input)"
        )

    shared = widgets.Layout()  # one layout model for every output and stack
    control_layout = widgets.Layout()
    hidden = widgets.Layout(display="none")
    styles: dict[str, dict] = {}
    controls = [_control(c, control_layout, styles) for c in choices]

    leaves: dict[tuple[int, ...], widgets.Output] = {}
    progress = _Progress(total, after=PROGRESS_AFTER_S, every=PROGRESS_EVERY_S)
    try:
        indices = itertools.product(*(range(len(c.options)) for c in choices))
        for number, index in enumerate(indices, start=1):
            setting = {c.name: c.options[i] for c, i in zip(choices, index, strict=True)}
            progress.rendering(number, setting)
            out = widgets.Output(layout=shared)
            out.outputs = render_outputs(render, setting)
            leaves[index] = out
    finally:
        progress.close()  # before the explorer is shown: clear_output must not erase it

    # Nest the choice with the fewest options outermost: fewest Stack and Link models.
    order = sorted(range(len(choices)), key=lambda i: len(choices[i].options))
    stacks: list[list[widgets.Stack]] = [[] for _ in choices]

    def build(depth: int, picked: dict[int, int]) -> widgets.Widget:
        if depth == len(order):
            return leaves[tuple(picked[i] for i in range(len(choices)))]
        i = order[depth]
        children = [build(depth + 1, {**picked, i: j}) for j in range(len(choices[i].options))]
        stack = widgets.Stack(children, selected_index=controls[i].index, layout=shared)
        stacks[i].append(stack)
        widgets.jslink((controls[i], "index"), (stack, "selected_index"))
        return stack

    root = build(0, {})

    def mirror(i: int) -> Callable[[dict], None]:
        def on_change(change: dict) -> None:
            for stack in stacks[i]:
                stack.selected_index = change["new"]

        return on_change

    for i, control in enumerate(controls):
        control.observe(mirror(i), names="index")

    spec = {
        "render": f"{render.__module__}.{render.__qualname__}",
        "choices": [
            {
                "name": c.name,
                "style": c.style,
                "default": c.default_index,
                "options": list(c.options),
                "reprs": [repr(o) for o in c.options],  # ast.literal_eval gives the value back
                "labels": c.option_labels(),
            }
            for c in choices
        ],
        "free": [type(f.widget).__name__ for f in free],
        "reproducible": bool(reproducible),
    }
    text_style = HTMLStyle()
    spec_widget = widgets.HTML(
        f'<div hidden class="scanlab-spec" '
        f'data-spec="{html.escape(json.dumps(spec, default=str))}"></div>',
        layout=hidden,
        style=text_style,
    )
    parts: list[widgets.Widget] = []
    if title:
        parts.append(
            widgets.HTML(f"<b>{html.escape(title)}</b>", layout=control_layout, style=text_style)
        )
    parts += [*controls, root, spec_widget]
    live_output = None
    if free:
        live_output = widgets.Output(layout=shared)
        parts.append(_free_section(render, tuple(free), live_output, hidden, text_style))
    box = widgets.VBox(parts, layout=control_layout)
    box.add_class("scanlab-explorer")
    return Explorer(
        render, tuple(choices), controls, leaves, stacks, box, live_output, tuple(free), root, spec
    )


_STYLES: dict[str, type[widgets.Widget]] = {
    "slider": widgets.SliderStyle,
    "dropdown": DescriptionStyle,
    "toggle": widgets.ToggleButtonsStyle,
    "radio": DescriptionStyle,
}


def _control(choice: Choice, layout: widgets.Layout, styles: dict[str, Any]) -> widgets.Widget:
    # One style model per control class, shared by every control of that class (created
    # before the control, so no orphan model lands in the page's widget state).
    if choice.style not in styles:
        styles[choice.style] = _STYLES[choice.style](description_width="initial")
    control = _CONTROLS[choice.style](
        options=list(zip(choice.option_labels(), range(len(choice.options)), strict=True)),
        index=choice.default_index,
        description=choice.label or choice.name,
        layout=layout,
        style=styles[choice.style],
    )
    if choice.style == "slider":
        control.continuous_update = True
    control.add_class("scanlab-control")
    return control


def _jsonable(value: Any) -> Any:
    """JSON for a parsed Free value: arrays and numpy numbers as plain lists and numbers."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _free_section(
    render: Callable[..., Any],
    free: tuple[Free, ...],
    live_output: widgets.Output,
    hidden: widgets.Layout,
    text_style: HTMLStyle,
) -> widgets.Widget:
    """Kernel-only inputs; on the static site CSS hides them and shows the note instead."""

    # The parsed setting, kept in a hidden div so a browser test can recompute it.
    parsed = widgets.HTML(layout=hidden, style=text_style)

    def show_parsed(record: dict[str, Any]) -> None:
        data = html.escape(json.dumps(record, default=_jsonable))
        parsed.value = f'<div hidden class="scanlab-free-setting" data-setting="{data}"></div>'

    def update(_change: dict | None = None) -> None:
        try:
            setting: dict[str, Any] = {}
            for item in free:
                setting.update(item.parse(item.widget.value))
        except Exception as exc:  # a typo in a text box is a message, not a traceback
            live_output.outputs = (_error_output(exc),)
            show_parsed({"error": f"{type(exc).__name__}: {exc}"})
            return
        live_output.outputs = render_outputs(render, setting)
        show_parsed({"setting": setting})

    for item in free:
        item.widget.observe(update, names="value")
    update()
    layout = live_output.layout
    live = widgets.VBox(
        [
            widgets.HTML(
                "<i>Any value (recomputed by PyTensor in your kernel):</i>",
                layout=layout,
                style=text_style,
            )
        ]
        + [item.widget for item in free]
        + [live_output, parsed],
        layout=layout,
    )
    live.add_class("scanlab-live-only")
    note = widgets.HTML(
        "<i>Free input needs a running kernel: open this chapter in JupyterLab "
        '(see <a href="index.html#how-to-read-it">How to read it</a> in the '
        "introduction) to type any value.</i>",
        layout=hidden,
        style=text_style,
    )
    note.add_class("scanlab-static-only")
    return widgets.VBox([live, note], layout=layout)


# Start watching cell outputs now (an import runs well before a chapter's explorer cells),
# so the first explorer already knows whether its cell has shown anything.
_track_cell_outputs()
