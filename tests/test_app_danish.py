"""AppTest in Danish: no English words left on any page, Danish decimals, periods, working-day waits."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from app_testing import go, start_app, texts

from procmine.filters import TimeframeFilter
from procmine.ui import state
from procmine.ui.compare_page import default_attribute

SAMPLE = Path(__file__).resolve().parents[1] / "sample_logs" / "byggetilladelse"
PAGES = ("data", "overview", "map", "variants", "throughput", "bottlenecks", "cases", "model", "compare")
# English seen in the Danish app before issue #19, and the raw names of the canonical columns.
LEFTOVERS = ("Inductive miner", "Heuristics miner", "Synthetic event log", "Working days by", "Date range",
             "instant", "Wrote", "office hours", "public holidays", "case_id", "start_timestamp", "(none)")
RAW_HEADERS = {"case_id", "activity", "timestamp", "resource", "lifecycle", "case_type", "channel", "start",
               "cases_started", "cases_closed", "open_cases", "median_days", "p90_days", "median_working_days",
               "median_seconds", "mean_seconds", "source", "target", "count", "cases", "period"}
RAW_VALUE = re.compile(r"^(nan|NaN|None|NaT|<NA>)$")
ENGLISH_DECIMAL = re.compile(r"\d\.\d+ ?(d|%|t|pct)")


def shown_tables(at) -> list[pd.DataFrame]:
    return [frame.value for frame in at.dataframe]


def everything_shown(at) -> str:
    cells = [str(v) for frame in shown_tables(at) for column in frame.columns for v in frame[column].head(50)
             if not isinstance(v, float)]   # a float cell is a number column: it is shown as a number
    options = [str(o) for kind in ("selectbox", "radio", "multiselect") for w in getattr(at, kind)
               for o in getattr(w, "options", [])]
    return "\n".join([texts(at), *cells, *options, *(m.value for m in at.metric)])


@pytest.fixture(scope="module")
def danish_pages():
    at = start_app(SAMPLE, "data", lang="da")
    shown = {}
    for page in PAGES:
        go(at, page)
        shown[page] = (everything_shown(at), [list(f.columns) for f in shown_tables(at)])
    return shown


@pytest.mark.parametrize("page", PAGES)
def test_no_english_leftovers_on_a_danish_page(danish_pages, page):
    words, headers = danish_pages[page]
    found = [word for word in LEFTOVERS if word in words]
    assert not found, f"{page}: English left: {found}"
    raw = [h for columns in headers for h in columns if h in RAW_HEADERS]
    assert not raw, f"{page}: raw column names as headers: {raw}"
    assert not ENGLISH_DECIMAL.search(words), f"{page}: English decimal point: {ENGLISH_DECIMAL.search(words)}"
    raw_values = [line for line in words.splitlines() if RAW_VALUE.match(line.strip())]
    assert not raw_values, f"{page}: raw missing values shown: {raw_values[:3]}"


def test_data_page_notes_are_danish(danish_pages):
    words, _ = danish_pages["data"]
    assert "Syntetisk hændelseslog" in words and "Arbejdsdage efter dansk kalender" in words


def test_bottlenecks_show_waiting_in_working_days(danish_pages):
    _, headers = danish_pages["bottlenecks"]
    assert any("Median ventetid (arbejdsdage)" in columns for columns in headers)


def test_compare_kpis_have_signed_differences_and_no_id_default(danish_pages):
    at = start_app(SAMPLE, "compare", lang="da")
    assert at.selectbox(key="compare_attribute").value != "case_id"
    kpis = at.dataframe[0].value
    assert "Forskel B − A" in kpis.columns
    changes = " ".join(kpis["Ændring B mod A"])
    assert re.search(r"[+−]\d+,\d %", changes), changes


def test_the_period_filter_reads_inclusive_danish_dates():
    at = start_app(SAMPLE, "overview", lang="da", filters=[
        TimeframeFilter(between=(pd.Timestamp("2025-01-01").to_pydatetime(),
                                 pd.Timestamp("2025-02-01").to_pydatetime()))])
    sidebar = "\n".join(m.value for m in at.sidebar.markdown)
    assert "fra 1. jan. 2025 til og med 31. jan. 2025" in sidebar


def test_the_period_form_has_two_single_date_fields():
    at = start_app(SAMPLE, "overview", lang="da")
    at.sidebar.selectbox(key="filter_kind").set_value("timeframe").run()
    fields = {d.key: d for d in at.sidebar.date_input}
    assert {"filter_timeframe_from", "filter_timeframe_to"} <= set(fields)
    fields["filter_timeframe_from"].set_value(pd.Timestamp("2025-03-01").date()).run()
    at.sidebar.date_input(key="filter_timeframe_to").set_value(pd.Timestamp("2025-03-31").date()).run()
    at.sidebar.button(key="filter_add").click().run()
    (added,) = at.session_state[state.FILTERS_KEY]
    assert added.between[0].date().isoformat() == "2025-03-01"
    # The last day is included: the stored end is its last instant (the inclusive Between).
    assert added.between[1].isoformat() == "2025-03-31T23:59:59.999999+02:00"


@pytest.mark.parametrize("names, distinct, expected", [
    (["case_ref", "channel"], {"case_ref": 600, "channel": 3}, "channel"),
    (["sagsnr", "kle"], {"sagsnr": 5, "kle": 4}, "kle"),
    (["channel", "department"], {"channel": 1, "department": 4}, "department"),
    (["person_id"], {"person_id": 600}, "person_id"),
])
def test_compare_defaults_to_a_grouping_attribute(names, distinct, expected):
    assert default_attribute(names, 600, distinct.__getitem__) == expected
