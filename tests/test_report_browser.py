"""The report in headless Chromium: every section visible and not blank, screenshots in tests/artefacts/."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import procmine
from procmine.report import ReportSettings, build_report, write_html

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = Path(__file__).with_name("artefacts")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SECTIONS = ("kpis", "trend", "compliance", "groups", "variants", "bottlenecks", "map", "workload", "quality")

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
                                 reason="Chromium is absent (/usr/bin/chromium)")]


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("lang", ["en", "da"])
def test_sections_render_and_screenshots(browser, tmp_path, lang):
    data = build_report(procmine.open(ROOT / "sample_logs" / "byggetilladelse"),
                        ReportSettings(lang=lang, period="quarter", group_by="channel"), "byggetilladelse",
                        generated_at=dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC))
    page_file = write_html(data, tmp_path / f"report_{lang}.html")
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    for section in SECTIONS:
        box = page.locator(f"section[data-section='{section}']").bounding_box()
        assert box and box["height"] > 80 and box["width"] > 600, section
        assert len(page.locator(f"section[data-section='{section}']").inner_text().strip()) > 40, section
    for chart in ("section#trend svg.chart", "section#map svg.process-map", "section#variants svg.chevrons"):
        box = page.locator(chart).first.bounding_box()
        assert box and box["height"] > 30 and box["width"] > 200, chart
    assert requests == [page_file.as_uri()]          # nothing fetched but the file itself
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"report_{lang}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1   # no sideways scrolling on a phone
    page.screenshot(path=str(ARTEFACTS / f"report_{lang}_phone.png"), full_page=True)
    page.pdf(path=str(ARTEFACTS / f"report_{lang}.pdf"), format="A4")
    assert (ARTEFACTS / f"report_{lang}.pdf").stat().st_size > 20_000
    page.close()


def test_the_risk_section_keeps_the_card_short_on_screen_and_whole_in_print(browser, tmp_path):
    data = build_report(procmine.open(ROOT / "sample_logs" / "aktindsigt"),
                        ReportSettings(lang="en", period="quarter", predict=True), "aktindsigt",
                        generated_at=dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC))
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(write_html(data, tmp_path / "report_risk.html").as_uri())
    summary, details = page.locator("[data-card]").first, page.locator("[data-card-details] p").first
    assert "Remaining time: mean absolute error" in summary.inner_text()
    assert summary.is_visible() and not details.is_visible()          # the how-it-was-measured paragraphs fold
    page.locator("[data-card-details] summary").first.click()
    assert details.is_visible() and "Remaining time counts" in page.locator("[data-card-details]").first.inner_text()
    page.locator("[data-card-details] summary").first.click()
    page.emulate_media(media="print")
    assert details.is_visible()                                         # printed open
    page.close()


def test_the_drivers_of_citizen_journeys_wrap_their_long_variants(browser, tmp_path):
    log = procmine.open(ROOT / "sample_logs" / "kommune", case_notion="citizen")   # a citizen's variant spans cases
    data = build_report(log, ReportSettings(lang="en", period="quarter", predict=True), "kommune",
                        generated_at=dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC))
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(write_html(data, tmp_path / "report_citizen.html").as_uri())
    drivers = page.locator("[data-table='risk-drivers']")
    assert "variant: #" in drivers.inner_text() and "rework: yes" in drivers.inner_text()   # drivers in words
    assert drivers.locator("xpath=..").evaluate("e => e.scrollWidth <= e.clientWidth + 1")   # no sideways scrolling
    page.close()
