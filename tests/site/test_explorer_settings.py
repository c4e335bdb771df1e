"""Every explorer on the built site: each stored setting shows what scanlab computes now.

Read from the page's embedded widget state, without a browser: for every combination of
options, the output the Stack tree holds for it (followed the way the jslinks switch it)
against the render function named in the explorer's spec, called here. tests/browser then
checks, in Chromium, that moving the controls shows those stored outputs.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from scanlab.explorer import render_outputs
from tests.browser.chromium import expected_view, stored_explorers
from tests.conftest import raw_html, toc_pages


@pytest.mark.parametrize("page", toc_pages())
def test_every_stored_setting_is_what_scanlab_computes(built_site: Path, page: str) -> None:
    explorers = stored_explorers(raw_html(built_site, page))
    for n, stored in enumerate(explorers, start=1):
        spec = stored.spec()
        render = spec.render()
        grid = list(itertools.product(*(range(len(v)) for v in spec.values)))
        assert len(grid) > 1, f"{page} explorer {n}: a single setting needs no explorer"
        for index in grid:
            shown = expected_view(stored.outputs(index))
            if not spec.reproducible:  # measured timings: stored, not recomputed
                assert shown[0] and "Error" not in shown[0], (page, n, index, shown)
                continue
            setting = spec.setting(index)
            want = expected_view(render_outputs(render, setting))
            assert shown == want, (
                f"{page} explorer {n}: the page stores\n  {shown}\nfor {setting}, but "
                f"{spec.render_name} gives\n  {want}"
            )
