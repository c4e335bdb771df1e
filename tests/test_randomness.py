"""scanlab.randomness: a random walk with the generator threaded through outputs_info."""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from scanlab import ScanlabInputError, randomness
from scanlab.compiled import compile_count, on_python_linker
from scanlab.explorer import render_outputs


@pytest.fixture(autouse=True)
def python_linker():
    """The draws do not depend on the backend: run the walks (a real pytensor.scan each) on
    PyTensor's Python linker, with no compile step."""
    with on_python_linker():
        yield


def test_walk_equals_numpy_draws_from_the_same_seed() -> None:
    for seed in (0, 1, 42):
        np.testing.assert_allclose(
            randomness.random_walk(seed, 200), randomness.numpy_walk(seed, 200)
        )


def test_every_step_draws_a_new_number() -> None:
    steps = randomness.moves(randomness.random_walk(3, 100))
    assert len(np.unique(steps)) == 100


def test_generator_as_non_sequence_repeats_the_same_draw() -> None:
    positions = randomness.repeating_walk(42, 6)
    steps = randomness.moves(positions)
    first = np.random.default_rng(42).normal()
    np.testing.assert_allclose(steps, np.full(6, first))
    np.testing.assert_allclose(positions, first * np.arange(1, 7))


def test_same_seed_same_walk_and_generator_is_not_mutated() -> None:
    generator = np.random.default_rng(7)
    a, next_rng = randomness.random_walk_with_rng(generator, 3)
    b, _ = randomness.random_walk_with_rng(generator, 3)
    np.testing.assert_array_equal(a, b)
    assert generator.normal() == np.random.default_rng(7).normal()  # untouched by the calls
    # the returned generator continues where the walk stopped
    c, _ = randomness.random_walk_with_rng(next_rng, 3)
    draws = np.random.default_rng(7).normal(size=6)
    np.testing.assert_allclose(c, np.cumsum(draws[3:]))


def test_bad_inputs() -> None:
    with pytest.raises(ScanlabInputError, match="seed must be a whole number >= 0, got -1"):
        randomness.random_walk(-1, 5)
    with pytest.raises(ScanlabInputError, match="n_steps must be a whole number >= 1, got 0"):
        randomness.random_walk(0, 0)
    with pytest.raises(ScanlabInputError, match="seed must be a whole number >= 0, got 'abc'"):
        randomness.repeating_walk("abc", 5)
    with pytest.raises(ScanlabInputError, match="threading must be one of"):
        randomness.walk_function("shared")


def test_explorer_leaves_reuse_one_compile() -> None:
    randomness.random_walk(0, 5)
    randomness.repeating_walk(0, 5)
    before = compile_count()
    for seed in (0, 1, 2):
        for n_steps in (10, 100):
            outputs = render_outputs(randomness.describe_walk, {"seed": seed, "n_steps": n_steps})
            assert outputs[0]["data"]["text/html"].startswith("<svg")
    assert compile_count() == before


def test_the_explorer_refuses_walks_longer_than_its_cap() -> None:
    cap = randomness.EXPLORER_MAX_STEPS
    assert len(randomness.describe_walk(0, cap).lines[0].x) == cap + 1
    with pytest.raises(ScanlabInputError, match=f"n_steps must be at most {cap}, got {cap + 1}"):
        randomness.describe_walk(0, cap + 1)


def test_the_explorer_chart_fits_the_page_column() -> None:
    # the page's text column is about 590 px wide; a wider SVG is cut off
    chart = randomness.describe_walk(42, 100)
    assert chart.width <= 590
    assert chart.svg().startswith(f'<svg xmlns="http://www.w3.org/2000/svg" width="{chart.width}"')


# --- What a port from Theano meets (chapter 6 shows both; PyTensor is the oracle here) --------


def test_an_updates_dict_from_fn_raises_with_return_updates_false() -> None:
    gen = pt.random.shared_rng(seed=0, name="gen")

    def step(position):  # the Theano way: the new generator goes out as an update
        next_gen, move = gen.normal()
        return position + move, {gen: next_gen}

    with pytest.raises(ValueError, match="return_updates=False but Scan produced updates"):
        pytensor.scan(step, outputs_info=[pt.zeros(())], n_steps=3, return_updates=False)


def test_a_shared_generator_used_implicitly_repeats_its_draw_every_step_and_call() -> None:
    gen = pt.random.shared_rng(seed=42, name="gen")

    def step(position):  # neither passed in nor handed on
        _, move = gen.normal()
        return position + move

    n_steps = pt.iscalar("n_steps")
    walk = pytensor.scan(step, outputs_info=[pt.zeros(())], n_steps=n_steps, return_updates=False)
    f = pytensor.function([n_steps], walk)
    first = np.random.default_rng(42).normal()
    for _call in range(2):
        np.testing.assert_allclose(f(4), first * np.arange(1, 5))
    # the same numbers scanlab's non-sequence walk gives: the same trap
    np.testing.assert_allclose(f(4), randomness.repeating_walk(42, 4))
