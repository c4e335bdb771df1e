"""The tab every browser test reads the built pages in (tests/browser/chromium.py: Tab)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def test_a_tab_records_and_blocks_requests_to_other_hosts(
    browser: Any, site_url: str, built_site: Path
) -> None:
    """What every browser test relies on: a request to another host is recorded and
    aborted at once; local ones are not recorded; each page opened starts a clean record."""
    from tests.browser.chromium import Tab

    tab = Tab(browser)
    try:
        opened = tab.open(site_url, built_site, "chapters/index")
        fetch = "url => fetch(url).then(() => 'fetched', () => 'blocked')"
        assert opened.page.evaluate(fetch, f"{site_url}/chapters/index.html") == "fetched"
        assert opened.page.evaluate(fetch, "https://example.org/x.js") == "blocked"
        assert opened.seen.foreign_requests == ["https://example.org/x.js"]
        # aborted by the route (Playwright's abort), not left to DNS or CORS to stop
        assert [f for f in opened.seen.failed if f.startswith("net::ERR_FAILED")] == [
            "net::ERR_FAILED https://example.org/x.js"
        ], opened.seen.failed
        first_fonts = set(opened.fonts)
        assert first_fonts, "the index's Chinese fetched no font slice"
        again = tab.open(site_url, built_site, "chapters/03-argument-order")
        assert not again.seen.problems()
        assert again.seen is opened.seen  # one record per tab, cleared per page
        # The cache is off: a slice the index fetched comes over the network again, as on a
        # first visit (a cached one would be transferred in 0 bytes, or not listed at all).
        shared = first_fonts & set(again.fonts)
        assert shared, (sorted(first_fonts), sorted(again.fonts))
        transferred = again.page.evaluate(
            "names => performance.getEntriesByType('resource')"
            ".filter(e => names.includes(e.name) && e.transferSize > 0).length",
            sorted(shared),
        )
        assert transferred == len(shared), (transferred, sorted(shared))
    finally:
        tab.close()


@pytest.mark.parametrize(
    ("url", "foreign"),
    [
        ("http://127.0.0.1:8000/chapters/index.html", False),
        ("http://localhost", False),
        ("http://localhost?x=1", False),
        ("https://example.org/x.js", True),
        ("http://127.0.0.1.example.org/", True),
        ("http://localhost.example.org/", True),
        ("http://localhost:@example.org/", True),  # user info: the host is example.org
        ("http://127.0.0.1:80@example.org/", True),
    ],
)
def test_foreign_url_is_any_host_but_this_machine(url: str, foreign: bool) -> None:
    from tests.browser.chromium import FOREIGN_URL

    assert bool(FOREIGN_URL.search(url)) is foreign
