"""Explorers: widgets that stay live on the static website and in a running kernel.

A chapter declares its choices and a render function, nothing more:

    explorer(describe_power, Choice("k", range(1, 7)), Choice("n", [2, 4, 8]))

Every combination of choices is rendered once, by PyTensor, when the notebook runs, into
an `Output` widget (filled on the kernel side, so strict nbval passes). The outputs sit in
nested `Stack`s and each control is `jslink`ed to the stacks of its level, so switching
happens in the browser with no kernel. A Python observer mirrors the links, so the same
object also works (and can be tested) without any frontend.

`Free` inputs (a text box, any number) need a kernel: they are hidden on the static site,
where a note says so instead (see `book.css`), and recompute live in JupyterLab.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import ipywidgets as widgets
from IPython.utils.capture import capture_output

Style = Literal["slider", "dropdown", "toggle", "radio"]

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
        options = list(self.options)
        if not options:
            raise ValueError(f"Choice {self.name!r}: options must not be empty")
        if self.style not in _CONTROLS:
            raise ValueError(f"Choice {self.name!r}: style must be one of {sorted(_CONTROLS)}")
        if self.default is not None and self.default not in options:
            raise ValueError(f"Choice {self.name!r}: default {self.default!r} is not an option")
        if self.labels is not None and len(self.labels) != len(options):
            raise ValueError(f"Choice {self.name!r}: labels must match options one to one")
        object.__setattr__(self, "options", tuple(options))

    @property
    def default_index(self) -> int:
        return 0 if self.default is None else self.options.index(self.default)

    def option_labels(self) -> list[str]:
        return list(self.labels) if self.labels is not None else [str(o) for o in self.options]


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
        outputs.append({"output_type": "display_data", "data": {"text/plain": repr(value)}, "metadata": {}})
    return tuple(outputs)


def output_text(outputs: Sequence[dict]) -> str:
    """The plain text of outputs, as a reader would read it (for tests)."""
    parts = []
    for out in outputs:
        if out["output_type"] == "stream":
            parts.append(out["text"])
        else:
            parts.append(out["data"].get("text/plain", ""))
    return "".join(parts)


@dataclass
class Explorer:
    """The widget tree of one explorer, plus what tests need to drive it."""

    render: Callable[..., Any]
    choices: tuple[Choice, ...]
    controls: list[widgets.Widget]
    leaves: dict[tuple[int, ...], widgets.Output]
    stacks: list[list[widgets.Stack]]  # stacks[level] = every Stack switched by control `level`
    widget: widgets.Widget
    live_output: widgets.Output | None = None
    free: tuple[Free, ...] = field(default=())

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def select(self, **setting: Any) -> None:
        """Move controls by value, as a reader would."""
        for choice, control in zip(self.choices, self.controls):
            if choice.name in setting:
                control.index = choice.options.index(setting[choice.name])

    def shown(self) -> widgets.Output:
        """The Output a reader currently sees."""
        node: widgets.Widget = self.stacks[0][0] if self.stacks else next(iter(self.leaves.values()))
        while isinstance(node, widgets.Stack):
            node = node.children[node.selected_index]
        return node

    def shown_text(self) -> str:
        return output_text(self.shown().outputs)


def _control(choice: Choice, layout: widgets.Layout) -> widgets.Widget:
    cls = _CONTROLS[choice.style]
    kwargs: dict[str, Any] = {
        "options": list(zip(choice.option_labels(), range(len(choice.options)))),
        "index": choice.default_index,
        "description": choice.label or choice.name,
        "style": {"description_width": "initial"},
    }
    if choice.style == "slider":
        kwargs["continuous_update"] = True
    control = cls(**kwargs)
    control.add_class("scanlab-control")
    return control


def explorer(
    render: Callable[..., Any],
    *choices: Choice,
    free: Sequence[Free] = (),
    title: str | None = None,
) -> Explorer:
    """Render every combination of `choices` now and wire controls that switch in the browser."""
    if not choices:
        raise ValueError("explorer needs at least one Choice")
    names = [c.name for c in choices]
    if len(set(names)) != len(names):
        raise ValueError(f"explorer: choice names must be distinct, got {names}")
    shared = widgets.Layout()  # one layout model for every output keeps the page state small
    controls = [_control(c, widgets.Layout()) for c in choices]
    leaves: dict[tuple[int, ...], widgets.Output] = {}
    for index in itertools.product(*(range(len(c.options)) for c in choices)):
        setting = {c.name: c.options[i] for c, i in zip(choices, index)}
        out = widgets.Output(layout=shared)
        out.outputs = render_outputs(render, setting)
        leaves[index] = out
    stacks: list[list[widgets.Stack]] = [[] for _ in choices]

    def build(level: int, prefix: tuple[int, ...]) -> widgets.Widget:
        if level == len(choices):
            return leaves[prefix]
        children = [build(level + 1, prefix + (i,)) for i in range(len(choices[level].options))]
        stack = widgets.Stack(children, selected_index=choices[level].default_index, layout=shared)
        stacks[level].append(stack)
        widgets.jslink((controls[level], "index"), (stack, "selected_index"))
        return stack

    root = build(0, ())

    def mirror(level: int) -> Callable[[dict], None]:
        def on_change(change: dict) -> None:
            for stack in stacks[level]:
                stack.selected_index = change["new"]

        return on_change

    for level, control in enumerate(controls):
        control.observe(mirror(level), names="index")

    spec = {
        "render": f"{render.__module__}.{render.__qualname__}",
        "choices": [
            {"name": c.name, "options": list(c.options), "labels": c.option_labels()}
            for c in choices
        ],
    }
    spec_widget = widgets.HTML(
        f'<div hidden class="scanlab-spec" data-spec="{html.escape(json.dumps(spec, default=str))}"></div>',
        layout=widgets.Layout(display="none"),
    )
    parts: list[widgets.Widget] = []
    if title:
        parts.append(widgets.HTML(f"<b>{html.escape(title)}</b>"))
    parts += [*controls, root, spec_widget]
    live_output = None
    if free:
        live_output = widgets.Output()
        parts.append(_free_section(render, tuple(free), live_output))
    box = widgets.VBox(parts)
    box.add_class("scanlab-explorer")
    return Explorer(render, tuple(choices), controls, leaves, stacks, box, live_output, tuple(free))


def _free_section(
    render: Callable[..., Any], free: tuple[Free, ...], live_output: widgets.Output
) -> widgets.Widget:
    """Kernel-only inputs; on the static site CSS hides them and shows the note instead."""

    def update(_change: dict | None = None) -> None:
        try:
            setting: dict[str, Any] = {}
            for item in free:
                setting.update(item.parse(item.widget.value))
        except Exception as exc:
            live_output.outputs = (_error_output(exc),)
            return
        live_output.outputs = render_outputs(render, setting)

    for item in free:
        item.widget.observe(update, names="value")
    update()
    live = widgets.VBox(
        [widgets.HTML("<i>Any value (recomputed by PyTensor in your kernel):</i>")]
        + [item.widget for item in free]
        + [live_output]
    )
    live.add_class("scanlab-live-only")
    note = widgets.HTML(
        "<i>Free input needs a running kernel: open this chapter in JupyterLab "
        "(see <b>Run it yourself</b>) to type any value.</i>",
        layout=widgets.Layout(display="none"),
    )
    note.add_class("scanlab-static-only")
    return widgets.VBox([live, note])
