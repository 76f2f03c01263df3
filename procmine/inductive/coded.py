"""Variants as the miner takes them: activity codes ranked by name, flat, with case counts.

A read-only Mapping (activity tuple -> cases) as well, so that it stands wherever a
Counter of variants did; building it from the engine's Variants touches no string.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from procmine.variant_grouping import VariantSequences


@dataclass(frozen=True, eq=False)
class CodedVariants(Mapping[tuple[str, ...], int]):
    """Variant i has counts[i] cases and the codes codes[offsets[i]:offsets[i+1]] into `names` (sorted)."""

    codes: np.ndarray
    offsets: np.ndarray
    counts: np.ndarray
    names: tuple[str, ...]

    @cached_property
    def _counts(self) -> dict[tuple[str, ...], int]:
        sequences = VariantSequences(self.codes, self.offsets, self.names).names
        found: dict[tuple[str, ...], int] = {}
        for sequence, count in zip(sequences, self.counts.tolist()):
            found[sequence] = found.get(sequence, 0) + count
        return found

    def __getitem__(self, key: tuple[str, ...]) -> int:
        return self._counts[key]

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self.counts)

    def activity_count(self) -> int:
        """How many distinct activities the variants hold."""
        return int(np.count_nonzero(np.bincount(self.codes, minlength=len(self.names)))) if len(self.codes) else 0


def coded_variants(codes: np.ndarray, offsets: np.ndarray, counts: np.ndarray,
                   activity_names: tuple[str, ...] | list[str]) -> CodedVariants:
    """Variants with codes into any `activity_names`, recoded to the rank of each name."""
    order = sorted(range(len(activity_names)), key=lambda code: activity_names[code])
    rank = np.empty(len(activity_names), np.int64)
    rank[order] = np.arange(len(activity_names), dtype=np.int64)
    return CodedVariants(rank[np.asarray(codes, np.int64)] if len(activity_names) else np.zeros(0, np.int64),
                         np.asarray(offsets, np.int64), np.asarray(counts, np.int64),
                         tuple(activity_names[code] for code in order))


def from_mapping(variants: Mapping[tuple[str, ...], int]) -> CodedVariants:
    """Variants given as activity tuple -> cases (uncounted variants left out)."""
    kept = [(trace, int(count)) for trace, count in variants.items() if count > 0]
    names = sorted({activity for trace, _ in kept for activity in trace})
    code = {name: index for index, name in enumerate(names)}
    lengths = np.fromiter((len(trace) for trace, _ in kept), np.int64, len(kept))
    offsets = np.zeros(len(kept) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    codes = np.fromiter((code[a] for trace, _ in kept for a in trace), np.int64, int(offsets[-1]))
    counts = np.fromiter((count for _, count in kept), np.int64, len(kept))
    return CodedVariants(codes, offsets, counts, tuple(names))
