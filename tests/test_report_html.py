"""The HTML report: every figure equals the engine's, no external URL, golden files, Danish throughout."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from pathlib import Path

import lxml.html
import pytest

import procmine
from procmine.analysis import bottlenecks, variants
from procmine.analysis import periods as p
from procmine.analysis.bottlenecks import workload_by
from procmine.analysis.breakdown import deadlines_by, group_summary
from procmine.analysis.deadlines import load_rules
from procmine.analysis.quality import data_quality
from procmine.filters import TimeframeFilter
from procmine.i18n import all_texts
from procmine.report import ReportSettings, build_report, render_html

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_logs" / "aktindsigt"
GOLDEN = Path(__file__).with_name("golden")
FIXED_CLOCK = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
SECTIONS = ("header", "facts", "kpis", "trend", "compliance", "groups", "variants", "bottlenecks", "map",
            "workload", "quality", "footer")


@pytest.fixture(scope="module")
def log():
    return procmine.open(SAMPLE)


@pytest.fixture(scope="module")
def pages(log) -> dict[str, str]:
    """The aktindsigt report in both languages, broken down by department, with a fixed clock."""
    return {lang: render_html(build_report(log, ReportSettings(lang=lang, group_by="department"), "aktindsigt",
                                           generated_at=FIXED_CLOCK)) for lang in ("en", "da")}


def _value(text: str):
    return None if text == "" else float(text)


def _close(shown, expected) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return shown is None
    return shown is not None and math.isclose(shown, float(expected), rel_tol=1e-12, abs_tol=1e-12)


def _cells(row) -> dict[str, float | None]:
    return {cell.get("data-field"): _value(cell.get("data-value")) for cell in row.xpath(".//*[@data-field]")}


def test_kpis_equal_the_engine(pages, log):
    window = p.report_window(log, "month")
    current, previous = p.period_kpis(log, window), p.period_kpis(log, p.comparison_window(window, "previous"))
    doc = lxml.html.fromstring(pages["en"])
    cards = {card.get("data-kpi"): card for card in doc.xpath("//*[@data-kpi]")}
    assert set(cards) == set(p.KPI_DIRECTION)
    changes = {c.name: c for c in p.kpi_changes(current, previous)}
    for name, card in cards.items():
        assert _close(_value(card.get("data-value")), current.value(name)), name
        assert _close(_value(card.get("data-previous")), previous.value(name)), name
        assert changes[name].previous == previous.value(name)
    verdicts = {name: c.verdict for name, c in changes.items()}
    assert {name: card.get("class").split()[-1] for name, card in cards.items()} == \
        {name: f"verdict-{verdict}" for name, verdict in verdicts.items()}
    assert current.cases_closed > 0 and {"better", "worse"} & set(verdicts.values())


def test_trend_and_tables_equal_the_engine(pages, log):
    doc = lxml.html.fromstring(pages["da"])
    window = p.report_window(log, "month")
    trend = p.period_trend(log, p.trend_windows(window, "month", 12))
    rows = doc.xpath("//section[@data-section='trend']//tr[@data-period]")
    assert [r.get("data-period") for r in rows] == [d.isoformat() for d in trend["start"]]
    for row, expected in zip(rows, trend.itertuples(index=False)):
        for field, value in _cells(row).items():
            assert _close(value, getattr(expected, field)), field
    closed = p.closed_in(log, window)
    _check_rows(doc.xpath("//table[@data-table='compliance-kle_group']//tr[@data-group]"),
                deadlines_by(closed, "kle_group"), ("group", "rule"))
    _check_rows(doc.xpath("//table[@data-table='compliance-department']//tr[@data-group]"),
                deadlines_by(closed, "department"), ("group", "rule"))
    _check_rows(doc.xpath("//table[@data-table='groups']//tr[@data-group]"),
                group_summary(closed, "department"), ("group",))
    _check_rows(doc.xpath("//table[@data-table='bottlenecks']//tr[@data-source]"),
                bottlenecks(closed).transitions.head(10), ("source", "target"))


def _check_rows(rows, frame, keys) -> None:
    assert len(rows) == len(frame) > 0
    for row, expected in zip(rows, frame.itertuples(index=False)):
        assert [row.get(f"data-{k}") for k in keys] == [str(getattr(expected, k)) for k in keys]
        for field, value in _cells(row).items():
            assert _close(value, getattr(expected, field)), field


def test_variants_workload_and_quality_equal_the_engine(pages, log):
    doc = lxml.html.fromstring(pages["en"])
    window = p.report_window(log, "month")
    found = variants(p.closed_in(log, window)).to_pandas().head(10)
    items = doc.xpath("//li[@data-variant]")
    assert [i.get("data-activities") for i in items] == [" → ".join(a) for a in found["activities"]]
    for item, expected in zip(items, found.itertuples(index=False)):
        for field, value in _cells(item).items():
            assert _close(value, getattr(expected, field)), field
    low, high = (dt.datetime.combine(d, dt.time(0)) for d in (window.start, window.end))
    load = workload_by(log.filter(TimeframeFilter(between=(low, high), mode="trim")), "org_unit").head(10)
    _check_rows(doc.xpath("//table[@data-table='workload']//tr[@data-name]"),
                load.rename(columns={"org_unit": "name"}), ("name",))
    quality = data_quality(log)
    notes = {r.get("data-quality"): _value(r.get("data-value")) for r in doc.xpath("//tr[@data-quality]")}
    assert notes == {"open_cases": quality.open_cases, "cases_without_end": quality.cases_without_end,
                     "identical_timestamps": quality.identical_timestamps, "out_of_order": quality.out_of_order,
                     "rare_activities": len(quality.rare_activities)}


@pytest.mark.parametrize("lang", ["en", "da"])
def test_self_contained_without_external_references(pages, lang):
    page = pages[lang]
    assert not re.search(r"https?://", page), re.search(r".{60}https?://.{60}", page)
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|src=", page, re.I)
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page
    doc = lxml.html.fromstring(page)
    assert {s.get("data-section") for s in doc.xpath("//*[@data-section]")} == set(SECTIONS)
    assert doc.xpath("//figure[@class='map']/svg[@class='process-map']")
    assert "@media print" in page and "break-before: page" in page


def test_danish_report_has_no_english_words(pages):
    page = lxml.html.fromstring(pages["da"]).body.text_content()    # words shown, not the CSS
    english = {texts["en"] for key, texts in all_texts().items()
               if key.startswith("report.") and texts["en"] != texts["da"] and "{" not in texts["en"]
               and len(texts["en"]) > 3}
    assert not [words for words in english if re.search(rf"(?<!\w){re.escape(words)}(?!\w)", page)]
    assert "okt. 2026" in page and "sep. 2026" in page
    assert re.search(r"\d+,\d %", page) and re.search(r"\d,\d dage", page)
    assert not re.search(r"\d\.\d %", page)


def _normalised(page: str) -> str:
    """The page without what changes between machines: Graphviz's layout and procmine's version."""
    page = re.sub(r'<svg class="process-map".*?</svg>', '<svg class="process-map">(map)</svg>', page, flags=re.S)
    return re.sub(r"procmine \d+\.\d+\.\d+\S*", "procmine (version)", page)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_golden_files(pages, lang):
    """Refresh with PROCMINE_UPDATE_GOLDEN=1 after an intended change, and review the diff."""
    golden = GOLDEN / f"report_aktindsigt_{lang}.html"
    page = _normalised(pages[lang])
    if os.environ.get("PROCMINE_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(page, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing; make it with PROCMINE_UPDATE_GOLDEN=1 and review it"
    expected = golden.read_text(encoding="utf-8")
    if page != expected:
        import difflib

        diff = "".join(list(difflib.unified_diff(expected.splitlines(True), page.splitlines(True), str(golden),
                                                 "rendered", n=1))[:60])
        pytest.fail(f"the report differs from {golden.name} (PROCMINE_UPDATE_GOLDEN=1 refreshes it):\n{diff}")


def test_a_period_without_cases_says_so(log):
    settings = ReportSettings(lang="da", **{"from": dt.date(2020, 1, 1), "to": dt.date(2020, 1, 31)})
    data = build_report(log, settings, "aktindsigt", generated_at=FIXED_CLOCK)
    assert data.empty and data.kpis.cases_closed == 0
    doc = lxml.html.fromstring(render_html(data))
    assert doc.xpath("//*[@data-empty='true']")
    assert "Ingen sager blev startet eller afsluttet i" in doc.text_content()
    assert doc.xpath("//*[@data-kpi='cases_started']")[0].get("data-value") == "0"


def test_cases_closed_without_the_rules_end_get_a_column(log, tmp_path):
    """A rule whose end most cases never reach ("Fristbrev sendt"): the cases closed without it are counted
    (as met or breached at their closing) and shown in a column of their own, in both languages."""
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {name: fristbrev, start: Anmodning modtaget, end: Fristbrev sendt, within: 7, "
                     "unit: working_days}\n", encoding="utf-8")
    settings = ReportSettings(lang="da", group_by="department", deadlines=rules)
    doc = lxml.html.fromstring(render_html(build_report(log, settings, "aktindsigt", generated_at=FIXED_CLOCK)))
    table = doc.xpath("//table[@data-table='compliance-department']")[0]
    assert "Afsluttet uden slutaktiviteten" in table.xpath(".//thead")[0].text_content()
    closed = p.closed_in(log, p.report_window(log, "month"))
    expected = deadlines_by(closed, "department", load_rules(rules))
    assert expected["closed_without_end"].sum() > 0
    _check_rows(table.xpath(".//tr[@data-group]"), expected, ("group", "rule"))
    shown = [r.xpath("./td[@data-field='closed_without_end']")[0].get("data-value")
             for r in table.xpath(".//tr[@data-group]")]
    assert shown == [str(v) for v in expected["closed_without_end"]]


def test_the_column_is_left_out_where_no_case_closed_without_the_end(pages):
    doc = lxml.html.fromstring(pages["en"])
    assert not doc.xpath("//section[@data-section='compliance']//td[@data-field='closed_without_end']")
    assert "Closed without the end activity" not in doc.xpath("//section[@data-section='compliance']")[0].text_content()
