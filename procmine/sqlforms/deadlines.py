"""Deadline compliance in SQL: per rule, cases measured (of which closed without the end event), met,
median/P90 days, open and overdue cases.

As `analysis.deadlines` (the clock of `analysis.deadline_clock`): a case runs from its first start
activity (or its first event) to the first end activity at or after it, or to when it closed
without that end activity (closed as `analysis.overview` says: `closed_at` when the case table has
that column, else a last activity that is a declared end activity, at the last event). A rule that
ends at "case end" ends at the last event of a closed case (of every case when the log cannot say);
an open case's clock runs. Working days count as offentlighedsloven § 36 does: working days after the start's local
date up to and including the end's, the difference of two running counts in the `days` join
table; calendar days and weeks are local dates apart. A case met its deadline when its clock
stopped by the end of its due day: for working days, fewer working days than the limit, or the
limit itself on a working day (a stop on the weekend after the due day is late). Open cases are
overdue when the deadline passed before the log's last event.
"""

from __future__ import annotations

import pandas as pd

from procmine.analysis.deadlines import (
    BREACH_COLUMNS,
    CASE_END,
    CASE_START,
    CASE_TYPE,
    DEFAULT_RULES,
    DeadlineRule,
)
from procmine.dataset_meta import DatasetMeta
from procmine.errors import ConfigError
from procmine.sqlforms.common import EVENTS_CTE, local_date
from procmine.sqlforms.overview import open_rule

SQL_RULE_COLUMNS = ("rule", "cases", "met", "share_met", "median_days", "p90_days", "closed_without_end",
                    "open_cases", "open_overdue")

# When a case closed (NULL while open) and whether it did, by the overview's open-case rule; a log that
# cannot say closes no case before the rule's end event and every case at "case end". Joins, not
# `IN (subquery)`: Spark accepts subqueries only there.
CLOSING = {
    "no closed_at": ("CAST(c.closed_at AS TIMESTAMPTZ)", "c.closed_at IS NOT NULL",
                     "LEFT JOIN cases c ON c.case_id = m.case_id"),
    "last activity not an end activity": ("CASE WHEN ea.activity IS NOT NULL THEN m.last_at END",
                                          "ea.activity IS NOT NULL",
                                          "LEFT JOIN end_activities ea ON ea.activity = m.last_activity"),
    "unknown": ("CAST(NULL AS TIMESTAMPTZ)", "TRUE", ""),
}


def _matching(activity: str, value: str, fallback: str) -> str:
    """The earliest `value` of a case's events that are `$activity` ('' binds "any event": `fallback`)."""
    return (f"CASE WHEN ${activity} = '' THEN {fallback}({value}) "
            f"ELSE min(CASE WHEN e.activity = ${activity} THEN {value} END) END")


def counted_statement(by_case_type: bool, closing_rule: str = "unknown") -> str:
    """Per case that has the start: done (its clock stopped), ended (by the end event), in_time, its start
    and stop times (the log's end while it runs) and its days (materialised per rule).

    Within a case `event_index` follows time, so the first matching event's time is the least time
    among the matching events: each case is measured by two aggregations, without joining events
    back by their index. `closing_rule` is overview.open_rule's answer.
    """
    covered = ("WHERE e.case_id IN (SELECT case_id FROM cases WHERE case_type = $case_type)"
               if by_case_type else "")
    closed_at, closed, join_closing = CLOSING[closing_rule]
    start_day, end_day = local_date("m.start_at", "calendar_zone"), local_date("m.end_at", "calendar_zone")
    after_start = "e.activity = $end_activity AND e.event_index >= s.start_index"
    return f"""
WITH {EVENTS_CTE},
starts AS (
    SELECT e.case_index, any_value(e.case_id) AS case_id,
           {_matching("start_activity", "e.event_index", "min")} AS start_index,
           {_matching("start_activity", "e.instant", "min")} AS start_at
    FROM ev e {covered} GROUP BY e.case_index),
measured AS (
    SELECT s.case_index, s.case_id, s.start_at,
           count(CASE WHEN {after_start} THEN 1 END) > 0 AS ended,
           min(CASE WHEN {after_start} THEN e.instant END) AS end_event_at,
           arg_max(e.activity, e.event_index) AS last_activity, max(e.instant) AS last_at
    FROM starts s JOIN ev e ON e.case_index = s.case_index
    WHERE s.start_index IS NOT NULL GROUP BY s.case_index, s.case_id, s.start_at),
stops AS (
    SELECT m.case_index, m.case_id, m.start_at,
           CASE WHEN $end_activity = '' THEN {closed} ELSE m.ended END AS ended,
           CASE WHEN $end_activity = '' THEN CASE WHEN {closed} THEN m.last_at END
                WHEN m.ended THEN m.end_event_at ELSE {closed_at} END AS stop_at
    FROM measured m {join_closing}),
clocks AS (
    SELECT case_index, case_id, start_at, ended, stop_at IS NOT NULL AS done,
           coalesce(stop_at, (SELECT max(instant) FROM ev)) AS end_at
    FROM stops),
day_counts AS (
    SELECT m.case_index, m.case_id, m.done, m.ended, m.start_at, m.end_at, d0.working_through AS start_through,
           {start_day} AS start_date, d1.working AS end_working,
           CASE WHEN $unit = 'working_days' THEN d1.working_through - d0.working_through
                ELSE date_diff('day', {start_day}, {end_day}) END AS days
    FROM clocks m
    JOIN days d0 ON d0.local_date = {start_day}
    JOIN days d1 ON d1.local_date = {end_day})
SELECT *, CASE WHEN $unit = 'working_days' THEN days < $within OR (days = $within AND end_working)
               ELSE days <= $limit_days END AS in_time
FROM day_counts"""


STATEMENT = """
SELECT $rule AS rule,
       CAST(coalesce(sum(CASE WHEN done THEN 1 ELSE 0 END), 0) AS BIGINT) AS cases,
       CAST(coalesce(sum(CASE WHEN done AND in_time THEN 1 ELSE 0 END), 0) AS BIGINT) AS met,
       CAST(sum(CASE WHEN done AND in_time THEN 1 ELSE 0 END) AS DOUBLE)
           / nullif(sum(CASE WHEN done THEN 1 ELSE 0 END), 0) AS share_met,
       quantile_cont(CASE WHEN done THEN days END, 0.5) AS median_days,
       quantile_cont(CASE WHEN done THEN days END, 0.9) AS p90_days,
       CAST(coalesce(sum(CASE WHEN done AND NOT ended THEN 1 ELSE 0 END), 0) AS BIGINT) AS closed_without_end,
       CAST(coalesce(sum(CASE WHEN done THEN 0 ELSE 1 END), 0) AS BIGINT) AS open_cases,
       CAST(coalesce(sum(CASE WHEN NOT done AND NOT in_time THEN 1 ELSE 0 END), 0) AS BIGINT) AS open_overdue
FROM counted"""

# Every measured case that stopped after its due day, with its due date: the last local date still in time.
BREACHES = """
SELECT $rule AS rule, k.case_id, k.start_at AS "start", k.end_at AS "end", k.days, $limit_days AS limit_days,
       CASE WHEN $unit = 'working_days' THEN dd.local_date ELSE k.start_date + $limit_days END AS due
FROM counted k LEFT JOIN days dd ON dd.working AND dd.working_through = k.start_through + $within
WHERE k.done AND NOT k.in_time
ORDER BY k.case_index"""


def parameters(rule: DeadlineRule, calendar_zone: str) -> dict:
    """The rule's values, bound (an endpoint "case start"/"case end" is bound as '')."""
    return {"rule": rule.name, "case_type": rule.case_type or "",
            "start_activity": "" if rule.start == CASE_START else rule.start,
            "end_activity": "" if rule.end == CASE_END else rule.end,
            "limit_days": rule.limit_days, "within": rule.within, "unit": rule.unit,
            "calendar_zone": calendar_zone}


def applicable(engine, rules: tuple[DeadlineRule, ...] | None) -> tuple[list[DeadlineRule], list[str]]:
    """The rules to measure and the names of default rules skipped (as analysis.deadlines decides)."""
    strict = rules is not None
    activities = set(engine.query("SELECT DISTINCT CAST(activity AS VARCHAR) AS a FROM events")["a"])
    has_type = CASE_TYPE in engine.columns("cases")
    types = set(engine.query("SELECT DISTINCT c.case_type AS t FROM cases c JOIN (SELECT DISTINCT case_id "
                             "FROM events) e ON e.case_id = c.case_id")["t"]) if has_type else set()
    measured, skipped = [], []
    for rule in (rules if rules is not None else DEFAULT_RULES):
        missing = [name for name, endpoint in ((rule.start, CASE_START), (rule.end, CASE_END))
                   if name != endpoint and name not in activities]
        fits = (rule.case_type is None or (has_type and rule.case_type in types)) and not missing
        if strict and rule.case_type is not None and not has_type:
            raise ConfigError(f"Deadline rule {rule.name!r} is for case_type {rule.case_type!r}, but the "
                              "log has no case_type attribute. Drop case_type from the rule.")
        if strict and missing:
            raise ConfigError(f"Deadline rule {rule.name!r}: activity {missing[0]!r} does not occur in the log.")
        (measured.append(rule) if fits or strict else skipped.append(rule.name))
    return measured, skipped


def compute(engine, calendar_zone: str, rules: tuple[DeadlineRule, ...] | None = None, *,
            meta: DatasetMeta) -> dict:
    """rules: one row per measured rule (SQL_RULE_COLUMNS); breaches: every late case (BREACH_COLUMNS);
    skipped: default rules that do not fit; measured: the rules measured.

    `meta` (the dataset's procmine.json) declares the end activities that close a case when the case
    table has no `closed_at`. The `days` table must be registered (common.register_days).
    """
    measured, skipped = applicable(engine, rules)
    closing_rule = open_rule(engine, meta)
    rows, breaches = [], []
    for rule in measured:
        values = parameters(rule, calendar_zone)
        engine.materialise("counted", counted_statement(rule.case_type is not None, closing_rule), values)
        rows.append(engine.query(STATEMENT, values))
        breaches.append(engine.query(BREACHES, values))
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=list(SQL_RULE_COLUMNS))
    late = pd.concat(breaches, ignore_index=True) if breaches else pd.DataFrame(columns=list(BREACH_COLUMNS))
    return {"rules": table, "breaches": late, "skipped": tuple(skipped), "measured": tuple(measured)}
