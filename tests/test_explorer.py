"""scanlab.explorer: every setting rendered, controls switch stacks, errors are messages."""

from __future__ import annotations

import ast
import html
import importlib
import itertools
import json
import re
import time

import ipywidgets as widgets
import matplotlib
import pytest
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_link import Link

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from scanlab import Choice, Explorer, Free, explorer
from scanlab.checks import ScanlabInputError, parse_numbers
from scanlab.compiled import compile_count
from scanlab.explorer import (
    MAX_LEAVES,
    _Progress,
    html_text,
    normalise_space,
    output_text,
    render_outputs,
)
from scanlab.power import describe_power

# `scanlab.explorer` the attribute is the function; the module is this one.
explorer_module = importlib.import_module("scanlab.explorer")


def describe(k: int, word: str = "x", A=(1, 2)) -> str:
    return f"k={k} word={word} A={tuple(A)}"


def picky(k: int) -> str:
    if k == 2:
        raise ScanlabInputError("k must not be 2 here")
    return f"k={k}"


def chatty(k: int) -> None:
    print(f"printed {k}")


class _Table:
    def _repr_html_(self) -> str:
        return "<table><tr><td>a</td><td>1</td></tr></table>"

    def __repr__(self) -> str:
        return "_Table()"


def _spec(ex: Explorer) -> dict:
    box = ex.widget
    (spec_widget,) = [
        w for w in box.children if isinstance(w, widgets.HTML) and "scanlab-spec" in w.value
    ]
    match = re.search(r'data-spec="([^"]*)"', spec_widget.value)
    return json.loads(html.unescape(match.group(1)))


# --- rendering every setting -------------------------------------------------------------


def test_every_setting_is_rendered_once_and_shown_by_the_controls() -> None:
    ex = explorer(
        describe,
        Choice("k", range(1, 5)),
        Choice("word", ["a", "b"], style="toggle"),
        Choice("A", [(1, 2), (3,)], style="dropdown", labels=["(1, 2)", "(3,)"]),
    )
    assert len(ex.leaves) == 4 * 2 * 2
    for (i, j, m), out in ex.leaves.items():
        A = [(1, 2), (3,)][m]
        assert output_text(out.outputs) == describe(range(1, 5)[i], "ab"[j], A) + "\n"
    assert ex.shown_text() == "k=1 word=a A=(1, 2)\n"  # defaults: first options
    for k, word, A in itertools.product(range(1, 5), "ab", [(1, 2), (3,)]):
        ex.select(k=k, word=word, A=A)
        assert ex.shown_text() == describe(k, word, A) + "\n"
        assert ex.setting() == {"k": k, "word": word, "A": A}


def test_moving_a_control_switches_every_stack_of_its_level() -> None:
    ex = explorer(describe, Choice("k", [1, 2, 3]), Choice("word", ["a", "b"]))
    ex.controls[0].index = 2  # what a jslink does in the browser, mirrored in Python
    assert all(stack.selected_index == 2 for stack in ex.stacks[0])
    assert ex.shown_text() == "k=3 word=a A=(1, 2)\n"
    ex.controls[1].index = 1
    assert ex.shown_text() == "k=3 word=b A=(1, 2)\n"


def test_default_is_the_first_setting_shown() -> None:
    ex = explorer(describe, Choice("k", [1, 2, 3], default=3), Choice("word", ["a", "b"]))
    assert ex.shown_text() == "k=3 word=a A=(1, 2)\n"
    assert ex.controls[0].index == 2


def test_fewest_options_nest_outermost_and_each_stack_has_one_jslink() -> None:
    ex = explorer(describe, Choice("k", range(1, 7)), Choice("word", ["a", "b"]))
    # word (2 options) outermost: 1 stack of 2, then 2 stacks of 6 for k; not 1 + 6.
    assert [len(s) for s in ex.stacks] == [2, 1]
    assert ex.root is ex.stacks[1][0]
    links = [w for w in list(_instances.values()) if isinstance(w, Link)]
    for level, stacks in enumerate(ex.stacks):
        for stack in stacks:
            mine = [link for link in links if link.target == (stack, "selected_index")]
            assert len(mine) == 1
            assert mine[0].source == (ex.controls[level], "index")


def test_outputs_and_stacks_share_one_layout_and_controls_share_styles() -> None:
    ex = explorer(describe, Choice("k", [1, 2, 3]), Choice("word", ["a", "b"]))
    layouts = {id(out.layout) for out in ex.leaves.values()}
    layouts |= {id(stack.layout) for level in ex.stacks for stack in level}
    assert len(layouts) == 1
    assert ex.controls[0].style is ex.controls[1].style  # both sliders
    assert ex.controls[0].layout is ex.controls[1].layout


def test_control_styles_make_the_right_widgets() -> None:
    ex = explorer(
        describe,
        Choice("k", [1, 2]),
        Choice("word", ["a", "b"], style="dropdown"),
        Choice("A", [(1,), (2,)], style="radio"),
    )
    assert isinstance(ex.controls[0], widgets.SelectionSlider)
    assert isinstance(ex.controls[1], widgets.Dropdown)
    assert isinstance(ex.controls[2], widgets.RadioButtons)
    assert all("scanlab-control" in c._dom_classes for c in ex.controls)
    assert "scanlab-explorer" in ex.widget._dom_classes
    assert ex.controls[2].options == (("(1,)", 0), ("(2,)", 1))


# --- errors are messages ------------------------------------------------------------------


def test_a_failing_setting_shows_its_error_and_the_others_still_work() -> None:
    ex = explorer(picky, Choice("k", [1, 2, 3]))
    ex.select(k=2)
    assert ex.shown_text() == "ScanlabInputError: k must not be 2 here"
    (out,) = ex.shown().outputs
    assert '<pre class="scanlab-error">' in out["data"]["text/html"]
    ex.select(k=3)
    assert ex.shown_text() == "k=3\n"


def test_render_outputs_never_raises() -> None:
    outputs = render_outputs(picky, {"k": 2})
    assert output_text(outputs) == "ScanlabInputError: k must not be 2 here"
    wrong = render_outputs(picky, {"n": 1})
    assert output_text(wrong).startswith("TypeError: ")


def test_render_outputs_kinds() -> None:
    assert render_outputs(describe, {"k": 1}) == (
        {"output_type": "stream", "name": "stdout", "text": "k=1 word=x A=(1, 2)\n"},
    )
    (printed,) = render_outputs(chatty, {"k": 4})
    assert printed == {"output_type": "stream", "name": "stdout", "text": "printed 4\n"}
    (table,) = render_outputs(lambda: _Table(), {})
    assert table["data"]["text/html"] == _Table()._repr_html_()
    assert output_text([table]) == "_Table()"
    html_only = {"output_type": "display_data", "data": {"text/html": "<p>a<b>1</b></p>"}}
    assert output_text([html_only]) == "a1"
    (number,) = render_outputs(lambda: 42, {})
    assert number["data"] == {"text/plain": "42"}

    def figure():
        fig, ax = plt.subplots(figsize=(1, 1))
        ax.plot([0, 1])
        return fig

    before = len(plt.get_fignums())
    (image,) = render_outputs(figure, {})
    assert image["data"]["image/png"].startswith("iVBOR")  # base64 of a PNG header
    assert len(plt.get_fignums()) == before  # the figure was closed


def test_render_outputs_shows_stderr_instead_of_swallowing_it() -> None:
    import sys

    def noisy() -> str:
        print("careful", file=sys.stderr)
        return "done"

    outputs = render_outputs(noisy, {})
    assert {"output_type": "stream", "name": "stderr", "text": "careful\n"} in outputs
    assert output_text(outputs) == "careful\ndone\n"


def test_html_text_and_normalise_space() -> None:
    assert html_text("<b>1 &lt; 2</b><script>x()</script>") == "1 < 2"
    assert normalise_space(html_text(_Table()._repr_html_())) == "a 1"
    assert normalise_space("  a\n\n b\tc ") == "a b c"


# --- bad definitions are refused clearly -------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Choice("k", []), r"Choice 'k': options must not be empty"),
        (lambda: Choice("k", "abc"), r"Choice 'k': options must be a list of values, got the str"),
        (lambda: Choice("k", 3), r"Choice 'k': options must be a list of values, got 3"),
        (lambda: Choice("k", [1, 2], style="knob"), r"style must be one of .*got 'knob'"),
        (lambda: Choice("k", [1, 2], default=5), r"default 5 is not one of the options \[1, 2\]"),
        (lambda: Choice("k", [1, 2], labels=["one"]), r"1 labels for 2 options"),
        (lambda: Choice("k", [1, 2], labels=["a", 2]), r"labels must be strings"),
        (lambda: Choice("k", [1, 1]), r"option 1 appears twice"),
        (lambda: Choice("k", [1, "1"]), r"two options show the same label"),
        (lambda: Choice("not a name", [1]), r"must be a Python identifier"),
    ],
)
def test_bad_choice_raises_a_clear_value_error(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_explorer_definitions_raise_clear_value_errors() -> None:
    with pytest.raises(ValueError, match="explorer needs at least one Choice"):
        explorer(describe)
    with pytest.raises(ValueError, match=r"choice names must be distinct, got \['k', 'k'\]"):
        explorer(describe, Choice("k", [1]), Choice("k", [2]))
    with pytest.raises(ValueError, match=r"'describe' takes no keyword argument \['n'\]"):
        explorer(describe, Choice("n", [1]))
    with pytest.raises(ValueError, match=r"pass choices as Choice\(...\) objects"):
        explorer(describe, ("k", [1, 2]))
    big = Choice("k", range(MAX_LEAVES + 1))
    with pytest.raises(ValueError, match=rf"{MAX_LEAVES + 1} settings, more than {MAX_LEAVES}"):
        explorer(describe, big)


def test_select_refuses_unknown_names_and_values() -> None:
    ex = explorer(describe, Choice("k", [1, 2]))
    with pytest.raises(ValueError, match=r"explorer has no choice \['n'\]; choices: \['k'\]"):
        ex.select(n=1)
    with pytest.raises(ValueError, match=r"Choice 'k' has no option 7; options: \[1, 2\]"):
        ex.select(k=7)


# --- the spec the browser tests read -----------------------------------------------------


def test_spec_names_the_render_function_and_round_trips_options() -> None:
    ex = explorer(
        describe,
        Choice("k", range(1, 4), default=2),
        Choice("A", [(1, 2), (3,)], labels=["(1, 2)", "(3,)"], style="toggle"),
        free=[Free(widgets.Text(value="1"), lambda v: {"k": int(v)})],
    )
    spec = _spec(ex)
    assert spec["render"] == "tests.test_explorer.describe"
    assert [c["name"] for c in spec["choices"]] == ["k", "A"]
    assert [c["style"] for c in spec["choices"]] == ["slider", "toggle"]
    assert [c["default"] for c in spec["choices"]] == [1, 0]
    assert [ast.literal_eval(r) for r in spec["choices"][1]["reprs"]] == [(1, 2), (3,)]
    assert spec["choices"][1]["labels"] == ["(1, 2)", "(3,)"]
    assert spec["free"] == ["Text"]
    assert spec["reproducible"] is True
    timed = explorer(describe, Choice("k", [1]), reproducible=False)
    assert _spec(timed)["reproducible"] is False
    assert json.loads(json.dumps(ex.spec, default=str)) == spec


# --- kernel-only inputs ------------------------------------------------------------------


def _free_explorer() -> Explorer:
    text = widgets.Text(value="1, 2", description="A")
    return explorer(
        describe,
        Choice("k", [1, 2]),
        free=[Free(text, lambda v: {"k": 5, "A": tuple(parse_numbers("A", v).tolist())})],
    )


def test_free_input_recomputes_and_shows_parse_errors() -> None:
    ex = _free_explorer()
    assert output_text(ex.live_output.outputs) == "k=5 word=x A=(1.0, 2.0)\n"
    ex.free[0].widget.value = "3 4 5"
    assert output_text(ex.live_output.outputs) == "k=5 word=x A=(3.0, 4.0, 5.0)\n"
    ex.free[0].widget.value = "3, x"
    assert output_text(ex.live_output.outputs) == (
        "ScanlabInputError: A must list numbers separated by commas or spaces; 'x' is not a number"
    )
    ex.free[0].widget.value = ""
    assert "A must list at least one number" in output_text(ex.live_output.outputs)


def test_free_section_is_marked_live_only_with_a_static_note() -> None:
    ex = _free_explorer()
    section = ex.widget.children[-1]
    live, note = section.children
    assert "scanlab-live-only" in live._dom_classes
    assert ex.free[0].widget in live.children and ex.live_output in live.children
    assert "scanlab-static-only" in note._dom_classes
    assert note.layout.display == "none"  # shown only by book.css on the static site
    assert "needs a running kernel" in note.value


def test_no_compile_per_move_or_per_free_value() -> None:
    text = widgets.Text(value="1, 2", description="A")
    ex = explorer(
        describe_power,
        Choice("k", [1, 2, 3]),
        Choice("init", ["ones"], style="toggle"),
        free=[Free(text, lambda v: {"A": parse_numbers("A", v), "k": 2, "init": "ones"})],
    )
    compiled = compile_count()
    for k in (3, 1, 2):
        ex.select(k=k)
        assert f"result[-1] = A**{k}" in ex.shown_text()
    for value in ("1 2 3", "0.5", "2, 2, 2, 2"):
        text.value = value
        expected = describe_power(2, parse_numbers("A", value), "ones")
        assert output_text(ex.live_output.outputs) == expected + "\n"
    assert compile_count() == compiled


def test_free_section_records_the_parsed_setting_for_browser_tests() -> None:
    ex = _free_explorer()
    live = ex.widget.children[-1].children[0]
    (parsed,) = [w for w in live.children if "scanlab-free-setting" in getattr(w, "value", "")]

    def record() -> dict:
        match = re.search(r'data-setting="([^"]*)"', parsed.value)
        return json.loads(html.unescape(match.group(1)))

    assert record() == {"setting": {"k": 5, "A": [1.0, 2.0]}}
    ex.free[0].widget.value = "7"
    assert record() == {"setting": {"k": 5, "A": [7.0]}}
    ex.free[0].widget.value = "x"
    assert record()["error"].startswith("ScanlabInputError: A must list numbers")
    assert parsed.layout.display == "none"


# --- progress while rendering -------------------------------------------------------------


class _Line:
    def __init__(self) -> None:
        self.opened = False
        self.shown: list[str] = []
        self.closed = False

    def open(self) -> None:
        self.opened = True

    def show(self, text: str) -> None:
        self.shown.append(text)

    def close(self) -> None:
        self.closed = True


def test_progress_says_nothing_while_rendering_is_fast() -> None:
    line = _Line()
    progress = _Progress(24, after=5.0, every=0.01, open_line=lambda: line)
    for number in range(1, 25):
        progress.rendering(number, {"k": number})
    progress.close()
    assert (line.opened, line.shown, line.closed) == (False, [], False)


def test_progress_line_appears_during_a_slow_setting_updates_and_is_removed() -> None:
    line = _Line()
    progress = _Progress(3, after=0.05, every=0.02, open_line=lambda: line)
    progress.rendering(1, {"k": 1, "A": (1, 2)})
    time.sleep(0.4)  # one slow setting (a cold compile): announced while it runs
    assert line.opened and not line.closed
    assert line.shown[0] == (
        "Rendering every setting of this explorer (each is stored for the static page): "
        "1 of 3 (k=1, A=(1, 2)) …"
    )
    progress.rendering(2, {"k": 2, "A": (1, 2)})
    time.sleep(0.2)
    assert line.shown[-1].endswith("2 of 3 (k=2, A=(1, 2)) …")  # updated in place
    progress.close()
    assert line.closed
    updates = len(line.shown)
    time.sleep(0.1)
    assert len(line.shown) == updates  # nothing after it is removed


def test_progress_without_a_removable_line_does_nothing() -> None:
    progress = _Progress(10, after=0.0, every=0.0, open_line=lambda: None)
    for number in range(1, 11):
        progress.rendering(number, {"k": number})
    progress.close()
    assert progress.line is None


def test_slow_explorer_outside_a_kernel_shows_no_progress(monkeypatch, capsys) -> None:
    monkeypatch.setattr(explorer_module, "PROGRESS_AFTER_S", 0.0)
    ex = explorer(describe, Choice("k", [1, 2, 3]))
    assert ex.shown_text() == "k=1 word=x A=(1, 2)\n"
    assert capsys.readouterr() == ("", "")


_PROGRESS_NOTEBOOK = [
    "import importlib\nimport time\n\nfrom scanlab import Choice, explorer\n\n"
    "importlib.import_module('scanlab.explorer').PROGRESS_AFTER_S = 0.1\n\n\n"
    "def slow(k):\n    time.sleep(0.4 if k == 0 else 0.01)  # one slow setting first\n"
    "    return f'k={k}'\n\n\n"
    "def fast(k):\n    return f'k={k}'",
    "explorer(slow, Choice('k', range(20)))",  # 0.6 s: progress shown, then removed
    "print('shown first')\nexplorer(slow, Choice('k', range(20)))",  # no progress: keeps print
    "explorer(fast, Choice('k', range(3)))",  # fast: no progress at all
]


def test_progress_leaves_no_trace_in_stored_outputs_widget_state_or_strict_nbval(
    tmp_path,
) -> None:
    """A real kernel: nbclient (what `nbconvert --execute` uses), then strict nbval."""
    import subprocess
    import sys

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in _PROGRESS_NOTEBOOK]
    messages: dict[int, list[tuple[str, dict]]] = {}

    class Recording(NotebookClient):
        def process_message(self, msg, cell, cell_index):  # every iopub message of a cell
            messages.setdefault(cell_index, []).append((msg["msg_type"], msg["content"]))
            return super().process_message(msg, cell, cell_index)

    client = Recording(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()

    shown = [
        c["data"].get("text/plain", "") for kind, c in messages[1] if kind == "update_display_data"
    ]
    assert shown and all("Rendering every setting of this explorer" in s for s in shown)
    assert "1 of 20 (k=0)" in shown[0]  # announced while the slow first setting runs
    kinds = [kind for kind, _ in messages[1] if kind != "status"]
    assert kinds.index("display_data") < kinds.index("clear_output")  # line, then removed
    for index in (2, 3):  # after a print: clear_output would erase it; fast: nothing to say
        kinds = {kind for kind, _ in messages[index]}
        assert not kinds & {"update_display_data", "clear_output"}, index

    for index in (1, 2, 3):
        outputs = nb.cells[index].outputs
        widget_outputs = [o for o in outputs if o.get("output_type") == "display_data"]
        assert len(widget_outputs) == 1, outputs
        assert set(widget_outputs[0]["data"]) == {
            "text/plain",
            "application/vnd.jupyter.widget-view+json",
        }
    assert nb.cells[2].outputs[0] == {
        "name": "stdout",
        "output_type": "stream",
        "text": "shown first\n",
    }
    stored = nbformat.writes(nb)
    assert "Rendering every setting" not in stored  # neither in outputs nor in widget state
    assert "k=19" in stored  # the widget state does hold every rendered setting

    path = tmp_path / "progress.ipynb"
    path.write_text(stored, "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=",
         "--nbval", "--nbval-current-env", "-q", str(path)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 passed" in result.stdout
