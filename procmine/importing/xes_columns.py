"""Pivot XES attributes from long form (owner, key, value, type) into typed Arrow columns.

Values stay text until a whole key is known; then each key is converted in bulk:
int → int64, float → float64, boolean → bool, date → timestamp[us, UTC], string and
id → string. A key written with more than one type is kept as text, with a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine.errors import LogValidationError, located
from procmine.importing.xes_structure import Grouped
from procmine.importing.xes_tokens import TAG
from procmine.schema import TIMESTAMP_TYPE
from procmine.timezones import localise

_TYPE_NAMES = {TAG[name]: name for name in ("string", "date", "int", "float", "boolean", "id")}
_ARROW_TYPES = {TAG["int"]: pa.int64(), TAG["float"]: pa.float64(), TAG["boolean"]: pa.bool_()}
_ZONED = r"(Z|[+-][0-9][0-9](:?[0-9][0-9])?)$"
_INFINITY = r"^[+-]?inf(inity)?$"
_INT64 = 1 << 63


@dataclass
class KeyedParts:
    """Attributes of all chunks so far, per key: owner numbers, XES types and value texts."""

    parts: dict[str, list[tuple[np.ndarray, np.ndarray, pa.Array]]] = field(default_factory=dict)

    def add(self, grouped: Grouped, owner_offset: int) -> None:
        """Add one chunk's attributes; its owner numbers are shifted by `owner_offset`."""
        for number, key in enumerate(grouped.keys):
            low, high = int(grouped.bounds[number]), int(grouped.bounds[number + 1])
            self.parts.setdefault(key, []).append((grouped.owner[low:high].astype(np.int64) + owner_offset,
                                                   grouped.kind[low:high],
                                                   grouped.values.slice(low, high - low)))


@dataclass(frozen=True)
class ColumnRules:
    """How to read keys: some always as text, some always as dates; where a row is, for errors."""

    text_keys: frozenset[str]
    date_keys: frozenset[str]
    timezone: str
    describe_row: Callable[[int], str]
    origin: str


def typed_columns(attributes: KeyedParts, rows: int, rules: ColumnRules) -> tuple[dict[str, pa.Array], list[str]]:
    """One Arrow column of length `rows` per key, nulls where an owner lacks the key; and notes."""
    columns, notes = {}, []
    for key, parts in attributes.parts.items():
        owner = np.concatenate([part[0] for part in parts])
        kinds = np.flatnonzero(np.bincount(np.concatenate([part[1] for part in parts])))
        texts = pa.chunked_array([part[2] for part in parts], pa.string())
        if key not in rules.text_keys and key not in rules.date_keys and len(kinds) > 1:
            names = ", ".join(_TYPE_NAMES[int(k)] for k in kinds)
            notes.append(f"The attribute {key!r} is written with several types ({names}); kept as text.")
            kinds = np.array([TAG["string"]])
        try:
            converted = _convert(texts, key, int(kinds[0]), owner, rules)
        except _KeepAsText as kept:
            notes.append(f"The attribute {key!r} has {kept}; it was kept as text, exactly as written.")
            converted = texts
        if isinstance(converted, pa.ChunkedArray):
            converted = converted.combine_chunks()
        columns[key] = _spread(converted, owner, rows)
    return columns, notes


def _spread(values: pa.Array, owner: np.ndarray, rows: int) -> pa.Array:
    """A column of `rows` rows with values[i] in row owner[i] and nulls elsewhere."""
    if len(owner) == rows and np.array_equal(owner, np.arange(rows)):
        return values
    if values.type == pa.string() and not values.null_count and np.all(owner[1:] > owner[:-1]):
        return _spread_strings(values, owner, rows)
    spread = np.full(rows, -1, np.int64)
    spread[owner] = np.arange(len(owner))
    return values.take(pa.array(spread, mask=spread < 0))


def _spread_strings(values: pa.StringArray, owner: np.ndarray, rows: int) -> pa.StringArray:
    """`_spread` for strings in rising rows: new offsets over the same bytes, nothing copied."""
    offsets = np.frombuffer(values.buffers()[1], np.int32)[values.offset:values.offset + len(values) + 1]
    spread = np.zeros(rows + 1, np.int32)
    spread[owner + 1] = np.diff(offsets)
    np.cumsum(spread, out=spread)
    present = np.zeros(rows, bool)
    present[owner] = True
    return pa.StringArray.from_buffers(rows, pa.py_buffer(spread + offsets[0]), values.buffers()[2],
                                       pa.py_buffer(np.packbits(present, bitorder="little")),
                                       rows - len(owner))


def _convert(texts: pa.Array, key: str, kind: int, owners: np.ndarray, rules: ColumnRules) -> pa.Array:
    if key in rules.text_keys:
        return texts
    if key in rules.date_keys or kind == TAG["date"]:
        try:
            return texts.cast(TIMESTAMP_TYPE)  # every value has an offset and no stray space
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return parse_dates(pc.utf8_trim(texts, characters=" \t\r\n"), key, owners, rules)
    if kind not in _ARROW_TYPES:
        return texts
    trimmed = pc.utf8_trim(texts, characters=" \t\r\n")
    for candidate in (texts, trimmed):
        try:
            return _checked_floats(candidate.cast(_ARROW_TYPES[kind]), trimmed)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    readers: dict[object, Callable[..., object]] = {TAG["int"]: int, TAG["float"]: float, TAG["boolean"]: _boolean}
    reader = readers[kind]
    values = [_read_one(reader, text, key, owners[i], rules, _TYPE_NAMES[kind])
              for i, text in enumerate(trimmed.to_pylist())]
    if kind == TAG["int"] and any(not -_INT64 <= v < _INT64 for v in values if v is not None):
        raise _KeepAsText("whole numbers beyond 64 bits")
    return _checked_floats(pa.array(values, _ARROW_TYPES[kind]), trimmed)


class _KeepAsText(Exception):
    """A key's values are valid but would change in their XES type (too large, or inf)."""


def _checked_floats(values: pa.Array, texts: pa.Array) -> pa.Array:
    """Floats as read, unless a finite text became inf (a value beyond float64's range)."""
    if not pa.types.is_floating(values.type):
        return values
    infinite = pc.and_(pc.is_inf(values), pc.invert(pc.match_substring_regex(texts, _INFINITY, ignore_case=True)))
    if pc.any(infinite).as_py():
        raise _KeepAsText("numbers beyond the float64 range (they would read as infinity)")
    return values


def parse_dates(texts: pa.Array, key: str, owners: np.ndarray, rules: ColumnRules) -> pa.Array:
    """Parse ISO 8601 date-times to timestamp[us, UTC]; values without an offset are local time."""
    zoned = pc.match_substring_regex(texts, _ZONED)
    try:
        if pc.all(zoned).as_py() is not False:
            return texts.cast(TIMESTAMP_TYPE)
        nothing = pa.scalar(None, texts.type)
        utc = pc.if_else(zoned, texts, nothing).cast(TIMESTAMP_TYPE)
        local = pc.if_else(zoned, nothing, texts).cast(pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _parse_dates_slowly(texts, key, owners, rules)
    local = localise(local, rules.timezone)
    return pc.if_else(zoned, utc, local.cast(TIMESTAMP_TYPE))


def _parse_dates_slowly(texts: pa.Array, key: str, owners: np.ndarray, rules: ColumnRules) -> pa.Array:
    """Parse one by one what Arrow refuses (e.g. nanoseconds), naming the first bad value."""
    parsed = [_read_one(_iso_datetime, text, key, owners[i], rules, "date")
              for i, text in enumerate(texts.to_pylist())]
    zoned = pa.array([p.tzinfo is not None for p in parsed])
    naive = [p.astimezone(dt.UTC).replace(tzinfo=None) if p.tzinfo else p for p in parsed]
    stamps = pa.array(naive, pa.timestamp("us"))
    local = localise(stamps, rules.timezone)
    return pc.if_else(zoned, stamps.cast(TIMESTAMP_TYPE), local.cast(TIMESTAMP_TYPE))


def _read_one(reader: Callable, text: str, key: str, owner: int, rules: ColumnRules, what: str):
    try:
        return reader(text)
    except (ValueError, OverflowError):
        raise LogValidationError(located(
            f"The {what} attribute {key!r} of {rules.describe_row(int(owner))} has the value {text!r}, "
            f"which is not a valid {what}", file=rules.origin,
            hint="Correct the value in the source system or the file, then import again")) from None


def _iso_datetime(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("z", "Z"))


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false", "1", "0"):
        raise ValueError(text)
    return lowered in ("true", "1")
