"""A choice made in English survives a switch to Danish in Chromium, and the click after it.

The browser keeps a widget's label as it last showed it and sends it back on every run:
before procmine.ui.state.worded, the first click after a switch (here: the paths slider)
took the stale English labels for no option, so the page list fell back to Data and the
map's "Waiting time" to frequencies. tests/test_language_switch.py checks every such
widget in AppTest; this checks the browser behaves as that test assumes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from served_app import ARTEFACTS, ROOT, procmine_app, served, settled

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = ROOT / "sample_logs" / "byggetilladelse"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                                 "/usr/bin/chromium (apt-get install chromium); .ci/run installs it")]


@pytest.fixture(scope="module")
def tab():
    from playwright.sync_api import sync_playwright
    with served("streamlit-switch-server.log", command=procmine_app(str(SAMPLE))) as server, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="en-US").new_page()
        page.set_default_timeout(60_000)
        page.goto(server.url)
        settled(page)
        yield page
        browser.close()


def _chosen(page, where: str) -> list[str]:
    return page.locator(f"{where} [data-testid='stRadio'] label:has(input:checked)").all_inner_texts()


def test_the_map_and_its_metric_stay_after_a_switch_and_the_next_click(tab):
    tab.locator("[data-testid='stSidebar'] label").filter(has_text=re.compile(r"Process map\s*$")).click()
    settled(tab)
    tab.locator("[data-testid='stMain'] [data-testid='stRadio'] label").filter(has_text="Waiting time").click()
    settled(tab)
    tab.locator("[data-testid='stSidebar'] label").filter(has_text="Dansk").click()
    settled(tab)
    tab.get_by_role("slider").nth(1).focus()   # the click after the switch: the paths slider
    for _ in range(5):
        tab.keyboard.press("ArrowLeft")
    settled(tab)
    tab.screenshot(path=str(ARTEFACTS / "da-after-switch.png"))
    tab.get_by_role("heading", name="Proceskort", exact=True).wait_for()
    assert any("Ventetid" in label for label in _chosen(tab, "[data-testid='stMain']"))
    assert any("Proceskort" in label for label in _chosen(tab, "[data-testid='stSidebar']"))
    errors = tab.locator("[data-testid='stAlertContentError']")
    assert errors.count() == 0, errors.first.inner_text()[:300]
