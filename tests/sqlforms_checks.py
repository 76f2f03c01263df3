"""Differential checks shared by the DuckDB and Spark tests: a SQL form's result equals the kernels'.

Counts must be equal; durations within 1 ms; working days within 1e-7 (a millisecond of an
office day is 3.5e-8); shares within 1e-9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from procmine import analysis
from procmine.analysis import periods as p
from procmine.sqlforms import bottlenecks, common, compare, deadlines, dfg, overview, periods, throughput, variants
from procmine.workcalendar import WorkCalendar

SECONDS, WORKING_DAYS, SHARE = 1e-3, 1e-7, 1e-9
CALENDAR = WorkCalendar()


def assert_frames(found: pd.DataFrame, expected: pd.DataFrame, exact=(), close: dict | None = None,
                  keys: list[str] | None = None) -> None:
    """Same rows (in order, or sorted by `keys`); `exact` columns equal, `close` columns within a tolerance."""
    assert len(found) == len(expected), (len(found), len(expected))
    if keys:
        found = found.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
        expected = expected.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
    for column in exact:
        left = [None if _missing(v) else _plain(v) for v in found[column].tolist()]
        right = [None if _missing(v) else _plain(v) for v in expected[column].tolist()]
        assert left == right, column
    for column, tolerance in (close or {}).items():
        left = pd.to_numeric(found[column], errors="coerce").to_numpy(dtype=float)
        right = pd.to_numeric(expected[column], errors="coerce").to_numpy(dtype=float)
        assert np.allclose(left, right, rtol=0, atol=tolerance, equal_nan=True), \
            (column, np.nanmax(np.abs(left - right)) if len(left) else None)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT


def _plain(value):
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def check_overview(engine, log) -> None:
    found, expected = overview.compute(engine, log.dataset.meta), analysis.overview(log)
    for name in ("cases", "events", "activities", "variants", "open_cases", "open_cases_rule"):
        assert _plain(found[name]) == expected.as_dict()[name], name
    if expected.cases == 0:       # a view its filters emptied: no times to compare
        assert found["first_timestamp_us"] is None and np.isnan(found["median_throughput_seconds"])
        return
    micros = int(expected.first_timestamp.timestamp() * 1_000_000), int(expected.last_timestamp.timestamp() * 1_000_000)
    assert (found["first_timestamp_us"], found["last_timestamp_us"]) == micros
    for name in ("median_throughput_seconds", "mean_throughput_seconds", "p90_throughput_seconds"):
        assert abs(found[name] - expected.as_dict()[name]) <= SECONDS, name


def check_variants(engine, log) -> None:
    expected = analysis.variants(log).to_pandas()
    assert_frames(variants.compute(engine), expected, exact=("activities", "cases"),
                  close={"share": SHARE, "median_throughput_seconds": SECONDS,
                         "mean_throughput_seconds": SECONDS, "p90_throughput_seconds": SECONDS})


def check_dfg(engine, log) -> None:
    found, expected = dfg.compute(engine), analysis.dfg(log)
    timing = dict.fromkeys(("mean_seconds", "median_seconds", "p90_seconds", "min_seconds", "max_seconds"), SECONDS)
    assert_frames(found["edges"], expected.edges, exact=("source", "target", "count", "cases"),
                  close={**timing, "total_seconds": SECONDS * 1000})
    assert_frames(found["activities"], expected.activities, exact=("activity", "events", "cases"),
                  close={"mean_repeats": SHARE, "service_mean_seconds": SECONDS, "service_median_seconds": SECONDS})
    assert found["start_activities"] == expected.start_activities
    assert found["end_activities"] == expected.end_activities
    assert (found["num_cases"], found["num_events"]) == (expected.num_cases, expected.num_events)


def group_attribute(log) -> str | None:
    """A text case attribute with 2-20 values (case_type first) whose two largest groups are clear."""
    cases = log.cases_table()
    names = sorted((n for n in cases.column_names if n not in ("case_id", "case_index")),
                   key=lambda n: n != "case_type")
    for name in names:
        values = pd.Series(cases.column(name).to_pylist()).dropna()
        counts = values.astype(str).value_counts()
        if values.map(lambda v: isinstance(v, str)).all() and 2 <= len(counts) <= 20 and \
                (len(counts) == 2 or counts.iloc[1] != counts.iloc[2]):
            return name
    return None


def check_throughput(engine, log) -> None:
    by = group_attribute(log)
    common.register_days(engine, CALENDAR)
    found = throughput.compute(engine, log.dataset.meta.timezone, CALENDAR, by=by, period="month")
    expected = analysis.throughput(log, by=by, period="month", calendar=CALENDAR)
    epoch = pd.Timestamp(0, tz="UTC")
    cases = expected.cases.assign(first_t=(expected.cases["start"] - epoch) // pd.Timedelta(microseconds=1))
    assert_frames(found["cases"], cases, exact=("case_id", "first_t"),
                  close={"duration_seconds": SECONDS, "duration_working_days": WORKING_DAYS})
    statistics = {**dict.fromkeys(("mean_seconds", "median_seconds", "p90_seconds", "min_seconds", "max_seconds"), SECONDS),
                  "median_working_days": WORKING_DAYS, "p90_working_days": WORKING_DAYS}
    keys = [by] if by else []
    assert_frames(found["summary"], expected.summary, exact=(*keys, "cases"), close=statistics, keys=keys or None)
    assert_frames(found["trend"], expected.trend, exact=("period", *keys, "cases"), close=statistics,
                  keys=["period", *keys])


def check_bottlenecks(engine, log) -> None:
    calendar = WorkCalendar()   # analysis.bottlenecks' calendar
    common.register_days(engine, calendar)
    found, expected = bottlenecks.compute(engine, calendar.timezone), analysis.bottlenecks(log)
    # The kernels keep working days to a millionth of a day per wait; totals add those roundings up.
    working = {"median_working_days": 1e-5, "total_working_days": 1e-2}
    assert_frames(found["transitions"], expected.transitions, exact=("source", "target", "count", "cases"),
                  close={"mean_seconds": SECONDS, "median_seconds": SECONDS, "total_seconds": SECONDS * 1000,
                         **working})
    assert_frames(found["activities"], expected.activities, exact=("activity", "arrivals", "cases"),
                  close={"mean_wait_seconds": SECONDS, "median_wait_seconds": SECONDS,
                         "total_wait_seconds": SECONDS * 1000, "median_wait_working_days": 1e-5,
                         "total_wait_working_days": 1e-2})
    for name in ("resources", "handovers", "org_unit_handovers"):
        assert (found[name] is None) == (getattr(expected, name) is None), name
    if expected.resources is not None:
        assert_frames(found["resources"], expected.resources, exact=("resource", "events", "cases", "active_days"),
                      close={"service_seconds": SECONDS * 1000})
    for name in ("handovers", "org_unit_handovers"):
        if getattr(expected, name) is not None:
            assert_frames(found[name], getattr(expected, name), exact=("source", "target", "count", "cases"))


def check_deadlines(engine, log, rules=None) -> None:
    common.register_days(engine, CALENDAR)
    found = deadlines.compute(engine, CALENDAR.timezone, rules, meta=log.dataset.meta)
    expected = analysis.deadlines(log, rules, CALENDAR)
    assert found["skipped"] == expected.skipped
    assert_frames(found["rules"], expected.rules,
                  exact=("rule", "cases", "met", "closed_without_end", "open_cases", "open_overdue"),
                  close={"share_met": SHARE, "median_days": 0, "p90_days": 1e-9})
    late, expected_late = found["breaches"], expected.breaches
    assert_frames(late.assign(due=late["due"].map(as_date), start=micros(late["start"]), end=micros(late["end"])),
                  expected_late.assign(due=expected_late["due"].map(as_date), start=micros(expected_late["start"]),
                                       end=micros(expected_late["end"])),
                  exact=("rule", "case_id", "start", "end", "days", "limit_days", "due"))


def as_date(value):
    return value.date() if hasattr(value, "date") else value


def micros(column: pd.Series) -> pd.Series:
    """Aware times (any unit) as integer microseconds since the epoch."""
    times = pd.to_datetime(column, utc=True)
    return (times - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(microseconds=1)


def check_compare(engine, log) -> None:
    attribute = group_attribute(log)
    if attribute is None:
        return
    found, expected = compare.compute(engine, attribute, log.dataset.meta), analysis.compare_by(log, attribute)
    assert found["labels"] == expected.labels
    assert_frames(found["kpis"], expected.kpis, exact=("metric",),
                  close={"a": SECONDS, "b": SECONDS, "difference": SECONDS, "relative_difference": 1e-9})
    assert_frames(found["edges"], expected.edges, exact=("source", "target"),
                  close={"share_a": SHARE, "share_b": SHARE, "share_difference": SHARE,
                         "median_a_seconds": SECONDS, "median_b_seconds": SECONDS,
                         "median_difference_seconds": SECONDS}, keys=["source", "target"])
    assert_frames(found["variants"], expected.variants, exact=("activities",),
                  close={"share_a": SHARE, "share_b": SHARE, "share_difference": SHARE,
                         "median_throughput_a_seconds": SECONDS, "median_throughput_b_seconds": SECONDS},
                  keys=["activities"])


def check_periods(engine, log) -> None:
    common.register_days(engine, CALENDAR)
    windows = p.trend_windows(p.report_window(log, "month"), "month", 12)
    found = periods.compute(engine, windows, log.dataset.meta, CALENDAR.timezone,
                            log.dataset.meta.timezone)
    expected = p.period_trend(log, windows, CALENDAR)
    found = found.assign(start=found["start"].map(as_date), end=found["end"].map(as_date))
    assert_frames(found, expected, exact=("start", "end", "cases_started", "cases_closed", "open_cases"),
                  close={"median_days": SECONDS / 86_400, "p90_days": SECONDS / 86_400,
                         "median_working_days": WORKING_DAYS, "p90_working_days": WORKING_DAYS})


CHECKS = {"overview": check_overview, "variants": check_variants, "dfg": check_dfg,
          "throughput": check_throughput, "bottlenecks": check_bottlenecks, "deadlines": check_deadlines,
          "compare": check_compare, "periods": check_periods}
