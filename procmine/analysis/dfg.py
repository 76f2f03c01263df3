"""Directly-follows graph with frequencies and waiting times (the result type and its computation).

`dfg(log)` computes every statistic; `dfg(log, statistics=("count",))` (or any subset of
EDGE_STATISTICS) only those asked for, each with the least work: counts and mean waits by
one pass over the events without grouping cases into variants or sorting, the median and
the other order statistics by one sort of (edge, wait) keys, distinct cases from the variants.
The columns of a partial result equal the same columns of the full one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.analysis import edge_passes as passes
from procmine.analysis import kernels as k
from procmine.analysis.variants import Variants, variants
from procmine.errors import ConfigError
from procmine.eventlog import EventLog
from procmine.variant_grouping import BLOCK_EVENTS
from procmine.view_memo import is_remembered, remembered_part

EDGE_COLUMNS = ("source", "target", "count", "cases", "mean_seconds", "median_seconds",
                "p90_seconds", "min_seconds", "max_seconds", "total_seconds")
ACTIVITY_COLUMNS = ("activity", "events", "cases", "mean_repeats",
                    "service_mean_seconds", "service_median_seconds")
# Statistic -> the edge column and the activity columns that hold it ("count" is always computed).
EDGE_STATISTICS = ("count", "cases", "mean", "median", "p90", "min", "max", "total")
_EDGE_COLUMN = dict(zip(EDGE_STATISTICS, EDGE_COLUMNS[2:]))
_ACTIVITY_COLUMNS = {"count": ("events",), "cases": ("cases", "mean_repeats"),
                     "mean": ("service_mean_seconds",), "median": ("service_median_seconds",)}
# The statistics that need the waits sorted within each edge.
_ORDER_STATISTICS = frozenset({"median", "p90", "min", "max"})


@dataclass(frozen=True)
class Dfg:
    """A directly-follows graph of a (filtered) log.

    edges: one row per (source, target), most frequent first, with source, target and the
    EDGE_COLUMNS of the statistics computed (all of them by default).
    activities: one row per activity with the ACTIVITY_COLUMNS of the statistics computed
    (service times are NaN when the log has no start times).
    start_activities / end_activities: activity -> number of cases starting / ending with it.
    statistics: the EDGE_STATISTICS computed, in that order.
    """

    edges: pd.DataFrame
    activities: pd.DataFrame
    start_activities: dict[str, int]
    end_activities: dict[str, int]
    num_cases: int
    num_events: int
    statistics: tuple[str, ...] = EDGE_STATISTICS

    def to_pandas(self) -> pd.DataFrame:
        return self.edges.copy()


def dfg(log: EventLog, statistics: Iterable[str] = EDGE_STATISTICS) -> Dfg:
    """The directly-follows graph of the log with the edge statistics asked for (all by default).

    Waiting time on an edge a -> b is the timestamp of b minus the timestamp of a (as pm4py's
    performance DFG); "cases" counts the distinct cases with the edge. Remembered per view: a
    result with more statistics serves a request for fewer.

        dfg(log, statistics=("count",)).edges   # source, target, count: no waits, no variants
    """
    wanted = _checked(statistics)
    return remembered_part(log, "dfg", wanted, lambda view: _computed(view, wanted), _projected)


def _checked(statistics: Iterable[str]) -> frozenset[str]:
    asked = frozenset([statistics] if isinstance(statistics, str) else statistics)
    unknown = sorted(asked - set(EDGE_STATISTICS))
    if unknown:
        raise ConfigError(f"Unknown DFG statistic(s) {', '.join(map(repr, unknown))}; "
                          f"choose from {', '.join(EDGE_STATISTICS)}.")
    return asked | {"count"}


def _projected(graph: Dfg, wanted: frozenset[str]) -> Dfg:
    """The graph with only the `wanted` statistics' columns (copies: callers may change them)."""
    kept = tuple(name for name in EDGE_STATISTICS if name in wanted)
    edge_columns = ["source", "target", *(_EDGE_COLUMN[name] for name in kept)]
    activity_columns = ["activity", *(c for name in kept for c in _ACTIVITY_COLUMNS.get(name, ()))]
    return Dfg(edges=graph.edges[edge_columns].copy(), activities=graph.activities[activity_columns].copy(),
               start_activities=dict(graph.start_activities), end_activities=dict(graph.end_activities),
               num_cases=graph.num_cases, num_events=graph.num_events, statistics=kept)


def _computed(log: EventLog, wanted: frozenset[str]) -> Dfg:
    arrays = log.arrays
    names = arrays.activity_names
    # Distinct cases come from the variants; counts too when the variants are known already.
    found = (variants(log) if "cases" in wanted or is_remembered(log, "variants")
             or not passes.fits_pair_table(arrays) else None)
    columns: dict[str, np.ndarray] = {}
    stats = None
    if found is not None:
        variant_edges, variant_of_edge = _variant_edges(found, len(names))
        edge_codes = k.sorted_unique(variant_edges)
        dense = k.dense_codes(variant_edges, edge_codes)
        columns["count"] = np.bincount(dense, weights=found.cases[variant_of_edge],
                                       minlength=len(edge_codes)).astype(np.int64)
        if "cases" in wanted:
            columns["cases"] = _distinct_cases(dense, variant_of_edge, found.cases, len(edge_codes))
    elif wanted & _ORDER_STATISTICS:
        # One sort of (pair code, wait) keys over every possible pair gives the counts as well.
        every = _waiting_stats(arrays, np.arange(len(names) ** 2))
        edge_codes = np.flatnonzero(every.count)
        stats = k.GroupStats(*(np.asarray(field)[edge_codes] for field in vars(every).values()))
        columns["count"] = stats.count
    else:
        counts = passes.pair_counts(arrays)
        edge_codes = np.flatnonzero(counts)
        columns["count"] = counts[edge_codes]
    columns.update(_wait_columns(arrays, edge_codes, columns["count"], wanted, stats))
    kept = [name for name in EDGE_STATISTICS if name in wanted]
    edges = pd.DataFrame({
        "source": [names[c] for c in (edge_codes // len(names)).tolist()],
        "target": [names[c] for c in (edge_codes % len(names)).tolist()],
        **{_EDGE_COLUMN[name]: columns[name] for name in kept},
    }, columns=["source", "target", *(_EDGE_COLUMN[name] for name in kept)])
    edges = edges.sort_values(["count", "source", "target"], ascending=[False, True, True],
                              kind="stable", ignore_index=True)
    starts, ends = _endpoints(arrays, found)
    return Dfg(edges=edges, activities=_activities(arrays, found, wanted),
               start_activities=starts, end_activities=ends,
               num_cases=arrays.num_cases, num_events=arrays.num_events, statistics=tuple(kept))


def _wait_columns(arrays, edge_codes: np.ndarray, counts: np.ndarray, wanted: frozenset[str],
                  stats: k.GroupStats | None) -> dict[str, np.ndarray]:
    """The wanted waiting-time statistics per edge (seconds): exact sums when no order statistic is asked.

    `stats`: the edges' waiting statistics when they are computed already.
    """
    if not wanted & ({"mean", "total"} | _ORDER_STATISTICS):
        return {}
    if stats is None and not wanted & _ORDER_STATISTICS and len(edge_codes) and passes.fits_pair_table(arrays):
        totals = passes.pair_wait_totals(arrays, _wait_bits(arrays))
        if totals is not None:
            total = totals[edge_codes].astype(np.float64)
            return {"total": k.seconds(total), "mean": k.seconds(total / counts)}
    if stats is None:
        stats = _waiting_stats(arrays, edge_codes)
    return {"mean": k.seconds(stats.mean), "median": k.seconds(stats.median), "p90": k.seconds(stats.p90),
            "min": k.seconds(stats.minimum), "max": k.seconds(stats.maximum), "total": k.seconds(stats.total)}


def _wait_bits(arrays) -> int:
    """Bits of the longest wait: within a case none exceeds its duration (events are sorted by time)."""
    return max(int(k.case_durations(arrays).max()).bit_length(), 1)


def _waiting_stats(arrays, edge_codes: np.ndarray) -> k.GroupStats:
    """Waiting-time statistics per edge over every pair of consecutive events.

    Pairs that cross from one case to the next go to an extra group that is dropped:
    cheaper than compacting all 10M-element arrays with a mask. Each pair's sort key
    (edge, wait) is built block by block, so the per-pair passes run in the CPU cache
    and only the one sort streams the whole array.
    """
    num_edges = len(edge_codes)
    if arrays.num_events < 2:
        return k.group_stats(np.zeros(0, np.int64), np.zeros(0, np.int64), num_edges)
    value_bits = _wait_bits(arrays)
    if not passes.fits_pair_table(arrays) or value_bits + max(num_edges.bit_length(), 1) > 64:
        return _waiting_stats_unpacked(arrays, edge_codes)
    ordered, offsets = k.sort_packed_key(_pair_keys(arrays, edge_codes, value_bits), num_edges + 1, value_bits)
    stats = k.sorted_group_stats(ordered, offsets)
    return k.GroupStats(*(np.asarray(field)[:num_edges] for field in vars(stats).values()))


def _pair_keys(arrays, edge_codes: np.ndarray, value_bits: int) -> np.ndarray:
    """(edge << value_bits) + wait of each pair of consecutive events; pairs across cases: (edges, 0)."""
    names, pairs = len(arrays.activity_names), arrays.num_events - 1
    shift = np.uint64(value_bits)
    table = np.zeros(names * names, np.uint64)
    table[edge_codes] = np.arange(len(edge_codes), dtype=np.uint64) << shift
    activity, timestamp = arrays.activity, arrays.timestamp
    key = np.empty(pairs, np.uint64)
    for start in range(0, pairs, BLOCK_EVENTS):
        end = min(start + BLOCK_EVENTS, pairs)
        pair = np.multiply(activity[start:end], names, dtype=np.int64)
        pair += activity[start + 1:end + 1]
        block = table[pair]
        block += np.diff(timestamp[start:end + 1]).view(np.uint64)
        key[start:end] = block
    key[arrays.case_starts[1:-1] - 1] = np.uint64(len(edge_codes)) << shift
    return key


def _waiting_stats_unpacked(arrays, edge_codes: np.ndarray) -> k.GroupStats:
    """_waiting_stats for logs whose (edge, wait) does not pack into 64 bits or with very many activities."""
    num_edges = len(edge_codes)
    wide = np.int64 if len(arrays.activity_names) ** 2 >= 2 ** 31 else np.int32
    pairs = arrays.activity[:-1].astype(wide) * len(arrays.activity_names)
    pairs += arrays.activity[1:]
    edge = k.dense_codes(pairs, edge_codes, size=len(arrays.activity_names) ** 2)
    crossing = arrays.case_starts[1:-1] - 1
    edge[crossing] = num_edges
    waits = np.diff(arrays.timestamp)
    waits[crossing] = 0
    stats = k.group_stats(edge, waits, num_edges + 1)
    return k.GroupStats(*(np.asarray(field)[:num_edges] for field in vars(stats).values()))


def _variant_of_position(found: Variants) -> np.ndarray:
    return np.repeat(np.arange(len(found)), np.diff(found.offsets))


def _variant_edges(found: Variants, num_activities: int) -> tuple[np.ndarray, np.ndarray]:
    """Edge code (source * activities + target) of each transition of each variant, and its variant."""
    variant = _variant_of_position(found)
    same = variant[1:] == variant[:-1]
    codes = found.codes[:-1][same].astype(np.int64) * num_activities + found.codes[1:][same]
    return codes, variant[:-1][same]


def _distinct_cases(items: np.ndarray, variant: np.ndarray, cases: np.ndarray, num_items: int) -> np.ndarray:
    """Number of distinct cases in which each item (edge or activity) occurs."""
    pairs = k.sorted_unique(variant.astype(np.int64) * num_items + items)
    return np.bincount(pairs % num_items, weights=cases[pairs // num_items],
                       minlength=num_items).astype(np.int64)


def _endpoints(arrays, found: Variants | None) -> tuple[dict[str, int], dict[str, int]]:
    """Cases starting and ending with each activity (from the variants when they are at hand)."""
    if found is not None:
        first, last = found.codes[found.offsets[:-1]], found.codes[found.offsets[1:] - 1]
        return (_endpoint_counts(first, found.cases, found.activity_names),
                _endpoint_counts(last, found.cases, found.activity_names))
    first, last = arrays.activity[arrays.case_starts[:-1]], arrays.activity[arrays.case_starts[1:] - 1]
    return (_endpoint_counts(first, None, arrays.activity_names),
            _endpoint_counts(last, None, arrays.activity_names))


def _endpoint_counts(codes: np.ndarray, weights: np.ndarray | None, names: tuple[str, ...]) -> dict[str, int]:
    counts = np.bincount(codes, weights=weights, minlength=len(names))
    present = np.flatnonzero(counts)
    order = sorted(present.tolist(), key=lambda code: (-counts[code], names[code]))
    return {names[code]: int(counts[code]) for code in order}


def _activities(arrays, found: Variants | None, wanted: frozenset[str]) -> pd.DataFrame:
    names = arrays.activity_names
    if found is not None:
        variant = _variant_of_position(found)
        events = np.bincount(found.codes, weights=found.cases[variant], minlength=len(names)).astype(np.int64)
    else:
        events = np.bincount(arrays.activity, minlength=len(names)).astype(np.int64)
    present = np.flatnonzero(events)
    table: dict[str, object] = {"activity": [names[c] for c in present.tolist()], "events": events[present]}
    if "cases" in wanted and found is not None:
        cases = _distinct_cases(found.codes.astype(np.int64), variant, found.cases, len(names))[present]
        table.update(cases=cases, mean_repeats=events[present] / np.maximum(cases, 1))
    if wanted & {"mean", "median"}:
        service_mean, service_median = _service_times(arrays)
        table.update(service_mean_seconds=service_mean[present], service_median_seconds=service_median[present])
    kept = [c for name in EDGE_STATISTICS if name in wanted for c in _ACTIVITY_COLUMNS.get(name, ())]
    frame = pd.DataFrame({c: table[c] for c in ("activity", *kept)}, columns=["activity", *kept])
    return frame.sort_values(["events", "activity"], ascending=[False, True], kind="stable",
                             ignore_index=True)


def _service_times(arrays) -> tuple[np.ndarray, np.ndarray]:
    """Mean and median seconds from start to completion per activity code (NaN without start times)."""
    names = arrays.activity_names
    if arrays.start_timestamp is None:
        return np.full(len(names), np.nan), np.full(len(names), np.nan)
    start = np.asarray(arrays.start_timestamp, dtype=np.float64)
    known = ~np.isnan(start)
    service = arrays.timestamp[known] - start[known].astype(np.int64)
    stats = k.group_stats(arrays.activity[known], service, len(names))
    return k.seconds(stats.mean), k.seconds(stats.median)
