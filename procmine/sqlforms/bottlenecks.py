"""Bottlenecks in SQL: transitions by total waiting, waiting before each activity, workload, handovers.

As `analysis.bottlenecks`: a missing resource counts as the performer "(none)"; active days are
local dates (Europe/Copenhagen, bound as $zone) on which a resource has an event.
"""

from __future__ import annotations

from procmine import schema as s
from procmine.sqlforms.common import (
    EVENTS_CTE,
    MICROS,
    STEPS_CTE,
    identifier,
    local_date,
    working_position,
)
from procmine.sqlforms.dfg import EDGES

NO_VALUE = "(none)"

TRANSITIONS = f"""
SELECT source, target, "count", cases, mean_seconds, median_seconds, total_seconds
FROM ({EDGES}) edges ORDER BY total_seconds DESC, source, target"""

WAITING = f"""
WITH {EVENTS_CTE}, {STEPS_CTE}
SELECT target AS activity, count(*) AS arrivals, count(DISTINCT case_index) AS cases,
       avg(wait) / {MICROS} AS mean_wait_seconds,
       quantile_cont(wait, 0.5) / {MICROS} AS median_wait_seconds,
       sum(wait) / {MICROS} AS total_wait_seconds
FROM steps WHERE target IS NOT NULL
GROUP BY target ORDER BY total_wait_seconds DESC, activity"""


# Each wait in office time (working days, as analysis.working_waits): needs the `days` join table.
WORKING_WAITS_CTE = f"""located AS (
    SELECT activity AS source, lead(activity) OVER w AS target, t, lead(t) OVER w AS next_t,
           instant, lead(instant) OVER w AS next_instant
    FROM ev WINDOW w AS (PARTITION BY case_index ORDER BY event_index)),
waits AS (
    SELECT l.source, l.target, {working_position("l.next_t", "d1")} - {working_position("l.t", "d0")} AS wd
    FROM located l
    JOIN days d0 ON d0.local_date = {local_date("l.instant", "calendar_zone")}
    JOIN days d1 ON d1.local_date = {local_date("l.next_instant", "calendar_zone")}
    WHERE l.target IS NOT NULL)"""

WORKING_TRANSITIONS = f"""
WITH {EVENTS_CTE}, {WORKING_WAITS_CTE}
SELECT source, target, quantile_cont(wd, 0.5) AS median_working_days, sum(wd) AS total_working_days
FROM waits GROUP BY source, target"""

WORKING_ACTIVITIES = f"""
WITH {EVENTS_CTE}, {WORKING_WAITS_CTE}
SELECT target AS activity, quantile_cont(wd, 0.5) AS median_wait_working_days,
       sum(wd) AS total_wait_working_days
FROM waits GROUP BY target"""


def handovers_statement(column: str) -> str:
    """Directly-follows pairs of different performers in `column` (resource or org_unit)."""
    name = identifier(column)
    return f"""
WITH performed AS (
    SELECT case_index, coalesce(CAST({name} AS VARCHAR), $no_value) AS source,
           lead(coalesce(CAST({name} AS VARCHAR), $no_value))
               OVER (PARTITION BY case_index ORDER BY event_index) AS target
    FROM events)
SELECT source, target, count(*) AS "count", count(DISTINCT case_index) AS cases
FROM performed WHERE target IS NOT NULL AND source <> target
GROUP BY source, target ORDER BY "count" DESC, source, target"""


def workload_statement(column: str, has_start_times: bool) -> str:
    name = identifier(column)
    service = (f'sum(epoch_us("timestamp") - epoch_us(start_timestamp)) / {MICROS}' if has_start_times
               else "CAST(NULL AS DOUBLE)")
    return f"""
SELECT coalesce(CAST({name} AS VARCHAR), $no_value) AS {name}, count(*) AS events,
       count(DISTINCT case_index) AS cases,
       count(DISTINCT {local_date('"timestamp"', "zone")}) AS active_days,
       {service} AS service_seconds
FROM events GROUP BY 1 ORDER BY events DESC, 1"""


def compute(engine, calendar_zone: str = s.DEFAULT_TIMEZONE) -> dict:
    """transitions, activities, and (when events have the columns) resources, handovers, org-unit handovers.

    The waits in working days need the `days` table registered (common.register_days).
    """
    columns = engine.columns("events")
    values = {"no_value": NO_VALUE, "zone": s.DEFAULT_TIMEZONE}
    has_resource, has_org_unit = s.RESOURCE in columns, "org_unit" in columns
    zone = {"calendar_zone": calendar_zone}
    transitions = engine.query(TRANSITIONS).merge(engine.query(WORKING_TRANSITIONS, zone),
                                                  on=["source", "target"], how="left")
    activities = engine.query(WAITING).merge(engine.query(WORKING_ACTIVITIES, zone), on="activity", how="left")
    return {
        "transitions": transitions, "activities": activities,
        "resources": engine.query(workload_statement(s.RESOURCE, s.START_TIMESTAMP in columns), values)
        if has_resource else None,
        "handovers": engine.query(handovers_statement(s.RESOURCE), values) if has_resource else None,
        "org_unit_handovers": engine.query(handovers_statement("org_unit"), values) if has_org_unit else None,
    }
