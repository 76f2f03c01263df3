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

CHUNK_CELLS = 4_000_000   # variants x activities x activities compared per step: bounded memory


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
    first = np.full(num_variants * size, np.iinfo(np.int64).max, np.int64)
    last = np.full(num_variants * size, -1, np.int64)
    unique_cells, first_index = np.unique(cell, return_index=True)
    first[unique_cells] = position[first_index]
    reversed_cells, last_index = np.unique(cell[::-1], return_index=True)
    last[reversed_cells] = position[::-1][last_index]
    counts = np.bincount(cell, minlength=num_variants * size).reshape(num_variants, size)
    first, last = first.reshape(num_variants, size), last.reshape(num_variants, size)
    precedence, response, predecessor = _pair_relations(first, last, counts > 0)
    return Abstraction(activities, precedence, response, predecessor,
                       _chain_precedence(codes, position, size), counts.max(axis=0, initial=0) <= 1,
                       tuple(np.split(codes, offsets[1:-1])) if num_variants else ())


def _pair_relations(first: np.ndarray, last: np.ndarray, present: np.ndarray):
    """precedence, response and predecessor, accumulated over chunks of variants."""
    num_variants, size = present.shape
    precedence_broken = np.zeros((size, size), bool)
    response_broken = np.zeros((size, size), bool)
    predecessor = np.zeros((size, size), bool)
    step = max(1, CHUNK_CELLS // max(1, size * size))
    for start in range(0, num_variants, step):
        f, l, p = first[start:start + step], last[start:start + step], present[start:start + step]
        # precedence broken for (a, b): b occurs and a is not before the first b
        precedence_broken |= (p[:, None, :] & ~(f[:, :, None] < f[:, None, :])).any(axis=0)
        # response broken for (a, b): a occurs and b does not occur after the last a
        response_broken |= (p[:, :, None] & ~(l[:, None, :] > l[:, :, None])).any(axis=0)
        predecessor |= (f[:, :, None] < l[:, None, :]).any(axis=0)
    off_diagonal = ~np.eye(size, dtype=bool)
    return ~precedence_broken & off_diagonal, ~response_broken & off_diagonal, predecessor


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
