"""NumPy kernels over the sorted, integer-coded event arrays of an EventLog.

Everything here is vectorised: no Python loop runs per event or per case on the
hot path. Results of the expensive kernels are remembered per EventLog view
(procmine.view_memo), so overview, variants and dfg of one filtered view share one
pass. Grouping cases into variants is an engine-level step (procmine.variant_grouping),
because the variant filter ranks variants with it too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from procmine.eventlog import EventArrays
from procmine.view_memo import remembered  # noqa: F401  (the analyses call it as k.remembered)

MICROS = 1_000_000

@dataclass(frozen=True)
class GroupStats:
    """Per-group statistics of integer values (µs): NaN where a group is empty."""

    count: np.ndarray
    total: np.ndarray
    mean: np.ndarray
    median: np.ndarray
    p90: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray


def case_durations(arrays: EventArrays) -> np.ndarray:
    """Microseconds from the first to the last event of each selected case (int64)."""
    if arrays.num_cases == 0:
        return np.zeros(0, np.int64)
    return arrays.timestamp[arrays.case_starts[1:] - 1] - arrays.timestamp[arrays.case_starts[:-1]]


def case_first_last(arrays: EventArrays) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps (µs) of the first and last event of each selected case."""
    return arrays.timestamp[arrays.case_starts[:-1]], arrays.timestamp[arrays.case_starts[1:] - 1]


def follows_mask(arrays: EventArrays) -> np.ndarray:
    """True at i when event i+1 directly follows event i in the same case (length events-1)."""
    if arrays.num_events < 2:
        return np.zeros(0, bool)
    return arrays.case[1:] == arrays.case[:-1]


def sort_within_groups(groups: np.ndarray, values: np.ndarray,
                       num_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Values sorted by (group, value) and the offsets of each group (length num_groups+1).

    Group and value are packed into one unsigned 64-bit key when they fit, because a plain
    np.sort is several times faster than argsort or lexsort on large arrays.
    """
    values = np.asarray(values, dtype=np.int64)
    if len(values) == 0:
        return values, np.zeros(num_groups + 1, np.int64)
    low, high = int(values.min()), int(values.max())
    value_bits = max((high - low).bit_length(), 1)
    group_bits = max(int(num_groups - 1).bit_length(), 1)
    if value_bits + group_bits <= 64:
        return _sort_packed(groups, values, num_groups, low, value_bits)
    offsets = np.zeros(num_groups + 1, np.int64)
    np.cumsum(np.bincount(groups, minlength=num_groups), out=offsets[1:])
    order = np.argsort(values)          # rank the values so (group, rank) fits one key
    rank = np.empty(len(values), np.int64)
    rank[order] = np.arange(len(values))
    key = (groups.astype(np.int64) << 32) | rank
    key.sort()
    return values[order[key & 0xFFFFFFFF]], offsets


def _sort_packed(groups: np.ndarray, values: np.ndarray, num_groups: int, low: int,
                 value_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """sort_within_groups through one key (group << value_bits) + (value - low), in place where it can."""
    key = groups.astype(np.uint64)
    key <<= np.uint64(value_bits)
    if low:
        shifted = values - np.int64(low)
        key += shifted.view(np.uint64)
    else:
        key += values.view(np.uint64)
    return sort_packed_key(key, num_groups, value_bits, low)


def sort_packed_key(key: np.ndarray, num_groups: int, value_bits: int,
                    low: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """sort_within_groups of uint64 keys (group << value_bits) + (value - low); sorts `key` in place."""
    key.sort()
    offsets = np.empty(num_groups + 1, np.int64)
    offsets[:-1] = np.searchsorted(key, np.arange(num_groups, dtype=np.uint64) << np.uint64(value_bits))
    offsets[-1] = len(key)
    np.bitwise_and(key, np.uint64((1 << value_bits) - 1), out=key)
    result = key.view(np.int64)
    if low:
        result += np.int64(low)
    return result, offsets


def quantile_of_groups(sorted_values: np.ndarray, offsets: np.ndarray, q: float) -> np.ndarray:
    """Linear-interpolated quantile q of each group (like numpy/pandas); NaN for empty groups."""
    counts = np.diff(offsets)
    result = np.full(len(counts), np.nan)
    present = counts > 0
    position = q * (counts[present] - 1)
    low = np.floor(position).astype(np.int64)
    high = np.ceil(position).astype(np.int64)
    start = offsets[:-1][present]
    low_value = sorted_values[start + low].astype(np.float64)
    high_value = sorted_values[start + high].astype(np.float64)
    result[present] = low_value + (high_value - low_value) * (position - low)
    return result


def group_stats(groups: np.ndarray, values: np.ndarray, num_groups: int) -> GroupStats:
    """Count, total, mean, median, P90, min and max of integer values per group."""
    return sorted_group_stats(*sort_within_groups(groups, values, num_groups))


def sorted_group_stats(sorted_values: np.ndarray, offsets: np.ndarray) -> GroupStats:
    """group_stats of values already sorted within their groups (as sort_within_groups gives them)."""
    num_groups = len(offsets) - 1
    counts = np.diff(offsets)
    present = counts > 0
    total = np.zeros(num_groups, np.float64)
    minimum = np.full(num_groups, np.nan)
    maximum = np.full(num_groups, np.nan)
    if present.any():
        starts = offsets[:-1][present]
        total[present] = np.add.reduceat(sorted_values, starts)
        minimum[present] = sorted_values[starts]
        maximum[present] = sorted_values[offsets[1:][present] - 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, total / np.maximum(counts, 1), np.nan)
    return GroupStats(count=counts, total=total, mean=mean,
                      median=quantile_of_groups(sorted_values, offsets, 0.5),
                      p90=quantile_of_groups(sorted_values, offsets, 0.9),
                      minimum=minimum, maximum=maximum)


def summary(values: np.ndarray) -> GroupStats:
    """Statistics of one group of integer values."""
    return group_stats(np.zeros(len(values), np.int64), values, 1)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.sort based: faster than np.unique's hash table here)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def dense_codes(codes: np.ndarray, known: np.ndarray, size: int | None = None) -> np.ndarray:
    """Position of each code in the sorted array `known`; codes not in it get an arbitrary position.

    `size` bounds every code (exclusive) when it is larger than the known ones.
    """
    size = max(size or 0, int(known[-1]) + 1 if len(known) else 0)
    if size < 1 << 24:
        table = np.zeros(size, np.int32 if len(known) < 2 ** 31 else np.int64)
        table[known] = np.arange(len(known))
        return table[codes]
    return np.searchsorted(known, codes)


def seconds(micros):
    """Microseconds (array or number) as float seconds."""
    return np.asarray(micros, dtype=np.float64) / MICROS


def local_days(micros: np.ndarray, timezone: str) -> np.ndarray:
    """Local calendar day of each UTC instant (µs), as days since 1970-01-01 (int64)."""
    from procmine.timezones import local_micros

    return local_micros(micros, timezone) // 86_400_000_000


def first_position(arrays: EventArrays, code: int, not_before: np.ndarray | None = None) -> np.ndarray:
    """Per case, the event position of the first `code` activity (at or after `not_before`); events if none."""
    n = arrays.num_events
    hits = arrays.activity == code
    if not_before is not None:
        hits &= np.arange(n) >= not_before[arrays.case]
    candidate = np.where(hits, np.arange(n), n)
    return np.minimum.reduceat(candidate, arrays.case_starts[:-1]) if arrays.num_cases else candidate[:0]
