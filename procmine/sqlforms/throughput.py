"""Throughput in SQL: per case (calendar time and working days), summarised per group and per period.

Working days are office time in Danish working days, as `WorkCalendar.working_days_between`:
the difference of two office-time positions, looked up in the `days` join table by the local
date of each instant (the calendar's zone). Trend periods are in the dataset's zone and put a
case in the period of its last event, labelled as pandas labels periods (2024-03, 2024Q1, ...).
"""

from __future__ import annotations

from typing import TypedDict

import pandas as pd

from procmine.sqlforms.common import (
    CASE_RUNS_CTE,
    EVENTS_CTE,
    MICROS,
    identifier,
    local_date,
    prepare_case_runs,
    working_position,
)
from procmine.workcalendar import WorkCalendar

PERIOD_LABELS = {
    "month": "strftime(end_date, '%Y-%m')",
    "quarter": "CAST(year(end_date) AS VARCHAR) || 'Q' || CAST(quarter(end_date) AS VARCHAR)",
    "year": "strftime(end_date, '%Y')",
    "week": "strftime(date_trunc('week', end_date), '%Y-%m-%d') || '/' || "
            "strftime(date_trunc('week', end_date) + INTERVAL 6 DAY, '%Y-%m-%d')",
}

CASES_CTE = f"""case_times AS (
    SELECT r.case_index, r.case_id, r.first_t, r.last_t, r.duration,
           {local_date("r.last_at", "dataset_zone")} AS end_date,
           {working_position("r.last_t", "d1")} - {working_position("r.first_t", "d0")} AS working_days
    FROM case_runs r
    JOIN days d0 ON d0.local_date = {local_date("r.first_at", "calendar_zone")}
    JOIN days d1 ON d1.local_date = {local_date("r.last_at", "calendar_zone")})"""

STATISTICS = f"""count(*) AS cases,
       avg(duration) / {MICROS} AS mean_seconds,
       quantile_cont(duration, 0.5) / {MICROS} AS median_seconds,
       quantile_cont(duration, 0.9) / {MICROS} AS p90_seconds,
       min(duration) / {MICROS} AS min_seconds, max(duration) / {MICROS} AS max_seconds,
       quantile_cont(working_days, 0.5) AS median_working_days,
       quantile_cont(working_days, 0.9) AS p90_working_days"""


def cases_statement() -> str:
    return f"""
WITH {EVENTS_CTE}, {CASE_RUNS_CTE}, {CASES_CTE}
SELECT case_id, first_t, last_t, duration / {MICROS} AS duration_seconds, working_days AS duration_working_days
FROM case_times ORDER BY case_index"""


def summary_statement(by: str | None, period: str | None) -> str:
    """Statistics per (period,) (group,); the group is a case attribute from `cases`."""
    keys, join = [], ""
    if period is not None:
        keys.append(f"{PERIOD_LABELS[period]} AS period")
    if by is not None:
        keys.append(f"c.{identifier(by)} AS {identifier(by)}")
        join = "LEFT JOIN cases c ON c.case_id = t.case_id"
    names = [key.rsplit(" AS ", 1)[1] for key in keys]
    group = f"GROUP BY {', '.join(names)} ORDER BY {', '.join(n + ' NULLS LAST' for n in names)}" if names else ""
    select = ", ".join(keys + [STATISTICS])
    return f"""
WITH {EVENTS_CTE}, {CASE_RUNS_CTE}, {CASES_CTE}
SELECT {select}
FROM case_times t {join}
{group}"""


def parameters(calendar: WorkCalendar, zone: str) -> dict:
    return {"calendar_zone": calendar.timezone, "dataset_zone": zone}


class Found(TypedDict):
    """What `compute` gives: the cases, the summary, and the trend (None without a period)."""

    cases: pd.DataFrame
    summary: pd.DataFrame
    trend: pd.DataFrame | None


def compute(engine, zone: str, calendar: WorkCalendar, by: str | None = None,
            period: str | None = None) -> Found:
    """cases, summary (per `by`) and trend (per period and `by`, None without a period).

    The `days` table must be registered for `calendar` (common.register_days).
    """
    prepare_case_runs(engine)
    values = parameters(calendar, zone)
    return {"cases": engine.query(cases_statement(), values),
            "summary": engine.query(summary_statement(by, None), values),
            "trend": None if period is None else engine.query(summary_statement(by, period), values)}
