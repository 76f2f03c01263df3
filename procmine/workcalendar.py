"""Danish working days and office hours: the one calendar every duration, deadline and sample log uses.

Two ways to count, both vectorised over arrays of UTC instants (int64 microseconds,
numpy datetime64 or Arrow timestamps):

- `working_days_between(start, end)`: office time between two instants in working days,
  exact to the microsecond. Each working day counts 1.0 when its office hours are
  over (a short Friday is a full day too); office hours are local time, so the
  daylight-saving changes move them correctly.
- `business_days_between(start, end)`: whole working days after the start's day up to
  and including the end's day, the way "7 arbejdsdage" in offentlighedsloven § 36 is
  counted. Deadlines use this count: `add_working_days(received, 7)` is the last
  instant of the 7th working day after the day of receipt, so a case meets its
  deadline exactly when `business_days_between(received, decided) <= 7`.

Example: `WorkCalendar().business_days_between(received, decided) <= 7`.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import holidays
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine.errors import ConfigError

DAY_US = 86_400_000_000
MINUTE_US = 60_000_000
NOT_A_TIME = np.iinfo(np.int64).min  # numpy's NaT as int64
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS_DA = ("man", "tirs", "ons", "tors", "fre", "lør", "søn")
_MONTHS_DA = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
              "september", "oktober", "november", "december")

OfficeHours = tuple[dt.time, dt.time] | None
# A common municipal week: Monday-Thursday 08:00-16:00, Friday 08:00-15:00.
MUNICIPAL_OFFICE_HOURS: tuple[OfficeHours, ...] = (
    *[(dt.time(8), dt.time(16))] * 4, (dt.time(8), dt.time(15)), None, None)
# Grundlovsdag, juleaftensdag and nytårsaftensdag: not public holidays, but most town halls close.
MUNICIPAL_CLOSING_DAYS = ("06-05", "12-24", "12-31")


@dataclass(frozen=True)
class WorkCalendar:
    """Danish public holidays plus extra closing days, and office hours per weekday in local time.

    `extra_closed` holds "MM-DD" rules (every year) and "YYYY-MM-DD" dates; `office_hours`
    holds one (opens, closes) pair or None per weekday, Monday first.
    """

    extra_closed: tuple[str, ...] = MUNICIPAL_CLOSING_DAYS
    office_hours: tuple[OfficeHours, ...] = MUNICIPAL_OFFICE_HOURS
    timezone: str = "Europe/Copenhagen"

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra_closed", tuple(self.extra_closed))
        object.__setattr__(self, "office_hours", tuple(self.office_hours))
        for rule in self.extra_closed:
            _parse_closing_day(rule)
        if len(self.office_hours) != 7:
            raise ConfigError(f"office_hours has {len(self.office_hours)} entries; give one per "
                              "weekday, Monday first (None for a closed day).")
        for name, hours in zip(WEEKDAYS, self.office_hours):
            if hours is not None and not hours[0] < hours[1]:
                raise ConfigError(f"office_hours for {name}: opens {hours[0]} is not before closes "
                                  f"{hours[1]}. Give (opens, closes) with opens first.")
        if not any(self.office_hours):
            raise ConfigError("office_hours closes every weekday; open at least one day.")

    @classmethod
    def public_holidays_only(cls) -> WorkCalendar:
        """Monday-Friday except Danish public holidays, with no extra closing days."""
        return cls(extra_closed=())

    @classmethod
    def from_mapping(cls, config: dict, *, where: str = "calendar") -> WorkCalendar:
        """Build from config data: extra_closed (list), office_hours ({weekday: "08:00-16:00"}), timezone."""
        unknown = sorted(set(config) - {"extra_closed", "office_hours", "timezone"})
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed are "
                              "extra_closed, office_hours, timezone.")
        options = {}
        if "extra_closed" in config:
            options["extra_closed"] = tuple(str(day) for day in config["extra_closed"])
        if "office_hours" in config:
            options["office_hours"] = _parse_office_hours(config["office_hours"], where)
        if "timezone" in config:
            options["timezone"] = str(config["timezone"])
        return cls(**options)

    def describe(self, lang: str = "en") -> str:
        """One sentence naming the calendar used, in English ("en") or Danish ("da")."""
        rules = [_parse_closing_day(rule) for rule in self.extra_closed]
        hours = _describe_hours(self.office_hours, lang)
        if lang == "da":
            extra = ", ".join(f"{d.day}. {_MONTHS_DA[d.month - 1]}" + ("" if every else f" {d.year}")
                              for d, every in rules)
            closed = f" samt {extra}" if extra else ""
            return (f"Arbejdsdage efter dansk kalender: hverdage undtagen helligdage{closed}; "
                    f"kontortid {hours} ({self.timezone}).")
        extra = ", ".join(f"{d.day} {d:%B}" + ("" if every else f" {d.year}") for d, every in rules)
        closed = f" and {extra}" if extra else ""
        return (f"Working days by the Danish calendar: weekdays except public holidays{closed}; "
                f"office hours {hours} ({self.timezone}).")

    def closed_dates(self, first_year: int, last_year: int) -> list[dt.date]:
        """Public holidays and extra closing days in the years given, sorted."""
        years = range(first_year, last_year + 1)
        closed = set(holidays.country_holidays("DK", years=years))
        for day, every_year in (_parse_closing_day(rule) for rule in self.extra_closed):
            if not every_year:
                closed.add(day)
                continue
            for year in years:
                if day.month != 2 or day.day != 29 or year % 4 == 0:
                    closed.add(dt.date(year, day.month, day.day))
        return sorted(closed)

    def working_days_between(self, start, end) -> np.ndarray:
        """Office time from start to end in working days (float, NaN where a time is missing)."""
        (start_us, end_us), valid = _instants(start, end)
        days = _days_for(self, start_us, end_us, valid=valid)
        result = days.position(end_us) - days.position(start_us)
        result[~valid] = np.nan
        return result

    def business_days_between(self, start, end) -> np.ndarray:
        """Working days after start's local day up to and including end's (float, NaN if missing)."""
        (start_us, end_us), valid = _instants(start, end)
        days = _days_for(self, start_us, end_us, valid=valid)
        counted = days.working_through[days.index(end_us)] - days.working_through[days.index(start_us)]
        return np.where(valid, counted, np.nan)

    def add_working_days(self, start, n) -> np.ndarray:
        """Deadline: the last instant of the n-th working day after start's local day (datetime64[us], UTC)."""
        (start_us,), valid = _instants(start)
        start_us, valid, n = np.broadcast_arrays(start_us, valid, np.asarray(n, dtype=np.int64))
        if n.size and n.min() < 1:
            raise ConfigError(f"add_working_days needs n of at least 1 working day, got {n.min()}.")
        days = _days_for(self, start_us, extra_days=int(n.max(initial=0)), valid=valid)
        rank = days.working_through[days.index(start_us)] + n - 1
        deadline = days.midnight[days.working_index[rank] + 1] - 1
        return _as_datetimes(deadline, valid)

    def add_office_days(self, start, office_days) -> np.ndarray:
        """The instant after `office_days` working days of office time from start (datetime64[us], UTC).

        An instant outside office hours moves to the next opening first, so the
        result always lies within office hours on a working day.
        """
        (start_us,), valid = _instants(start)
        start_us, valid, office_days = np.broadcast_arrays(start_us, valid,
                                                           np.asarray(office_days, dtype=np.float64))
        if office_days.size and np.nanmin(office_days) < 0:
            raise ConfigError(f"add_office_days needs office time of 0 or more, got {np.nanmin(office_days)}.")
        extra = int(np.nanmax(office_days, initial=0.0)) + 1
        days = _days_for(self, start_us, extra_days=extra, valid=valid)
        return _as_datetimes(days.at_position(days.position(start_us) + office_days), valid)

    def is_working_day(self, values) -> np.ndarray:
        """Whether each local date (datetime64[D]) or UTC instant falls on a working day."""
        values = _as_numpy(values)
        if values.dtype == np.dtype("datetime64[D]"):
            (instants,), valid = _instants(values.astype("datetime64[us]"))
            days = _days_for(self, instants, valid=valid)
            return days.working[days.date_index(instants)] & valid
        (instants,), valid = _instants(values)
        days = _days_for(self, instants, valid=valid)
        return days.working[days.index(instants)] & valid

    def is_office_time(self, values) -> np.ndarray:
        """Whether each UTC instant falls within office hours (ends included) on a working day."""
        (instants,), valid = _instants(values)
        days = _days_for(self, instants, valid=valid)
        day = days.index(instants)
        inside = (instants >= days.opens[day]) & (instants <= days.closes[day])
        return inside & days.working[day] & valid

    def localize(self, local_us: np.ndarray) -> np.ndarray:
        """UTC microseconds of local wall-clock microseconds (gap times move forward, repeats take the first)."""
        return _local_to_utc(self.timezone, np.asarray(local_us, dtype=np.int64))


class _DayTable:
    """Per local day: UTC midnight, opening and closing, working flag and running working-day counts."""

    def __init__(self, calendar: WorkCalendar, first_year: int, last_year: int) -> None:
        dates = np.arange(np.datetime64(f"{first_year}-01-01"), np.datetime64(f"{last_year + 1}-01-02"),
                          dtype="datetime64[D]")
        local_midnight = dates.astype("datetime64[us]").view(np.int64)
        self.first_midnight_local = int(local_midnight[0])
        self.midnight = _local_to_utc(calendar.timezone, local_midnight)
        dates, local_midnight = dates[:-1], local_midnight[:-1]
        weekday = (dates.view(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        opens = np.array([h[0].hour * 60 + h[0].minute if h else 0 for h in calendar.office_hours])
        closes = np.array([h[1].hour * 60 + h[1].minute if h else 0 for h in calendar.office_hours])
        closed = np.array(calendar.closed_dates(first_year, last_year), dtype="datetime64[D]")
        self.working = (closes[weekday] > 0) & ~np.isin(dates, closed)
        self.opens = np.where(self.working, _local_to_utc(
            calendar.timezone, local_midnight + opens[weekday] * MINUTE_US), self.midnight[:-1])
        self.closes = np.where(self.working, _local_to_utc(
            calendar.timezone, local_midnight + closes[weekday] * MINUTE_US), self.midnight[:-1])
        self.length = np.maximum(self.closes - self.opens, 1)
        # 1 / office length on working days, 0 on closed days: their fraction of the day is 0.
        self.per_microsecond = np.where(self.working, 1.0 / self.length, 0.0)
        self.working_through = np.cumsum(self.working)
        self.working_before = self.working_through - self.working
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


def _days_for(calendar: WorkCalendar, *instants: np.ndarray, valid: np.ndarray,
              extra_days: int = 0) -> _DayTable:
    """The cached day table covering the instants, plus `extra_days` working days after them."""
    if not valid.any():
        return _day_table(calendar, 2000, 2000)
    low = min(int(a.min()) for a in instants)
    high = max(int(a.max()) for a in instants)
    first = int(np.datetime64(low, "us").astype("datetime64[Y]").astype(np.int64)) + 1970 - 1
    last = int(np.datetime64(high, "us").astype("datetime64[Y]").astype(np.int64)) + 1970 + 1
    last += extra_days // 200 + 1 if extra_days else 0
    if first < 1900 or last > 2300:
        raise ConfigError(f"times from year {first + 1} to {last - 1} are outside the working-day "
                          "calendar (1901-2299); check the timestamps for wrong units or typos.")
    return _day_table(calendar, first, last)


@functools.lru_cache(maxsize=16)
def _day_table(calendar: WorkCalendar, first_year: int, last_year: int) -> _DayTable:
    return _DayTable(calendar, first_year, last_year)


def _instants(*values) -> tuple[list[np.ndarray], np.ndarray]:
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
    values = _as_numpy(values)
    if np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[us]").view(np.int64)
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(np.int64)
    raise ConfigError(f"expected UTC timestamps (datetime64, Arrow timestamps or int64 microseconds), "
                      f"got values of type {values.dtype}. Convert the column to timestamps first.")


def _as_numpy(values) -> np.ndarray:
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
            values = values.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return np.asarray(np.datetime64(values, "us"))
    if isinstance(values, dt.date):
        return np.asarray(np.datetime64(values, "D"))
    if hasattr(values, "to_numpy"):  # pandas: tz-aware values become UTC datetime64
        values = values.to_numpy(dtype="datetime64[us]") if hasattr(values, "dt") else values.to_numpy()
    return np.asarray(values)


def _as_datetimes(micros: np.ndarray, valid: np.ndarray) -> np.ndarray:
    return np.where(valid, micros, NOT_A_TIME).view("datetime64[us]")


def _local_to_utc(timezone: str, local_us: np.ndarray) -> np.ndarray:
    naive = pa.array(local_us, type=pa.timestamp("us"))
    aware = pc.assume_timezone(naive, timezone, ambiguous="earliest", nonexistent="latest")
    return aware.cast(pa.int64()).to_numpy()


def _parse_closing_day(rule: str) -> tuple[dt.date, bool]:
    """("MM-DD" → a date in leap year 2000, True) or ("YYYY-MM-DD" → that date, False)."""
    text = str(rule).strip()
    try:
        if len(text) == 5:
            return dt.date.fromisoformat(f"2000-{text}"), True
        return dt.date.fromisoformat(text), False
    except ValueError:
        raise ConfigError(f"extra_closed: {rule!r} is not a closing day; write 'MM-DD' for every year "
                          "(e.g. '12-24') or 'YYYY-MM-DD' for one date.") from None


def _parse_office_hours(config: dict, where: str) -> tuple[OfficeHours, ...]:
    unknown = sorted(set(config) - set(WEEKDAYS))
    if unknown:
        raise ConfigError(f"{where}.office_hours: unknown weekday(s) {', '.join(unknown)}; "
                          f"use {', '.join(WEEKDAYS)}.")
    hours = []
    for name in WEEKDAYS:
        text = config.get(name)
        try:
            hours.append(None if text in (None, "") else
                         tuple(dt.time.fromisoformat(part.strip()) for part in str(text).split("-")))
        except ValueError:
            raise ConfigError(f"{where}.office_hours.{name}: {text!r} is not a time span; "
                              "write it like '08:00-16:00'.") from None
        if hours[-1] is not None and len(hours[-1]) != 2:
            raise ConfigError(f"{where}.office_hours.{name}: {text!r} needs one '-' between two times.")
    return tuple(hours)


def _describe_hours(office_hours: tuple[OfficeHours, ...], lang: str) -> str:
    names = _WEEKDAYS_DA if lang == "da" else tuple(d[:3].capitalize() for d in WEEKDAYS)
    groups: list[tuple[int, int, OfficeHours]] = []
    for day, hours in enumerate(office_hours):
        if groups and groups[-1][2] == hours:
            groups[-1] = (groups[-1][0], day, hours)
        else:
            groups.append((day, day, hours))
    parts = [(names[a] if a == b else f"{names[a]}–{names[b]}")
             + f" {h[0]:%H:%M}–{h[1]:%H:%M}" for a, b, h in groups if h]
    return ", ".join(parts)
