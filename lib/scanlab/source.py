"""Show a scanlab function's source on the page, so what the reader sees is what runs.

A chapter that calls a scanlab function which builds a scan shows that function's code
next to the call: `show_source(scanlab.power.power_function)`. The object renders as a
highlighted ```python block (Markdown) in Jupyter and on the site, and its plain-text form
is the source itself, so strict nbval notices when the code changes and the page does not.
"""

from __future__ import annotations

import inspect
import textwrap
from typing import Any


class Source:
    """Source code that displays as a highlighted Python block."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name

    def _repr_markdown_(self) -> str:
        # A fence longer than any run of backticks in the code, so the block cannot close early.
        longest, run = 0, 0
        for char in self.text:
            run = run + 1 if char == "`" else 0
            longest = max(longest, run)
        fence = "`" * max(3, longest + 1)
        return f"{fence}python\n{self.text}\n{fence}\n"

    def __repr__(self) -> str:
        return self.text


def source_of(obj: Any) -> str:
    """The source text of a function, class or module (decorators included, dedented).

    Follows `functools.wraps`/`functools.cache` wrappers to the code that was written.
    """
    try:
        text = inspect.getsource(inspect.unwrap(obj))
    except (TypeError, OSError) as exc:
        raise TypeError(
            f"show_source needs a function, class or module written in Python, got {obj!r}"
        ) from exc
    return textwrap.dedent(text).rstrip("\n")


def show_source(*objs: Any) -> Source:
    """The source of one or more objects, as one displayable block (blank line between them)."""
    if not objs:
        raise TypeError("show_source needs at least one function, class or module")
    names = ", ".join(getattr(o, "__qualname__", getattr(o, "__name__", repr(o))) for o in objs)
    return Source("\n\n\n".join(source_of(o) for o in objs), names)
