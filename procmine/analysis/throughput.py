"""Throughput: how long cases take, in calendar time and Danish working days, by period and group."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.analysis import kernels as k
from procmine.errors import FilterError
from procmine.eventlog import EventLog
from procmine.schema import CASE_ID, CASE_INDEX
from procmine.workcalendar import WorkCalendar

PERIODS = {"week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
SUMMARY_COLUMNS = ("cases", "mean_seconds", "median_seconds", "p90_seconds", "min_seconds",
                   "max_seconds", "median_working_days", "p90_working_days")


@dataclass(frozen=True)
class Throughput:
    """Case throughput times: per case, summarised (per group), and as a trend per period.

    A case's throughput runs from its first to its last event. Working days are office
    time in Danish working days (`WorkCalendar.working_days_between`); `calendar` names
    the calendar used. The trend puts a case in the period (the dataset's local time) of its last
    event: "cases finished in the month", as management reads it.
    """

    cases: pd.DataFrame
    summary: pd.DataFrame
    trend: pd.DataFrame | None
    by: str | None
    period: str | None
    calendar: str

    def to_pandas(self) -> pd.DataFrame:
        return self.summary.copy()


def throughput(log: EventLog, by: str | None = None, period: str | None = None,
               calendar: WorkCalendar | None = None) -> Throughput:
    """Throughput times of the log's cases, optionally grouped by a case attribute and per period."""
    if period is not None and period not in PERIODS:
        raise FilterError(f"Unknown period {period!r}; use one of {', '.join(PERIODS)}.")
    calendar = calendar or WorkCalendar()
    cases = case_throughput(log, calendar)
    if by is not None:
        cases[by] = case_attribute(log, by)
    groups = [by] if by else []
    trend = None
    if period is not None:
        ends = cases["end"].dt.tz_convert(dataset_timezone(log)).dt.tz_localize(None)
        cases["period"] = ends.dt.to_period(PERIODS[period]).astype(str)
        trend = summarise(cases, ["period"] + groups)
        cases = cases.drop(columns=["period"])
    return Throughput(cases=cases, summary=summarise(cases, groups), trend=trend, by=by,
                      period=period, calendar=calendar.describe())


def dataset_timezone(log: EventLog) -> str:
    """The zone the dataset's local dates are read in (procmine.json `timezone`, else Copenhagen)."""
    return log.dataset.meta.timezone


def case_throughput(log: EventLog, calendar: WorkCalendar) -> pd.DataFrame:
    """One row per selected case: case_id, start, end, duration_seconds, duration_working_days."""
    arrays = log.arrays
    first, last = k.case_first_last(arrays)
    case_ids = log.base.case_ids.take(arrays.case_index).to_numpy(zero_copy_only=False)
    return pd.DataFrame({
        CASE_ID: case_ids,
        "start": pd.to_datetime(first, unit="us", utc=True),
        "end": pd.to_datetime(last, unit="us", utc=True),
        "duration_seconds": k.seconds(last - first),
        "duration_working_days": calendar.working_days_between(first, last) if len(first) else [],
    })


def case_attribute(log: EventLog, name: str) -> np.ndarray:
    """Values of a case attribute per selected case; an unknown name is a FilterError listing the known."""
    table = log.cases_table()
    known = [c for c in table.column_names if c not in (CASE_INDEX,)]
    if name not in known:
        raise FilterError(f"Unknown case attribute {name!r}; the log's case attributes are "
                          f"{', '.join(known)}. Group by one of them.")
    return table.column(name).to_numpy(zero_copy_only=False)


def summarise(cases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Throughput statistics of the cases per combination of `keys` (one row when none)."""
    if keys:
        grouped = cases.groupby(keys, sort=True, dropna=False)
        ids = grouped.ngroup().to_numpy()
        table = grouped.size().reset_index()[keys]
    else:
        ids = np.zeros(len(cases), np.int64)
        table = pd.DataFrame(index=[0])
    durations = np.rint(cases["duration_seconds"].to_numpy() * k.MICROS).astype(np.int64)
    stats = k.group_stats(ids, durations, len(table))
    working = pd.Series(cases["duration_working_days"].to_numpy(dtype=float)).groupby(ids)
    table["cases"] = stats.count
    for column, values in (("mean_seconds", stats.mean), ("median_seconds", stats.median),
                           ("p90_seconds", stats.p90), ("min_seconds", stats.minimum),
                           ("max_seconds", stats.maximum)):
        table[column] = k.seconds(values)
    table["median_working_days"] = working.median().reindex(range(len(table))).to_numpy()
    table["p90_working_days"] = working.quantile(0.9).reindex(range(len(table))).to_numpy()
    return table.reset_index(drop=True)
