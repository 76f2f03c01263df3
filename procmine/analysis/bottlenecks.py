"""Bottlenecks: where cases wait longest, who carries the work, and where work changes hands."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.analysis import kernels as k
from procmine.analysis.dfg import dfg
from procmine.analysis.working_waits import working_day_waits
from procmine.eventlog import EventLog

ORG_UNIT = "org_unit"
NO_VALUE = "(none)"


@dataclass(frozen=True)
class Bottlenecks:
    """Transitions and activities ranked by total waiting, resource workload and handovers of work.

    transitions: DFG edges ranked by total waiting (count x mean wait), with cases affected.
    activities: per activity, the waiting before it (from the previous event of the case).
    Both give the median and total wait in Danish working days as well (`*_working_days`).
    resources: per resource, events, cases, active days (local dates with an event) and
    total service time (NaN without start times). handovers: consecutive events of a
    case done by different resources; org_unit_handovers the same between org units
    (None when events have no `org_unit`).
    """

    transitions: pd.DataFrame
    activities: pd.DataFrame
    resources: pd.DataFrame | None
    handovers: pd.DataFrame | None
    org_unit_handovers: pd.DataFrame | None

    def to_pandas(self) -> pd.DataFrame:
        return self.transitions.copy()


def bottlenecks(log: EventLog) -> Bottlenecks:
    """Rank where the log's cases wait and how work is spread over resources."""
    edges = dfg(log).edges
    transitions = edges[["source", "target", "count", "cases", "mean_seconds", "median_seconds",
                         "total_seconds"]].sort_values(["total_seconds", "source", "target"],
                                                       ascending=[False, True, True], kind="stable",
                                                       ignore_index=True)
    working_transitions, working_activities = working_day_waits(log)
    transitions = transitions.merge(working_transitions, on=["source", "target"], how="left")
    activities = waiting_before_activities(log).merge(working_activities, on="activity", how="left")
    columns = log.base.events.column_names
    resource = _coded_event_column(log, s.RESOURCE) if s.RESOURCE in columns else None
    org_unit = _coded_event_column(log, ORG_UNIT) if ORG_UNIT in columns else None
    return Bottlenecks(
        transitions=transitions, activities=activities,
        resources=None if resource is None else workload(log, *resource),
        handovers=None if resource is None else handovers(log, *resource),
        org_unit_handovers=None if org_unit is None else handovers(log, *org_unit))


def waiting_before_activities(log: EventLog) -> pd.DataFrame:
    """Per activity: arrivals, cases, mean/median/total waiting since the case's previous event."""
    arrays = log.arrays
    follows = k.follows_mask(arrays)
    target = arrays.activity[1:][follows].astype(np.int64)
    waits = arrays.timestamp[1:][follows] - arrays.timestamp[:-1][follows]
    names = arrays.activity_names
    stats = k.group_stats(target, waits, len(names))
    cases = _distinct_cases(arrays.case[1:][follows], target, len(names))
    present = np.flatnonzero(stats.count)
    table = pd.DataFrame({
        "activity": [names[c] for c in present.tolist()], "arrivals": stats.count[present],
        "cases": cases[present], "mean_wait_seconds": k.seconds(stats.mean[present]),
        "median_wait_seconds": k.seconds(stats.median[present]),
        "total_wait_seconds": k.seconds(stats.total[present])})
    return table.sort_values(["total_wait_seconds", "activity"], ascending=[False, True],
                             kind="stable", ignore_index=True)


def workload(log: EventLog, codes: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Per resource: events, cases, active days and total service time."""
    arrays = log.arrays
    size = len(names)
    events = np.bincount(codes, minlength=size)
    cases = _distinct_cases(arrays.case, codes, size)
    days = k.local_days(arrays.timestamp, s.DEFAULT_TIMEZONE)
    days = days - days.min() if len(days) else days
    active_days = np.bincount(k.sorted_unique(codes * (int(days.max()) + 1) + days) // (int(days.max()) + 1),
                              minlength=size) if len(days) else np.zeros(size, np.int64)
    service = np.full(size, np.nan)
    if arrays.start_timestamp is not None:
        start = np.asarray(arrays.start_timestamp, dtype=np.float64)
        known = ~np.isnan(start)
        service = np.bincount(codes[known], weights=(arrays.timestamp[known] - start[known]) / k.MICROS,
                              minlength=size)
    table = pd.DataFrame({"resource": names, "events": events, "cases": cases,
                          "active_days": active_days, "service_seconds": service})
    table = table[table["events"] > 0]
    return table.sort_values(["events", "resource"], ascending=[False, True], kind="stable",
                             ignore_index=True)


def handovers(log: EventLog, codes: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Directly-follows pairs of different performers (resources or org units): count and cases."""
    arrays = log.arrays
    follows = k.follows_mask(arrays)
    source, target = codes[:-1][follows], codes[1:][follows]
    changed = source != target
    pairs = source[changed] * len(names) + target[changed]
    known = k.sorted_unique(pairs)
    index = k.dense_codes(pairs, known)
    counts = np.bincount(index, minlength=len(known))
    cases = _distinct_cases(arrays.case[1:][follows][changed], index, len(known))
    table = pd.DataFrame({"source": [names[c] for c in (known // len(names)).tolist()],
                          "target": [names[c] for c in (known % len(names)).tolist()],
                          "count": counts, "cases": cases})
    return table.sort_values(["count", "source", "target"], ascending=[False, True, True],
                             kind="stable", ignore_index=True)


def _coded_event_column(log: EventLog, name: str) -> tuple[np.ndarray, list[str]]:
    """Integer codes (per selected event) and names of an event text column; empty values as "(none)"."""
    column = log.base.events.column(name)
    if log.case_mask is not None or log.event_mask is not None:
        column = column.take(pa.array(log.arrays.event_index))
    column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    encoded = pc.dictionary_encode(column.cast(pa.string()))
    names = encoded.dictionary.to_pylist() + [NO_VALUE]
    codes = pc.fill_null(encoded.indices, len(names) - 1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, names


def _distinct_cases(case: np.ndarray, items: np.ndarray, num_items: int) -> np.ndarray:
    """Number of distinct cases per item code."""
    pairs = k.sorted_unique(case.astype(np.int64) * num_items + items)
    return np.bincount(pairs % num_items, minlength=num_items)


def workload_by(log: EventLog, column: str) -> pd.DataFrame | None:
    """Workload (events, cases, active days, service time) per value of an event column; None if absent."""
    if column not in log.base.events.column_names:
        return None
    return workload(log, *_coded_event_column(log, column)).rename(columns={"resource": column})
