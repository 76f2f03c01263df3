"""Reporting periods in SQL: per window, cases started, closed and open at its end, and their throughput.

As `analysis.periods.period_trend`: a case starts at its first event and closes at its last when
it is closed (`closed_at` set, or a declared end activity last; when the dataset cannot say,
every case is closed at its last event and open cases are unknown). The windows (local dates,
start inclusive, end exclusive) come in as the `windows` table with their UTC bounds.
The deadline compliance of a period is the deadlines form over the cases closed in it.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from procmine.analysis.periods import TREND_COLUMNS, Window
from procmine.dataset_meta import DatasetMeta
from procmine.sqlforms import overview
from procmine.sqlforms.common import CASE_RUNS_CTE, EVENTS_CTE, prepare_case_runs
from procmine.sqlforms.throughput import CASES_CTE
from procmine.units import DAY_US

CLOSED = {
    "no closed_at": "c.closed_at IS NOT NULL",
    "last activity not an end activity": "ea.activity IS NOT NULL",
    "unknown": "TRUE",
}


def statement(open_rule: str) -> str:
    join_cases = overview.JOINS.get(open_rule, "")
    in_window = "f.closed AND f.last_t >= w.low_t AND f.last_t < w.high_t"
    open_cases = ("CAST(NULL AS BIGINT)" if open_rule == "unknown" else
                  "CAST(coalesce(sum(CASE WHEN f.first_t < w.high_t AND (NOT f.closed OR f.last_t >= w.high_t) "
                  "THEN 1 ELSE 0 END), 0) AS BIGINT)")
    return f"""
WITH {EVENTS_CTE}, {CASE_RUNS_CTE}, {CASES_CTE},
flags AS (
    SELECT t.first_t, t.last_t, t.duration, t.working_days, {CLOSED[open_rule]} AS closed
    FROM case_times t JOIN case_runs r ON r.case_index = t.case_index {join_cases})
SELECT w.start_date AS "start", w.end_date AS "end",
       CAST(coalesce(sum(CASE WHEN f.first_t >= w.low_t AND f.first_t < w.high_t THEN 1 ELSE 0 END), 0)
            AS BIGINT) AS cases_started,
       CAST(coalesce(sum(CASE WHEN {in_window} THEN 1 ELSE 0 END), 0) AS BIGINT) AS cases_closed,
       {open_cases} AS open_cases,
       quantile_cont(CASE WHEN {in_window} THEN f.duration END, 0.5) / {DAY_US} AS median_days,
       quantile_cont(CASE WHEN {in_window} THEN f.duration END, 0.9) / {DAY_US} AS p90_days,
       quantile_cont(CASE WHEN {in_window} THEN f.working_days END, 0.5) AS median_working_days,
       quantile_cont(CASE WHEN {in_window} THEN f.working_days END, 0.9) AS p90_working_days
FROM windows w LEFT JOIN flags f ON TRUE
GROUP BY w.start_date, w.end_date ORDER BY w.start_date"""


def register_windows(engine, windows: list[Window], timezone: str) -> None:
    bounds = [window.instants(timezone) for window in windows]
    engine.register("windows", pa.table({
        "start_date": pa.array([w.start for w in windows], type=pa.date32()),
        "end_date": pa.array([w.end for w in windows], type=pa.date32()),
        "low_t": pa.array([low for low, _ in bounds], type=pa.int64()),
        "high_t": pa.array([high for _, high in bounds], type=pa.int64()),
    }))


def compute(engine, windows: list[Window], meta: DatasetMeta, calendar_zone: str, dataset_zone: str) -> pd.DataFrame:
    """One row per window with TREND_COLUMNS. The `days` table must be registered (common.register_days)."""
    prepare_case_runs(engine)
    register_windows(engine, windows, calendar_zone)
    rule = overview.open_rule(engine, meta)
    table = engine.query(statement(rule), {"calendar_zone": calendar_zone, "dataset_zone": dataset_zone})
    return table[list(TREND_COLUMNS)]
