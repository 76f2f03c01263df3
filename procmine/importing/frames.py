"""From a table as read (CSV, Excel, Parquet, pandas) and its column mapping to a RawLog.

Shared by every tabular importer: the core columns get canonical names and types,
text attributes get their types (int, float, bool, timestamp, else string), and
columns that are constant within every case become case attributes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.dataset import Dataset, normalise_cases, normalise_events, write_dataset
from procmine.dataset_meta import DatasetMeta, Place
from procmine.errors import LogValidationError, located
from procmine.importing.mapping import ColumnMapping, detect_mapping
from procmine.importing.options import ImportOptions, RawLog
from procmine.importing.quarantine import Quarantine, find_left_out, refuse_if_nothing_left
from procmine.importing.timestamps import ColumnPlace, looks_like_timestamps, parse_timestamp_column

PM4PY_CASE_ID = "case:concept:name"
IN_MEMORY = Path(":memory:")  # the path of a dataset that was never written
CASE_PREFIX = "case:"
_INDEX_NAME = re.compile(r"^(|Unnamed: \d+)$")
_INT_TEXT = r"^[+-]?(?:0|[1-9]\d{0,17})$"
_FLOAT_TEXT = r"^[+-]?(?:0|[1-9]\d*)(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)$|^[+-]?\.\d+$"
_BOOL_TEXT = r"(?i)^(?:true|false)$"


def raw_log_from_table(table: pa.Table, options: ImportOptions, *, origin: str,
                       first_row: int, where: str = "", sheet: str | None = None) -> RawLog:
    """Map, type and split a table of source columns into canonical events and case attributes.

    `first_row` is the row number a user sees for the table's first row (2 below a header);
    `where` (e.g. "sheet 'Ark1'") is added to messages about columns; `sheet` to the places of
    events left out.
    """
    table = drop_index_column(table)
    check_column_names(table.column_names, origin, where)
    if table.num_rows == 0:
        raise LogValidationError(located(f"The log has a header but no rows{_in(where)}", file=origin,
                                         hint="Export the log again with its events"))
    mapping = detect_mapping(table.column_names, options, origin)
    notes: list[str] = []
    events = _core_columns(table, mapping, origin, first_row, options, notes)
    for name in table.column_names:
        if name in mapping.roles().values():
            continue
        place = ColumnPlace(origin, name, first_row)
        events[_attribute_name(name, notes)] = type_attribute(table.column(name), place, options.timezone)
    event_table = pa.table(events)
    event_table, quarantine = _leave_out_incomplete(event_table, origin, first_row, sheet)
    explicit = mapping.case_id.strip().casefold() == PM4PY_CASE_ID
    event_table, cases = split_case_attributes(event_table, explicit_prefix=explicit)
    return RawLog(event_table, cases, notes, {"mapping": mapping.roles()}, quarantine)


def _leave_out_incomplete(events: pa.Table, origin: str, first_row: int,
                          sheet: str | None) -> tuple[pa.Table, Quarantine | None]:
    """Drop rows without an activity or a timestamp (checked before: none in a strict import)."""
    case_ids = events.column(s.CASE_ID).combine_chunks()
    keep, quarantine = find_left_out(
        events.column(s.ACTIVITY), events.column(s.TIMESTAMP), events.num_rows,
        pc.dictionary_encode(case_ids).indices.to_numpy(zero_copy_only=False),
        lambda index: Place(row=first_row + index, sheet=sheet))
    if quarantine is None:
        return events, None
    refuse_if_nothing_left(keep, quarantine, origin)
    return events.filter(pa.array(keep)), quarantine


def drop_index_column(table: pa.Table) -> pa.Table:
    """Drop a leading unnamed column of whole numbers: a row index written by pandas."""
    if table.num_columns < 2 or not _INDEX_NAME.match(table.column_names[0].strip()):
        return table
    first = table.column(0)
    if pa.types.is_integer(first.type):
        return table.remove_column(0) if first.null_count == 0 else table
    if pa.types.is_string(first.type) and first.null_count == 0 and pc.all(
            pc.match_substring_regex(first, r"^\d+$")).as_py():
        return table.remove_column(0)
    return table


def check_column_names(names: list[str], origin: str, where: str = "") -> None:
    """Every column needs a name of its own; say the position of an empty or repeated one."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name.strip():
            raise LogValidationError(located(
                f"Column {position}{_in(where)} has an empty header cell", file=origin,
                hint="Give every column a name in the first row (merged header cells leave "
                     "all but the first empty)"))
        key = name.strip().casefold()
        if key in seen:
            raise LogValidationError(located(
                f"Columns {seen[key]} and {position}{_in(where)} have the same name {name!r}",
                file=origin, hint="Rename one of them so every column name is unique"))
        seen[key] = position


def type_attribute(values: pa.ChunkedArray | pa.Array, place: ColumnPlace, timezone: str) -> pa.Array:
    """An attribute column with its natural type; text is read as int, float, bool or time if all fits."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    kind = values.type
    if pa.types.is_dictionary(kind):
        values, kind = values.cast(kind.value_type), kind.value_type
    if pa.types.is_null(kind):
        return values.cast(pa.string())
    if pa.types.is_large_string(kind):
        values, kind = values.cast(pa.string()), pa.string()
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return parse_timestamp_column(values, place, timezone=timezone, notes=[])
    if not pa.types.is_string(kind):
        return values
    return type_text(values, place, timezone)


def type_text(values: pa.Array, place: ColumnPlace, timezone: str) -> pa.Array:
    """Text as int64, float64, bool or timestamp when every non-empty value fits, else the text."""
    present = pc.is_valid(values)
    if not pc.any(present).as_py():
        return values

    def all_match(pattern: str) -> bool:
        return bool(pc.all(pc.or_(pc.invert(present),
                                  pc.match_substring_regex(values, pattern))).as_py())

    if all_match(_BOOL_TEXT):
        return pc.equal(pc.utf8_lower(values), "true")
    if all_match(_INT_TEXT):
        return values.cast(pa.int64())
    if all_match(_FLOAT_TEXT) or all_match(_FLOAT_TEXT + "|" + _INT_TEXT):
        numbers = _exact_floats(values)
        if numbers is not None:
            return numbers
    if looks_like_timestamps(values):
        try:
            return parse_timestamp_column(values, place, timezone=timezone, notes=[])
        except LogValidationError:
            return values  # dates that do not all parse stay text: attributes are not validated
    return values


def _exact_floats(values: pa.Array) -> pa.Array | None:
    """Number texts as float64 when each keeps its value: finite, and with the same significant
    digits as its shortest form (else a long number would be rounded, a huge one made inf).

    Texts of at most 15 characters have at most 15 digits, which float64 always keeps, so
    only longer ones are compared digit by digit.
    """
    numbers = values.cast(pa.float64())
    if pc.any(pc.invert(pc.is_finite(numbers))).as_py():
        return None
    long = pc.fill_null(pc.greater(pc.utf8_length(values), 15), False)
    if not pc.any(long).as_py():
        return numbers
    texts, shortest = pc.filter(values, long), pc.filter(numbers, long).cast(pa.string())
    same = pc.all(pc.equal(_significant_digits(texts), _significant_digits(shortest))).as_py()
    return numbers if same is not False else None


def _significant_digits(texts: pa.Array) -> pa.Array:
    mantissa = pc.replace_substring_regex(texts, r"[eE].*$", "")
    return pc.utf8_trim(pc.replace_substring_regex(mantissa, r"[^0-9]", ""), "0")


def split_case_attributes(events: pa.Table, *, explicit_prefix: bool) -> tuple[pa.Table, pa.Table | None]:
    """Move attributes that are constant within every case to a case table.

    With pm4py's naming (`case:concept:name`) the file says which columns are case
    attributes: exactly the constant `case:<name>` columns, stored as `<name>`.
    """
    candidates = [c for c in events.column_names if c not in s.CORE_EVENT_COLUMNS
                  and (not explicit_prefix or c.startswith(CASE_PREFIX))]
    if not candidates:
        return events, None
    grouped = events.select([s.CASE_ID, *candidates]).group_by(s.CASE_ID, use_threads=False)
    distinct = grouped.aggregate([(c, "count_distinct", pc.CountOptions(mode="all")) for c in candidates])
    constant = [c for c in candidates if pc.max(distinct.column(f"{c}_count_distinct")).as_py() == 1]
    if not constant:
        return events, None
    first = grouped.aggregate([(c, "first", pc.ScalarAggregateOptions(skip_nulls=False))
                               for c in constant])
    renamed = {f"{c}_first": (c[len(CASE_PREFIX):] if explicit_prefix else c) for c in constant}
    cases = pa.table({s.CASE_ID: first.column(s.CASE_ID),
                      **{new: first.column(old) for old, new in renamed.items()}})
    return events.drop_columns(constant), cases


def from_pandas(frame, options: ImportOptions = ImportOptions(), *, origin: str = "the DataFrame") -> RawLog:
    """A RawLog from a pandas DataFrame, with the same mapping and typing rules as a CSV file."""
    names = [str(n) for n in frame.columns]
    check_column_names(names, origin)
    columns = {}
    for position, name in enumerate(names):
        series = frame.iloc[:, position]
        try:
            columns[name] = pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed Python objects: read them as text
            columns[name] = pa.array(series.map(lambda v: None if v is None or v != v else str(v)),
                                          type=pa.string())
    return raw_log_from_table(pa.table(columns), options, origin=origin, first_row=0)


def _core_columns(table: pa.Table, mapping: ColumnMapping, origin: str, first_row: int,
                  options: ImportOptions, notes: list[str]) -> dict[str, pa.Array]:
    """The canonical columns; an empty case id is an error, an empty activity or time only if strict."""
    core: dict[str, pa.Array] = {}
    required = {s.CASE_ID} | ({s.ACTIVITY, s.TIMESTAMP} if options.strict else set())
    for role, source in mapping.roles().items():
        place = ColumnPlace(origin, source, first_row)
        values = table.column(source).combine_chunks()
        if role in (s.TIMESTAMP, s.START_TIMESTAMP):
            core[role] = parse_timestamp_column(values, place, timezone=options.timezone, notes=notes)
        else:
            core[role] = _as_text(values, place)
        if role in required and core[role].null_count:
            index = pc.index(pc.is_null(core[role]), True).as_py()
            raise place.error(f"The {role.replace('_', ' ')} is empty in {core[role].null_count} "
                              "row(s); this is the first", index,
                              hint=f"Every event needs a {role.replace('_', ' ')}; fill it in")
    return core


def _as_text(values: pa.Array, place: ColumnPlace) -> pa.Array:
    kind = values.type
    if pa.types.is_dictionary(kind):
        values, kind = values.cast(kind.value_type), kind.value_type
    if pa.types.is_floating(kind):
        values = pc.if_else(pc.is_nan(values), pa.scalar(None, kind), values)  # NaN is a gap, not "nan"
        numbers = values.to_numpy(zero_copy_only=False)
        whole = np.isnan(numbers) | ((numbers == np.round(numbers)) & (np.abs(numbers) < 2.0 ** 53))
        if np.all(whole):   # whole numbers stored as floats (pandas with gaps): ids without ".0"
            values = values.cast(pa.int64())
    if pa.types.is_null(kind):
        return values.cast(pa.string())
    plain = (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind)
             or pa.types.is_floating(kind) or pa.types.is_boolean(kind) or pa.types.is_decimal(kind))
    if not plain:
        raise place.error(f"The column holds {kind}, not text or numbers",
                          hint="Map a column of text or whole numbers to it")
    text = values.cast(pa.string())
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _attribute_name(name: str, notes: list[str]) -> str:
    if name not in s.CORE_EVENT_COLUMNS:
        return name
    notes.append(f"Column {name!r} is not the mapped {name} column; it was kept as {name}_attribute.")
    return f"{name}_attribute"


def _in(where: str) -> str:
    return f" in {where}" if where else ""


def pandas_to_dataset(frame, target: str | os.PathLike | None = None, *, case_id: str | None = None,
                      activity: str | None = None, timestamp: str | None = None,
                      start_timestamp: str | None = None, resource: str | None = None,
                      timezone: str = s.DEFAULT_TIMEZONE) -> Dataset:
    """A dataset from a pandas DataFrame: written to `target` if given, else kept in memory.

    Example: `procmine.from_pandas(df, "out/ds", case_id="Sag", activity="Trin")`.
    An in-memory dataset has no folder: its `path` is IN_MEMORY, Path(":memory:").
    """
    options = ImportOptions(case_id=case_id, activity=activity, timestamp=timestamp,
                            start_timestamp=start_timestamp, resource=resource, timezone=timezone)
    raw = from_pandas(frame, options)
    left_out = {} if raw.quarantine is None else {"quarantine": raw.quarantine.as_meta()}
    if target is not None:
        return write_dataset(target, raw.events, raw.cases, timezone=timezone, notes=raw.notes,
                             source={"path": "pandas DataFrame", "format": "pandas", **raw.source_info},
                             extra_meta=left_out)
    events = normalise_events(raw.events, timezone=timezone, origin="the DataFrame")
    cases = None if raw.cases is None else normalise_cases(raw.cases, events, "the DataFrame")
    meta = DatasetMeta.of_events(events, source={"format": "pandas", **raw.source_info}, timezone=timezone,
                                 notes=raw.notes, **left_out)
    return Dataset(IN_MEMORY, events, cases, meta)
