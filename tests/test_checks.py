import numpy as np
import pytest

from scanlab.checks import (
    ScanlabInputError,
    as_count,
    as_matrix,
    as_number,
    as_vector,
    one_of,
    parse_count,
    parse_numbers,
)


def test_as_vector_accepts_lists_ranges_and_arrays_as_float64():
    for value in ([1, 2, 3], range(1, 4), np.array([1, 2, 3], dtype=np.int8)):
        out = as_vector("A", value)
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([[1, 2], [3, 4]], r"A must be a 1-d vector \(ndim 1\), got ndim 2 with shape \(2, 2\)"),
        (5, r"A must be a 1-d vector \(ndim 1\), got ndim 0"),
        ([], r"A must have at least one element, got an empty vector"),
        (["a", "b"], r"A must contain numbers only"),
        ("123", r"A must be a 1-d sequence of numbers, got the string '123'"),
        ([1, [2, 3]], r"A must be a 1-d sequence of numbers"),
        ([1.0, float("nan")], r"A must contain finite numbers"),
        ([1 + 2j], r"A must contain real numbers"),
    ],
)
def test_as_vector_refuses_bad_input_naming_the_argument(value, message):
    with pytest.raises(ScanlabInputError, match=message):
        as_vector("A", value)


def test_as_vector_can_allow_empty():
    assert as_vector("x", [], allow_empty=True).shape == (0,)


def test_as_matrix():
    assert as_matrix("X", [[1, 2]]).shape == (1, 2)
    with pytest.raises(ScanlabInputError, match=r"X must be a 2-d matrix \(ndim 2\), got ndim 1"):
        as_matrix("X", [1, 2])
    with pytest.raises(ScanlabInputError, match=r"X must not be empty, got shape \(0, 3\)"):
        as_matrix("X", np.zeros((0, 3)))
    with pytest.raises(ScanlabInputError, match="X must be a 2-d array of numbers"):
        as_matrix("X", [["a"]])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, r"k must be a whole number >= 0, got -1"),
        (2.5, r"k must be a whole number >= 0, got 2.5"),
        (True, r"k must be a whole number >= 0, got True"),
        ("3", r"k must be a whole number >= 0, got '3'"),
    ],
)
def test_as_count_refuses(value, message):
    with pytest.raises(ScanlabInputError, match=message):
        as_count("k", value)


def test_as_count_accepts_whole_floats_and_numpy_ints_and_checks_maximum():
    assert as_count("k", 3.0) == 3
    assert as_count("k", np.int64(4)) == 4
    with pytest.raises(ScanlabInputError, match="k must be at most 10, got 11"):
        as_count("k", 11, maximum=10)


def test_as_number_and_one_of():
    assert as_number("x", 3) == 3.0
    with pytest.raises(ScanlabInputError, match="x must be a real number, got 'a'"):
        as_number("x", "a")
    with pytest.raises(ScanlabInputError, match="x must be finite, got inf"):
        as_number("x", float("inf"))
    with pytest.raises(ScanlabInputError, match="init must be one of 'a', 'b'; got 'c'"):
        one_of("init", "c", ("a", "b"))


def test_parse_numbers_and_count():
    np.testing.assert_array_equal(parse_numbers("c", "1, 0 ,2"), [1.0, 0.0, 2.0])
    np.testing.assert_array_equal(parse_numbers("c", "1 0 2"), [1.0, 0.0, 2.0])
    expected = "c must list numbers separated by commas or spaces; 'x' is not a number"
    with pytest.raises(ScanlabInputError, match=expected):
        parse_numbers("c", "1, x")
    with pytest.raises(ScanlabInputError, match="c must list at least one number"):
        parse_numbers("c", " , ")
    assert parse_count("k", " 5 ", minimum=1) == 5
    with pytest.raises(ScanlabInputError, match=r"k must be a whole number >= 1, got '2.5'"):
        parse_count("k", "2.5", minimum=1)
    with pytest.raises(ScanlabInputError, match=r"k must be a whole number >= 1, got 0"):
        parse_count("k", "0", minimum=1)
