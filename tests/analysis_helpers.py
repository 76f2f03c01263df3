"""Small in-memory event logs for the analysis tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from procmine.dataset import Dataset, normalise_cases, normalise_events
from procmine.dataset_meta import DatasetMeta
from procmine.eventlog import EventLog

EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def make_log(rows: list[tuple], cases: dict[str, list] | None = None, meta: dict | None = None,
             resources: list[str | None] | None = None) -> EventLog:
    """An EventLog from (case_id, activity, seconds after 2024-01-01 UTC) rows."""
    columns = {
        "case_id": [r[0] for r in rows],
        "activity": [r[1] for r in rows],
        "timestamp": pa.array([EPOCH + dt.timedelta(seconds=r[2]) for r in rows],
                              type=pa.timestamp("us", tz="UTC")),
    }
    if resources is not None:
        columns["resource"] = resources
    events = normalise_events(pa.table(columns))
    case_table = normalise_cases(pa.table(cases), events) if cases else None
    return EventLog.from_dataset(Dataset(Path("memory"), events, case_table,
                                                 DatasetMeta.of_events(events, **(meta or {}))))


def sequences_by_case(rows: list[tuple]) -> dict[str, list[tuple[str, float]]]:
    """Reference: each case's (activity, seconds) in time order, ties in the order given."""
    result: dict[str, list] = {}
    for case, activity, seconds in sorted(rows, key=lambda r: (r[0], r[2])):
        result.setdefault(case, []).append((activity, seconds))
    return result
