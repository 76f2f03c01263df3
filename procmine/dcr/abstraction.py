"""DisCoveR's log abstraction, computed at once over the variant table with boolean matrices.

Each variant counts once (DisCoveR mines from the distinct traces). For activities a, b
(matrices are indexed [a, b]):

- `precedence[a, b]`: in every variant with b, a occurs before the first b;
- `response[a, b]`: in every variant with a, b occurs after the last a;
- `predecessor[a, b]`: in some variant, a occurs before some b (a == b when b repeats);
- `chain_precedence[a, b]`: every b anywhere is directly preceded by a (a != b);
- `at_most_once[a]`: no variant has a twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHUNK_CELLS = 250_000   # (variant, activity) rows x activities per step: bounded memory, stays in cache (measured)


@dataclass(frozen=True)
class Abstraction:
    """The relations DisCoveR mines from, over `activities` (sorted names)."""

    activities: tuple[str, ...]
    precedence: np.ndarray
    response: np.ndarray
    predecessor: np.ndarray
    chain_precedence: np.ndarray
    at_most_once: np.ndarray
    variants: tuple[np.ndarray, ...]   # each variant's activity positions in `activities`


def dense_variants(codes: np.ndarray, offsets: np.ndarray, activity_names) -> tuple[tuple[str, ...], np.ndarray]:
    """The activities that occur, sorted by name, and the codes renumbered into that order."""
    used = np.unique(codes)
    names = [str(activity_names[c]) for c in used]
    order = sorted(range(len(names)), key=names.__getitem__)
    renumber = np.full(len(activity_names), -1, np.int64)
    renumber[used[order]] = np.arange(len(order))
    return tuple(names[i] for i in order), renumber[codes]


def abstract(codes: np.ndarray, offsets: np.ndarray, activities: tuple[str, ...]) -> Abstraction:
    """The abstraction of variants whose events are `codes` (0..len(activities)-1) split at `offsets`."""
    size, num_variants = len(activities), len(offsets) - 1
    lengths = np.diff(offsets)
    variant = np.repeat(np.arange(num_variants), lengths)
    position = np.arange(len(codes)) - offsets[:-1][variant]
    cell = variant * size + codes
    first = np.full(num_variants * size, np.iinfo(np.int32).max, np.int32)   # positions fit: a case < 2**31 events
    last = np.full(num_variants * size, -1, np.int32)
    unique_cells, first_index = np.unique(cell, return_index=True)
    first[unique_cells] = position[first_index]
    reversed_cells, last_index = np.unique(cell[::-1], return_index=True)
    last[reversed_cells] = position[::-1][last_index]
    counts = np.bincount(cell, minlength=num_variants * size).reshape(num_variants, size)
    precedence, response, predecessor = _pair_relations(first.reshape(num_variants, size),
                                                        last.reshape(num_variants, size), counts > 0)
    return Abstraction(activities, precedence, response, predecessor,
                       _chain_precedence(codes, position, size), counts.max(axis=0, initial=0) <= 1,
                       tuple(np.split(codes, offsets[1:-1])) if num_variants else ())


def _pair_relations(first: np.ndarray, last: np.ndarray, present: np.ndarray):
    """precedence, response and predecessor from one row per (variant, activity it contains).

    For the row of activity a in variant v, a vector over b says whether b's first (or last)
    occurrence comes after a's first (or last); summed over a's rows it counts variants, so
    a relation holds in all variants exactly when its count equals the variants with b (or a).
    """
    size = present.shape[1]
    rows_variant, rows_activity = np.nonzero(present)
    order = np.argsort(rows_activity, kind="stable")
    rows_variant, rows_activity = rows_variant[order], rows_activity[order]
    with_activity = present.sum(axis=0)
    own_first = first[rows_variant, rows_activity][:, None]
    own_last = last[rows_variant, rows_activity][:, None]
    first_after = _grouped_counts(lambda r: present[rows_variant[r]] & (first[rows_variant[r]] > own_first[r]),
                                  rows_activity, size)
    last_after = _grouped_counts(lambda r: last[rows_variant[r]] > own_last[r], rows_activity, size)
    some_after = _grouped_counts(lambda r: last[rows_variant[r]] > own_first[r], rows_activity, size)
    off_diagonal = ~np.eye(size, dtype=bool)
    precedence = (first_after == with_activity[None, :]) & off_diagonal
    response = (last_after == with_activity[:, None]) & off_diagonal
    return precedence, response, some_after > 0


def _grouped_counts(rows_vector, rows_activity: np.ndarray, size: int) -> np.ndarray:
    """[a, b]: the sum over a's rows of rows_vector(rows)[:, b], in chunks of rows (bounded memory)."""
    counts = np.zeros((size, size), np.int64)
    step = max(1, CHUNK_CELLS // max(1, size))
    for start in range(0, len(rows_activity), step):
        rows = slice(start, start + step)
        groups = rows_activity[rows]
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        partial = np.add.reduceat(rows_vector(rows).astype(np.int32), starts, axis=0)
        counts[groups[starts]] += partial
    return counts


def _chain_precedence(codes: np.ndarray, position: np.ndarray, size: int) -> np.ndarray:
    """[a, b] where every occurrence of b comes directly after an a (a != b)."""
    previous = np.where(position > 0, np.roll(codes, 1), size)   # `size` stands for "trace start"
    pairs = np.unique(codes * (size + 1) + previous)
    target, before = pairs // (size + 1), pairs % (size + 1)
    distinct = np.bincount(target, minlength=size)
    chain = np.zeros((size, size), bool)
    single = (distinct[target] == 1) & (before < size) & (before != target)
    chain[before[single], target[single]] = True
    return chain
