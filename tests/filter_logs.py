"""Small hand-made event logs for the filter tests, built in memory (no files)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from procmine.dataset import Dataset, normalise_cases, normalise_events
from procmine.eventlog import EventLog

UTC = dt.UTC
T0 = dt.datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def at(days: float = 0, hours: float = 0, minutes: float = 0) -> dt.datetime:
    return T0 + dt.timedelta(days=days, hours=hours, minutes=minutes)


# (case, activity, time, resource, org_unit)
HAND_EVENTS = [
    ("c1", "A", at(0), "r1", "u1"), ("c1", "B", at(0, 1), "r2", "u1"), ("c1", "C", at(1), "r1", "u2"),
    ("c2", "A", at(2), "r2", "u1"), ("c2", "B", at(2, 1), "r2", "u1"), ("c2", "C", at(4), "r3", "u2"),
    ("c3", "A", at(9), "r1", "u1"), ("c3", "C", at(10), "r1", "u2"), ("c3", "B", at(11), "r2", "u1"),
    ("c3", "B", at(12), "r2", "u1"),
    ("c4", "B", at(19), "r3", "u2"), ("c4", "C", at(20), "r3", "u2"),
    ("c5", "A", at(31), "r1", "u1"), ("c5", "B", at(31, 2), "r2", "u1"), ("c5", "C", at(31, 5), "r1", "u2"),
    ("c5", "A", at(32), "r1", "u1"), ("c5", "B", at(32, 0, 30), "r4", "u3"),
]
HAND_CASES = {"case_id": ["c1", "c2", "c3", "c4", "c5"], "case_type": ["x", "y", "x", "z", "y"],
              "amount": [10, 20, 30, 40, 50],
              "opened": [dt.date(2024, 1, d) for d in (1, 3, 10, 20, 31)]}


def make_log(events: list[tuple], cases: dict | None = None) -> EventLog:
    """An EventLog over (case, activity, time, resource, org_unit) tuples and optional case attributes."""
    columns = list(zip(*events))
    table = pa.table({
        "case_id": pa.array(columns[0], pa.string()), "activity": pa.array(columns[1], pa.string()),
        "timestamp": pa.array(columns[2], pa.timestamp("us", "UTC")),
        "resource": pa.array(columns[3], pa.string()), "org_unit": pa.array(columns[4], pa.string()),
    })
    normal = normalise_events(table)
    case_table = None if cases is None else normalise_cases(pa.table(cases), normal)
    return EventLog.from_dataset(Dataset(Path("memory"), normal, case_table))


def hand_log() -> EventLog:
    return make_log(HAND_EVENTS, HAND_CASES)


def kept_cases(log: EventLog) -> list[str]:
    """Ids of the cases a (filtered) log holds, sorted."""
    return sorted(log.base.case_ids.take(log.arrays.case_index).to_pylist())


def kept_events(log: EventLog) -> list[tuple[str, str]]:
    """(case, activity) of the selected events, in order."""
    arrays = log.arrays
    ids = log.base.case_ids.take(arrays.case_index).to_pylist()
    return [(ids[c], arrays.activity_names[a]) for c, a in zip(arrays.case.tolist(), arrays.activity.tolist())]
