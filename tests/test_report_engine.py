"""Engine functions the report needs: windows, period KPIs and changes, groups, data quality, workload."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from procmine.analysis import periods as p
from procmine.analysis.bottlenecks import workload_by
from procmine.analysis.breakdown import deadlines_by, group_summary, kle_groups
from procmine.analysis.deadlines import DeadlineRule, check_rules, compliance_totals, deadlines
from procmine.analysis.quality import data_quality
from procmine.dataset import Dataset, normalise_cases, normalise_events
from procmine.dataset_meta import DatasetMeta
from procmine.errors import ConfigError
from procmine.eventlog import EventLog
from procmine.importing.frames import IN_MEMORY

UTC = dt.UTC


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, tzinfo=UTC)


# case, activity, time, org_unit. k1-k3 close in March, k4 in April, k5 is still open; k2 has a tie.
EVENTS = [
    ("k1", "Modtaget", at(3, 1)), ("k1", "Afgørelse", at(3, 5)),
    ("k2", "Modtaget", at(2, 20)), ("k2", "Behandling", at(3, 4)), ("k2", "Afgørelse", at(3, 4)),
    ("k3", "Modtaget", at(3, 10)), ("k3", "Afgørelse", at(3, 29)),
    ("k4", "Modtaget", at(3, 25)), ("k4", "Sjælden", at(4, 2)), ("k4", "Afgørelse", at(4, 3)),
    ("k5", "Modtaget", at(3, 28)), ("k5", "Behandling", at(4, 10)),
]
CASES = {"case_id": ["k1", "k2", "k3", "k4", "k5"], "case_type": ["a", "a", "b", "a", "b"],
         "kle": ["02.34.02", "02.34.10", "27.24.00", None, "02.34.02"],
         "opened_at": [at(3, 1), at(2, 21), at(3, 10), at(3, 25), at(3, 28)],
         "closed_at": [at(3, 5), at(3, 4), at(3, 29), at(4, 3), None]}
RULES = (DeadlineRule(name="afgørelse", start="Modtaget", end="Afgørelse", within=10, unit="calendar_days"),)


@pytest.fixture(scope="module")
def log() -> EventLog:
    columns = list(zip(*EVENTS))
    events = normalise_events(pa.table({"case_id": list(columns[0]), "activity": list(columns[1]),
                                        "timestamp": pa.array(columns[2], pa.timestamp("us", tz="UTC")),
                                        "org_unit": ["u1", "u2", "u1", "u2", "u2", "u1", "u2", "u1", "u2",
                                                     "u2", "u1", None]}))
    cases = normalise_cases(pa.table({k: pa.array(v) for k, v in CASES.items()}), events)
    return EventLog.from_dataset(Dataset(IN_MEMORY, events, cases,
                                               DatasetMeta.of_events(events, timezone="Europe/Copenhagen")))


def test_period_containing_and_month_shift():
    assert p.period_containing(dt.date(2024, 5, 17), "quarter") == p.Window(dt.date(2024, 4, 1), dt.date(2024, 7, 1))
    assert p.period_containing(dt.date(2024, 12, 31), "month") == p.Window(dt.date(2024, 12, 1), dt.date(2025, 1, 1))
    assert p.month_shift(dt.date(2024, 3, 31), -1) == dt.date(2024, 2, 29)
    with pytest.raises(ConfigError, match="week"):
        p.period_containing(dt.date(2024, 1, 1), "week")


def test_comparison_windows():
    march = p.Window(dt.date(2024, 3, 1), dt.date(2024, 4, 1))
    assert p.comparison_window(march, "previous") == p.Window(dt.date(2024, 2, 1), dt.date(2024, 3, 1))
    assert p.comparison_window(march, "year-ago") == p.Window(dt.date(2023, 3, 1), dt.date(2023, 4, 1))
    assert p.comparison_window(march, "none") is None
    ten_days = p.Window(dt.date(2024, 3, 5), dt.date(2024, 3, 15))
    assert p.comparison_window(ten_days, "previous") == p.Window(dt.date(2024, 2, 24), dt.date(2024, 3, 5))


def test_report_window_defaults_to_the_period_of_the_last_event(log):
    assert p.report_window(log, "month") == p.Window(dt.date(2024, 4, 1), dt.date(2024, 5, 1))
    assert p.report_window(log, "month", dt.date(2024, 3, 1), dt.date(2024, 3, 31)) == \
        p.Window(dt.date(2024, 3, 1), dt.date(2024, 4, 1))
    with pytest.raises(ConfigError, match="not before"):
        p.report_window(log, "month", dt.date(2024, 4, 1), dt.date(2024, 3, 1))


def test_case_counts_and_period_kpis(log):
    march = p.Window(dt.date(2024, 3, 1), dt.date(2024, 4, 1))
    assert p.case_counts(log, march) == (4, 3, 2)     # started k1 k3 k4 k5; closed k1 k2 k3; open k4 k5
    kpis = p.period_kpis(log, march, RULES)
    assert (kpis.cases_started, kpis.cases_closed, kpis.open_cases) == (4, 3, 2)
    assert kpis.median_days == pytest.approx(13.0)    # k1 4 days, k2 13 days, k3 19 days
    assert (kpis.deadline_cases, kpis.deadline_met) == (3, 1)
    assert kpis.deadline_compliance == pytest.approx(1 / 3)


def test_kpi_changes_say_better_or_worse(log):
    march, april = (p.Window(dt.date(2024, m, 1), dt.date(2024, m + 1, 1)) for m in (3, 4))
    changes = {c.name: c for c in p.kpi_changes(p.period_kpis(log, april, RULES), p.period_kpis(log, march, RULES))}
    assert changes["cases_closed"].difference == -2 and changes["cases_closed"].verdict == "worse"
    assert changes["open_cases"].verdict == "better"               # 2 -> 1
    assert changes["cases_started"].verdict == "neutral"
    assert changes["median_days"].current == pytest.approx(9.0) and changes["median_days"].verdict == "better"
    assert changes["deadline_compliance"].verdict == "better"      # 1/3 -> 1/1
    assert all(c.verdict is None for c in p.kpi_changes(p.period_kpis(log, april), None))
    january = p.period_kpis(log, p.Window(dt.date(2024, 1, 1), dt.date(2024, 2, 1)))
    assert all(c.previous is None and c.verdict is None for c in p.kpi_changes(p.period_kpis(log, april), january))


def test_period_trend_matches_the_kpis_of_each_window(log):
    windows = p.trend_windows(p.Window(dt.date(2024, 4, 1), dt.date(2024, 5, 1)), "month", 3)
    assert [w.start.month for w in windows] == [2, 3, 4]
    trend = p.period_trend(log, windows)
    for window, row in zip(windows, trend.itertuples(index=False)):
        kpis = p.period_kpis(log, window)
        assert (row.cases_started, row.cases_closed) == (kpis.cases_started, kpis.cases_closed)
        assert np.isclose(row.median_days, kpis.median_days, equal_nan=True)


def test_compliance_by_group_and_kle(log):
    assert list(kle_groups(np.array(["02.34.02", None, "27.24"], dtype=object))) == ["02.34", None, "27.24"]
    by_type = deadlines_by(log, "case_type", RULES)
    assert by_type[["group", "cases", "met", "breaches"]].values.tolist() == [["a", 3, 2, 1], ["b", 1, 0, 1]]
    by_kle = deadlines_by(log, "kle_group", RULES)
    assert dict(zip(by_kle["group"], by_kle["cases"])) == {"(none)": 1, "02.34": 2, "27.24": 1}
    assert compliance_totals(deadlines(log, RULES)) == (4, 2, 0.5)
    summary = group_summary(log, "case_type", RULES)
    assert summary["group"].tolist() == ["a", "b"] and summary["cases"].tolist() == [3, 2]


def test_check_rules_names_the_unknown_activity(log):
    check_rules(log, RULES)
    with pytest.raises(ConfigError, match="'Godkendt' does not occur"):
        check_rules(log, (DeadlineRule(name="x", start="Modtaget", end="Godkendt", within=3, unit="weeks"),))


def test_data_quality_notes(log):
    quality = data_quality(log, rare_share=0.25)
    assert quality.open_cases == 1
    assert quality.end_activities == ("Afgørelse", "Behandling") and quality.cases_without_end == 0
    assert quality.identical_timestamps == 1
    assert quality.out_of_order == 1                  # k2 "Modtaget" lies before the case was opened
    assert quality.out_of_order_checks == ("opened_at", "closed_at")
    assert quality.rare_activities["activity"].tolist() == ["Sjælden"]


def test_workload_by_org_unit(log):
    table = workload_by(log, "org_unit")
    assert dict(zip(table["org_unit"], table["events"])) == {"u2": 6, "u1": 5, "(none)": 1}
    assert workload_by(log, "team") is None
