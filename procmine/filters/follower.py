"""Follower: cases where one activity is directly or eventually followed by another.

Optionally the time between the two lies in `between` (in `unit`); with
`never=True` the filter keeps the cases that contain `activity` but where it is
never followed by `followed_by` that way.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import NonNegativeFloat

from procmine.filters.base import Filter
from procmine.filters.columns import activity_lookup, any_per_case
from procmine.filters.performance import MICROS_PER_UNIT
from procmine.filters.wording import range_text
from procmine.languages import Language
from procmine.ranges import Between

_DIRECTLY = ("SELECT DISTINCT case_index FROM (SELECT case_index, activity::VARCHAR AS here, "
             "timestamp AS here_time, lead(activity::VARCHAR) OVER next_event AS next, "
             "lead(timestamp) OVER next_event AS next_time FROM events "
             "WINDOW next_event AS (PARTITION BY case_index ORDER BY event_index)) AS pairs "
             "WHERE here = ? AND next = ?")
_EVENTUALLY = ("SELECT DISTINCT earlier.case_index FROM events AS earlier JOIN events AS later "
               "ON earlier.case_index = later.case_index AND earlier.event_index < later.event_index "
               "WHERE earlier.activity = ? AND later.activity = ?")


class FollowerFilter(Filter):
    """Cases where `activity` is (directly or eventually) followed by `followed_by`."""

    kind: Literal["follower"] = "follower"
    activity: str
    followed_by: str
    relation: Literal["directly", "eventually"] = "eventually"
    between: Between[NonNegativeFloat] | None = None
    unit: Literal["seconds", "minutes", "hours", "days"] = "days"
    never: bool = False

    def check(self, log) -> None:
        activity_lookup(self, log, (self.activity,), "activity")
        activity_lookup(self, log, (self.followed_by,), "followed_by")

    def matches(self, log) -> np.ndarray:
        arrays = log.arrays
        is_first = arrays.activity == log.activity_code(self.activity)
        is_then = arrays.activity == log.activity_code(self.followed_by)
        low, high = self._micros()
        if self.relation == "directly":
            pair = is_first[:-1] & is_then[1:] & (arrays.case[1:] == arrays.case[:-1])
            gap = arrays.timestamp[1:] - arrays.timestamp[:-1]
            pair &= (gap >= (low or 0)) & (gap <= high if high is not None else True)
            followed = np.zeros(arrays.num_cases, dtype=bool)
            followed[arrays.case[:-1][pair]] = True
        else:
            followed = _eventually(arrays, is_first, is_then, low, high)
        return any_per_case(arrays, is_first) & ~followed if self.never else followed

    def _micros(self) -> tuple[int | None, int | None]:
        if self.between is None:
            return None, None
        factor = MICROS_PER_UNIT[self.unit]
        low, high = (None if b is None else round(b * factor) for b in self.between)
        return low, high

    def _matching_sql(self) -> tuple[str, list]:
        directly = self.relation == "directly"
        sql = _DIRECTLY if directly else _EVENTUALLY
        params: list[str | int] = [self.activity, self.followed_by]
        start, end = ("here_time", "next_time") if directly else ("earlier.timestamp", "later.timestamp")
        for operator, bound in zip((">=", "<="), self._micros()):
            if bound is not None:
                sql += f" AND epoch_us({end}) - epoch_us({start}) {operator} ?"
                params.append(bound)
        if self.never:
            return (("SELECT DISTINCT case_index FROM events WHERE activity = ? "
                    f"AND case_index NOT IN ({sql})"), [self.activity, *params])
        return sql, params

    def _phrase(self, lang: Language) -> str:
        how = {("en", "directly"): "directly followed by", ("en", "eventually"): "eventually followed by",
               ("da", "directly"): "direkte efterfulgt af", ("da", "eventually"): "senere efterfulgt af"}
        relation = how[lang, self.relation]
        if lang == "en":
            text = f"cases where {self.activity} is {'never ' * self.never}{relation} {self.followed_by}"
        else:  # Danish puts "aldrig" before the verb in a subordinate clause
            text = f"sager hvor {self.activity} {'aldrig ' * self.never}er {relation} {self.followed_by}"
        if self.between is not None:
            gap = range_text(self.between, lang, self.unit)
            text += f" with {gap} between" if lang == "en" else f" med {gap} imellem"
        return text


def _eventually(arrays, is_first: np.ndarray, is_then: np.ndarray,
                low: int | None, high: int | None) -> np.ndarray:
    """Per case: some `first` event at i and `then` event at j > i with low <= t[j] - t[i] <= high."""
    followed = np.zeros(arrays.num_cases, dtype=bool)
    then = np.flatnonzero(is_then)
    if len(then) == 0 or not is_first.any():
        return followed
    start = arrays.case_starts[:-1][arrays.case[then]]
    # The events that may precede `then` are [start, limit): earlier and at least `low` before it.
    limit = then if not low else _first_later_than(arrays.timestamp, start, then,
                                                   arrays.timestamp[then] - low)
    latest = np.maximum.accumulate(np.where(is_first, np.arange(len(is_first)), -1))
    candidate = np.where(limit > start, latest[np.maximum(limit - 1, 0)], -1)
    ok = candidate >= start
    if high is not None:
        ok &= arrays.timestamp[then] - arrays.timestamp[np.maximum(candidate, 0)] <= high
    followed[arrays.case[then[ok]]] = True
    return followed


def _first_later_than(times: np.ndarray, low: np.ndarray, high: np.ndarray,
                      target: np.ndarray) -> np.ndarray:
    """Per query, the first index in [low, high) with times > target (high if none): a vectorised bisection."""
    low, high = low.copy(), high.copy()
    while True:
        open_ = low < high
        if not open_.any():
            return low
        middle = (low + high) // 2
        later = times[np.minimum(middle, len(times) - 1)] > target
        high = np.where(open_ & later, middle, high)
        low = np.where(open_ & ~later, middle + 1, low)
