"""The Danish app in Chromium, started as users start it (`procmine app --lang da`), in an English browser.

Checks what only a browser shows: no "Deploy" button or developer menu, a Danish
calendar in the date fields (months, Monday first, no English "Date range"), Danish
notes and figures; and an upload kept private and deleted when the server stops.
Screenshots go to tests/artefacts/da-words-*.png for a human to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from served_app import ARTEFACTS, ROOT, procmine_app, served, settled
from shared_data import SHARED_DATA

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = ROOT / "sample_logs" / "byggetilladelse"
ENGLISH_MONTHS = ("January", "February", "March", "April", "June", "July", "August", "September", "October",
                  "November", "December")

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                                 "/usr/bin/chromium (apt-get install chromium); .ci/run installs it")]


@pytest.fixture(scope="module")
def server():
    # started outside the repo root: the toolbar setting must come from procmine, not .streamlit/ here
    with served("streamlit-danish-server.log", command=procmine_app(str(SAMPLE), "--lang", "da"),
                cwd=ROOT / "tests") as server:
        yield server.url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def tab(server, browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(server)
    settled(page)
    yield page
    context.close()


def go(page, label: str) -> None:
    page.locator("[data-testid='stSidebar'] label").filter(has_text=re.compile(rf"{re.escape(label)}\s*$")).click()
    settled(page)
    page.get_by_role("heading", name=label, exact=True).wait_for()


def test_no_deploy_button_or_developer_menu(tab):
    assert tab.locator("[data-testid='stAppDeployButton']").count() == 0
    menu = tab.locator("[data-testid='stMainMenu']")
    if menu.count():
        menu.click()
        tab.wait_for_timeout(500)
        shown = tab.locator("[data-testid='stMainMenuList']").inner_text() if \
            tab.locator("[data-testid='stMainMenuList']").count() else ""
        tab.keyboard.press("Escape")
        assert "Clear cache" not in shown and "Deploy" not in shown


def test_the_data_page_in_danish(tab):
    go(tab, "Data")
    body = tab.locator("[data-testid='stMain']").inner_text()
    assert "Syntetisk hændelseslog" in body and "Arbejdsdage efter dansk kalender" in body
    assert "Synthetic" not in body and "Working days" not in body
    tab.screenshot(path=str(ARTEFACTS / "da-words-data.png"), full_page=True)


def test_the_date_fields_speak_danish_in_an_english_browser(tab):
    assert tab.evaluate("navigator.language") == "da-DK"
    go(tab, "Sammenlign")
    tab.locator("[data-testid='stRadio'] label").filter(has_text="To perioder").click()
    settled(tab)
    body = tab.locator("[data-testid='stMain']").inner_text()
    assert "Date range" not in body and "Periode A: fra" in body
    field = tab.locator("[data-testid='stDateInput']").first
    field.locator("button").last.click()
    tab.wait_for_timeout(800)
    shown = tab.locator("[role='dialog']").first.inner_text()
    tab.screenshot(path=str(ARTEFACTS / "da-words-calendar.png"))
    assert "november" in shown and not any(month in shown for month in ENGLISH_MONTHS), shown[:300]
    assert re.search(r"M\s+T\s+O\s+T\s+F\s+L\s+S", shown), shown[:300]   # Danish weekdays, Monday first
    tab.keyboard.press("Escape")
    settled(tab)
    # the tables are drawn on a canvas: their signed, comma-decimal figures are checked by AppTest
    # (tests/test_app_danish.py) and seen on this screenshot
    tab.screenshot(path=str(ARTEFACTS / "da-words-compare.png"), full_page=True)


def test_a_period_filter_from_the_sidebar_reads_its_last_day_in_danish(tab):
    go(tab, "Overblik")
    sidebar = tab.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Tilføj et filter").click()
    settled(tab)
    kind = sidebar.locator("[data-testid='stSelectbox']").filter(has_text=re.compile(r"^Type"))   # not the case-notion choice above it
    kind.click()
    tab.get_by_role("option", name="Periode", exact=True).click()
    settled(tab)
    assert sidebar.get_by_text("Til (sidste dag, medregnet)").count() == 1
    last = sidebar.locator("[data-testid='stDateInput']").nth(1)
    last.locator("[role='spinbutton']").first.click()   # the day segment; DD.MM.YYYY
    tab.keyboard.type("31122025")
    tab.keyboard.press("Tab")
    settled(tab)
    sidebar.get_by_role("button", name="Tilføj", exact=True).click()
    settled(tab)
    sidebar.get_by_text("til og med 31. dec. 2025").wait_for()
    tab.screenshot(path=str(ARTEFACTS / "da-words-period-filter.png"))
    assert "2026-01-01" not in sidebar.inner_text()


def _upload(page, url: str, upload: Path) -> None:
    page.set_default_timeout(60_000)
    page.goto(url)
    settled(page)
    go(page, "Data")
    page.locator("[data-testid='stRadio'] label").filter(has_text="Upload a file").click()
    settled(page)
    page.locator("[data-testid='stMain'] [data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
    settled(page)


def test_an_upload_in_the_served_app_is_private_and_gone_when_the_server_stops(browser):
    """Upload through the page; the file is 0600 in a 0700 folder while served, and deleted on shutdown."""
    from procmine.ui.upload_store import private_root
    with served("streamlit-upload-server.log", command=procmine_app(str(SAMPLE)), cwd=ROOT / "tests") as server:
        context = browser.new_context()
        page = context.new_page()
        _upload(page, server.url, SHARED_DATA / "running-example.csv")
        page.get_by_role("button", name="Import").click()
        settled(page)
        sessions = set(private_root().glob(f"session-{server.process.pid}-*"))   # this server's (others may run)
        assert len(sessions) == 1
        (folder,) = sessions
        (stored,) = folder.glob("uploads/*/running-example.csv")
        assert stored.stat().st_mode & 0o777 == 0o600 and folder.stat().st_mode & 0o777 == 0o700
        assert "Imported running-example.csv" in page.locator("[data-testid='stMain']").inner_text()
        context.close()
    assert not folder.exists()   # the server stopped when the block ended, and took the uploads with it


def test_a_large_upload_shows_its_progress_and_can_be_cancelled(browser):
    """Road Traffic Fines (2.9 MB of gzip) imports in a child: its step shows, Cancel kills it leaving
    nothing behind, and Import again brings the dataset."""
    from procmine.ui.upload_store import private_root
    with served("streamlit-upload-cancel-server.log", command=procmine_app(str(SAMPLE)),
                cwd=ROOT / "tests") as server:
        context = browser.new_context()
        page = context.new_page()
        _upload(page, server.url, SHARED_DATA / "Road_Traffic_Fine_Management_Process.xes.gz")
        main = page.locator("[data-testid='stMain']")
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_role("button", name="Cancel import").wait_for()
        main.get_by_text(re.compile(r"(Starting the import|Reading the file)… \d+ s")).wait_for()
        page.screenshot(path=str(ARTEFACTS / "upload-progress.png"))
        page.get_by_role("button", name="Cancel import").click()
        main.get_by_text("The import was cancelled; nothing was written.").wait_for()
        page.get_by_role("button", name="Cancel import").wait_for(state="detached")
        (folder,) = private_root().glob(f"session-{server.process.pid}-*")
        datasets = folder / "datasets"
        assert not datasets.exists() or list(datasets.iterdir()) == []
        page.get_by_role("button", name="Import", exact=True).click()
        main.get_by_text("Imported Road_Traffic_Fine_Management_Process.xes.gz: 561,470 events").wait_for(
            timeout=300_000)
        assert len(list(datasets.iterdir())) == 1
        context.close()
