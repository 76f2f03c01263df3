"""Cases grouped by their activity sequence: the engine's variant grouping.

Both the variant analysis and the variant filter rank variants with this one grouping
(most frequent first, ties by the first case), so a filter on "the top 5 variants" keeps
exactly the five rows the variant table shows. Grouping hashes each case's activity codes
twice and then checks every case against its group's first case, so it is exact.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from procmine.eventbase import EventArrays, arrays_of
from procmine.eventlog import EventLog
from procmine.view_memo import remembered

# Odd 64-bit multipliers for the two independent polynomial hashes of a case's activity codes.
HASH_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F)


def grouped_cases(log: EventLog) -> CaseVariants:
    """The grouping of the log's cases by activity sequence (remembered per view)."""
    return remembered(log, "case_variants", _group_cases)


def _group_cases(log: EventLog) -> CaseVariants:
    """Views that keep whole cases reuse the dataset's grouping (remembered on its Base)."""
    if not log.whole_cases:
        return group_case_sequences(log.arrays)
    whole = remembered(log.base, "case_variants", lambda base: group_case_sequences(arrays_of(base, None)))
    return whole if log.case_mask is None else regroup_cases(whole, log.arrays.case_index)


@dataclass(frozen=True)
class VariantSequences:
    """The activity codes of each variant in rank order: variant i is codes[offsets[i]:offsets[i+1]]."""

    codes: np.ndarray
    offsets: np.ndarray
    activity_names: tuple[str, ...]

    @functools.cached_property
    def names(self) -> tuple[tuple[str, ...], ...]:
        """Each variant's activity names in order."""
        names = np.asarray(self.activity_names, dtype=object)
        lengths = np.diff(self.offsets)
        result: list = [()] * len(lengths)
        for length in np.unique(lengths).tolist():   # one NumPy pass per distinct length, not per variant
            which = np.flatnonzero(lengths == length)
            rows = self.offsets[which][:, None] + np.arange(length)
            for variant, sequence in zip(which.tolist(), map(tuple, names[self.codes[rows]].tolist())):
                result[variant] = sequence
        return tuple(result)


def variant_sequences(log: EventLog) -> VariantSequences:
    """The activity sequence of each variant of the log, in rank order (remembered per view)."""
    return remembered(log, "variant_sequences", _variant_sequences)


def _variant_sequences(log: EventLog) -> VariantSequences:
    arrays, grouping = log.arrays, grouped_cases(log)
    lengths = np.diff(arrays.case_starts)[grouping.representative]
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    starts = arrays.case_starts[:-1][grouping.representative]
    event_rows = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
    return VariantSequences(arrays.activity[event_rows], offsets, arrays.activity_names)


@dataclass(frozen=True)
class CaseVariants:
    """Variant id of every selected case; variants ordered most frequent first, ties by first case."""

    variant_of_case: np.ndarray   # int64 per selected case
    representative: np.ndarray    # selected-case position of the first case of each variant
    cases: np.ndarray             # int64 cases per variant


def group_case_sequences(arrays: EventArrays,
                         multipliers: tuple[int, int] = HASH_MULTIPLIERS) -> CaseVariants:
    """Group cases with the same activity sequence: two polynomial hashes, then an exact check."""
    if arrays.num_cases == 0:
        empty = np.zeros(0, np.int64)
        return CaseVariants(empty, empty, empty)
    lengths = np.diff(arrays.case_starts)
    position = position_in_case(arrays)
    symbols = arrays.activity.astype(np.uint64) + np.uint64(1)
    first_hash, second_hash = (_sequence_hash(symbols, position, arrays, lengths, m) for m in multipliers)
    first_case, inverse, counts = group_equal(first_hash)
    if not _groups_are_exact(arrays, inverse, first_case, lengths, position, second_hash):
        first_case, inverse, counts = _group_exactly(arrays)
    return ranked(first_case, inverse, counts)


def ranked(first_case: np.ndarray, inverse: np.ndarray, counts: np.ndarray) -> CaseVariants:
    """Groups renumbered most frequent first, ties by their first case."""
    order = np.lexsort((first_case, -counts))
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    return CaseVariants(variant_of_case=rank[inverse], representative=first_case[order].astype(np.int64),
                        cases=counts[order].astype(np.int64))


def regroup_cases(whole: CaseVariants, selected: np.ndarray) -> CaseVariants:
    """The grouping of a selection of whole cases (dataset case codes), from the dataset's grouping.

    O(cases), no pass over events: a case filter does not change any case's sequence.
    """
    ids = whole.variant_of_case[selected]
    if len(ids) == 0:
        empty = np.zeros(0, np.int64)
        return CaseVariants(empty, empty, empty)
    counts = np.bincount(ids, minlength=len(whole.cases))
    first = np.full(len(whole.cases), len(ids), np.int64)
    np.minimum.at(first, ids, np.arange(len(ids)))
    present = np.flatnonzero(counts)
    dense = np.zeros(len(whole.cases), np.int64)
    dense[present] = np.arange(len(present))
    return ranked(first[present], dense[ids], counts[present])


def position_in_case(arrays: EventArrays) -> np.ndarray:
    """0-based position of each event within its case."""
    return np.arange(arrays.num_events, dtype=np.int64) - arrays.case_starts[:-1][arrays.case]


def group_equal(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Groups of equal keys: first position of each group, group of each key, and group sizes."""
    order = np.argsort(keys)
    ordered = keys[order]
    change = np.empty(len(keys), bool)
    change[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    counts = np.diff(np.append(starts, len(keys)))
    inverse = np.empty(len(keys), np.int64)
    inverse[order] = np.repeat(np.arange(len(starts)), counts)
    return np.minimum.reduceat(order, starts), inverse, counts


def _sequence_hash(symbols, position, arrays: EventArrays, lengths, multiplier: int) -> np.ndarray:
    powers = np.full(int(lengths.max()), np.uint64(multiplier), dtype=np.uint64)
    powers[0] = 1
    with np.errstate(over="ignore"):
        powers = np.cumprod(powers, dtype=np.uint64)   # wraps modulo 2**64 on purpose
        terms = symbols * powers[position]
        return np.add.reduceat(terms, arrays.case_starts[:-1]) + np.uint64(lengths.max()) * lengths.astype(np.uint64)


def _groups_are_exact(arrays: EventArrays, inverse, first_case, lengths, position, second_hash) -> bool:
    """True when every case has exactly its group representative's activity sequence."""
    representative = first_case[inverse]
    if not (np.array_equal(lengths[representative], lengths)
            and np.array_equal(second_hash[representative], second_hash)):
        return False
    mirrored = arrays.case_starts[:-1][representative][arrays.case] + position
    return bool(np.array_equal(arrays.activity[mirrored], arrays.activity))


def _group_exactly(arrays: EventArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact grouping by sequence tuples; only reached when the hashes collide."""
    seen: dict[tuple, int] = {}
    inverse = np.empty(arrays.num_cases, np.int64)
    first: list[int] = []
    for case, sequence in enumerate(np.split(arrays.activity, arrays.case_starts[1:-1])):
        key = tuple(sequence.tolist())
        if key not in seen:
            seen[key] = len(first)
            first.append(case)
        inverse[case] = seen[key]
    return np.asarray(first, np.int64), inverse, np.bincount(inverse)
