"""The one range type of the options: `between=(low, high)`, inclusive at both ends, None for an open end.

`Between[float]` is a pair of floats (or None), checked once: at least one end given, both
ends of one kind, low <= high. It is stored as the plain pair, so a saved filter stack writes
`between: [low, high]` as it always did. `LocalDatetime` reads a naive time as Europe/Copenhagen.

    class CaseSizeFilter(Filter):
        between: Between[NonNegativeInt]
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

from procmine import schema as s

T = TypeVar("T")


def ordered(between: tuple) -> tuple:
    """The pair itself; ValueError when both ends are open, of different kinds, or high < low."""
    low, high = between
    if low is None and high is None:
        raise ValueError("give a low or a high end of the range (or both)")
    if low is not None and high is not None:
        if isinstance(low, dt.datetime) != isinstance(high, dt.datetime):
            raise ValueError(f"both ends must be dates or both numbers, not {low!r} and {high!r}")
        if high < low:
            raise ValueError(f"the high end {_shown(high)} is below the low end {_shown(low)}")
    return between


def _shown(value) -> str:
    return value.isoformat() if isinstance(value, dt.datetime) else str(value)


def _local(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(s.DEFAULT_TIMEZONE))


Between = Annotated[tuple[T | None, T | None], AfterValidator(ordered)]
LocalDatetime = Annotated[dt.datetime, AfterValidator(_local)]
