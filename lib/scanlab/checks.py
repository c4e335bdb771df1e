"""Input checks shared by every scanlab function.

Each check either returns a clean value or raises an error whose message names the
argument and says what was expected, so a reader (or a widget) can show it as is.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np


class ScanlabInputError(ValueError):
    """Bad input to a scanlab function. Subclasses ValueError so plain handlers catch it."""


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def as_vector(name: str, value: Any, *, allow_empty: bool = False) -> np.ndarray:
    """A 1-d float64 array from a list, range or array; refuses anything else."""
    if isinstance(value, (str, bytes)):
        raise ScanlabInputError(
            f"{name} must be a 1-d sequence of numbers, got the string {_describe(value)}"
        )
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ScanlabInputError(
            f"{name} must be a 1-d sequence of numbers, got {_describe(value)}"
        ) from exc
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise ScanlabInputError(
            f"{name} must contain numbers only, got {_describe(value)}"
        )
    if np.iscomplexobj(array):
        raise ScanlabInputError(f"{name} must contain real numbers, got {_describe(value)}")
    if array.ndim != 1:
        raise ScanlabInputError(
            f"{name} must be a 1-d vector (ndim 1), got ndim {array.ndim} with shape {array.shape}"
        )
    if array.size == 0 and not allow_empty:
        raise ScanlabInputError(f"{name} must have at least one element, got an empty vector")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ScanlabInputError(f"{name} must contain finite numbers, got {_describe(value)}")
    return array


def as_matrix(name: str, value: Any) -> np.ndarray:
    """A 2-d float64 array with at least one row and column."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ScanlabInputError(
            f"{name} must be a 2-d array of numbers, got {_describe(value)}"
        ) from exc
    if array.ndim != 2:
        raise ScanlabInputError(
            f"{name} must be a 2-d matrix (ndim 2), got ndim {array.ndim} with shape {array.shape}"
        )
    if 0 in array.shape:
        raise ScanlabInputError(f"{name} must not be empty, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ScanlabInputError(f"{name} must contain finite numbers only")
    return array


def as_count(name: str, value: Any, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number in [minimum, maximum]; refuses floats like 2.5, bools and strings."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if (
            not isinstance(value, bool)
            and isinstance(value, numbers.Real)
            and float(value).is_integer()
        ):
            value = int(value)
        else:
            raise ScanlabInputError(
                f"{name} must be a whole number >= {minimum}, got {_describe(value)}"
            )
    value = int(value)
    if value < minimum:
        raise ScanlabInputError(f"{name} must be a whole number >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ScanlabInputError(f"{name} must be at most {maximum}, got {value}")
    return value


def as_number(name: str, value: Any) -> float:
    """A finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ScanlabInputError(f"{name} must be a real number, got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ScanlabInputError(f"{name} must be finite, got {value}")
    return value


def one_of(name: str, value: Any, allowed: Sequence[Any]) -> Any:
    """value itself if it is one of allowed."""
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ScanlabInputError(f"{name} must be one of {options}; got {_describe(value)}")
    return value


def parse_numbers(name: str, text: str) -> np.ndarray:
    """Numbers typed by a reader, e.g. '1, 0, 2' or '1 0 2', as a float vector."""
    if not isinstance(text, str):
        raise ScanlabInputError(f"{name} must be text like '1, 0, 2', got {_describe(text)}")
    parts = [p for p in text.replace(",", " ").split() if p]
    if not parts:
        raise ScanlabInputError(f"{name} must list at least one number, like '1, 0, 2'")
    values = []
    for part in parts:
        try:
            values.append(float(part))
        except ValueError:
            raise ScanlabInputError(
                f"{name} must list numbers separated by commas or spaces; {part!r} is not a number"
            ) from None
    return as_vector(name, values)


def parse_count(name: str, text: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number typed by a reader, e.g. '5'."""
    if not isinstance(text, str):
        raise ScanlabInputError(f"{name} must be text like '5', got {_describe(text)}")
    try:
        value = int(text.strip())
    except ValueError:
        raise ScanlabInputError(
            f"{name} must be a whole number >= {minimum}, got {text.strip()!r}"
        ) from None
    return as_count(name, value, minimum=minimum, maximum=maximum)
