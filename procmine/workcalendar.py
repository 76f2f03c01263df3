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

import calendar as gregorian
import datetime as dt
from dataclasses import dataclass
from typing import Any

import holidays
import numpy as np

from procmine.daytable import DAY_US, NOT_A_TIME, as_datetimes, as_instants, as_numpy, days_for, local_to_utc
from procmine.errors import ConfigError
from procmine.languages import Language, month_name, weekday_name

__all__ = ["DAY_US", "MUNICIPAL_CLOSING_DAYS", "MUNICIPAL_OFFICE_HOURS", "NOT_A_TIME", "WorkCalendar"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

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
        """Build from config data: extra_closed (list), office_hours ({weekday: "08:00-16:00"}), timezone.

        Weekdays missing from office_hours are closed.
        """
        unknown = sorted(set(config) - {"extra_closed", "office_hours", "timezone"})
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed are "
                              "extra_closed, office_hours, timezone.")
        options: dict[str, Any] = {}
        if "extra_closed" in config:
            options["extra_closed"] = tuple(str(day) for day in config["extra_closed"])
        if "office_hours" in config:
            options["office_hours"] = _parse_office_hours(config["office_hours"], where)
        if "timezone" in config:
            options["timezone"] = str(config["timezone"])
        return cls(**options)

    def describe(self, lang: Language = "en") -> str:
        """One sentence naming the calendar used, in English ("en") or Danish ("da")."""
        rules = [_parse_closing_day(rule) for rule in self.extra_closed]
        hours = _describe_hours(self.office_hours, lang)
        if lang == "da":
            extra = ", ".join(f"{d.day}. {month_name(d.month, 'da', long=True)}" + ("" if every else f" {d.year}")
                              for d, every in rules)
            closed = f" samt {extra}" if extra else ""
            return (f"Arbejdsdage efter dansk kalender: hverdage undtagen helligdage{closed}; "
                    f"kontortid {hours} ({self.timezone}).")
        extra = ", ".join(f"{d.day} {month_name(d.month, 'en', long=True)}" + ("" if every else f" {d.year}")
                          for d, every in rules)
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
                # A 29 February rule closes only leap years (1900 and 2100 are not: year % 4 is not enough).
                if day.month != 2 or day.day != 29 or gregorian.isleap(year):
                    closed.add(dt.date(year, day.month, day.day))
        return sorted(closed)

    def working_days_between(self, start, end) -> np.ndarray:
        """Office time from start to end in working days (float, NaN where a time is missing)."""
        (start_us, end_us), valid = as_instants(start, end)
        days = days_for(self, start_us, end_us, valid=valid)
        result = days.position(end_us) - days.position(start_us)
        result[~valid] = np.nan
        return result

    def business_days_between(self, start, end) -> np.ndarray:
        """Working days after start's local day up to and including end's (float, NaN if missing)."""
        (start_us, end_us), valid = as_instants(start, end)
        days = days_for(self, start_us, end_us, valid=valid)
        counted = days.working_through[days.index(end_us)] - days.working_through[days.index(start_us)]
        return np.where(valid, counted, np.nan)

    def add_working_days(self, start, n) -> np.ndarray:
        """Deadline: the last instant of the n-th working day after start's local day (datetime64[us], UTC)."""
        (start_us,), valid = as_instants(start)
        start_us, valid, n = np.broadcast_arrays(start_us, valid, np.asarray(n, dtype=np.int64))
        if n.size and n.min() < 1:
            raise ConfigError(f"add_working_days needs n of at least 1 working day, got {n.min()}.")
        days = days_for(self, start_us, extra_days=int(n.max(initial=0)), valid=valid)
        rank = days.working_through[days.index(start_us)] + n - 1
        deadline = days.midnight[days.working_index[rank] + 1] - 1
        return as_datetimes(deadline, valid)

    def add_office_days(self, start, office_days) -> np.ndarray:
        """The instant after `office_days` working days of office time from start (datetime64[us], UTC).

        An instant outside office hours moves to the next opening first, so the
        result always lies within office hours on a working day.
        """
        (start_us,), valid = as_instants(start)
        start_us, valid, office_days = np.broadcast_arrays(start_us, valid,
                                                           np.asarray(office_days, dtype=np.float64))
        if office_days.size and np.nanmin(office_days) < 0:
            raise ConfigError(f"add_office_days needs office time of 0 or more, got {np.nanmin(office_days)}.")
        extra = int(np.nanmax(office_days, initial=0.0)) + 1
        days = days_for(self, start_us, extra_days=extra, valid=valid)
        return as_datetimes(days.at_position(days.position(start_us) + office_days), valid)

    def is_working_day(self, values) -> np.ndarray:
        """Whether each local date (datetime64[D]) or UTC instant falls on a working day."""
        values = as_numpy(values)
        if values.dtype == np.dtype("datetime64[D]"):
            (instants,), valid = as_instants(values.astype("datetime64[us]"))
            days = days_for(self, instants, valid=valid)
            return days.working[days.date_index(instants)] & valid
        (instants,), valid = as_instants(values)
        days = days_for(self, instants, valid=valid)
        return days.working[days.index(instants)] & valid

    def is_office_time(self, values) -> np.ndarray:
        """Whether each UTC instant falls within office hours (ends included) on a working day."""
        (instants,), valid = as_instants(values)
        days = days_for(self, instants, valid=valid)
        day = days.index(instants)
        inside = (instants >= days.opens[day]) & (instants <= days.closes[day])
        return inside & days.working[day] & valid

    def localize(self, local_us: np.ndarray) -> np.ndarray:
        """UTC microseconds of local wall-clock microseconds (gap times move forward, repeats take the first)."""
        return local_to_utc(self.timezone, np.asarray(local_us, dtype=np.int64))


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
    hours: list[tuple[dt.time, ...] | None] = []
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
    return tuple(None if span is None else (span[0], span[1]) for span in hours)


def _describe_hours(office_hours: tuple[OfficeHours, ...], lang: str) -> str:
    names = [weekday_name(day, "da" if lang == "da" else "en") for day in range(7)]
    groups: list[tuple[int, int, OfficeHours]] = []
    for day, hours in enumerate(office_hours):
        if groups and groups[-1][2] == hours:
            groups[-1] = (groups[-1][0], day, hours)
        else:
            groups.append((day, day, hours))
    parts = [(names[a] if a == b else f"{names[a]}–{names[b]}")
             + f" {h[0]:%H:%M}–{h[1]:%H:%M}" for a, b, h in groups if h]
    return ", ".join(parts)
