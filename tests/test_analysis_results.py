"""Overview, throughput, bottlenecks, deadlines and compare on small hand-made logs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from analysis_helpers import make_log

from procmine.analysis import (
    DeadlineRule,
    bottlenecks,
    compare,
    compare_by,
    deadlines,
    load_rules,
    overview,
    throughput,
)
from procmine.errors import ConfigError, FilterError, ProcmineError
from procmine.workcalendar import WorkCalendar

DAY = 86_400
# Monday 2024-03-04 09:00 Copenhagen = 08:00 UTC; 2024-01-01 is the helper's epoch.
MONDAY = (dt.datetime(2024, 3, 4, 8, tzinfo=dt.UTC)
          - dt.datetime(2024, 1, 1, tzinfo=dt.UTC)).total_seconds()
ROWS = [("a", "Start", 0), ("a", "Work", 100), ("a", "End", 400),
        ("b", "Start", 50), ("b", "Work", 250), ("b", "Work", 300), ("b", "End", 1000),
        ("c", "Start", 10), ("c", "Work", 20)]
CASES = {"case_id": ["a", "b", "c"], "case_type": ["x", "y", "x"],
         "closed_at": [dt.datetime(2024, 2, 1), dt.datetime(2024, 2, 2), None]}


def test_overview_counts_and_open_cases_by_closed_at():
    result = overview(make_log(ROWS, CASES))
    assert (result.cases, result.events, result.activities, result.variants) == (3, 9, 3, 3)
    assert result.open_cases == 1 and result.open_cases_rule == "no closed_at"
    assert result.median_throughput_seconds == 400.0
    assert result.first_timestamp == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert result.last_timestamp - result.first_timestamp == dt.timedelta(seconds=1000)


def test_open_cases_by_declared_end_activities_or_unknown():
    declared = overview(make_log(ROWS, meta={"end_activities": ["End"]}))
    assert declared.open_cases == 1 and declared.open_cases_rule == "last activity not an end activity"
    assert overview(make_log(ROWS)).open_cases is None


def test_throughput_by_attribute_with_trend_and_working_days():
    rows = [("a", "Start", MONDAY), ("a", "End", MONDAY + 2 * DAY),           # Mon 09:00 → Wed 09:00
            ("b", "Start", MONDAY), ("b", "End", MONDAY + 7 * DAY)]           # → next Mon 09:00
    result = throughput(make_log(rows, {"case_id": ["a", "b"], "case_type": ["x", "y"]}),
                        by="case_type", period="month", calendar=WorkCalendar.public_holidays_only())
    assert result.summary["case_type"].tolist() == ["x", "y"]
    assert result.summary["median_seconds"].tolist() == [2 * DAY, 7 * DAY]
    assert result.summary["median_working_days"].tolist() == pytest.approx([2.0, 5.0])
    assert result.trend["period"].tolist() == ["2024-03", "2024-03"]
    assert "Danish calendar" in result.calendar


def test_throughput_rejects_unknown_attribute_and_period():
    log = make_log(ROWS, CASES)
    with pytest.raises(FilterError, match="'kle'.*case_type"):
        throughput(log, by="kle")
    with pytest.raises(ProcmineError, match="fortnight"):
        throughput(log, period="fortnight")


def test_bottlenecks_rank_waiting_and_handovers():
    result = bottlenecks(make_log(ROWS, resources=["r1", "r2", "r1", "r1", "r1", "r2", None, "r3", "r3"]))
    top = result.transitions.iloc[0]
    assert (top.source, top.target, top.total_seconds) == ("Work", "End", 1000.0)
    assert result.activities.set_index("activity").loc["Work", "total_wait_seconds"] == 100 + 200 + 50 + 10
    workload = result.resources.set_index("resource")
    assert workload.loc["r1", "events"] == 4 and workload.loc["r1", "cases"] == 2
    assert workload.loc["(none)", "events"] == 1
    pairs = {(r.source, r.target): r.count for r in result.handovers.itertuples()}
    assert pairs == {("r1", "r2"): 2, ("r2", "r1"): 1, ("r2", "(none)"): 1}
    assert result.org_unit_handovers is None


def _deadline_log():
    received, decided = MONDAY, MONDAY + 9 * DAY            # Monday → Wednesday next week: 7 working days
    rows = [("ok", "Anmodning modtaget", received), ("ok", "Afgørelse", decided),
            ("late", "Anmodning modtaget", received), ("late", "Afgørelse", decided + DAY),
            ("open", "Anmodning modtaget", received), ("open", "Journaliseret", received + 30 * DAY),
            ("other", "Henvendelse modtaget", received), ("other", "Svar sendt", received + DAY)]
    return make_log(rows, {"case_id": ["ok", "late", "open", "other"],
                           "case_type": ["aktindsigt", "aktindsigt", "aktindsigt", "borgerhenvendelse"]})


def test_default_deadlines_count_working_days_and_list_breaches():
    report = deadlines(_deadline_log(), calendar=WorkCalendar.public_holidays_only())
    rules = report.rules.set_index("rule")
    akt = rules.loc["aktindsigt § 36"]
    assert (akt.cases, akt.met, akt.open_cases, akt.open_overdue) == (2, 1, 1, 1)
    assert akt.share_met == 0.5
    assert report.breaches["case_id"].tolist() == ["late"]
    assert report.breaches["days"].tolist() == [8]
    assert report.breaches["due"].tolist() == [dt.date(2024, 3, 13)]
    assert rules.loc["borgerhenvendelse svar", "share_met"] == 1.0
    assert "byggetilladelse servicemål" in report.skipped
    assert "public holidays" in report.calendar


def test_calendar_day_rules_and_rule_errors(tmp_path):
    rule = DeadlineRule(name="fast", start="Anmodning modtaget", end="case end", within=10, unit="calendar_days")
    report = deadlines(_deadline_log(), (rule,))
    assert report.rules.loc[0, "cases"] == 3 and report.rules.loc[0, "met"] == 2   # "open" ends 30 days on
    unknown = DeadlineRule(name="bad", start="Nope", within=3, unit="weeks")
    with pytest.raises(ConfigError, match="'bad'.*'Nope'"):
        deadlines(_deadline_log(), (unknown,))
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - name: r\n    within: 5\n    unit: working_days\n    colour: red\n")
    with pytest.raises(ConfigError, match="rule 1.*colour"):
        load_rules(path)
    path.write_text('{"rules": [{"name": "r", "within": 5, "unit": "weeks", "end": "Svar sendt"}]}')
    assert load_rules(path)[0].limit_days == 35


def test_compare_groups_by_attribute():
    log = make_log(ROWS, CASES)
    result = compare_by(log, "case_type")
    assert result.labels == ("case_type=x", "case_type=y")
    kpis = result.kpis.set_index("metric")
    assert (kpis.loc["cases", "a"], kpis.loc["cases", "b"], kpis.loc["cases", "difference"]) == (2, 1, -1)
    edges = result.edges.set_index(["source", "target"])
    assert edges.loc[("Work", "Work"), "share_difference"] == 1.0
    assert edges.loc[("Start", "Work"), "share_difference"] == 0.0
    assert np.isclose(edges.loc[("Start", "Work"), "median_difference_seconds"], 200 - 55)
    same = compare(log, log)
    assert (same.kpis["difference"].fillna(0) == 0).all()
    with pytest.raises(FilterError, match="1 value"):
        compare_by(make_log(ROWS, {"case_id": ["a", "b", "c"], "case_type": ["x", "x", "x"]}), "case_type")
