"""Seconds, days and microseconds: the one place a duration changes unit.

The engine keeps durations in seconds (`*_seconds`) and instants in microseconds since
the epoch; people and the report read days. `in_days` works on a number, a NumPy
array or a pandas Series alike and keeps missing values missing.

>>> in_days(129_600.0)
1.5
"""

from __future__ import annotations

from typing import TypeVar

DAY_SECONDS = 86_400.0
HOUR_SECONDS = 3_600.0
DAY_US = 86_400_000_000   # microseconds in a day (instants are int64 microseconds)

Seconds = TypeVar("Seconds")


def in_days(seconds: Seconds) -> Seconds:
    """A duration in seconds as days (float, array or Series; None stays None)."""
    return None if seconds is None else seconds / DAY_SECONDS  # type: ignore[operator, return-value]


def in_hours(seconds: Seconds) -> Seconds:
    """A duration in seconds as hours (float, array or Series; None stays None)."""
    return None if seconds is None else seconds / HOUR_SECONDS  # type: ignore[operator, return-value]
