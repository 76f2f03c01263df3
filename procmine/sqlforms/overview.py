"""Overview in SQL: cases, events, activities, variants, time span, open cases and throughput.

`statement(open_rule, sides)` is grouped by a `side` per case: "all" for the overview, the two
compared groups for `compare`. Open cases follow `analysis.overview`: no `closed_at` when the case
table has that column, else a last activity that is not a declared end activity, else unknown.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from procmine.dataset_meta import DatasetMeta
from procmine.sqlforms.common import CASE_RUNS_CTE, CLOSED_AT, EVENTS_CTE, MICROS, prepare_case_runs

ALL_CASES = "sides AS (SELECT case_index, 'all' AS side FROM case_runs)"

OPEN_CASES = {
    "no closed_at": "CAST(sum(CASE WHEN c.closed_at IS NULL THEN 1 ELSE 0 END) AS BIGINT)",
    "last activity not an end activity":
        "CAST(sum(CASE WHEN ea.activity IS NULL THEN 1 ELSE 0 END) AS BIGINT)",
    "unknown": "CAST(NULL AS BIGINT)",
}
# A join, not `IN (subquery)`: Spark accepts subquery predicates only in filters and joins.
JOINS = {"no closed_at": "LEFT JOIN cases c ON c.case_id = r.case_id",
         "last activity not an end activity": "LEFT JOIN end_activities ea ON ea.activity = r.last_activity"}


def statement(open_rule: str, sides: str = ALL_CASES) -> str:
    """The overview SQL: one row per side."""
    join_cases = JOINS.get(open_rule, "")
    return f"""
WITH {EVENTS_CTE}, {CASE_RUNS_CTE}, {sides},
activity_counts AS (
    SELECT sd.side, count(DISTINCT e.activity) AS activities
    FROM ev e JOIN sides sd ON sd.case_index = e.case_index GROUP BY sd.side)
SELECT sd.side, count(*) AS cases, CAST(sum(r.events) AS BIGINT) AS events, min(a.activities) AS activities,
       count(DISTINCT r.sequence) AS variants,
       min(r.first_t) AS first_timestamp_us, max(r.last_t) AS last_timestamp_us,
       {OPEN_CASES[open_rule]} AS open_cases,
       quantile_cont(r.duration, 0.5) / {MICROS} AS median_throughput_seconds,
       avg(r.duration) / {MICROS} AS mean_throughput_seconds,
       quantile_cont(r.duration, 0.9) / {MICROS} AS p90_throughput_seconds
FROM case_runs r JOIN sides sd ON sd.case_index = r.case_index
JOIN activity_counts a ON a.side = sd.side
{join_cases}
GROUP BY sd.side ORDER BY sd.side"""


def open_rule(engine, meta: DatasetMeta) -> str:
    """Which open-case rule the dataset allows (the same choice as analysis.overview)."""
    if CLOSED_AT in engine.columns("cases"):
        return "no closed_at"
    declared = meta.end_activities
    if declared:
        engine.register("end_activities", pa.table({"activity": pa.array(declared, pa.string())}))
        return "last activity not an end activity"
    return "unknown"


def compute(engine, meta: DatasetMeta) -> dict:
    """The overview's figures as a dict (times as µs since the epoch, UTC)."""
    prepare_case_runs(engine)
    rule = open_rule(engine, meta)
    rows = engine.query(statement(rule))
    if rows.empty:     # no case in the selection: the figures of an empty log, as analysis.overview gives
        return {"cases": 0, "events": 0, "activities": 0, "variants": 0, "first_timestamp_us": None,
                "last_timestamp_us": None, "open_cases": None if rule == "unknown" else 0,
                "median_throughput_seconds": float("nan"), "mean_throughput_seconds": float("nan"),
                "p90_throughput_seconds": float("nan"), "open_cases_rule": rule}
    row = rows.iloc[0].to_dict()
    row.pop("side")
    row["open_cases"] = None if pd.isna(row["open_cases"]) else int(row["open_cases"])
    return {**row, "open_cases_rule": rule}
