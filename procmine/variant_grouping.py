"""Cases grouped by their activity sequence: the engine's variant grouping.

Both the variant analysis and the variant filter rank variants with this one grouping
(most frequent first, ties by the first case), so a filter on "the top 5 variants" keeps
exactly the five rows the variant table shows. Grouping hashes each case's activity codes
and then checks every event against its group's first case, so it is exact. On 10M events
the cost is memory traffic, not arithmetic: the hash groups by a hash table (no sort), and
the check reads the first cases' codes from a compact copy that stays in cache instead of
gathering them from all over the 10M-event array.
"""

from __future__ import annotations

import functools
import gc
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.eventbase import EventArrays, arrays_of
from procmine.eventlog import EventLog
from procmine.view_memo import remembered

# Odd 64-bit multiplier of the polynomial hash of a case's activity codes.
HASH_MULTIPLIER = 0x9E3779B97F4A7C15
# Largest (activities x longest case) table of precomputed hash terms (8 MB).
_TERM_TABLE_LIMIT = 1 << 20
# Events per block of the per-event passes (their temporaries fit the CPU cache).
BLOCK_EVENTS = 1 << 17


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
        flat = np.asarray(self.activity_names, dtype=object)[self.codes].tolist()
        bounds = self.offsets.tolist()
        # Hundreds of thousands of tuples that all live on: the cyclic garbage collector would
        # scan them again and again while they are made (measured: half the time on 10M events).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return tuple([tuple(flat[start:end]) for start, end in itertools.pairwise(bounds)])
        finally:
            if collecting:
                gc.enable()


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


def group_case_sequences(arrays: EventArrays, multiplier: int = HASH_MULTIPLIER) -> CaseVariants:
    """Group cases with the same activity sequence: a polynomial hash, then an exact check."""
    if arrays.num_cases == 0:
        empty = np.zeros(0, np.int64)
        return CaseVariants(empty, empty, empty)
    lengths = np.diff(arrays.case_starts)
    first_case, inverse, counts = group_equal(_sequence_hash(arrays, lengths, multiplier))
    if not _groups_are_exact(arrays, inverse, first_case, lengths):
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
    """0-based position of each event within its case (int64: gathers would widen int32 indices)."""
    return _positions(arrays.case_starts)


def _positions(case_starts: np.ndarray) -> np.ndarray:
    position = np.arange(case_starts[-1] - case_starts[0], dtype=np.int64)
    position -= np.repeat(case_starts[:-1] - case_starts[0], np.diff(case_starts))
    return position


def case_blocks(case_starts: np.ndarray, events: int | None = None) -> list[tuple[int, int]]:
    """(first, end) case ranges of whole cases, each about `events` events (a case is never split).

    The per-event passes of the grouping run block by block: the temporaries of one block
    stay in the CPU cache, where on 10M events each pass would otherwise stream from memory.
    """
    total, events = int(case_starts[-1] - case_starts[0]), events or BLOCK_EVENTS
    cuts = np.searchsorted(case_starts, case_starts[0] + np.arange(0, total, events), side="right") - 1
    bounds = np.unique(np.append(cuts, len(case_starts) - 1)).tolist()
    return list(itertools.pairwise(bounds))


def group_equal(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Groups of equal keys: first position of each group, group of each key, and group sizes.

    Groups are numbered in order of their first key (a hash table, no sort of the keys).
    """
    inverse, _ = pd.factorize(keys, sort=False)
    inverse = inverse.astype(np.int64, copy=False)
    seen = np.maximum.accumulate(inverse)        # a group is new where the running maximum grows
    new = np.empty(len(keys), bool)
    new[0] = True
    np.greater(seen[1:], seen[:-1], out=new[1:])
    return np.flatnonzero(new), inverse, np.bincount(inverse)


def _sequence_hash(arrays: EventArrays, lengths: np.ndarray, multiplier: int) -> np.ndarray:
    """Per case: sum of (code + 1) * multiplier**position, plus a term for its length (mod 2**64).

    Each event's term is looked up in a table over (code, position) when that table is small:
    one gather instead of three passes over the events.
    """
    longest, codes = int(lengths.max()), len(arrays.activity_names)
    powers = np.full(longest, np.uint64(multiplier), dtype=np.uint64)
    powers[0] = 1
    hashes = np.empty(len(lengths), np.uint64)
    with np.errstate(over="ignore"):
        powers = np.cumprod(powers, dtype=np.uint64)   # wraps modulo 2**64 on purpose
        table = (np.arange(1, codes + 1, dtype=np.uint64)[:, None] * powers).ravel() \
            if codes * longest <= _TERM_TABLE_LIMIT else None
        for first, end in case_blocks(arrays.case_starts):
            starts = arrays.case_starts[first:end + 1]
            position, activity = _positions(starts), arrays.activity[starts[0]:starts[-1]]
            if table is not None:
                position += np.multiply(activity, longest, dtype=np.int64)
                terms = table[position]
            else:
                terms = powers[position]
                terms *= activity.astype(np.uint64) + np.uint64(1)
            hashes[first:end] = np.add.reduceat(terms, starts[:-1] - starts[0])
        hashes += np.uint64(longest) * lengths.astype(np.uint64)
    return hashes


def _groups_are_exact(arrays: EventArrays, inverse, first_case, lengths) -> bool:
    """True when every case has exactly its group representative's activity sequence.

    The representatives' codes are copied once into a small array (one row per group), so the
    per-event comparison reads from cache.
    """
    if not np.array_equal(lengths[first_case[inverse]], lengths):
        return False
    group_lengths = lengths[first_case]
    offsets = np.zeros(len(first_case) + 1, np.int64)
    np.cumsum(group_lengths, out=offsets[1:])
    rows = np.repeat(arrays.case_starts[:-1][first_case] - offsets[:-1], group_lengths) + np.arange(offsets[-1])
    compact = arrays.activity[rows]
    for first, end in case_blocks(arrays.case_starts):
        starts = arrays.case_starts[first:end + 1]
        mirrored = _positions(starts)
        mirrored += np.repeat(offsets[inverse[first:end]], lengths[first:end])
        if not np.array_equal(compact[mirrored], arrays.activity[starts[0]:starts[-1]]):
            return False
    return True


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
