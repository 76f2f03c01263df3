"""Checks of a dataset as it is written and opened: time range, columns and order (procmine.json's
shape is checked by its model, procmine/dataset_meta.py).

A damaged folder (an events.parquet with other columns, rows
out of their stored order, counts that disagree with procmine.json) is a DatasetError naming
the file, never an analysis over wrong data. The checks read the Parquet footer, the two
index columns and the times only, so opening a large dataset stays cheap.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from procmine import schema as s
from procmine.dataset_meta import DatasetMeta
from procmine.errors import DatasetError, LogValidationError

_AGAIN = "Re-create the dataset (procmine import or procmine extract --full)."


def check_events_file(events_path: Path, meta: DatasetMeta) -> pa.Table:
    """The events file has the canonical columns, no missing core values, and its stored order.

    Gives the columns it read (indexes and times), so the dataset need not read them again.
    """
    metadata = pq.read_metadata(events_path)
    schema = metadata.schema.to_arrow_schema()
    wrong = [f"{name!r} ({schema.field(name).type if name in schema.names else 'missing'})"
             for name in (s.CASE_INDEX, s.EVENT_INDEX, s.CASE_ID, s.ACTIVITY, s.TIMESTAMP)
             if name not in schema.names or not _fits(name, schema.field(name).type)]
    if wrong:
        raise DatasetError(f"{events_path} does not have the canonical event columns: {', '.join(wrong)} "
                           f"(it has {', '.join(schema.names[:12]) or 'none'}). {_AGAIN}")
    rows = metadata.num_rows
    if rows != meta.events:
        raise DatasetError(f"{events_path} holds {rows:,} events but procmine.json says {meta.events:,}. {_AGAIN}")
    if rows == 0:
        raise DatasetError(f"{events_path} holds no events. {_AGAIN}")
    _check_no_nulls(metadata, events_path)
    times = [name for name in schema.names if pa.types.is_timestamp(schema.field(name).type)]
    columns = pq.read_table(events_path, columns=[s.CASE_INDEX, s.EVENT_INDEX, *times])
    _check_order(columns, events_path, meta)
    check_time_range(columns.select(times), str(events_path))
    return columns


def check_cases_schema(schema: pa.Schema, cases_path: Path) -> None:
    """The case table (read or only its footer) has a text case_id column."""
    if s.CASE_ID not in schema.names or not _fits(s.CASE_ID, schema.field(s.CASE_ID).type):
        raise DatasetError(f"{cases_path} has no text column {s.CASE_ID!r} (it has "
                           f"{', '.join(schema.names[:12]) or 'none'}). {_AGAIN}")


def _fits(name: str, kind: pa.DataType) -> bool:
    if name in (s.CASE_ID, s.ACTIVITY):
        value = kind.value_type if pa.types.is_dictionary(kind) else kind
        return pa.types.is_string(value) or pa.types.is_large_string(value)
    if name == s.TIMESTAMP:
        return pa.types.is_timestamp(kind) and kind.tz in ("UTC", "+00:00")
    return kind == s.CORE_EVENT_TYPES[name]


def _check_no_nulls(metadata: pq.FileMetaData, events_path: Path) -> None:
    names = metadata.schema.names
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for name in (s.CASE_ID, s.ACTIVITY, s.TIMESTAMP, s.CASE_INDEX, s.EVENT_INDEX):
            statistics = row_group.column(names.index(name)).statistics
            if statistics is not None and statistics.has_null_count and statistics.null_count:
                raise DatasetError(f"{events_path}: column {name!r} is empty in {statistics.null_count:,} "
                                   f"event(s) of row group {group + 1}. {_AGAIN}")


def _check_order(indexes: pa.Table, events_path: Path, meta: DatasetMeta) -> None:
    events = indexes.column(s.EVENT_INDEX).to_numpy()
    cases = indexes.column(s.CASE_INDEX).to_numpy()
    steps = np.diff(cases)
    in_order = (np.array_equal(events, np.arange(len(events))) and cases[0] == 0
                and bool(np.all((steps == 0) | (steps == 1))))
    if not in_order:
        raise DatasetError(f"{events_path}: the events are not in their stored order (event_index 0, 1, 2, ... "
                           f"and case_index rising by one). The file was rewritten by another tool. {_AGAIN}")
    # An object-centric dataset stores one row per event (its "case" is the event) and counts
    # the cases of its default case notion in procmine.json.
    if not meta.object_centric and int(cases[-1]) + 1 != meta.cases:
        raise DatasetError(f"{events_path} holds {int(cases[-1]) + 1:,} cases but procmine.json says "
                           f"{meta.cases:,}. {_AGAIN}")


def check_time_range(table: pa.Table, origin: str, row_kind: str = "event") -> None:
    """Every time lies in the years 1 to 9999 in UTC: what Python, pandas and DuckDB can all show.

    A time outside (year 1 at a positive offset, year 9999 at a negative one) is refused,
    never shifted or clipped.
    """
    for name, kind in zip(table.column_names, table.schema.types):
        if not pa.types.is_timestamp(kind) or kind.unit == "ns":   # nanoseconds span 1677-2262 only
            continue
        ticks = table.column(name).cast(pa.int64())
        per_second = {"s": 1, "ms": 1_000, "us": 1_000_000}[kind.unit]
        low, high = _FIRST_SECOND * per_second, (_LAST_SECOND + 1) * per_second - 1
        outside = pc.or_(pc.less(ticks, low), pc.greater(ticks, high))
        first = pc.index(pc.fill_null(outside, False), True).as_py()
        if first >= 0:
            value = np.datetime64(ticks[first].as_py(), kind.unit)
            raise LogValidationError(
                f"{origin}: column {name!r} holds the time {value}Z (UTC) at {row_kind} {first + 1}, "
                "outside the years 1 to 9999. Correct the value (a year 1 time at a positive offset "
                "or a year 9999 time at a negative one falls outside), or leave it out.")


_FIRST_SECOND = int(np.datetime64("0001-01-01T00:00:00", "s").astype(np.int64))
_LAST_SECOND = int(np.datetime64("9999-12-31T23:59:59", "s").astype(np.int64))
