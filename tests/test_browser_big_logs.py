"""The app on the largest shared logs in Chromium: every page draws without a traceback; on BPIC15_1
(398 activities) the map opens readable with Start in view, zooms and fits; the server stops when told to.

Screenshots go to tests/artefacts/big-*.png for a human to look at.
"""

from __future__ import annotations

import re
import time

import pytest
from served_app import served, stop
from test_browser import ARTEFACTS, CHROMIUM, CHROMIUM_ARGS, PAGES_EN, _go, _no_exception, _settled

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                                 "/usr/bin/chromium (apt-get install chromium); .ci/run installs it")]


LOGS = {"bpic15": "BPIC15_1.xes.gz", "road_fines": "Road_Traffic_Fine_Management_Process.xes.gz"}


@pytest.fixture(params=sorted(LOGS))
def server(request, imported_dataset):
    """`streamlit run app.py` on a free port with a big log open."""
    with served("streamlit-server-big.log",
                {"PROCMINE_APP_DATASET": str(imported_dataset(LOGS[request.param]))}) as server:
        yield request.param, server.process, server.url


def _transform(tab) -> str:
    return tab.locator("#map img").evaluate("e => e.style.transform")


def test_every_page_of_a_big_log_in_chromium(server):
    from playwright.sync_api import sync_playwright
    name, process, url = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = browser.new_context(viewport={"width": 1500, "height": 1250}).new_page()
        tab.set_default_timeout(60_000)
        tab.goto(url)
        _settled(tab)
        if name == "bpic15":
            _the_map_opens_readable_zooms_and_fits(tab)
        for label in PAGES_EN:
            _go(tab, label)
            _no_exception(tab, f"{name} {label}")
            if name == "bpic15" and label in ("Cases", "Model"):
                if label == "Cases":
                    tab.get_by_text("Dotted chart of all cases").scroll_into_view_if_needed()
                tab.screenshot(path=str(ARTEFACTS / f"big-{label.lower()}.png"))
        browser.close()
    stop(process, seconds=15)   # SIGTERM: the server ends (raises if it had to be killed)
    assert process.returncode is not None


def _the_map_opens_readable_zooms_and_fits(tab) -> None:
    started = time.monotonic()
    _go(tab, "Process map")
    tab.locator("#map img").wait_for()
    print(f"BPIC15_1 map drawn in the browser in {time.monotonic() - started:.1f} s")
    _no_exception(tab, "map")
    main = tab.locator("[data-testid='stMain']").inner_text()
    assert "of 398 activities" in main and "bridged" in main
    opened = _transform(tab)
    assert re.search(r"scale\(0\.9", opened), f"the map opens readable with Start in view: {opened}"
    tab.screenshot(path=str(ARTEFACTS / "big-map.png"))
    tab.locator("#map button[data-act='fit']").click()
    fitted = _transform(tab)
    assert fitted != opened
    tab.locator("#map").hover()
    tab.mouse.wheel(0, -300)
    assert _transform(tab) != fitted
