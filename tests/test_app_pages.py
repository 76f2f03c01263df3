"""AppTest: map, variants, throughput & deadlines, bottlenecks and cases show the engine's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_testing import assert_no_exception, go, start_app, texts

from procmine.analysis.bottlenecks import bottlenecks
from procmine.analysis.deadlines import DeadlineRule, deadlines
from procmine.analysis.dfg import dfg
from procmine.analysis.throughput import throughput
from procmine.analysis.variants import variants
from procmine.filters import EventAttributeFilter, FollowerFilter, ResourcesFilter, VariantsFilter
from procmine.formatting import format_duration, format_number, format_percent
from procmine.opening import open_log
from procmine.ui import state

LOG = "WABO_receipt.xes.gz"
STACK = [VariantsFilter(top=10)]


@pytest.fixture(scope="module")
def wabo(imported_dataset):
    return imported_dataset(LOG)


@pytest.fixture(scope="module")
def filtered(wabo):
    return open_log(wabo).filter(*STACK)


def _frame(at, key: str):
    """The shown table drawn by downloads.table(key=...): by its key when selectable, else by columns."""
    keyed = [d for d in at.dataframe if d.key == key]
    if keyed:
        return keyed[0].value
    columns = COLUMNS[key]
    return next(d.value for d in at.dataframe if list(d.value.columns[:len(columns)]) == columns)


COLUMNS = {
    "throughput_summary_table": ["Department", "Cases", "Median"],
    "deadlines_rules_table": ["Rule", "Case type", "Limit"],
    "deadlines_breaches_table": ["Rule", "Case", "Started"],
    "bottlenecks_transitions_table": ["From", "To", "Times", "Cases", "Median waiting time"],
    "bottlenecks_resources_table": ["Resources", "Events", "Cases", "Active days"],
    "cases_table_table": ["Case", "Started", "Ended", "Throughput"],
    "cases_events_table": ["Activity", "Time"],
}


def test_map_tables_equal_the_engines_dfg_and_sliders_redraw(wabo, filtered):
    at = start_app(wabo, "map", filters=STACK)
    edges = dfg(filtered).edges
    shown = _frame(at, "map_edges_table")
    assert list(shown.iloc[:, 0]) == list(edges["source"])
    assert list(shown.iloc[:, 2]) == [format_number(v, "en") for v in edges["count"]]
    assert list(shown.iloc[:, 4]) == [format_duration(v, "en") for v in edges["median_seconds"]]
    full_map = at.html[0].value
    at.slider(key="map_paths").set_value(0).run()
    at.radio(key="map_metric").set_value("performance").run()
    assert_no_exception(at)
    assert at.html[0].value != full_map
    assert len(at.html[0].value) < len(full_map)   # fewer paths drawn


def test_map_click_adds_an_activity_filter(wabo, filtered):
    at = start_app(wabo, "map", filters=STACK)
    activity = dfg(filtered).activities["activity"].iloc[1]
    at.selectbox(key="map_pick_activity").set_value(activity).run()
    at.button(key="map_keep_activity").click().run()
    assert_no_exception(at)
    assert at.session_state[state.FILTERS_KEY] == STACK + [EventAttributeFilter(values=(activity,))]


def test_variants_table_and_variant_filter(wabo, filtered):
    at = start_app(wabo, "variants", filters=STACK)
    found = variants(filtered)
    shown = _frame(at, "variants_table")
    assert len(shown) == len(found) == 10
    assert list(shown.iloc[:, 1]) == [format_number(v, "en") for v in found.cases]
    assert list(shown.iloc[:, 3]) == [format_percent(v, "en") for v in found.cumulative_share]
    assert list(shown.iloc[:, 4]) == [format_duration(v, "en") for v in found.median_throughput_seconds]
    at.multiselect(key="variants_pick").set_value([1, 3]).run()
    at.button(key="variants_keep").click().run()
    assert_no_exception(at)
    chosen = VariantsFilter(variants=(found.sequences[0], found.sequences[2]))
    assert at.session_state[state.FILTERS_KEY] == STACK + [chosen]
    expected = open_log(wabo).filter(*STACK, chosen).num_cases
    assert expected == found.cases[0] + found.cases[2]
    assert f"{format_number(expected, 'en')} of 1,434 cases" in texts(at)


def test_throughput_summary_and_groups_equal_the_engines(wabo, filtered):
    at = start_app(wabo, "throughput", filters=STACK)
    at.selectbox(key="throughput_by").set_value("department").run()
    assert_no_exception(at)
    expected = throughput(filtered, by="department", period="month").summary
    shown = _frame(at, "throughput_summary_table")
    assert list(shown.iloc[:, 0]) == list(expected["department"].astype(str))
    assert list(shown.iloc[:, 1]) == [format_number(v, "en") for v in expected["cases"]]
    assert list(shown.iloc[:, 2]) == [format_duration(v, "en") for v in expected["median_seconds"]]


def test_deadline_rules_are_editable_and_compliance_is_the_engines(wabo, filtered):
    at = start_app(wabo, "throughput", filters=STACK)
    assert "No deadline rules fit this log yet" in texts(at)
    activities = sorted(filtered.base.activity_names, key=str.casefold)
    at.text_input(key="deadline_name").input("receipt")
    at.number_input(key="deadline_within").set_value(5)
    at.selectbox(key="deadline_start").set_value(activities[0])
    at.button(key="FormSubmitter:deadline_add-Add").click().run()
    assert_no_exception(at)
    rule = DeadlineRule(name="receipt", start=activities[0], within=5, unit="working_days")
    report = deadlines(filtered, (rule,))
    shown = _frame(at, "deadlines_rules_table")
    assert list(shown.iloc[:, 3]) == [format_number(v, "en") for v in report.rules["cases"]]
    assert list(shown.iloc[:, 4]) == [format_percent(v, "en") for v in report.rules["share_met"]]
    assert len(_frame(at, "deadlines_breaches_table")) == min(len(report.breaches), 1000)
    at.button(key="deadline_remove_0").click().run()
    assert at.session_state["deadline_rules"] == []


def test_bottlenecks_rank_like_the_engine_and_filter_a_resource(wabo, filtered):
    at = start_app(wabo, "bottlenecks", filters=STACK)
    found = bottlenecks(filtered)
    shown = _frame(at, "bottlenecks_transitions_table")
    assert list(shown.iloc[:, 0]) == list(found.transitions["source"])
    assert list(shown.iloc[:, 5]) == [format_duration(v, "en") for v in found.transitions["total_seconds"]]
    workload = _frame(at, "bottlenecks_resources_table")
    assert list(workload.iloc[:, 1]) == [format_number(v, "en") for v in found.resources["events"]]
    assert any("<svg" in h.value or "data:image/svg+xml" in h.value for h in at.html)
    resource = found.resources["resource"].iloc[0]
    at.selectbox(key="bottlenecks_pick_resource").set_value(resource).run()
    at.button(key="bottlenecks_keep_resource").click().run()
    assert at.session_state[state.FILTERS_KEY] == STACK + [ResourcesFilter(resources=(resource,))]
    first = found.transitions.iloc[0]
    at = start_app(wabo, "bottlenecks", filters=STACK)
    at.button(key="bottlenecks_keep_transition").click().run()
    assert at.session_state[state.FILTERS_KEY] == STACK + [
        FollowerFilter(activity=first["source"], followed_by=first["target"], relation="directly")]


def test_cases_page_lists_the_filtered_cases_and_searches(wabo, filtered):
    at = start_app(wabo, "cases", filters=STACK)
    per_case = throughput(filtered).cases
    shown = _frame(at, "cases_table_table")
    assert len(shown) == min(len(per_case), 1000)
    assert list(shown.iloc[:, 3]) == [format_duration(v, "en") for v in per_case["duration_seconds"][:1000]]
    wanted = per_case["case_id"].iloc[5]
    at.text_input(key="cases_search").input(wanted).run()
    assert_no_exception(at)
    assert list(_frame(at, "cases_table_table").iloc[:, 0]) == [wanted]
    events = _frame(at, "cases_events_table")
    log_events = filtered.events_table().to_pandas()
    assert len(events) == int((log_events["case_id"] == wanted).sum())


def test_every_page_in_danish_has_no_exception_and_danish_headers(wabo):
    at = start_app(wabo, "overview", lang="da", filters=STACK)
    for page, header in (("map", "Proceskort"), ("variants", "Varianter"), ("throughput", "Gennemløb og frister"),
                         ("bottlenecks", "Flaskehalse"), ("cases", "Sager")):
        go(at, page)
        assert at.header[0].value == header
        assert "Download" not in texts(at)


def test_a_bundled_sample_through_every_page_with_a_filter(monkeypatch):
    from pathlib import Path

    from procmine.analysis.overview import overview
    from procmine.filters import CaseAttributeFilter
    samples = Path(__file__).resolve().parents[1] / "sample_logs"
    monkeypatch.setenv(state.SAMPLES_ENV, str(samples))
    first = sorted(p for p in samples.iterdir() if (p / "procmine.json").is_file())[0]
    at = start_app(first, "data")
    at.button(key="data_open_sample").click().run()
    assert at.session_state[state.DATASET_KEY] == str(first)
    log = open_log(first)
    attribute = next(c for c in ("department", "channel") if c in log.base.cases.column_names)
    value = sorted(v for v in log.base.cases.column(attribute).to_pylist() if v)[0]
    at.sidebar.selectbox(key="filter_kind").set_value("case_attribute").run()
    at.sidebar.selectbox(key="filter_case_attribute").set_value(attribute).run()
    at.sidebar.multiselect(key=f"filter_case_values_{attribute}").set_value([value]).run()
    at.sidebar.button(key="filter_add").click().run()
    stack = [CaseAttributeFilter(attribute=attribute, values=(value,))]
    assert at.session_state[state.FILTERS_KEY] == stack
    go(at, "overview")
    facts = overview(log.filter(*stack))
    assert at.metric[0].value == format_number(facts.cases, "en")
    assert at.metric[4].value == format_duration(facts.median_throughput_seconds, "en")
    for page in ("map", "variants", "throughput", "bottlenecks", "cases", "model", "compare"):
        go(at, page)
        assert not at.error, f"{page}: {at.error[0].value}"


def test_deadline_cases_closed_without_the_end_are_counted_and_explained():
    """aktindsigt to "Fristbrev sendt": most cases close without it; the table counts them as the engine does."""
    sample = Path(__file__).resolve().parents[1] / "sample_logs" / "aktindsigt"
    at = start_app(sample, "throughput")
    at.text_input(key="deadline_name").input("fristbrev")
    at.number_input(key="deadline_within").set_value(7)
    at.selectbox(key="deadline_start").set_value("Anmodning modtaget")
    at.selectbox(key="deadline_end").set_value("Fristbrev sendt")
    at.button(key="FormSubmitter:deadline_add-Add").click().run()
    assert_no_exception(at)
    rule = DeadlineRule(name="fristbrev", start="Anmodning modtaget", end="Fristbrev sendt", within=7,
                        unit="working_days")
    expected = deadlines(open_log(sample), (rule,)).rules.set_index("rule").loc["fristbrev"]
    shown = _frame(at, "deadlines_rules_table").set_index("Rule").loc["fristbrev"]
    assert expected["closed_without_end"] > 0
    assert shown["Closed without the end activity"] == format_number(expected["closed_without_end"], "en")
    assert "closed without the rule's end activity" in texts(at)
