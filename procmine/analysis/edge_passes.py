"""Block-wise passes over every pair of consecutive events: edge counts and exact wait totals.

They give a DFG's counts and mean waits without grouping cases into variants and without a
sort. A pair is coded source * activities + target; the pairs that cross from one case to
the next are taken out again after the pass (far fewer than the pairs, so cheaper than a
mask over all of them). Each block's temporaries fit the CPU cache.
"""

from __future__ import annotations

import numpy as np

from procmine.eventbase import EventArrays
from procmine.variant_grouping import BLOCK_EVENTS

# Largest activities x activities table of per-pair bins (16 MB of float64).
PAIR_TABLE_LIMIT = 1 << 21
# float64 adds integers exactly below 2**53: the budget of bits for one pass of bincount sums.
_EXACT_BITS = 53


def fits_pair_table(arrays: EventArrays) -> bool:
    """Whether the log's activities are few enough for a table of every (source, target) pair."""
    return len(arrays.activity_names) ** 2 <= PAIR_TABLE_LIMIT


def crossing_positions(arrays: EventArrays) -> np.ndarray:
    """Position i of each pair (event i, event i + 1) that joins the last event of a case to the next case's first."""
    return arrays.case_starts[1:-1] - 1


def pair_counts(arrays: EventArrays) -> np.ndarray:
    """Transitions per pair code (length activities**2): how often target directly follows source in a case."""
    names = len(arrays.activity_names)
    counts = np.zeros(names * names, np.int64)
    for start, end in _blocks(arrays.num_events - 1):
        counts += np.bincount(_pair_codes(arrays, start, end), minlength=names * names)
    crossing = crossing_positions(arrays)
    if len(crossing):
        counts -= np.bincount(_pair_codes_at(arrays, crossing), minlength=names * names)
    return counts


def pair_wait_totals(arrays: EventArrays, value_bits: int) -> np.ndarray | None:
    """Exact sum of the waits (µs, int64) per pair code; None when the sums cannot be made exact this way.

    `value_bits` bounds every wait inside a case. Each wait is split into a low part of `low_bits`
    and the rest, so that both parts' float64 bincount sums stay below 2**53 and are exact.
    """
    names, pairs = len(arrays.activity_names), arrays.num_events - 1
    low_bits = _EXACT_BITS - max(pairs.bit_length(), 1)
    if low_bits < 1 or value_bits - low_bits + max(pairs.bit_length(), 1) > _EXACT_BITS:
        return None
    crossing = crossing_positions(arrays)
    low_total = np.zeros(names * names, np.float64)
    high_total = np.zeros(names * names, np.float64)
    low_mask = np.int64((1 << low_bits) - 1)
    for start, end in _blocks(pairs):
        code = _pair_codes(arrays, start, end)
        wait = np.diff(arrays.timestamp[start:end + 1])
        inside = slice(np.searchsorted(crossing, start), np.searchsorted(crossing, end))
        wait[crossing[inside] - start] = 0
        low_total += np.bincount(code, weights=wait & low_mask, minlength=names * names)
        high_total += np.bincount(code, weights=wait >> low_bits, minlength=names * names)
    return (high_total.astype(np.int64) << low_bits) + low_total.astype(np.int64)


def _blocks(length: int):
    return ((start, min(start + BLOCK_EVENTS, length)) for start in range(0, max(length, 0), BLOCK_EVENTS))


def _pair_codes(arrays: EventArrays, start: int, end: int) -> np.ndarray:
    """Pair codes of the pairs start..end-1 (event i, event i + 1)."""
    code = np.multiply(arrays.activity[start:end], len(arrays.activity_names), dtype=np.int64)
    code += arrays.activity[start + 1:end + 1]
    return code


def _pair_codes_at(arrays: EventArrays, positions: np.ndarray) -> np.ndarray:
    code = arrays.activity[positions].astype(np.int64) * len(arrays.activity_names)
    code += arrays.activity[positions + 1]
    return code
