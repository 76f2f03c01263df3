"""The Frist-radar page in a real browser (Debian's Chromium) on a simulated log with slow-down drivers.

Screenshots in English and Danish are saved in tests/artefacts/ for a human to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from served_app import served
from test_browser import ARTEFACTS, CHROMIUM, CHROMIUM_ARGS, _go, _no_exception, _settled

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                                 "/usr/bin/chromium (apt-get install chromium); .ci/run installs it")]


@pytest.fixture(scope="module")
def driven_log(tmp_path_factory) -> Path:
    from procmine.simulation import SimulationOptions, write_simulated_dataset

    folder = tmp_path_factory.mktemp("radar") / "aktindsigt-drivers"
    write_simulated_dataset(folder, SimulationOptions("aktindsigt", cases=2500, seed=11, drivers=True))
    return folder


@pytest.fixture(scope="module")
def server(driven_log):
    with served("streamlit-radar-server.log", {"PROCMINE_APP_DATASET": str(driven_log),
                                               "PROCMINE_CACHE": str(driven_log.parent)}) as server:
        yield server.url


def test_radar_page_shows_risks_reasons_and_the_model_card(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = browser.new_context(viewport={"width": 1500, "height": 1600}).new_page()
        tab.set_default_timeout(120_000)
        tab.goto(server)
        _settled(tab)
        _go(tab, "Deadline radar")
        _no_exception(tab, "Deadline radar")
        tab.get_by_text("Model card: aktindsigt § 36").wait_for()
        body = tab.locator("body").inner_text()
        assert "beats both baselines" in body or "No better than the baseline" in body
        assert "What makes cases slow" in body
        assert "Remaining time: mean absolute error" in body and "Remaining time counts" not in body
        tab.screenshot(path=str(ARTEFACTS / "en-radar.png"), full_page=True)
        tab.get_by_role("button", name="How this was measured").first.click()
        tab.get_by_text("Remaining time counts working days").wait_for()       # the details, in the popover
        tab.screenshot(path=str(ARTEFACTS / "en-radar-card-details.png"))
        tab.keyboard.press("Escape")
        tab.locator("[data-testid='stSidebar'] label").filter(has_text="Dansk").click()
        _settled(tab)
        tab.get_by_role("heading", name="Frist-radar", exact=True).wait_for()
        assert "Modelkort: aktindsigt § 36" in tab.locator("body").inner_text()
        tab.screenshot(path=str(ARTEFACTS / "da-radar.png"), full_page=True)
        browser.close()
