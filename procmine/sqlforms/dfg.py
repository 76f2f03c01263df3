"""The directly-follows graph in SQL: edge frequencies, distinct cases and waiting statistics.

The waiting time on a -> b is the time of b minus the time of a, within one case, as in
`analysis.dfg`. Service times need `start_timestamp`; without it they are NULL.
"""

from __future__ import annotations

import pandas as pd

from procmine.sqlforms.common import (
    CASE_RUNS_CTE,
    EVENTS_CTE,
    MICROS,
    STEPS_CTE,
    prepare_case_runs,
)

EDGES = f"""
WITH {EVENTS_CTE}, {STEPS_CTE}
SELECT source, target, count(*) AS "count", count(DISTINCT case_index) AS cases,
       avg(wait) / {MICROS} AS mean_seconds,
       quantile_cont(wait, 0.5) / {MICROS} AS median_seconds,
       quantile_cont(wait, 0.9) / {MICROS} AS p90_seconds,
       min(wait) / {MICROS} AS min_seconds, max(wait) / {MICROS} AS max_seconds,
       sum(wait) / {MICROS} AS total_seconds
FROM steps WHERE target IS NOT NULL
GROUP BY source, target ORDER BY "count" DESC, source, target"""

ENDPOINTS = f"""
WITH {EVENTS_CTE}, {CASE_RUNS_CTE}
SELECT 'start' AS endpoint, first_activity AS activity, count(*) AS cases FROM case_runs GROUP BY first_activity
UNION ALL
SELECT 'end' AS endpoint, last_activity AS activity, count(*) AS cases FROM case_runs GROUP BY last_activity
ORDER BY endpoint, cases DESC, activity"""


SIZE = "SELECT count(*) AS num_cases, CAST(coalesce(sum(events), 0) AS BIGINT) AS num_events FROM per_case"


def activities_statement(has_start_times: bool) -> str:
    service = ('epoch_us("timestamp") - epoch_us(start_timestamp)' if has_start_times
               else "CAST(NULL AS BIGINT)")
    return f"""
WITH services AS (
    SELECT case_index, CAST(activity AS VARCHAR) AS activity, {service} AS service FROM events)
SELECT activity, count(*) AS events, count(DISTINCT case_index) AS cases,
       count(*) / count(DISTINCT case_index) AS mean_repeats,
       avg(service) / {MICROS} AS service_mean_seconds,
       quantile_cont(service, 0.5) / {MICROS} AS service_median_seconds
FROM services GROUP BY activity ORDER BY events DESC, activity"""


def compute(engine) -> dict:
    """edges and activities (tables), start/end activities (activity -> cases), num_cases and num_events."""
    prepare_case_runs(engine)
    endpoints = engine.query(ENDPOINTS)
    has_start = "start_timestamp" in engine.columns("events")
    return {
        "edges": engine.query(EDGES),
        "activities": engine.query(activities_statement(has_start)),
        "start_activities": _counts(endpoints, "start"), "end_activities": _counts(endpoints, "end"),
        **engine.query(SIZE).iloc[0].astype(int).to_dict(),
    }


def _counts(endpoints: pd.DataFrame, which: str) -> dict[str, int]:
    rows = endpoints[endpoints["endpoint"] == which]
    return dict(zip(rows["activity"].tolist(), rows["cases"].astype(int).tolist()))
