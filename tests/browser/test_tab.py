"""The tab every browser test reads the built pages in (tests/browser/chromium.py: Tab)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


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
        assert opened.page.evaluate(fetch, "https://example.org/x.js") == "blocked"
        assert opened.page.evaluate(fetch, f"{site_url}/chapters/index.html") == "fetched"
        assert opened.seen.foreign_requests == ["https://example.org/x.js"]
        assert opened.fonts, "the index's Chinese fetched no font slice"
        again = tab.open(site_url, built_site, "chapters/glossary")
        assert not again.seen.problems()
        assert again.seen is opened.seen  # one record per tab, cleared per page
    finally:
        tab.close()
