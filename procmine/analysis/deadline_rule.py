"""A deadline rule: "from A (or case start) to B (or case end) within N working days, calendar days or weeks"."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CASE_START, CASE_END, CASE_TYPE = "case start", "case end", "case_type"
Unit = Literal["working_days", "calendar_days", "weeks"]


class DeadlineRule(BaseModel):
    """One deadline: from `start` to `end` within `within` units, for cases of `case_type` (None = all)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    case_type: str | None = None
    start: str = CASE_START
    end: str = CASE_END
    within: int = Field(gt=0)
    unit: Unit

    @property
    def limit_days(self) -> int:
        return self.within * 7 if self.unit == "weeks" else self.within

    def describe(self) -> str:
        unit = self.unit.replace("_", " ")
        scope = f"{self.case_type}: " if self.case_type else ""
        return f"{scope}from {self.start} to {self.end} within {self.within} {unit}"
