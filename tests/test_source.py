import functools
import inspect

import pytest

from scanlab import checks
from scanlab.source import Source, show_source, source_of


def _plain(a: int) -> int:
    """A helper whose source the test knows."""
    return a + 1


@functools.cache
def _cached(a: int) -> int:
    return a * 2


def test_source_is_the_code_as_written():
    shown = show_source(_plain)
    assert isinstance(shown, Source)
    assert repr(shown) == inspect.getsource(_plain).rstrip("\n")
    assert repr(shown).startswith("def _plain(a: int) -> int:")


def test_markdown_is_a_python_fence_around_the_source():
    md = show_source(_plain)._repr_markdown_()
    assert md.startswith("```python\ndef _plain(")
    assert md.rstrip("\n").endswith("```")
    assert "return a + 1" in md


def test_wrapped_functions_show_the_decorator_and_the_body():
    text = source_of(_cached)
    assert text.splitlines()[0] == "@functools.cache"
    assert "return a * 2" in text


def test_methods_are_dedented():
    text = source_of(Source._repr_markdown_)
    assert text.startswith("def _repr_markdown_(self)")


def test_several_objects_in_one_block():
    shown = show_source(_plain, checks.as_number)
    assert "def _plain(" in shown.text and "def as_number(" in shown.text
    assert shown.name == "_plain, as_number"


def test_backticks_in_code_get_a_longer_fence():
    shown = Source('x = "```"', "x")
    md = shown._repr_markdown_()
    assert md.startswith("````python\n") and md.rstrip().endswith("````")


@pytest.mark.parametrize("obj", [len, 3])
def test_objects_without_python_source_are_refused_clearly(obj):
    with pytest.raises(TypeError, match="show_source needs a function, class or module"):
        show_source(obj)


def test_nothing_to_show_is_refused():
    with pytest.raises(TypeError, match="at least one"):
        show_source()
