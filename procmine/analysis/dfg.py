"""Directly-follows graph with frequencies and waiting times (the result type and its computation)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

EDGE_COLUMNS = ("source", "target", "count", "cases", "mean_seconds", "median_seconds",
                "p90_seconds", "min_seconds", "max_seconds", "total_seconds")
ACTIVITY_COLUMNS = ("activity", "events", "cases", "mean_repeats",
                    "service_mean_seconds", "service_median_seconds")


@dataclass(frozen=True)
class Dfg:
    """A directly-follows graph of a (filtered) log.

    edges: one row per (source, target) with EDGE_COLUMNS, most frequent first.
    activities: one row per activity with ACTIVITY_COLUMNS (service times are NaN
    when the log has no start times).
    start_activities / end_activities: activity -> number of cases starting / ending with it.
    """

    edges: pd.DataFrame
    activities: pd.DataFrame
    start_activities: dict[str, int]
    end_activities: dict[str, int]
    num_cases: int
    num_events: int

    def to_pandas(self) -> pd.DataFrame:
        return self.edges.copy()
