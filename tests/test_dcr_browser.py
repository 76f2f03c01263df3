"""The DCR tab in a real browser (Debian's Chromium): the graph is drawn and the rules table is shown.

The screenshot tests/artefacts/dcr-tab.png is for a human to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from served_app import ARTEFACTS, settled

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                                 "/usr/bin/chromium (apt-get install chromium); .ci/run installs it")]


@pytest.fixture(scope="module")
def server(samples_app):
    """The app on the bundled sample logs (one server for the run, conftest)."""
    return samples_app


def test_the_dcr_tab_draws_the_graph_and_the_broken_rules(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_context(viewport={"width": 1500, "height": 1400}).new_page()
            tab.set_default_timeout(60_000)
            tab.goto(server)
            settled(tab)
            tab.locator("[data-testid='stSidebar'] label").filter(has_text="Model").first.click()
            settled(tab)
            tab.get_by_role("tab", name="DCR graph").click()
            settled(tab)
            picture = tab.locator("#dcr_graph img")
            picture.wait_for()
            width = picture.evaluate("img => img.naturalWidth")
            tab.get_by_text("Rules most often broken").scroll_into_view_if_needed()
            tab.screenshot(path=str(ARTEFACTS / "dcr-tab.png"), full_page=True)
            assert width > 300
            assert tab.locator("[data-testid='stException']").count() == 0
            assert tab.get_by_text("Cases that keep every rule").count() >= 1
        finally:
            browser.close()
