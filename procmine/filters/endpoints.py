"""Endpoints: cases that start with one of a set of activities and/or end with one of another."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import model_validator

from procmine.filters.base import Filter
from procmine.filters.columns import activity_lookup, first_positions, last_positions
from procmine.filters.wording import listing
from procmine.languages import Language


class EndpointsFilter(Filter):
    """Cases whose first activity is in `start` and last activity is in `end` (empty = any)."""

    kind: Literal["endpoints"] = "endpoints"
    start: tuple[str, ...] = ()
    end: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _needs_an_endpoint(self) -> EndpointsFilter:
        if not self.start and not self.end:
            raise ValueError("give at least one activity in start or end")
        return self

    def check(self, log) -> None:
        activity_lookup(self, log, self.start, "start")
        activity_lookup(self, log, self.end, "end")

    def matches(self, log) -> np.ndarray:
        arrays = log.arrays
        keep = np.ones(arrays.num_cases, dtype=bool)
        if self.start:
            lookup = activity_lookup(self, log, self.start, "start")
            keep &= lookup[arrays.activity[first_positions(arrays)]]
        if self.end:
            lookup = activity_lookup(self, log, self.end, "end")
            keep &= lookup[arrays.activity[last_positions(arrays)]]
        return keep

    def _matching_sql(self) -> tuple[str, list]:
        conditions, params = [], []
        if self.start:
            conditions.append("list_contains(?::VARCHAR[], first_activity)")
            params.append(list(self.start))
        if self.end:
            conditions.append("list_contains(?::VARCHAR[], last_activity)")
            params.append(list(self.end))
        sql = ("SELECT case_index FROM (SELECT case_index, "
               "arg_min(activity, event_index)::VARCHAR AS first_activity, "
               "arg_max(activity, event_index)::VARCHAR AS last_activity "
               "FROM events GROUP BY case_index) AS endpoints WHERE " + " AND ".join(conditions))
        return sql, params

    def _phrase(self, lang: Language) -> str:
        parts = []
        if self.start:
            parts.append(("start with " if lang == "en" else "starter med ") + listing(self.start, lang))
        if self.end:
            parts.append(("end with " if lang == "en" else "slutter med ") + listing(self.end, lang))
        joined = (" and " if lang == "en" else " og ").join(parts)
        return ("cases that " if lang == "en" else "sager der ") + joined
