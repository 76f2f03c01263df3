"""Rework: cases in which an activity occurs at least n times."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from procmine.filters.base import Filter
from procmine.filters.columns import activity_lookup, count_per_case
from procmine.languages import Language


class ReworkFilter(Filter):
    """Cases in which `activity` occurs at least `at_least` times."""

    kind: Literal["rework"] = "rework"
    activity: str
    at_least: int = Field(default=2, ge=0)

    def check(self, log) -> None:
        activity_lookup(self, log, (self.activity,), "activity")

    def matches(self, log) -> np.ndarray:
        arrays = log.arrays
        hits = arrays.activity == log.activity_code(self.activity)
        return count_per_case(arrays, hits) >= self.at_least

    def _matching_sql(self) -> tuple[str, list]:
        return (("SELECT cases.case_index FROM cases LEFT JOIN (SELECT case_index, count(*) AS hits "
                "FROM events WHERE activity = ? GROUP BY case_index) AS counted "
                "ON cases.case_index = counted.case_index WHERE coalesce(counted.hits, 0) >= ?"),
                [self.activity, self.at_least])

    def _phrase(self, lang: Language) -> str:
        if lang == "en":
            return f"cases in which {self.activity} occurs at least {self.at_least} times"
        return f"sager hvor {self.activity} forekommer mindst {self.at_least} gange"
