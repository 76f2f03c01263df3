"""Parquet event logs with pm4py's or the canonical column names (or any, mapped by options)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from procmine import schema as s
from procmine.errors import LogValidationError, located, one_line
from procmine.importing.frames import raw_log_from_table
from procmine.importing.options import ImportOptions, RawLog

# Canonical names are recognised too, so a dataset's own events.parquet imports as it is.
_CANONICAL_FALLBACKS = {"case_id": s.CASE_ID, "activity": s.ACTIVITY, "timestamp": s.TIMESTAMP,
                        "start_timestamp": s.START_TIMESTAMP, "resource": s.RESOURCE}


def read_parquet_log(path: Path, options: ImportOptions = ImportOptions()) -> RawLog:
    """Read a Parquet file of events; string time columns are parsed like CSV, row 1 = first row."""
    path = Path(path)
    try:
        table = pq.read_table(path)
        table.column_names   # noqa: B018  (names that are not UTF-8 fail here)
        table.validate(full=True)   # text that is not UTF-8 fails here, not deep inside an analysis
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        raise LogValidationError(located(
            f"Cannot read the file as Parquet: {one_line(exc)}", file=path,
            hint="Check that the file is a complete Parquet file (not cut off or of another format)")) from exc
    table = table.drop_columns([c for c in (s.CASE_INDEX, s.EVENT_INDEX) if c in table.column_names])
    _check_time_types(table, options, path)
    return raw_log_from_table(table, options, origin=str(path), first_row=1)


def _check_time_types(table: pa.Table, options: ImportOptions, path: Path) -> None:
    """Time columns hold timestamps, dates or text; numbers are no Excel serials in Parquet."""
    names = {options.timestamp, options.start_timestamp, "time:timestamp", "timestamp",
             "start_timestamp"}
    for name in table.column_names:
        if name not in names:
            continue
        kind = table.schema.field(name).type
        if not (pa.types.is_timestamp(kind) or pa.types.is_date(kind) or pa.types.is_string(kind)
                or pa.types.is_large_string(kind) or pa.types.is_dictionary(kind)):
            raise LogValidationError(located(
                f"The time column holds {kind}, neither timestamps nor text", file=path, column=name,
                hint="Store times as a Parquet timestamp column or as ISO 8601 text"))
