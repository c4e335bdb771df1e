"""scanlab.announce: a note while a slow cell runs, cleared before the cell's own output."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest
from IPython.core.events import EventManager, available_events

from scanlab.announce import announce, note_for
from scanlab.checks import ScanlabInputError


class FakePublisher:
    session = object()  # what a kernel's publisher has and a capturing one lacks

    def __init__(self) -> None:
        self.log: list[tuple] = []

    def publish(self, data, metadata=None, transient=None, update=False) -> None:
        self.log.append(("update" if update else "display", dict(data)))

    def clear_output(self, wait=False) -> None:
        self.log.append(("clear",))


def _shell() -> SimpleNamespace:
    shell = SimpleNamespace(kernel=object(), display_pub=FakePublisher())
    shell.events = EventManager(shell, available_events)
    return shell


def _run(shell, code: str, body) -> None:
    shell.events.trigger("pre_run_cell", SimpleNamespace(raw_cell=code))
    body()
    shell.events.trigger("post_run_cell", None)


def test_note_shows_then_clears_before_the_first_printed_line(capsys) -> None:
    shell = _shell()
    stop = announce({"pm.sample(": "sampling"}, shell=shell)
    log = shell.display_pub.log

    def body() -> None:
        assert log == [("display", {}), ("update", {"text/plain": "sampling …"})]
        print("result")
        assert log[-1] == ("clear",)

    _run(shell, "idata = pm.sample(draws=3)", body)
    assert capsys.readouterr().out == "result\n"
    assert log.count(("clear",)) == 1  # the end of the cell does not clear the result
    assert "write" not in vars(sys.stdout) and "write" not in vars(sys.stderr)
    stop()


def test_a_warning_on_stderr_also_removes_the_note_first(capsys) -> None:
    shell = _shell()
    stop = announce({"slow(": "working"}, shell=shell)

    def body() -> None:
        print("careful", file=sys.stderr)
        assert shell.display_pub.log[-1] == ("clear",)
        print("result")

    _run(shell, "slow()", body)
    assert shell.display_pub.log.count(("clear",)) == 1
    assert capsys.readouterr().err == "careful\n"
    stop()


def test_silent_cell_clears_at_its_end_and_other_cells_see_nothing() -> None:
    shell = _shell()
    stop = announce({"slow(": "working"}, shell=shell)
    _run(shell, "slow()", lambda: None)
    assert shell.display_pub.log[-1] == ("clear",)
    before = len(shell.display_pub.log)
    _run(shell, "fast()", lambda: print("x"))
    assert len(shell.display_pub.log) == before
    stop()
    _run(shell, "slow()", lambda: None)
    assert len(shell.display_pub.log) == before  # unregistered


def test_outside_a_kernel_it_does_nothing() -> None:
    stop = announce({"x": "y"}, shell=SimpleNamespace(display_pub=None))
    stop()


def test_note_for_takes_the_first_matching_key() -> None:
    notes = {"a(": "first", "b(": "second"}
    assert note_for("b(); a()", notes) == "first"
    assert note_for("c()", notes) is None


@pytest.mark.parametrize("notes", [{"": "x"}, {"x": 3}, ["x"]])
def test_bad_notes_are_refused(notes) -> None:
    with pytest.raises(ScanlabInputError, match="notes must map"):
        announce(notes, shell=_shell())


def test_announced_keys_are_read_from_the_call_without_running_it():
    from scanlab.announce import announced_keys

    cells = [
        "x = 1",
        'first = "a"\nannounce({"slow(": f"{first}", "other": "y", f"{first}": "z"})\n',
        "announce_later = 2",
    ]
    assert announced_keys(cells) == ["slow(", "other"]  # an f-string key is not a literal


def test_a_cell_says_what_it_does_by_a_key_or_its_own_progress():
    from scanlab.announce import says_what_it_does

    keys = ["pm.sample("]
    assert says_what_it_does("idata = pm.sample(draws=10)", keys)
    assert says_what_it_does("explorer(describe, Choice('n', [1, 2]))", keys)
    assert says_what_it_does("with ProgressLine() as progress:\n    run()", keys)
    assert not says_what_it_does("f = pytensor.function([x], y)", keys)


def test_every_chapter_announces_only_what_its_cells_contain():
    # a key that matches no cell announces nothing: a renamed cell would go silent
    import json
    from pathlib import Path

    from scanlab.announce import announced_keys

    for notebook in sorted((Path(__file__).parents[1] / "chapters").glob("*.ipynb")):
        codes = ["".join(c["source"]) for c in json.loads(notebook.read_text("utf-8"))["cells"]
                 if c["cell_type"] == "code"]
        for key in announced_keys(codes):
            hits = [c for c in codes if key in c and "announce(" not in c]
            assert hits, (notebook.stem, key)
