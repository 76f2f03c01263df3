"""Reporting periods: a window of local dates, the cases started, closed and open in it, and its KPIs.

A case starts at its first event and closes at its last event when it is closed
(`closed_at` set, or its last activity is a declared end activity, as
`overview.closed_mask` decides); when the dataset cannot say which cases are
closed, every case counts as closed at its last event. Windows are local dates
(Europe/Copenhagen by default), start inclusive, end exclusive.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from procmine.analysis import kernels as k
from procmine.analysis.deadlines import DeadlineRule, compliance_totals, deadlines
from procmine.analysis.overview import closed_mask
from procmine.analysis.throughput import throughput
from procmine.errors import ConfigError
from procmine.eventlog import EventLog
from procmine.units import in_days
from procmine.workcalendar import WorkCalendar

PeriodKind = Literal["month", "quarter", "year"]
CompareMode = Literal["previous", "year-ago", "none"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "year")
COMPARE_MODES = ("previous", "year-ago", "none")
TREND_COLUMNS = ("start", "end", "cases_started", "cases_closed", "open_cases", "median_days", "p90_days",
                 "median_working_days", "p90_working_days")
_MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}
# Which way a KPI should move: "higher" is better, "lower" is better, None neither (demand).
KPI_DIRECTION = {
    "cases_started": None, "cases_closed": "higher", "open_cases": "lower",
    "median_days": "lower", "p90_days": "lower", "median_working_days": "lower",
    "p90_working_days": "lower", "deadline_compliance": "higher",
}


@dataclass(frozen=True)
class Window:
    """Local dates from `start` (inclusive) to `end` (exclusive)."""

    start: dt.date
    end: dt.date

    def instants(self, timezone: str) -> tuple[int, int]:
        """The window's bounds as UTC microseconds since the epoch."""
        zone = ZoneInfo(timezone)
        start, end = (_micros(dt.datetime.combine(day, dt.time(0), zone)) for day in (self.start, self.end))
        return start, end

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


@dataclass(frozen=True)
class PeriodKpis:
    """The headline figures of a window; None where the log cannot tell (e.g. open cases)."""

    window: Window
    cases_started: int
    cases_closed: int
    open_cases: int | None
    median_days: float
    p90_days: float
    median_working_days: float
    p90_working_days: float
    deadline_cases: int
    deadline_met: int
    deadline_compliance: float | None

    def value(self, name: str) -> float | int | None:
        return getattr(self, name)


@dataclass(frozen=True)
class KpiChange:
    """A KPI now and in the comparison window; verdict is "better", "worse", "same" or "neutral"."""

    name: str
    current: float | int | None
    previous: float | int | None
    difference: float | None
    relative: float | None
    verdict: str | None


def month_shift(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier when negative), clipped to the month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def period_containing(day: dt.date, kind: PeriodKind) -> Window:
    """The month, quarter or year that holds `day`."""
    check_period(kind)
    size = _MONTHS_PER[kind]
    first_month = (day.month - 1) // size * size + 1
    start = dt.date(day.year, first_month, 1) if kind != "year" else dt.date(day.year, 1, 1)
    return Window(start, month_shift(start, size))


def check_period(kind: str) -> str:
    if kind not in PERIOD_KINDS:
        raise ConfigError(f"Unknown period {kind!r}; use one of {', '.join(PERIOD_KINDS)} (e.g. --period month).")
    return kind


def report_window(log: EventLog, kind: PeriodKind, start: dt.date | None = None,
                  last_day: dt.date | None = None, timezone: str = "Europe/Copenhagen") -> Window:
    """The window from `start` to `last_day` (inclusive); open ends from the period of the log's last event."""
    latest = _latest_day(log, timezone)
    end = last_day + dt.timedelta(days=1) if last_day else period_containing(latest, kind).end
    begin = start or period_containing(end - dt.timedelta(days=1), kind).start
    if begin >= end:
        raise ConfigError(f"The report period starts on {begin.isoformat()}, which is not before its last "
                          f"day {(end - dt.timedelta(days=1)).isoformat()}. Give --from before --to.")
    return Window(begin, end)


def comparison_window(window: Window, mode: CompareMode) -> Window | None:
    """The window to compare with: the same length just before, the same dates a year earlier, or None."""
    if mode not in COMPARE_MODES:
        raise ConfigError(f"Unknown comparison {mode!r}; use one of {', '.join(COMPARE_MODES)}.")
    if mode == "none":
        return None
    if mode == "year-ago":
        return Window(month_shift(window.start, -12), month_shift(window.end, -12))
    months = _whole_months(window)
    if months:
        return Window(month_shift(window.start, -months), window.start)
    return Window(window.start - (window.end - window.start), window.start)


def trend_windows(window: Window, kind: PeriodKind, minimum: int) -> list[Window]:
    """The periods from the one holding the window's start to the one holding its end, at least `minimum`."""
    periods = [period_containing(window.last_day, kind)]
    while periods[0].start > window.start or len(periods) < minimum:
        periods.insert(0, period_containing(periods[0].start - dt.timedelta(days=1), kind))
    return periods


def case_spans(log: EventLog) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Per selected case: first event (µs), last event (µs) and closed (bool; None when unknown)."""
    first, last = k.case_first_last(log.arrays)
    return first, last, closed_mask(log)


def closed_in(log: EventLog, window: Window, timezone: str = "Europe/Copenhagen") -> EventLog:
    """The cases closed in the window (their last event in it), as a view of the log."""
    _, last, closed = case_spans(log)
    low, high = window.instants(timezone)
    keep = (last >= low) & (last < high)
    return log.cases_where(keep if closed is None else keep & closed)


def case_counts(log: EventLog, window: Window, timezone: str = "Europe/Copenhagen") -> tuple[int, int, int | None]:
    """Cases started in the window, closed in it, and open at its end (None when unknown)."""
    first, last, closed = case_spans(log)
    low, high = window.instants(timezone)
    started = int(np.count_nonzero((first >= low) & (first < high)))
    ended = (last >= low) & (last < high)
    if closed is None:
        return started, int(np.count_nonzero(ended)), None
    still_open = (first < high) & (~closed | (last >= high))
    return started, int(np.count_nonzero(ended & closed)), int(np.count_nonzero(still_open))


def period_kpis(log: EventLog, window: Window, rules: tuple[DeadlineRule, ...] | None = None,
                calendar: WorkCalendar | None = None) -> PeriodKpis:
    """Started, closed and open cases, throughput of the closed cases and their deadline compliance."""
    calendar = calendar or WorkCalendar()
    started, closed_count, open_cases = case_counts(log, window, calendar.timezone)
    closed = closed_in(log, window, calendar.timezone)
    summary = throughput(closed, calendar=calendar).summary.iloc[0]
    checked, met, share = (0, 0, None)
    if closed.num_cases:
        checked, met, share = compliance_totals(deadlines(closed, rules, calendar))
    return PeriodKpis(
        window=window, cases_started=started, cases_closed=closed_count, open_cases=open_cases,
        median_days=in_days(float(summary["median_seconds"])), p90_days=in_days(float(summary["p90_seconds"])),
        median_working_days=float(summary["median_working_days"]),
        p90_working_days=float(summary["p90_working_days"]),
        deadline_cases=checked, deadline_met=met, deadline_compliance=share)


def period_trend(log: EventLog, windows: list[Window], calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """Per window: cases started, closed, open at its end, and median/P90 throughput of the closed cases."""
    calendar = calendar or WorkCalendar()
    rows = []
    for window in windows:
        started, closed_count, open_cases = case_counts(log, window, calendar.timezone)
        summary = throughput(closed_in(log, window, calendar.timezone), calendar=calendar).summary.iloc[0]
        rows.append((window.start, window.end, started, closed_count, open_cases,
                     in_days(float(summary["median_seconds"])), in_days(float(summary["p90_seconds"])),
                     float(summary["median_working_days"]), float(summary["p90_working_days"])))
    return pd.DataFrame(rows, columns=list(TREND_COLUMNS))


def kpi_changes(current: PeriodKpis, previous: PeriodKpis | None) -> list[KpiChange]:
    """Each KPI of KPI_DIRECTION against the comparison window, with whether it got better or worse.

    A comparison window in which no case started or closed gives nothing to compare with.
    """
    if previous is not None and previous.cases_started == 0 and previous.cases_closed == 0:
        previous = None
    return [_change(name, current.value(name), None if previous is None else previous.value(name), way)
            for name, way in KPI_DIRECTION.items()]


def _change(name: str, now, before, direction: str | None) -> KpiChange:
    if now is None or before is None or np.isnan(float(now)) or np.isnan(float(before)):
        return KpiChange(name, now, before, None, None, None)
    difference = float(now) - float(before)
    relative = difference / abs(float(before)) if before else None
    if direction is None:
        verdict = "neutral"
    elif abs(difference) < 1e-12:
        verdict = "same"
    else:
        verdict = "better" if (difference > 0) == (direction == "higher") else "worse"
    return KpiChange(name, now, before, difference, relative, verdict)


def _latest_day(log: EventLog, timezone: str) -> dt.date:
    timestamps = log.unfiltered().arrays.timestamp if log.num_events == 0 else log.arrays.timestamp
    if len(timestamps) == 0:
        return dt.datetime.now(ZoneInfo(timezone)).date()
    days = int(k.local_days(np.array([timestamps.max()]), timezone)[0])
    return dt.date(1970, 1, 1) + dt.timedelta(days=days)


def _whole_months(window: Window) -> int:
    """Months the window spans when it runs from a first of the month to a first of the month, else 0."""
    if window.start.day != 1 or window.end.day != 1:
        return 0
    return (window.end.year - window.start.year) * 12 + window.end.month - window.start.month


def _micros(moment: dt.datetime) -> int:
    return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
