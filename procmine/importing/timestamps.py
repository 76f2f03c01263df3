"""Timestamp parsing for imported columns: detect the format once per column, parse it vectorised.

Formats read: ISO 8601 with or without offset (`2010-12-30 14:32:00+01:00`,
`2024-03-01T09:00:00.123Z`, `2024-03-01`), day-first dates `dd-mm-yyyy`,
`dd.mm.yyyy`, `dd/mm/yyyy` with optional `HH:MM[:SS]`, and Excel serial numbers
(days since 1899-12-30, fractions are the time of day, kept to the millisecond).

Times without an offset are local time in the import time zone (default
Europe/Copenhagen). On the autumn daylight-saving repeat an ambiguous local time
is read as the earliest of the two instants; a local time inside the spring gap,
which never existed, is moved to the first instant after the gap (the rule of
`procmine.dataset.as_utc_timestamp`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from procmine.dataset import as_utc_timestamp
from procmine.errors import LogValidationError, located
from procmine.schema import TIMESTAMP_TYPE

_TIME = r"(?:[T ]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?"
ISO_PATTERN = (r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})" + _TIME
               + r"\s*(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?$")
DAY_FIRST_PATTERN = r"^(?P<day>\d{1,2})[-./](?P<month>\d{1,2})[-./](?P<year>\d{4})" + _TIME + "$"
SERIAL_PATTERN = r"^\d+(?:\.\d+)?$"
_FAMILIES = {"ISO 8601": ISO_PATTERN, "day-first (dd-mm-yyyy)": DAY_FIRST_PATTERN,
             "Excel serial number": SERIAL_PATTERN}
EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "us")
_LATEST_SERIAL = 2958465  # 9999-12-31


@dataclass(frozen=True)
class ColumnPlace:
    """Where a column's values came from, for messages: file, column name, row number of value 0."""

    origin: str
    column: str
    first_row: int

    def error(self, message: str, index: int | None = None, hint: str | None = None) -> LogValidationError:
        """A LogValidationError located at value `index` of this column."""
        row = None if index is None else self.first_row + index
        return LogValidationError(located(message, file=self.origin, row=row, column=self.column, hint=hint))


def parse_timestamp_column(values: pa.Array | pa.ChunkedArray, place: ColumnPlace, *,
                           timezone: str, notes: list[str]) -> pa.Array:
    """Parse a column of any type into timestamp[us, UTC]; a value that does not parse is an error."""
    values = _single_array(values)
    kind = values.type
    if pa.types.is_timestamp(kind):
        return _single_array(as_utc_timestamp(values, place.column, place.origin, timezone))
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return _from_serial(values.cast(pa.float64()), place, timezone)
    if pa.types.is_date(kind):
        return _single_array(as_utc_timestamp(values.cast(pa.timestamp("us")), place.column,
                                              place.origin, timezone))
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise place.error(f"The time column holds {kind}, neither text nor dates", hint=(
            "Map a column with dates and times, or convert this one"))
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    family = detect_family(text)
    if family is None:
        index = pc.index(pc.is_valid(text), True).as_py()
        if index < 0:
            raise place.error("The time column is empty in every row", hint="Map another column")
        raise place.error(f"Cannot read {text[index].as_py()!r} as a date and time", index, hint=(
            "Use ISO 8601 (2024-03-01 14:30:00), dd-mm-yyyy HH:MM or an Excel serial number"))
    if family == "Excel serial number":
        return _from_serial(pc.cast(text, pa.float64()), place, timezone)
    if family == "ISO 8601":
        fast = _from_iso_by_cast(text, place, timezone)
        if fast is not None:
            return fast
    return _from_text(text, family, place, timezone, notes)


def looks_like_timestamps(values: pa.Array) -> bool:
    """Whether every non-empty value of a text column is an ISO 8601 or day-first date (no serials)."""
    text = pc.utf8_trim_whitespace(_single_array(values))
    valid = pc.sum(pc.and_(pc.is_valid(text), pc.not_equal(text, ""))).as_py() or 0
    if not valid:
        return False
    return any(pc.sum(pc.match_substring_regex(text, _FAMILIES[f])).as_py() == valid
               for f in ("ISO 8601", "day-first (dd-mm-yyyy)"))


def detect_family(text: pa.Array, sample_size: int = 10_000) -> str | None:
    """The format family matched by most of the first non-empty values, or None when none matches."""
    sample = pc.drop_null(text)[:sample_size]
    counts = {family: pc.sum(pc.match_substring_regex(sample, pattern)).as_py() or 0
              for family, pattern in _FAMILIES.items()}
    best = max(counts, key=lambda family: counts[family])
    return best if counts[best] else None


def _from_text(text: pa.Array, family: str, place: ColumnPlace, timezone: str,
               notes: list[str]) -> pa.Array:
    parts = pc.extract_regex(text, _FAMILIES[family])  # null where a value does not match
    present = pc.is_valid(text).to_numpy(zero_copy_only=False)
    _raise_first(present & parts.is_null().to_numpy(zero_copy_only=False), text, place, family)
    numbers = {name: _integers(parts.field(name))
               for name in ("year", "month", "day", "hour", "minute", "second")}
    local, fits = _assemble(numbers)
    local = local + _fraction_microseconds(parts.field("fraction")).astype("timedelta64[us]")
    _raise_first(present & ~fits, text, place, family)
    local[~present] = np.datetime64("NaT")
    if family == "day-first (dd-mm-yyyy)":
        _note_day_first(numbers["day"][present], numbers["month"][present], text, place, notes)
    if family != "ISO 8601":
        return _localise(local, place, timezone)
    return _apply_zones(local, parts.field("zone"), text, place, timezone)


def _from_iso_by_cast(text: pa.Array, place: ColumnPlace, timezone: str) -> pa.Array | None:
    """Arrow's C++ ISO 8601 parser, when every value is naive or every value has an offset.

    Gives None for anything else, so the regex path can point at the offending value.
    """
    try:
        return _localise_arrow(text.cast(pa.timestamp("us")), place, timezone)
    except pa.ArrowInvalid:
        pass
    try:
        utc = text.cast(TIMESTAMP_TYPE)
    except pa.ArrowInvalid:
        return None
    tail = pc.extract_regex(pc.utf8_slice_codeunits(text, -6), r"(?P<zone>Z|[+-]\d\d:?\d\d)$")
    if tail.null_count != text.null_count:
        return None
    offsets = _offset_minutes(tail.field("zone"))
    _check_one_zone(utc.to_numpy(zero_copy_only=False).astype("datetime64[us]"), offsets, text,
                    place, timezone)
    return utc


def _assemble(n: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Local date-times from calendar fields, and whether each field set is a real date and time."""
    month_index = (n["year"] - 1970) * 12 + np.clip(n["month"], 1, 12) - 1
    month_start = month_index.astype("datetime64[M]").astype("datetime64[D]")
    month_days = ((month_index + 1).astype("datetime64[M]").astype("datetime64[D]") - month_start
                  ).astype(np.int64)
    fits = ((n["month"] >= 1) & (n["month"] <= 12) & (n["day"] >= 1) & (n["day"] <= month_days)
            & (n["hour"] <= 23) & (n["minute"] <= 59) & (n["second"] <= 59))
    seconds = (n["day"] - 1) * 86_400 + n["hour"] * 3_600 + n["minute"] * 60 + n["second"]
    local = month_start.astype("datetime64[us]") + (seconds * 1_000_000).astype("timedelta64[us]")
    return local, fits


def _apply_zones(local: np.ndarray, zones: pa.Array, text: pa.Array, place: ColumnPlace,
                 timezone: str) -> pa.Array:
    has_zone = pc.and_(pc.is_valid(text), pc.not_equal(zones, ""))
    with_zone = pc.sum(has_zone).as_py() or 0
    if with_zone == 0:
        return _localise(local, place, timezone)
    valid = pc.sum(pc.is_valid(text)).as_py()
    if with_zone < valid:
        zoned = pc.index(has_zone, True).as_py()
        naive = pc.index(pc.and_(pc.is_valid(text), pc.invert(has_zone)), True).as_py()
        raise place.error(
            f"The column mixes times with an offset ({text[zoned].as_py()!r}, row "
            f"{place.first_row + zoned}) and times without one ({text[naive].as_py()!r})", naive,
            hint="Give every value the same form, or export the times in one time zone")
    offsets = _offset_minutes(zones)
    utc = local - offsets.astype("timedelta64[m]").astype("timedelta64[us]")
    _check_one_zone(utc, offsets, text, place, timezone)
    return pa.array(utc, type=pa.timestamp("us"), from_pandas=True).cast(TIMESTAMP_TYPE)


def _check_one_zone(utc: np.ndarray, offsets: np.ndarray, text: pa.Array, place: ColumnPlace,
                    timezone: str) -> None:
    """Offsets must be one fixed offset, or follow the import time zone (summer and winter time)."""
    valid = ~np.isnat(utc)
    if len(np.unique(offsets[valid])) <= 1:
        return
    instants = pd.DatetimeIndex(utc[valid]).tz_localize("UTC")
    expected = np.zeros(len(utc), dtype=np.int64)
    expected[valid] = ((instants.tz_convert(timezone).tz_localize(None) - instants.tz_localize(None))
                       // pd.Timedelta(minutes=1)).to_numpy()
    wrong = np.flatnonzero(valid & (expected != offsets))
    if len(wrong):
        first = int(np.flatnonzero(valid)[0])
        index = int(wrong[0]) if wrong[0] != first else int(wrong[-1])
        raise place.error(
            f"The column mixes time zones: {text[first].as_py()!r} (row {place.first_row + first}) "
            f"and {text[index].as_py()!r} have offsets that are neither one fixed offset nor the "
            f"summer and winter time of {timezone}", index,
            hint="Export all times in one time zone, or pass the zone they follow with --tz")


def _from_serial(serial: pa.Array, place: ColumnPlace, timezone: str) -> pa.Array:
    bad = pc.or_(pc.less(serial, 0), pc.greater(serial, _LATEST_SERIAL))
    bad = pc.or_(bad, pc.is_nan(serial))
    index = pc.index(pc.fill_null(bad, False), True).as_py()
    if index >= 0:
        raise place.error(f"Cannot read {serial[index].as_py()!r} as an Excel date serial number",
                          index, hint="Excel dates are days since 1899-12-30 (0 to 2958465)")
    milliseconds = np.round(serial.to_numpy(zero_copy_only=False) * 86_400_000)
    nulls = np.isnan(milliseconds)
    local = EXCEL_EPOCH + np.where(nulls, 0, milliseconds).astype("timedelta64[ms]")
    local[nulls] = np.datetime64("NaT")
    return _localise(local, place, timezone)


def _localise(local: np.ndarray, place: ColumnPlace, timezone: str) -> pa.Array:
    naive = pa.array(local.astype("datetime64[us]"), type=pa.timestamp("us"), from_pandas=True)
    return _localise_arrow(naive, place, timezone)


def _localise_arrow(naive: pa.Array, place: ColumnPlace, timezone: str) -> pa.Array:
    return _single_array(as_utc_timestamp(naive, place.column, place.origin, timezone))


def _note_day_first(days: np.ndarray, months: np.ndarray, text: pa.Array, place: ColumnPlace,
                    notes: list[str]) -> None:
    if not len(days) or days.max() > 12:
        return
    ambiguous = np.flatnonzero(days != months)
    if len(ambiguous):
        example = pc.drop_null(text)[int(ambiguous[0])].as_py()
        notes.append(f"Column {place.column!r}: dates such as {example!r} could be day-first or "
                     "month-first; they were read day first (Danish style).")


def _raise_first(bad: np.ndarray, text: pa.Array, place: ColumnPlace, family: str) -> None:
    wrong = np.flatnonzero(bad)
    if len(wrong):
        index = int(wrong[0])
        hint = f"The other values of the column are {family} dates; correct this value"
        if family.startswith("day-first"):
            hint += " (dates are read day first; a month above 12 means month-first dates)"
        raise place.error(f"Cannot read {text[index].as_py()!r} as a date and time", index, hint=hint)


def _integers(field: pa.Array) -> np.ndarray:
    """Digit fields as int64; an empty field (absent time part, or no match) is 0."""
    return pc.utf8_lpad(field, 1, "0").cast(pa.int64()).to_numpy(zero_copy_only=False)


def _fraction_microseconds(fraction: pa.Array) -> np.ndarray:
    digits = pc.utf8_slice_codeunits(pc.utf8_rpad(pc.fill_null(fraction, ""), 6, "0"), 0, 6)
    return np.nan_to_num(digits.cast(pa.int64()).to_numpy(zero_copy_only=False)).astype(np.int64)


def _offset_minutes(zones: pa.Array) -> np.ndarray:
    digits = pc.replace_substring(pc.fill_null(zones, "Z"), ":", "")
    digits = pc.if_else(pc.equal(digits, "Z"), "+0000", digits)
    digits = pc.utf8_rpad(digits, 5, "0")
    hours = pc.utf8_slice_codeunits(digits, 1, 3).cast(pa.int64()).to_numpy()
    minutes = pc.utf8_slice_codeunits(digits, 3, 5).cast(pa.int64()).to_numpy()
    sign = np.where(pc.starts_with(digits, "-").to_numpy(zero_copy_only=False), -1, 1)
    return sign * (hours * 60 + minutes)


def _single_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
