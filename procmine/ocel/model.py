"""An object-centric event log (OCEL 2.0) as Arrow tables, checked once at the door.

Tables (column names are the canonical ones; ids are text):
  events            event_id, activity, timestamp, then one typed column per event attribute
  objects           object_id, object_type
  event_objects     event_id, object_id, qualifier
  object_relations  source_id, target_id, qualifier
  object_attributes object_id, attribute, time, value (text in its canonical form; the
                    declared type of the attribute says how to read it)
Attribute declarations: `event_types` / `object_types` map a type name to {attribute: OCEL type}.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.errors import LogValidationError
from procmine.ocel.times import iso_texts, parse_times

EVENT_ID = "event_id"
OBJECT_ID = "object_id"
OBJECT_TYPE = "object_type"
QUALIFIER = "qualifier"
SOURCE_ID = "source_id"
TARGET_ID = "target_id"
ATTRIBUTE = "attribute"
TIME = "time"
VALUE = "value"

OCEL_TYPES = ("string", "time", "integer", "float", "boolean")
# Spellings other tools write for the five OCEL 2.0 types.
TYPE_ALIASES = {"date": "time", "datetime": "time", "timestamp": "time", "int": "integer",
                "double": "float", "real": "float", "bool": "boolean", "text": "string"}
ARROW_TYPES = {"string": pa.string(), "time": s.TIMESTAMP_TYPE, "integer": pa.int64(),
               "float": pa.float64(), "boolean": pa.bool_()}
RESERVED_EVENT_COLUMNS = frozenset({EVENT_ID, s.ACTIVITY, s.TIMESTAMP, s.CASE_ID, s.CASE_INDEX,
                                    s.EVENT_INDEX})
# OCEL 2.0 writes an object's initial attribute values at the Unix epoch.
EPOCH = pa.scalar(0, s.TIMESTAMP_TYPE)
EPOCH_TEXT = "1970-01-01T00:00:00Z"

TABLE_SCHEMAS = {
    "objects": pa.schema([(OBJECT_ID, pa.string()), (OBJECT_TYPE, pa.string())]),
    "event_objects": pa.schema([(EVENT_ID, pa.string()), (OBJECT_ID, pa.string()),
                                (QUALIFIER, pa.string())]),
    "object_relations": pa.schema([(SOURCE_ID, pa.string()), (TARGET_ID, pa.string()),
                                   (QUALIFIER, pa.string())]),
    "object_attributes": pa.schema([(OBJECT_ID, pa.string()), (ATTRIBUTE, pa.string()),
                                    (TIME, s.TIMESTAMP_TYPE), (VALUE, pa.string())]),
}


@dataclass(frozen=True)
class ObjectCentricLog:
    """An OCEL 2.0 log: events, objects, their relations and the attribute declarations."""

    events: pa.Table
    objects: pa.Table
    event_objects: pa.Table
    object_relations: pa.Table
    object_attributes: pa.Table
    event_types: dict[str, dict[str, str]]
    object_types: dict[str, dict[str, str]]
    # The rows in `events` and in `objects` of each event-object relation (int64 NumPy arrays) when
    # they were found while checking the log: derived from the tables, so not part of its value.
    relation_positions: tuple[np.ndarray, np.ndarray] | None = field(default=None, compare=False, repr=False)

    @property
    def object_type_names(self) -> list[str]:
        return sorted(self.object_types)

    def canonical(self) -> ObjectCentricLog:
        """The same log with every table in a fixed order (for comparing two logs)."""
        return ObjectCentricLog(
            events=_sorted(self.events.select(
                [EVENT_ID, s.ACTIVITY, s.TIMESTAMP]
                + sorted(set(self.events.column_names) - {EVENT_ID, s.ACTIVITY, s.TIMESTAMP})), [EVENT_ID]),
            objects=_sorted(self.objects, [OBJECT_ID]),
            event_objects=_sorted(self.event_objects, [EVENT_ID, OBJECT_ID, QUALIFIER]),
            object_relations=_sorted(self.object_relations, [SOURCE_ID, TARGET_ID, QUALIFIER]),
            object_attributes=_sorted(self.object_attributes, [OBJECT_ID, ATTRIBUTE, TIME, VALUE]),
            event_types={k: dict(sorted(v.items())) for k, v in sorted(self.event_types.items())},
            object_types={k: dict(sorted(v.items())) for k, v in sorted(self.object_types.items())})

    def equals(self, other: ObjectCentricLog) -> bool:
        a, b = self.canonical(), other.canonical()
        return (a.event_types == b.event_types and a.object_types == b.object_types
                and all(getattr(a, name).equals(getattr(b, name))
                        for name in ("events", "objects", "event_objects", "object_relations",
                                     "object_attributes")))


def _sorted(table: pa.Table, keys: list[str]) -> pa.Table:
    table = table.combine_chunks()
    if table.num_rows == 0:
        return table
    return table.take(pc.sort_indices(table, [(k, "ascending") for k in keys]))


def ocel_type(declared: object, where: str) -> str:
    """The OCEL 2.0 type named by `declared` (aliases accepted), or a clear error."""
    name = str(declared or "string").strip().lower()
    name = TYPE_ALIASES.get(name, name)
    if name not in OCEL_TYPES:
        raise LogValidationError(f"{where}: unknown attribute type {declared!r}. "
                                 f"Use one of {', '.join(OCEL_TYPES)}.")
    return name


def event_column_types(event_types: dict[str, dict[str, str]]) -> dict[str, str]:
    """The OCEL type of each event attribute column: the declared one, or string when types differ."""
    columns: dict[str, str] = {}
    for attributes in event_types.values():
        for name, kind in attributes.items():
            columns[name] = kind if columns.get(name, kind) == kind else "string"
    return columns


def typed_array(values: list, kind: str, where: str) -> pa.Array:
    """Values read from a file (text or JSON scalars, None for absent) as an Arrow array of `kind`."""
    if kind == "time":
        return parse_times(values, where)
    if isinstance(values, (pa.Array, pa.ChunkedArray)):     # a whole column read in bulk (SQLite)
        return _typed_column(values, kind, where)
    try:
        if kind == "string":
            try:
                return pa.array(values, pa.string())        # all text already: no Python loop
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return pa.array([None if v is None else _as_text(v) for v in values], pa.string())
        if kind == "integer":
            return pa.array([None if v is None else _as_int(v) for v in values], pa.int64())
        if kind == "float":
            return pa.array([None if v is None else float(v) for v in values], pa.float64())
        return pa.array([None if v is None else _as_bool(v) for v in values], pa.bool_())
    except (TypeError, ValueError, OverflowError) as exc:
        raise LogValidationError(f"{where}: a value is not of the declared type {kind} ({exc}). "
                                 "Fix the value or declare the attribute as string.") from exc


def _typed_column(column: pa.Array | pa.ChunkedArray, kind: str, where: str) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if kind == "time":
        return parse_times(column, where)
    try:
        if kind == "boolean" and pa.types.is_string(column.type):
            return typed_array(column.to_pylist(), kind, where)
        return pc.cast(column, ARROW_TYPES[kind])
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise LogValidationError(f"{where}: a value is not of the declared type {kind} ({exc}). "
                                 "Fix the value or declare the attribute as string.") from exc


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)


def _as_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is a boolean")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        return int(value)
    return int(str(value).strip())


def _as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ValueError(f"{value!r} is not true or false")


def format_times(times: pa.Array | pa.ChunkedArray) -> list[str | None]:
    """Times as ISO 8601 in UTC with microseconds, e.g. 2024-03-01T08:30:00.000000Z."""
    return iso_texts(times).to_pylist()


def canonical_text(array: pa.Array, kind: str) -> pa.Array:
    """Typed values as the text that `typed_array` reads back to the same values."""
    if kind == "time":
        return iso_texts(array)
    if kind == "float":
        return pa.array([None if v is None else repr(v) for v in array.to_pylist()], pa.string())
    if kind == "boolean":
        return pa.array([None if v is None else ("true" if v else "false") for v in array.to_pylist()],
                        pa.string())
    return array.cast(pa.string())


def json_value(text: str | None, kind: str):
    """A stored attribute text as the JSON value of its type."""
    if text is None:
        return None
    if kind == "integer":
        return int(text)
    if kind == "float":
        number = float(text)
        return number if math.isfinite(number) else text
    if kind == "boolean":
        return text == "true"
    return text


def empty_table(name: str) -> pa.Table:
    return TABLE_SCHEMAS[name].empty_table()


def where_first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])



def from_text(column: pa.Array | pa.ChunkedArray, kind: str) -> pa.Array:
    """Stored attribute texts as typed values (the inverse of `canonical_text`), vectorised."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if kind in ("integer", "float"):
        return pc.cast(column, ARROW_TYPES[kind])
    if kind == "boolean":
        return pc.equal(column, "true")
    if kind == "time":
        return parse_times(column, "an object attribute")
    return column
