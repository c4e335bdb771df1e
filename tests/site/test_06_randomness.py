"""Chapter 6 on the built site shows the walks scanlab.randomness computes.

The page runs on PyTensor's Python linker; one test draws its walks again with the default
backend (Numba): the generator's numbers must not depend on the backend."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytensor
import pytensor.tensor as pt

from scanlab.explorer import render_outputs
from scanlab.randomness import describe_walk, moves, random_walk, repeating_walk, walk_scan
from tests.conftest import CODE_COLUMN, code_blocks, page_text, raw_html, stored_outputs


def _page(site: Path) -> str:
    return page_text(site, "chapters/06-randomness")


def _words(site: Path) -> str:
    """The page as a reader reads it: tags (code highlighting too) gone, spaces collapsed."""
    raw = (site / "chapters/06-randomness.html").read_text("utf-8")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", raw)).split())


def test_repeated_draw_and_threaded_walk_appear(built_site: Path) -> None:
    text = _page(built_site)
    same = repeating_walk(42, 5)
    assert f"positions: {np.round(same, 4)}" in text
    assert f"moves    : {np.round(moves(same), 4)}" in text
    assert np.allclose(moves(same), moves(same)[0])  # what the page claims
    walk = random_walk(42, 5)
    assert f"positions  : {np.round(walk, 4)} {walk.shape}" in text
    assert f"moves      : {np.round(moves(walk), 4)}" in text
    python_walk = np.cumsum(np.random.default_rng(42).normal(size=5))
    assert f"python walk: {np.round(python_walk, 4)}" in text
    assert np.allclose(walk, python_walk)  # what the page claims


def test_porting_traps_appear(built_site: Path) -> None:
    text = _page(built_site)
    assert "ValueError: return_updates=False but Scan produced updates" in text
    # the literal port runs, with warnings listed one line each (none printed as they come)
    assert "FutureWarning: RandomStream is deprecated." in text
    assert "DeprecationWarning: Setting default_update is deprecated." in text
    assert "DeprecationWarning: Scan return signature will change." in text
    words = _words(built_site)
    assert "with return_updates=False scan raises" not in words
    assert "RandomGeneratorVariable rng[t-1] has already been used" in words  # Ex 6.2
    assert "return_updates=False drops" not in text  # the old, wrong claim
    # a shared generator used implicitly: the first draw of seed 42 again and again
    repeated = np.round(repeating_walk(42, 3), 4)
    assert text.count(f"call 1: {repeated}") == 1
    assert text.count(f"call 2: {repeated}") == 1
    drift = np.cumsum(np.random.default_rng(42).normal(size=3) + 1.0)
    assert f"positions: {np.round(drift, 4)}" in text
    assert "when this page was built" not in text and "NBVAL" not in text


def test_long_walk_numbers_appear(built_site: Path) -> None:
    text = _page(built_site)
    assert f"end of the walk: {random_walk(0, 1000)[-1]:.4f}" in text
    assert f"end at {repeating_walk(0, 1000)[-1]:.2f}" in text


def test_explorer_leaves_are_the_pictures_scanlab_draws(built_site: Path) -> None:
    # Each leaf is an SVG chart in the embedded widget state; the chart drawn here from the
    # same seed must be stored there exactly.
    stored = stored_outputs(built_site, "chapters/06-randomness")
    for seed, n_steps in [(42, 100), (0, 10), (2, 1000)]:
        (output,) = render_outputs(describe_walk, {"seed": seed, "n_steps": n_steps})
        assert output in stored, (seed, n_steps)


def test_the_page_runs_on_the_python_linker_and_numba_draws_the_same(built_site: Path) -> None:
    text = _page(built_site)
    assert 'pytensor.config.linker = "py"' in _words(built_site)
    assert "glossary.html#python-linker" in (built_site / "chapters/06-randomness.html").read_text()
    assert "takes a few seconds" not in text  # no compile step to warn about
    words = _words(built_site)
    assert "In your own code leave these two lines out" in words
    # Numba leaves out a few rewrites the Python linker applies
    assert "nearly the same rewrites" in words and "and the same rewrites" not in words
    rng, n_steps = pt.random.rng("rng"), pt.iscalar("n_steps")
    positions, _ = walk_scan(rng, n_steps)
    by_numba = pytensor.function([rng, n_steps], positions, mode="NUMBA")
    walk = by_numba(np.random.default_rng(42), 5)
    assert f"positions  : {np.round(walk, 4)} {walk.shape}" in text
    assert f"end of the walk: {by_numba(np.random.default_rng(0), 1000)[-1]:.4f}" in text


def test_visible_code_fits_the_code_column(built_site: Path) -> None:
    # ~68 monospace characters fit the page's code column; wider lines scroll sideways
    blocks = code_blocks(raw_html(built_site, "chapters/06-randomness"))  # hidden too
    assert len(blocks) > 10
    lines = [line for block in blocks for line in block.split("\n")]
    widest = max(lines, key=len)
    assert len(widest) <= CODE_COLUMN, widest


def test_what_continues_is_the_draws_not_the_walk(built_site: Path) -> None:
    words = _words(built_site)
    # the positions restart at 0 on every call: only the stream of draws continues
    for wrong in ("each call continues the walk", "each call continues it",
                  "To continue a walk, pass", "each call starts where the last one stopped"):
        assert wrong not in words, wrong
    draws = np.random.default_rng(42).normal(size=8)[5:]
    assert " ".join(f"next moves : {np.round(draws, 4)}".split()) in words
    assert " ".join(f"positions : {np.round(np.cumsum(draws), 4)}".split()) in words
    # Exercise 6.2 shows the warning it talks about, and the trap's equal moves
    assert "Exercise 6.2 meets that warning" not in words
    assert "x == y at every step: True" in words
