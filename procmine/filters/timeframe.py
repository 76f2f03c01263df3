"""Timeframe: cases contained in, intersecting, started or completed in a period; or trim events to it.

A case spans from its first to its last selected event. The period
`between=(start, end)` includes its start and excludes its end (so a month is
(first day, first day of the next month)); None is an open end, and naive times
are read as Europe/Copenhagen.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
from pydantic import field_validator, model_validator

from procmine import schema as s
from procmine.filters.base import Filter
from procmine.filters.columns import first_positions, last_positions
from procmine.filters.wording import period_text

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
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
    between: tuple[dt.datetime | None, dt.datetime | None]
    mode: Literal["contained", "intersecting", "started", "completed", "trim"] = "intersecting"

    @field_validator("between")
    @classmethod
    def _aware(cls, between: tuple) -> tuple:
        zone = ZoneInfo(s.DEFAULT_TIMEZONE)
        return tuple(None if t is None else t if t.tzinfo else t.replace(tzinfo=zone) for t in between)

    @model_validator(mode="after")
    def _ordered(self) -> "TimeframeFilter":
        low, high = self.between
        if low is None and high is None:
            raise ValueError("give a start or an end of the period (or both)")
        if low is not None and high is not None and high <= low:
            raise ValueError(f"the end {high.isoformat()} is not after the start {low.isoformat()}")
        return self

    @property
    def keeps_whole_cases(self) -> bool:
        return self.mode != "trim"

    def _fast_matches(self, log) -> np.ndarray:
        arrays = log.arrays
        times = {"event": arrays.timestamp, "first": arrays.timestamp[first_positions(arrays)],
                 "last": arrays.timestamp[last_positions(arrays)]}
        size = arrays.num_events if self.mode == "trim" else arrays.num_cases
        keep = np.ones(size, dtype=bool)
        for bound, which in _CHECKS[self.mode]:
            value = self._bound(bound)
            if value is not None:
                micros = (value - EPOCH) // dt.timedelta(microseconds=1)
                keep &= times[which] >= micros if bound == "low" else times[which] < micros
        return keep

    def _matching_sql(self) -> tuple[str, list]:
        conditions, params = [], []
        for bound, which in _CHECKS[self.mode]:
            value = self._bound(bound)
            if value is not None:
                column = {"event": "timestamp", "first": "first_time", "last": "last_time"}[which]
                conditions.append(f"{column} {'>=' if bound == 'low' else '<'} ?")
                params.append(value)
        where = " AND ".join(conditions)
        if self.mode == "trim":
            return f"SELECT event_index FROM events WHERE {where}", params
        return ("SELECT case_index FROM (SELECT case_index, min(timestamp) AS first_time, "
                f"max(timestamp) AS last_time FROM events GROUP BY case_index) AS spans WHERE {where}",
                params)

    def _bound(self, bound: str) -> dt.datetime | None:
        return self.between[0] if bound == "low" else self.between[1]

    def _phrase(self, lang: str) -> str:
        return _PHRASES[self.mode][lang == "da"].format(period_text(self.between, lang))
