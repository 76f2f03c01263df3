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
