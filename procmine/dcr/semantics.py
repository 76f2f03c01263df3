"""DCR semantics on bit sets: execute events, and replay a trace naming every rule it breaks.

A marking is (executed, included, pending). An event e is enabled when it is included
and every included condition of e has been executed. Executing e marks it executed,
clears its own pending mark, makes its responses pending, excludes its exclusions and
then includes its inclusions. A trace is accepted when every event was enabled when it
happened and, at the end, no included event is pending.

A replay does not stop at a violation: it executes the event anyway and goes on, so a
case is charged with every rule it breaks. The rule charged is the relation behind the
violation: the exclusion that last excluded the event (or the initial marking), each
included condition not yet executed, and the response that last made an event pending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from procmine.dcr.graph import DcrGraph

INITIAL = -1   # a violation caused by the initial marking, not by a relation


@dataclass(frozen=True)
class Violation:
    """A broken rule: kind (condition, response, exclude), source event (or INITIAL) and target event."""

    kind: str
    source: int
    target: int


class Replayer:
    """Replays traces of event positions (0..n-1, the graph's activities) on one DCR graph."""

    def __init__(self, graph: DcrGraph):
        self.size = len(graph.activities)
        self.conditions_for = [_bits(column) for column in graph.conditions.T]
        self.responses_of = [_bits(row) for row in graph.responses]
        self.excludes_of = [_bits(row) for row in graph.excludes]
        self.includes_of = [_bits(row) for row in graph.includes]
        self.initial = (_bits(graph.executed), _bits(graph.included), _bits(graph.pending))

    def enabled(self, marking: tuple[int, int, int], event: int) -> bool:
        executed, included, _ = marking
        bit = 1 << event
        return bool(included & bit) and not (self.conditions_for[event] & included & ~executed)

    def execute(self, marking: tuple[int, int, int], event: int) -> tuple[int, int, int]:
        executed, included, pending = marking
        bit = 1 << event
        return (executed | bit, (included & ~self.excludes_of[event]) | self.includes_of[event],
                (pending & ~bit) | self.responses_of[event])

    def accepts(self, trace: Sequence[int]) -> bool:
        return not self.violations(trace)

    def violations(self, trace: Sequence[int]) -> tuple[Violation, ...]:
        """Every rule the trace breaks, each once, in the order first broken."""
        executed, included, pending = self.initial
        found: dict[Violation, None] = {}
        for position, event in enumerate(trace):
            bit = 1 << event
            if not included & bit:
                found.setdefault(Violation("exclude", self._last_excluder(trace, position, event), event))
            for source in _members(self.conditions_for[event] & included & ~executed):
                found.setdefault(Violation("condition", source, event))
            executed, included, pending = self.execute((executed, included, pending), event)
        for target in _members(pending & included):
            found.setdefault(Violation("response", self._last_responder(trace, target), target))
        return tuple(found)

    def _last_excluder(self, trace: Sequence[int], position: int, target: int) -> int:
        """The event before `position` that last excluded `target` (INITIAL: excluded from the start).

        Violations are rare, so the excluder is looked up backwards when one happens instead
        of being tracked at every step: the latest event that touched the target's inclusion
        is the one that excluded it, as the target is excluded now.
        """
        bit = 1 << target
        for earlier in reversed(trace[:position]):
            if (self.excludes_of[earlier] | self.includes_of[earlier]) & bit:
                return earlier
        return INITIAL

    def _last_responder(self, trace: Sequence[int], target: int) -> int:
        """The last event of the trace that made `target` pending (INITIAL: pending from the start)."""
        bit = 1 << target
        return next((event for event in reversed(trace) if self.responses_of[event] & bit), INITIAL)


def _bits(row: np.ndarray) -> int:
    return sum(1 << int(i) for i in np.flatnonzero(row))


def _members(bits: int):
    """Positions of the set bits, lowest first."""
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low
