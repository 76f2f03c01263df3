"""CSV and Parquet exports in pm4py's column names, one row per event, case attributes as case:<name>."""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from procmine import schema as s
from procmine.atomic import atomic_file
from procmine.dataset import Dataset

PM4PY_NAMES = {
    s.CASE_ID: "case:concept:name",
    s.ACTIVITY: "concept:name",
    s.TIMESTAMP: "time:timestamp",
    s.RESOURCE: "org:resource",
    s.LIFECYCLE: "lifecycle:transition",
    s.START_TIMESTAMP: "start_timestamp",
}
CASE_PREFIX = "case:"


def pm4py_table(dataset: Dataset) -> pa.Table:
    """Events with pm4py's column names and case attributes repeated on every event as case:<name>."""
    events = dataset.events
    columns: dict[str, pa.ChunkedArray] = {}
    for name in events.column_names:
        if name in (s.CASE_INDEX, s.EVENT_INDEX):
            continue
        column = events.column(name)
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        columns[PM4PY_NAMES.get(name, name)] = column
    if dataset.cases is not None:
        position = pc.index_in(events.column(s.CASE_ID), value_set=dataset.cases.column(s.CASE_ID))
        for name in dataset.cases.column_names:
            if name != s.CASE_ID:
                columns[CASE_PREFIX + name] = dataset.cases.column(name).combine_chunks().take(position)
    return pa.table(columns)


def write_csv(dataset: Dataset, out: str | os.PathLike) -> None:
    """Write the dataset as UTF-8 CSV; times in ISO 8601 UTC with microseconds, floats keep a point.

    Null values are written as empty fields and empty strings as "", so a re-import
    tells them apart. CSV carries no types: a column without any value reads back
    as text, and text that looks like numbers or dates reads back as such.
    """
    table = pm4py_table(dataset)
    table = pa.table({name: _csv_text(table.column(name)) for name in table.column_names})
    with atomic_file(out) as tmp:
        pa_csv.write_csv(table, tmp, pa_csv.WriteOptions(quoting_style="needed"))


def write_parquet(dataset: Dataset, out: str | os.PathLike) -> None:
    """Write the dataset as one Parquet file with pm4py's column names."""
    with atomic_file(out) as tmp:
        pq.write_table(pm4py_table(dataset), tmp)


def _csv_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Floats written so they read back as floats (1.0, not 1); other types as Arrow writes them."""
    kind = column.type
    if pa.types.is_timestamp(kind):
        # %S of a microsecond timestamp carries the six fraction digits.
        return pc.strftime(column.cast(s.TIMESTAMP_TYPE), "%Y-%m-%dT%H:%M:%SZ")
    if not pa.types.is_floating(kind):
        return column
    text = column.cast(pa.string())
    looks_integral = pc.match_substring_regex(text, r"^-?\d+$")
    return pc.if_else(looks_integral, pc.binary_join_element_wise(text, ".0", ""), text)
