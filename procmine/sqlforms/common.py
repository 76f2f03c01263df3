"""Pieces every form shares: the event and case CTEs, the day table, identifiers and time zones.

Durations are integer microseconds (`epoch_us`) until the last step, so every engine sums and
ranks the same integers the NumPy kernels do. A case's events are in `event_index` order
(case, time, order as read: the stored order), which is the engines' stable tie-breaker.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa

from procmine.daytable import DAY_US, days_for
from procmine.errors import FilterError
from procmine.workcalendar import WorkCalendar

CLOSED_AT = "closed_at"
SEPARATOR = "\x1f"   # chr(31), the unit separator: joins a case's activity names into one variant key
MICROS = 1_000_000

EVENTS_CTE = """ev AS (
    SELECT case_index, event_index, case_id, CAST(activity AS VARCHAR) AS activity,
           "timestamp" AS instant, epoch_us("timestamp") AS t
    FROM events)"""



def sequence_sql(activity: str = "activity") -> str:
    """A case's variant key in SQL (an aggregate over its events): the activity names in event order,
    joined by SEPARATOR. It sorts each case's (event_index, activity) pairs and joins the names: an
    ordered string_agg sorts within every group and took 2-3x as long (DuckDB; Spark's LISTAGG
    likewise), and the order of list(... ORDER BY ...) is lost on the way to Spark (SQLGlot)."""
    return (f"array_to_string(list_transform(list_sort(list(struct_pack(i := event_index, a := {activity}))), "
            "lambda x: x.a), chr(31))")


# A case's id is the same on each of its events, so any one will do (cheaper than min over text).
PER_CASE = f"""
WITH {EVENTS_CTE}
SELECT case_index, any_value(case_id) AS case_id, count(*) AS events,
       min(instant) AS first_at, max(instant) AS last_at, min(t) AS first_t, max(t) AS last_t,
       max(t) - min(t) AS duration,
       {sequence_sql()} AS sequence,
       arg_min(activity, event_index) AS first_activity,
       arg_max(activity, event_index) AS last_activity
FROM ev GROUP BY case_index"""

# Six forms start from the per-case runs; the engine computes them once per selection
# (prepare_case_runs) and the forms read that table through this CTE.
CASE_RUNS_CTE = "case_runs AS (SELECT * FROM per_case)"


def prepare_case_runs(engine) -> None:
    """Materialise `per_case` (one row per case of the engine's `events`) unless it is current."""
    if "per_case" not in engine.materialised:
        engine.materialise("per_case", PER_CASE)
        engine.materialised.add("per_case")


STEPS_CTE = """steps AS (
    SELECT case_index, activity AS source,
           lead(activity) OVER (PARTITION BY case_index ORDER BY event_index) AS target,
           lead(t) OVER (PARTITION BY case_index ORDER BY event_index) - t AS wait
    FROM ev)"""


def local_date(column: str, zone_parameter: str) -> str:
    """SQL for the local calendar date of a UTC timestamp column in the zone bound as `$zone_parameter`."""
    return f"CAST(({column} AT TIME ZONE ${zone_parameter}) AS DATE)"


def working_position(instant: str, day: str) -> str:
    """SQL for the office-time position (working days since the table's start) of `instant` (µs)."""
    return (f"({day}.working_before + CASE WHEN {day}.working THEN "
            f"LEAST(GREATEST(CAST({instant} - {day}.opens_us AS DOUBLE) / {day}.length_us, 0.0), 1.0) "
            f"ELSE 0.0 END)")


def identifier(name: str) -> str:
    """A column name quoted for SQL; only names of letters, digits, spaces, '_' and '-' are accepted."""
    if not re.fullmatch(r"[\w \-]+", name):
        raise FilterError(f"Column name {name!r} cannot be used in SQL; rename the attribute to letters, "
                          "digits and underscores.")
    return '"' + name + '"'


def time_span(engine) -> tuple[int, int] | None:
    """First and last event time (µs) of the engine's events, or None when there are none; widened to
    the cases' `closed_at` times when the case table has them (a deadline clock may stop there)."""
    row = engine.query("SELECT min(epoch_us(\"timestamp\")) AS low, max(epoch_us(\"timestamp\")) AS high "
                       "FROM events").iloc[0]
    if row.isna().any():
        return None
    low, high = int(row["low"]), int(row["high"])
    if CLOSED_AT in engine.columns("cases"):
        closed = "epoch_us(CAST(closed_at AS TIMESTAMPTZ))"    # a column of nulls only has no type
        closing = engine.query(f"SELECT min({closed}) AS low, max({closed}) AS high FROM cases").iloc[0]
        if not closing.isna().any():
            low, high = min(low, int(closing["low"])), max(high, int(closing["high"]))
    return low, high


def register_days(engine, calendar: WorkCalendar) -> None:
    """Register `days`: per local date of the calendar, working flag, office hours (UTC µs) and counts."""
    span = time_span(engine)
    moments = np.array(span if span else [0, 0], dtype=np.int64)
    table = days_for(calendar, moments, valid=np.array([span is not None] * 2))
    first_day = table.first_midnight_local // DAY_US
    dates = np.arange(first_day, first_day + len(table.working), dtype=np.int32)
    engine.register("days", pa.table({
        "local_date": pa.array(dates, type=pa.date32()),
        "working": pa.array(table.working),
        "opens_us": pa.array(table.opens, type=pa.int64()),
        "length_us": pa.array(table.length, type=pa.int64()),
        "working_before": pa.array(table.working_before, type=pa.int64()),
        "working_through": pa.array(table.working_through, type=pa.int64()),
    }))


def split_sequence(text: str) -> tuple[str, ...]:
    return tuple(text.split(SEPARATOR)) if text else ()


PARTITION = "municipality"


def partitioned_events_sql(columns: list[str], partition: str = PARTITION) -> str:
    """`events` over a folder of datasets (hive-style `municipality=NAME/`), read as `raw_events`.

    Case and event indices are dense per dataset, so each dataset's are shifted past the ones
    before it, by the offsets in the registered table `partition_offsets` (partition_offsets(),
    computed once when the folder is opened rather than by every query); case ids get the
    dataset's name in front, so no join ever pairs two municipalities' pseudonyms.
    """
    part = identifier(partition)
    shifted = {"case_index": "e.case_index + o.case_offset", "event_index": "e.event_index + o.event_offset",
               "case_id": f"CAST(e.{part} AS VARCHAR) || '/' || e.case_id"}
    select = ", ".join(f"{shifted[c]} AS {identifier(c)}" if c in shifted else f"e.{identifier(c)}"
                       for c in columns)
    return f"SELECT {select} FROM raw_events e JOIN partition_offsets o ON o.part = CAST(e.{part} AS VARCHAR)"


def partition_offsets(engine, partition: str = PARTITION) -> pa.Table:
    """Per dataset of a partitioned folder (`raw_events`): its name and the case and event offsets."""
    part = identifier(partition)
    sizes = engine.query(f"SELECT CAST({part} AS VARCHAR) AS part, max(case_index) + 1 AS cases, "
                         f"max(event_index) + 1 AS events FROM raw_events GROUP BY 1 ORDER BY 1")
    cases, events = (sizes[name].to_numpy(np.int64) for name in ("cases", "events"))
    return pa.table({"part": pa.array(sizes["part"].tolist(), pa.string()),
                     "case_offset": pa.array(np.cumsum(cases) - cases, pa.int64()),
                     "event_offset": pa.array(np.cumsum(events) - events, pa.int64())})


def partitioned_cases_sql(columns: list[str], partition: str = PARTITION) -> str:
    """`cases` over a folder of datasets, read as `raw_cases`, with the dataset's name before each case id."""
    part = identifier(partition)
    select = ", ".join(f"CAST({part} AS VARCHAR) || '/' || case_id AS case_id" if c == "case_id"
                       else identifier(c) for c in columns)
    return f"SELECT {select} FROM raw_cases"
