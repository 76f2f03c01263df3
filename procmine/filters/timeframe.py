"""Timeframe: cases contained in, intersecting, started or completed in a period; or trim events to it.

A case spans from its first to its last selected event. The period
`between=(start, end)` is a `Between` like every range: it includes both ends;
None is an open end, and naive times are read as Europe/Copenhagen.

The stored end is the last instant inside the period. An end given at local midnight
(a date such as `2024-02-01`, as the app's date picker and every filter stack saved
before this rule wrote it) means "up to that day" and is stored as the microsecond
before it, 2024-01-31 23:59:59.999999: so a month is (first day, first day of the next
month), read and shown as "from 1 Jan 2024 through 31 Jan 2024", exactly as before. An end
at any other time is that last instant itself (before, such an end was left out: a
hand-written stack ending at 12:00 now also keeps an event at exactly 12:00:00.000000).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import numpy as np
from pydantic import AfterValidator

from procmine import schema as s
from procmine.filters.base import Filter
from procmine.filters.columns import first_positions, last_positions
from procmine.filters.wording import period_text
from procmine.languages import Language
from procmine.ranges import LocalDatetime, ordered

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def _last_instant(between: tuple) -> tuple:
    """The period with an end at local midnight moved to the microsecond before it (see above)."""
    low, high = between
    if high is not None and high.astimezone(ZoneInfo(s.DEFAULT_TIMEZONE)).time() == dt.time(0):
        high = high - MICROSECOND
    return low, high


# A Between of instants (the ordering is checked after the end is placed on its last instant).
Period = Annotated[tuple[LocalDatetime | None, LocalDatetime | None],
                   AfterValidator(_last_instant), AfterValidator(ordered)]
# For each mode: (bound, timestamp it is compared with); "first"/"last" of the case, "event" for trim.
_CHECKS = {
    "contained": (("low", "first"), ("high", "last")),
    "intersecting": (("low", "last"), ("high", "first")),
    "started": (("low", "first"), ("high", "first")),
    "completed": (("low", "last"), ("high", "last")),
    "trim": (("low", "event"), ("high", "event")),
}
_PHRASES = {
    "contained": ("cases that lie entirely within the period {}", "sager der ligger helt i perioden {}"),
    "intersecting": ("cases that overlap the period {}", "sager der overlapper perioden {}"),
    "started": ("cases that started in the period {}", "sager der er startet i perioden {}"),
    "completed": ("cases that completed in the period {}", "sager der er afsluttet i perioden {}"),
    "trim": ("events in the period {}", "hændelser i perioden {}"),
}


class TimeframeFilter(Filter):
    """Cases by how they lie in a period, or (mode="trim") only the events inside it."""

    kind: Literal["timeframe"] = "timeframe"
    between: Period
    mode: Literal["contained", "intersecting", "started", "completed", "trim"] = "intersecting"

    @property
    def keeps_whole_cases(self) -> bool:
        return self.mode != "trim"

    def matches(self, log) -> np.ndarray:
        arrays = log.arrays
        times = {"event": arrays.timestamp, "first": arrays.timestamp[first_positions(arrays)],
                 "last": arrays.timestamp[last_positions(arrays)]}
        size = arrays.num_events if self.mode == "trim" else arrays.num_cases
        keep = np.ones(size, dtype=bool)
        for bound, which in _CHECKS[self.mode]:
            value = self._bound(bound)
            if value is not None:
                micros = (value - EPOCH) // MICROSECOND
                keep &= times[which] >= micros if bound == "low" else times[which] <= micros
        return keep

    def _matching_sql(self) -> tuple[str, list]:
        conditions, params = [], []
        for bound, which in _CHECKS[self.mode]:
            value = self._bound(bound)
            if value is not None:
                column = {"event": "timestamp", "first": "first_time", "last": "last_time"}[which]
                conditions.append(f"{column} {'>=' if bound == 'low' else '<='} ?")
                params.append(value)
        where = " AND ".join(conditions)
        if self.mode == "trim":
            return f"SELECT event_index FROM events WHERE {where}", params
        return (("SELECT case_index FROM (SELECT case_index, min(timestamp) AS first_time, "
                f"max(timestamp) AS last_time FROM events GROUP BY case_index) AS spans WHERE {where}"),
                params)

    def _bound(self, bound: str) -> dt.datetime | None:
        return self.between[0] if bound == "low" else self.between[1]

    def _phrase(self, lang: Language) -> str:
        return _PHRASES[self.mode][lang == "da"].format(period_text(self.between, lang))
