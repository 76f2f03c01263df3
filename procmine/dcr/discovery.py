"""DCR graphs discovered with DisCoveR (Back, Slaats, Hildebrandt, Marquard, STTT 2022) over variants.

From the log abstraction (procmine.dcr.abstraction):

1. self-exclusion a →% a for every activity that never occurs twice in a case;
2. condition a →• b where a always occurs before the first b (precedence);
3. response a •→ b where b always occurs after the last a;
4. for every chain precedence (each b comes directly after an a): include a →+ b and b →% b;
5. exclusion a →% b where a and b never occur in one case, and where b occurs before a
   but never after it while b has no self-exclusion;
6. refinements (options): drop an exclusion s →% t when some r that always precedes s
   excludes t; transitive reduction of conditions and responses (a →• c is dropped when
   a →• b →• c); additional conditions: a →• b for each a seen before some b that, replaying
   every variant on the exclusions and inclusions, was executed or excluded whenever b
   happened; then the conditions are reduced again.

Everything is set operations on boolean matrices, each variant counted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from procmine.dcr.abstraction import Abstraction, abstract, dense_variants
from procmine.dcr.graph import DcrGraph
from procmine.errors import ModelError


@dataclass(frozen=True)
class DcrOptions:
    """DisCoveR's optional refinements (all on by default, as in the paper's evaluation)."""

    redundant_exclusions: bool = True
    transitive_reduction: bool = True
    additional_conditions: bool = True

    def __post_init__(self):
        for name in ("redundant_exclusions", "transitive_reduction", "additional_conditions"):
            if not isinstance(getattr(self, name), bool):
                raise ModelError(f"The DCR option {name} is {getattr(self, name)!r}; give true or false.")


def discover_dcr(log, options: DcrOptions = DcrOptions()) -> DcrGraph:
    """The DCR graph of an EventLog (filtered or not), mined from its variants."""
    from procmine.variant_grouping import variant_sequences

    if log.num_cases == 0:
        raise ModelError("The (filtered) log has no cases, so there is no DCR graph to discover. "
                         "Loosen the filter.")
    sequences = variant_sequences(log)
    activities, codes = dense_variants(sequences.codes, sequences.offsets, sequences.activity_names)
    return mine(abstract(codes, sequences.offsets, activities), options)


def discover_dcr_from_traces(traces: Iterable[Sequence[str]], options: DcrOptions = DcrOptions()) -> DcrGraph:
    """The DCR graph of traces given as activity sequences (duplicates count once)."""
    distinct = list(dict.fromkeys(tuple(t) for t in traces))
    if not distinct or not any(distinct):
        raise ModelError("There are no events to discover a DCR graph from. Give at least one trace.")
    activities = tuple(sorted({a for t in distinct for a in t}))
    index = {a: i for i, a in enumerate(activities)}
    codes = np.array([index[a] for t in distinct for a in t], np.int64)
    offsets = np.concatenate([[0], np.cumsum([len(t) for t in distinct])]).astype(np.int64)
    return mine(abstract(codes, offsets, activities), options)


def mine(abstraction: Abstraction, options: DcrOptions = DcrOptions()) -> DcrGraph:
    """DisCoveR's relations from the abstraction, refined as the options say."""
    size = len(abstraction.activities)
    diagonal = np.eye(size, dtype=bool)
    self_excluded = abstraction.at_most_once | abstraction.chain_precedence.any(axis=0)
    excludes = _exclusions(abstraction, self_excluded) | (diagonal & self_excluded[:, None])
    if options.redundant_exclusions:
        # s -->% t is dropped when some r that always precedes s excludes t already
        excludes &= ~_compose(abstraction.precedence.T, excludes)
    includes = abstraction.chain_precedence.copy()
    conditions, responses = abstraction.precedence.copy(), abstraction.response.copy()
    if options.transitive_reduction:
        conditions, responses = transitive_reduction(conditions), transitive_reduction(responses)
    if options.additional_conditions:
        conditions |= _additional_conditions(abstraction, excludes, includes)
        if options.transitive_reduction:
            conditions = transitive_reduction(conditions)
    return replace(DcrGraph.empty(abstraction.activities), conditions=conditions, responses=responses,
                   excludes=excludes, includes=includes)


def _exclusions(abstraction: Abstraction, self_excluded: np.ndarray) -> np.ndarray:
    """x -->% y where x and y never share a case, or y precedes x but never follows it (y not self-excluded)."""
    predecessor = abstraction.predecessor          # [a, b]: a before some b
    before_x = predecessor.T                       # [x, y]: y before some x
    after_x = predecessor                          # [x, y]: y after some x
    never_together = ~(before_x | after_x)
    only_before = before_x & ~after_x & ~self_excluded[None, :]
    return (never_together | only_before) & ~np.eye(len(self_excluded), dtype=bool)


def _compose(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Boolean matrix product: [a, c] where first[a, b] and second[b, c] for some b.

    In float32, which BLAS multiplies (integer matmul does not use it); sums of at most
    2**24 ones are exact in float32, far above any number of activities.
    """
    return (first.astype(np.float32) @ second.astype(np.float32)) > 0.5


def transitive_reduction(relation: np.ndarray) -> np.ndarray:
    """The relation without a → c where a → b → c for some third b (the unique reduction of a DAG)."""
    relation = relation & ~np.eye(len(relation), dtype=bool)
    return relation & ~_compose(relation, relation)


def _additional_conditions(abstraction: Abstraction, excludes: np.ndarray, includes: np.ndarray) -> np.ndarray:
    """a →• b for each a seen before some b that was executed or excluded whenever b happened."""
    size = len(abstraction.activities)
    everything = (1 << size) - 1
    exclude_mask = [_bits(row) for row in excludes]
    include_mask = [_bits(row) for row in includes]
    possible = [_bits(column) for column in (abstraction.predecessor & ~np.eye(size, dtype=bool)).T]
    for variant in abstraction.variants:
        included, seen = everything, 0
        for event in variant.tolist():
            possible[event] &= (everything & ~included) | seen
            included = (included & ~exclude_mask[event]) | include_mask[event]
            seen |= 1 << event
    result = np.zeros((size, size), bool)
    for target, sources in enumerate(possible):
        result[_members(sources, size), target] = True
    return result


def _bits(row: np.ndarray) -> int:
    """A boolean vector as an int bit set (bit i = element i)."""
    return int.from_bytes(np.packbits(row, bitorder="little").tobytes(), "little")


def _members(bits: int, size: int) -> np.ndarray:
    """The positions set in an int bit set."""
    raw = np.frombuffer(bits.to_bytes((size + 7) // 8 or 1, "little"), np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little")[:size])
