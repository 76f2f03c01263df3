"""Performance: cases by throughput time (calendar time or Danish working days) or by number of events.

Throughput is the time from a case's first to its last selected event, as in the
throughput analysis; working days are office time by `procmine.workcalendar`.
Bounds are inclusive; None is an open end.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import NonNegativeFloat, NonNegativeInt

from procmine.filters.base import Filter
from procmine.filters.columns import first_positions, last_positions
from procmine.filters.wording import range_text
from procmine.languages import Language
from procmine.ranges import Between

MICROS_PER_UNIT = {"seconds": 1_000_000, "minutes": 60_000_000, "hours": 3_600_000_000,
                   "days": 86_400_000_000}


def _cases_having(aggregate: str, between: tuple) -> tuple[str, list]:
    """SQL for the cases whose per-case `aggregate` lies within the bounds (None: open)."""
    conditions, params = [], []
    for operator, bound in zip((">=", "<="), between):
        if bound is not None:
            conditions.append(f"{aggregate} {operator} ?")
            params.append(bound)
    return "SELECT case_index FROM events GROUP BY case_index HAVING " + " AND ".join(conditions), params


class ThroughputFilter(Filter):
    """Cases whose throughput time lies in `between` (in `unit`: seconds ... days or working_days)."""

    kind: Literal["throughput"] = "throughput"
    between: Between[NonNegativeFloat]
    unit: Literal["seconds", "minutes", "hours", "days", "working_days"] = "days"

    def to_sql(self) -> tuple[str, list]:
        if self.unit == "working_days":
            raise self.error("throughput in working days has no SQL form: office time comes from the "
                             "Danish working-day calendar",
                             "Apply the filter to a log (filter.apply / log.filter) instead of to_sql")
        return super().to_sql()

    def matches(self, log) -> np.ndarray:
        arrays = log.arrays
        first = arrays.timestamp[first_positions(arrays)]
        last = arrays.timestamp[last_positions(arrays)]
        keep = np.ones(arrays.num_cases, dtype=bool)
        if self.unit == "working_days":
            from procmine.workcalendar import WorkCalendar

            duration = WorkCalendar().working_days_between(first, last) if len(first) else first
            bounds = self.between
        else:
            duration, bounds = last - first, self._micros()
        if bounds[0] is not None:
            keep &= duration >= bounds[0]
        if bounds[1] is not None:
            keep &= duration <= bounds[1]
        return keep

    def _micros(self) -> tuple[int | None, int | None]:
        factor = MICROS_PER_UNIT[self.unit]
        low, high = (None if b is None else round(b * factor) for b in self.between)
        return low, high

    def _matching_sql(self) -> tuple[str, list]:
        return _cases_having("epoch_us(max(timestamp)) - epoch_us(min(timestamp))", self._micros())

    def _phrase(self, lang: Language) -> str:
        text = range_text(self.between, lang, self.unit)
        return (f"cases with a throughput time of {text}" if lang == "en"
                else f"sager med en gennemløbstid på {text}")


class CaseSizeFilter(Filter):
    """Cases whose number of (selected) events lies in `between`."""

    kind: Literal["case_size"] = "case_size"
    between: Between[NonNegativeInt]

    def matches(self, log) -> np.ndarray:
        size = np.diff(log.arrays.case_starts)
        low, high = self.between
        keep = np.ones(len(size), dtype=bool)
        if low is not None:
            keep &= size >= low
        if high is not None:
            keep &= size <= high
        return keep

    def _matching_sql(self) -> tuple[str, list]:
        return _cases_having("count(*)", self.between)

    def _phrase(self, lang: Language) -> str:
        text = range_text(self.between, lang, "events")
        return f"cases with {text}" if lang == "en" else f"sager med {text}"
