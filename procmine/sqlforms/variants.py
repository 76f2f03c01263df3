"""Variants in SQL: the distinct activity sequences, most frequent first, ties by their first case."""

from __future__ import annotations

import pandas as pd

from procmine.sqlforms.common import (
    CASE_RUNS_CTE,
    EVENTS_CTE,
    MICROS,
    prepare_case_runs,
    split_sequence,
)

STATEMENT = f"""
WITH {EVENTS_CTE}, {CASE_RUNS_CTE}
SELECT sequence, count(*) AS cases, min(case_index) AS first_case,
       quantile_cont(duration, 0.5) / {MICROS} AS median_throughput_seconds,
       avg(duration) / {MICROS} AS mean_throughput_seconds,
       quantile_cont(duration, 0.9) / {MICROS} AS p90_throughput_seconds
FROM case_runs GROUP BY sequence
ORDER BY cases DESC, first_case"""


def compute(engine) -> pd.DataFrame:
    """One row per variant: activities (tuple), cases, share, median/mean/P90 throughput (s)."""
    prepare_case_runs(engine)
    table = engine.query(STATEMENT)
    total = int(table["cases"].sum())
    table.insert(0, "activities", [split_sequence(text) for text in table.pop("sequence")])
    table["share"] = table["cases"] / total if total else 0.0
    return table.drop(columns="first_case").reset_index(drop=True)
