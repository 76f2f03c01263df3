"""The per-day table behind the work calendar: office hours of every local day as UTC instants.

Looking a day up is arithmetic plus one correction step, so every calendar function is a
handful of vectorised gathers over the input arrays (no loop per event).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Protocol

import numpy as np
import pyarrow as pa

from procmine.errors import ConfigError
from procmine.units import DAY_US


class Schedule(Protocol):
    """What a day table is built from (procmine.workcalendar.WorkCalendar is one); hashable for the cache."""

    @property
    def timezone(self) -> str: ...

    @property
    def office_hours(self) -> tuple:
        """Per weekday, Monday first: (opens, closes) as times, or empty when the office is closed."""
        ...

    def closed_dates(self, first_year: int, last_year: int) -> list[dt.date]: ...

    def __hash__(self) -> int: ...   # day tables are cached per schedule

MINUTE_US = 60_000_000
NOT_A_TIME = np.iinfo(np.int64).min  # numpy's NaT as int64


class DayTable:
    """Per local day: UTC midnight, opening and closing, working flag and running working-day counts."""

    def __init__(self, calendar: Schedule, first_year: int, last_year: int) -> None:
        dates = np.arange(np.datetime64(f"{first_year}-01-01"), np.datetime64(f"{last_year + 1}-01-02"),
                          dtype="datetime64[D]")
        local_midnight = dates.astype("datetime64[us]").view(np.int64)
        self.first_midnight_local = int(local_midnight[0])
        self.midnight = local_to_utc(calendar.timezone, local_midnight)
        dates, local_midnight = dates[:-1], local_midnight[:-1]
        weekday = (dates.view(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        opens = np.array([h[0].hour * 60 + h[0].minute if h else 0 for h in calendar.office_hours])
        closes = np.array([h[1].hour * 60 + h[1].minute if h else 0 for h in calendar.office_hours])
        closed = np.array(calendar.closed_dates(first_year, last_year), dtype="datetime64[D]")
        self.working = (closes[weekday] > 0) & ~np.isin(dates, closed)
        self.opens = np.where(self.working, local_to_utc(
            calendar.timezone, local_midnight + opens[weekday] * MINUTE_US), self.midnight[:-1])
        self.closes = np.where(self.working, local_to_utc(
            calendar.timezone, local_midnight + closes[weekday] * MINUTE_US), self.midnight[:-1])
        self.length = np.maximum(self.closes - self.opens, 1)
        # 1 / office length on working days, 0 on closed days: their fraction of the day is 0.
        self.per_microsecond = np.where(self.working, 1.0 / self.length, 0.0)
        self.working_through = np.cumsum(self.working)
        self.working_before: np.ndarray = self.working_through - self.working
        self.working_index = np.flatnonzero(self.working)

    def date_index(self, local_midnights: np.ndarray) -> np.ndarray:
        """Row of each local date given as its wall-clock midnight in microseconds."""
        return np.clip((local_midnights - self.first_midnight_local) // DAY_US, 0, len(self.working) - 1)

    def index(self, instants: np.ndarray) -> np.ndarray:
        """Local day of each UTC instant, as a row of this table."""
        last = len(self.working) - 1
        day = instants - self.midnight[0]
        day //= DAY_US
        np.clip(day, 0, last, out=day)
        day -= instants < self.midnight[day]
        np.clip(day, 0, last, out=day)
        day += instants >= self.midnight[day + 1]
        return np.clip(day, 0, last, out=day)

    def position(self, instants: np.ndarray) -> np.ndarray:
        """Working days of office time from the table's start to each instant."""
        day = self.index(instants)
        fraction = (instants - self.opens[day]) * self.per_microsecond[day]
        np.clip(fraction, 0.0, 1.0, out=fraction)
        fraction += self.working_before[day]
        return fraction

    def at_position(self, position: np.ndarray) -> np.ndarray:
        """The instant at each office-time position (inverse of `position`)."""
        rank = np.floor(position).astype(np.int64)
        day = self.working_index[rank]
        return self.opens[day] + np.rint((position - rank) * self.length[day]).astype(np.int64)


def days_for(calendar: Schedule, *moments: np.ndarray, valid: np.ndarray,
             extra_days: int = 0) -> DayTable:
    """The cached day table covering the moments, plus `extra_days` working days after them."""
    if not valid.any():
        return _day_table(calendar, 2000, 2000)
    low = min(int(a.min()) for a in moments)
    high = max(int(a.max()) for a in moments)
    first = int(np.datetime64(low, "us").astype("datetime64[Y]").astype(np.int64)) + 1970 - 1
    last = int(np.datetime64(high, "us").astype("datetime64[Y]").astype(np.int64)) + 1970 + 1
    last += extra_days // 200 + 1 if extra_days else 0
    if first < 1900 or last > 2300:
        raise ConfigError(f"times from year {first + 1} to {last - 1} are outside the working-day "
                          "calendar (1901-2299); check the timestamps for wrong units or typos.")
    return _day_table(calendar, first, last)


@functools.lru_cache(maxsize=16)
def _day_table(calendar: Schedule, first_year: int, last_year: int) -> DayTable:
    return DayTable(calendar, first_year, last_year)


def as_instants(*values) -> tuple[list[np.ndarray], np.ndarray]:
    """UTC microseconds of each input (broadcast together) and where all of them are present.

    A missing time is replaced by a present one, so that table look-ups stay in range.
    """
    arrays = np.broadcast_arrays(*[_as_microseconds(v) for v in values])
    valid = np.ones(arrays[0].shape, dtype=bool)
    for a in arrays:
        valid &= a != NOT_A_TIME
    if valid.all() or not valid.any():
        return [np.ascontiguousarray(a) if valid.all() else np.zeros_like(a) for a in arrays], valid
    fill = arrays[0][np.argmax(valid)]
    return [np.where(valid, a, fill) for a in arrays], valid


def _as_microseconds(values) -> np.ndarray:
    values = as_numpy(values)
    if np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[us]").view(np.int64)
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(np.int64)
    raise ConfigError(f"expected UTC timestamps (datetime64, Arrow timestamps or int64 microseconds), "
                      f"got values of type {values.dtype}. Convert the column to timestamps first.")


def as_numpy(values) -> np.ndarray:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        if pa.types.is_timestamp(values.type):
            values = values.cast(pa.timestamp("us", tz=values.type.tz))
            micros = values.cast(pa.int64()).fill_null(NOT_A_TIME)
            return micros.to_numpy().view("datetime64[us]")
        if pa.types.is_date(values.type):
            return values.cast(pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
        return values.to_numpy(zero_copy_only=False)
    if isinstance(values, dt.datetime):
        if values.tzinfo is not None:
            values = values.astimezone(dt.UTC).replace(tzinfo=None)
        return np.asarray(np.datetime64(values, "us"))
    if isinstance(values, dt.date):
        return np.asarray(np.datetime64(values, "D"))
    if hasattr(values, "to_numpy"):  # pandas: tz-aware values become UTC datetime64
        values = values.to_numpy(dtype="datetime64[us]") if hasattr(values, "dt") else values.to_numpy()
    return np.asarray(values)


def as_datetimes(micros: np.ndarray, valid: np.ndarray) -> np.ndarray:
    return np.where(valid, micros, NOT_A_TIME).view("datetime64[us]")


def local_to_utc(timezone: str, local_us: np.ndarray) -> np.ndarray:
    """UTC µs of local wall-clock µs (earliest on a repeat, after a gap), right beyond 2037."""
    from procmine.timezones import localise

    naive = pa.array(np.asarray(local_us, dtype=np.int64), type=pa.timestamp("us"))
    return localise(naive, timezone).cast(pa.int64()).to_numpy(zero_copy_only=False)
