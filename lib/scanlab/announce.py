"""Say what a slow notebook cell is doing while it runs, and keep nothing of it.

A first Run All compiles (seconds per graph with Numba), so some cells sit silent for a while.
`announce({"pm.sample(": "sampling ..."})`, run once in a hidden cell, shows a one-line note
while any later cell whose code contains a key runs. The note is a display with an empty
first bundle (strict nbval records it but compares no field of it) whose text arrives as a
display update (which nbval ignores); it is cleared just before the cell prints its first
line (stdout or stderr), or when the cell ends, so the stored notebook holds none of it and
clearing it never erases what the cell printed. Do not announce a cell whose first output is
a display (a figure, a widget): the note would be cleared, with it, at the cell's end.
"""

from __future__ import annotations

import ast
import sys
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from scanlab.checks import ScanlabInputError


class CellNote:
    """One line of text in the running cell, updated in place, then removed without a trace.

    `open` publishes an EMPTY bundle (strict nbval records this display_data but compares no
    field of it); every `show` is an update_display_data, which nbval ignores; `close` is a
    `clear_output`, which nbclient (`nbconvert --execute`) and JupyterLab apply and nbval
    ignores. So the stored notebook holds none of it. `clear_output` clears the whole cell:
    open a note only while the cell has shown nothing else. Used by `announce` and by
    `scanlab.explorer`'s progress line.
    """

    def __init__(self, publisher: Any) -> None:
        self.publisher = publisher  # the kernel's own, not a capturing one
        self.transient = {"display_id": uuid.uuid4().hex}
        self.is_open = False

    def open(self) -> None:
        self.publisher.publish({}, metadata={}, transient=self.transient)
        self.is_open = True

    def show(self, text: str) -> None:
        self.publisher.publish(
            {"text/plain": text}, metadata={}, transient=self.transient, update=True
        )

    def close(self) -> None:
        if self.is_open:
            self.is_open = False
            self.publisher.clear_output(wait=False)


def _closing_first(note: CellNote, write: Callable[[str], int],
                   restore: Callable[[], None]) -> Callable[[str], int]:
    """A stream's write that first removes the note (before the cell's own first line, so
    clearing erases only the note), then puts the streams back."""

    def first_write(text: str) -> int:
        note.close()
        restore()
        return write(text)

    return first_write


def note_for(code: str, notes: Mapping[str, str]) -> str | None:
    """The note of the first key found in a cell's code, or None."""
    return next((text for key, text in notes.items() if key in code), None)


# Cells that show their own progress line while they run (a `CellNote`): an explorer
# rendering its settings, and scanlab.performance's measurements.
SELF_ANNOUNCING = ("explorer(", "ProgressLine()")


def announced_keys(cells: Iterable[str]) -> list[str]:
    """The keys of every `announce({...})` call in a notebook's code cells (string keys only),
    read from the code without running it: what the notebook announces."""
    keys: list[str] = []
    for code in cells:
        if "announce(" not in code:
            continue
        for node in ast.walk(ast.parse(code)):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "announce"
                and node.args
                and isinstance(node.args[0], ast.Dict)
            ):
                keys += [
                    k.value
                    for k in node.args[0].keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                ]
    return keys


def says_what_it_does(code: str, keys: Iterable[str]) -> bool:
    """Whether a cell shows a line while it runs: an announced key, or its own progress."""
    return any(key in code for key in (*keys, *SELF_ANNOUNCING))


def announce(notes: Mapping[str, str], shell: Any = None) -> Callable[[], None]:
    """Show notes[key] while a cell whose code contains key runs; returns `stop()`.

    Does nothing (and `stop` does nothing) outside a kernel talking to a frontend.
    """
    if not isinstance(notes, Mapping) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in notes.items()
    ):
        raise ScanlabInputError(
            f"notes must map pieces of cell code to note texts (non-empty strings), got {notes!r}"
        )
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return lambda: None
        shell = get_ipython()
    publisher = getattr(shell, "display_pub", None)
    if getattr(shell, "kernel", None) is None or getattr(publisher, "session", None) is None:
        return lambda: None
    state: dict[str, Any] = {}

    def restore_streams() -> None:
        for stream in state.pop("streams", ()):
            if "write" in vars(stream):
                del stream.write  # back to the class's write

    def before(info: Any) -> None:
        text = note_for(getattr(info, "raw_cell", "") or "", notes)
        if text is None:
            return
        note = CellNote(shell.display_pub)
        note.open()
        note.show(f"{text} …")
        state["note"] = note
        state["streams"] = streams = (sys.stdout, sys.stderr)
        for stream in streams:
            stream.write = _closing_first(note, stream.write, restore_streams)

    def after(result: Any) -> None:
        restore_streams()
        note = state.pop("note", None)
        if note is not None:
            note.close()

    shell.events.register("pre_run_cell", before)
    shell.events.register("post_run_cell", after)

    def stop() -> None:
        shell.events.unregister("pre_run_cell", before)
        shell.events.unregister("post_run_cell", after)
        after(None)

    return stop
