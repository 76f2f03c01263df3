"""Directly-follows graph with frequencies and waiting times (the result type and its computation)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.analysis import kernels as k
from procmine.analysis.variants import Variants, variants
from procmine.eventlog import EventLog
from procmine.variant_grouping import BLOCK_EVENTS

EDGE_COLUMNS = ("source", "target", "count", "cases", "mean_seconds", "median_seconds",
                "p90_seconds", "min_seconds", "max_seconds", "total_seconds")
# Largest activities x activities table mapping a pair of codes to its edge (16 MB).
_PAIR_TABLE_LIMIT = 1 << 21
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


def dfg(log: EventLog) -> Dfg:
    """The directly-follows graph of the log: frequencies, distinct cases and waiting times.

    Waiting time on an edge a -> b is the timestamp of b minus the timestamp of a
    (as pm4py's performance DFG). Frequencies come from the variants (one pass per
    variant, weighted by its cases); waiting times from every transition.
    """
    arrays = log.arrays
    found = variants(log)
    names = arrays.activity_names
    variant_edges, variant_of_edge = _variant_edges(found, len(names))
    edge_codes = k.sorted_unique(variant_edges)
    stats = _waiting_stats(arrays, edge_codes)
    edge_cases = _distinct_cases(k.dense_codes(variant_edges, edge_codes), variant_of_edge,
                                 found.cases, len(edge_codes))
    edges = pd.DataFrame({
        "source": [names[c] for c in (edge_codes // len(names)).tolist()],
        "target": [names[c] for c in (edge_codes % len(names)).tolist()],
        "count": stats.count, "cases": edge_cases,
        "mean_seconds": k.seconds(stats.mean), "median_seconds": k.seconds(stats.median),
        "p90_seconds": k.seconds(stats.p90), "min_seconds": k.seconds(stats.minimum),
        "max_seconds": k.seconds(stats.maximum), "total_seconds": k.seconds(stats.total),
    }, columns=list(EDGE_COLUMNS))
    edges = edges.sort_values(["count", "source", "target"], ascending=[False, True, True],
                              kind="stable", ignore_index=True)
    return Dfg(edges=edges, activities=_activities(log, found),
               start_activities=_endpoint_counts(found, found.offsets[:-1]),
               end_activities=_endpoint_counts(found, found.offsets[1:] - 1),
               num_cases=arrays.num_cases, num_events=arrays.num_events)


def _waiting_stats(arrays, edge_codes: np.ndarray) -> k.GroupStats:
    """Waiting-time statistics per edge over every pair of consecutive events.

    Pairs that cross from one case to the next go to an extra group that is dropped:
    cheaper than compacting all 10M-element arrays with a mask. Each pair's sort key
    (edge, wait) is built block by block, so the per-pair passes run in the CPU cache
    and only the one sort streams the whole array.
    """
    num_edges, names = len(edge_codes), len(arrays.activity_names)
    if arrays.num_events < 2:
        return k.group_stats(np.zeros(0, np.int64), np.zeros(0, np.int64), num_edges)
    # Within a case no wait exceeds the case's duration (events are sorted by time in a case).
    value_bits = max(int(k.case_durations(arrays).max()).bit_length(), 1)
    if names * names > _PAIR_TABLE_LIMIT or value_bits + max(num_edges.bit_length(), 1) > 64:
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


def _endpoint_counts(found: Variants, positions: np.ndarray) -> dict[str, int]:
    counts = np.bincount(found.codes[positions], weights=found.cases, minlength=len(found.activity_names))
    present = np.flatnonzero(counts)
    order = sorted(present.tolist(), key=lambda code: (-counts[code], found.activity_names[code]))
    return {found.activity_names[code]: int(counts[code]) for code in order}


def _activities(log: EventLog, found: Variants) -> pd.DataFrame:
    arrays = log.arrays
    names = arrays.activity_names
    variant = _variant_of_position(found)
    events = np.bincount(found.codes, weights=found.cases[variant], minlength=len(names)).astype(np.int64)
    cases = _distinct_cases(found.codes.astype(np.int64), variant, found.cases, len(names))
    service_mean = service_median = np.full(len(names), np.nan)
    if arrays.start_timestamp is not None:
        start = np.asarray(arrays.start_timestamp, dtype=np.float64)
        known = ~np.isnan(start)
        service = arrays.timestamp[known] - start[known].astype(np.int64)
        stats = k.group_stats(arrays.activity[known], service, len(names))
        service_mean, service_median = k.seconds(stats.mean), k.seconds(stats.median)
    present = np.flatnonzero(events)
    table = pd.DataFrame({
        "activity": [names[c] for c in present.tolist()], "events": events[present],
        "cases": cases[present], "mean_repeats": events[present] / np.maximum(cases[present], 1),
        "service_mean_seconds": service_mean[present], "service_median_seconds": service_median[present],
    }, columns=list(ACTIVITY_COLUMNS))
    return table.sort_values(["events", "activity"], ascending=[False, True], kind="stable",
                             ignore_index=True)
