"""The app in a real browser: the Streamlit server on a free local port, driven by Debian's Chromium.

Screenshots of every page (English and Danish) are saved in tests/artefacts/ for a human to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from served_app import ARTEFACTS, settled

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES_EN = ["Data", "Overview", "Process map", "Variants", "Throughput & deadlines", "Bottlenecks", "Cases",
            "Model", "Compare", "Citizen journeys"]
PAGES_DA = ["Data", "Overblik", "Proceskort", "Varianter", "Gennemløb og frister", "Flaskehalse", "Sager",
            "Model", "Sammenlign", "Borgerforløb"]

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                                 "/usr/bin/chromium (apt-get install chromium); .ci/run installs it")]


@pytest.fixture(scope="module")
def server(samples_app):
    """`streamlit run app.py` on 127.0.0.1 and a free port, on the bundled sample logs (shared, conftest)."""
    return samples_app


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1500, "height": 1250}, accept_downloads=True)
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        tab.goto(server)
        _settled(tab)
        yield tab
        browser.close()


def _settled(tab) -> None:
    """Wait until Streamlit has finished the current run (served_app.settled)."""
    settled(tab)


def _go(tab, label: str) -> None:
    tab.locator("[data-testid='stSidebar'] label").filter(has_text=re.compile(rf"{re.escape(label)}\s*$")).click()
    _settled(tab)
    tab.get_by_role("heading", name=label, exact=True).wait_for()


def _no_exception(tab, where: str) -> None:
    problems = tab.locator("[data-testid='stException']")
    assert problems.count() == 0, f"{where}: {problems.first.inner_text()[:500]}"


def test_the_app_in_chromium(page):
    _go(page, "Overview")
    assert re.fullmatch(r"[\d,]+", page.locator("[data-testid='stMetricValue']").first.inner_text())
    _period_shows_both_dates(page)
    _move_the_path_slider(page)
    _add_a_variant_filter(page)
    _download_the_bpmn(page)
    for label in PAGES_EN:
        _go(page, label)
        _no_exception(page, label)
        page.screenshot(path=str(ARTEFACTS / f"en-{label.split()[0].lower()}.png"))
    page.locator("[data-testid='stSidebar'] label").filter(has_text="Dansk").click()
    _settled(page)
    for label in PAGES_DA:
        _go(page, label)
        _no_exception(page, label)
        body = page.locator("[data-testid='stMain']").inner_text()
        for english in ("Download", "Cases", "Waiting time", "Activities"):
            assert english not in body, f"English {english!r} on the Danish page {label}"
        errors = page.locator("[data-testid='stAlertContentError']")
        assert errors.count() == 0, f"{label}: {errors.first.inner_text()[:300]}"   # e.g. a stale English label
        page.screenshot(path=str(ARTEFACTS / f"da-{label.split()[0].lower()}.png"))


def _period_shows_both_dates(tab) -> None:
    """The period card wraps instead of cutting its value off (as "4 Nov 2024 – 30 Oct 2…")."""
    value = tab.locator("[class*='st-key-procmine-period'] [data-testid='stMetricValue']")
    assert re.fullmatch(r"\d+\s\w+\s\d{4} – \d+\s\w+\s\d{4}", value.inner_text().replace("\n", " "))
    for width in (1500, 1100):
        tab.set_viewport_size({"width": width, "height": 1250})
        tab.wait_for_timeout(300)
        cut = value.evaluate("e => [...e.querySelectorAll('*')].some(x => x.scrollWidth > x.clientWidth + 1)")
        assert not cut, f"the period is cut off at {width} px"
    tab.set_viewport_size({"width": 1500, "height": 1250})


def _move_the_path_slider(tab) -> None:
    from playwright.sync_api import expect
    _go(tab, "Process map")
    picture = tab.locator("#map img")
    before = picture.get_attribute("src")
    tab.get_by_role("slider").nth(1).focus()  # the sliders are activities, then paths
    for _ in range(40):   # steps of 1 %
        tab.keyboard.press("ArrowLeft")
    expect(picture).not_to_have_attribute("src", before, timeout=30_000)   # the map was drawn again
    _settled(tab)
    assert "60 %" in tab.locator("[data-testid='stSlider']").nth(1).inner_text()


def _add_a_variant_filter(tab) -> None:
    from playwright.sync_api import expect
    _go(tab, "Variants")
    tab.locator("[data-testid='stMultiSelect']").filter(has_text="Variants to keep").click()
    tab.get_by_role("option", name="1", exact=True).click()
    tab.keyboard.press("Escape")
    _settled(tab)
    keep = tab.get_by_role("button", name=re.compile("Keep the 1 selected"))
    expect(keep).to_be_enabled()
    keep.click()
    sidebar = tab.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("cases that follow the variant").wait_for()
    _settled(tab)
    assert "(100.0 %)" not in sidebar.inner_text()


def _download_the_bpmn(tab) -> None:
    _go(tab, "Model")
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Download BPMN").click()
    saved = ARTEFACTS / "model.bpmn"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "http://www.omg.org/spec/BPMN/20100524/MODEL" in text and "BPMNDiagram" in text
    assert "Anmodning modtaget" in text   # the first sample log's activities
