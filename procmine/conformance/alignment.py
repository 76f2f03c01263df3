"""Optimal alignments of variants against an accepting Petri net, by Dijkstra over (marking, position).

A log move or a visible model move costs 1, a synchronous move or a silent step 0, so
an optimal alignment has the fewest deviations: the same number as under pm4py's
standard costs (10,000 per deviation, 1 per silent step), hence the same fitness. As
in pm4py's Dijkstra variant, of states with equal cost the one further in the trace
is expanded first, which walks a fitting trace straight through. Markings are tuples
of token counts and transitions precomputed index lists, much cheaper than pm4py's
search, which builds a synchronous product net per trace.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import count
from typing import Any

from procmine.errors import ModelError

MAX_STATES = 2_000_000   # per trace; an unbounded model (tokens piling up in a loop) would never end



@dataclass(frozen=True)
class Alignment:
    """An optimal alignment: its deviations and its moves as (log activity, model label) pairs.

    `>>` marks no move on that side; a silent model step has model label None.
    """

    deviations: int
    moves: tuple[tuple[str, str | None], ...]


class _Unsafe(Exception):
    """A place would hold two tokens: the bit-set markings cannot represent that."""


class Aligner:
    """Aligns traces against one accepting Petri net.

    Markings of a safe net (at most one token per place, the usual case) are bit sets
    held in one int; when a search finds a second token in a place, the aligner falls
    back to tuples of token counts for this net.
    """

    def __init__(self, net: Any, initial_marking: Any, final_marking: Any):
        places = sorted(net.places, key=lambda p: str(p.name))
        self._index = {id(p): i for i, p in enumerate(places)}
        self._size = len(places)
        transitions = sorted(net.transitions, key=lambda t: (str(t.name), str(t.label)))
        self._counted = (self._vector(initial_marking), self._vector(final_marking),
                         [(t.label, *self._counted_arcs(t)) for t in transitions])
        weights = [a.weight for t in transitions for a in (*t.in_arcs, *t.out_arcs)]
        weights += list(initial_marking.values()) + list(final_marking.values())
        self._bits = None if any(w != 1 for w in weights) else (
            self._mask(initial_marking), self._mask(final_marking),
            [(t.label, self._mask(a.source for a in t.in_arcs), self._mask(a.target for a in t.out_arcs))
             for t in transitions])

    def _vector(self, marking) -> tuple[int, ...]:
        tokens = [0] * self._size
        for place, number in marking.items():
            tokens[self._index[id(place)]] += number
        return tuple(tokens)

    def _mask(self, places) -> int:
        return sum(1 << self._index[id(p)] for p in places)

    def _counted_arcs(self, transition):
        change = [0] * self._size
        for arc in transition.in_arcs:
            change[self._index[id(arc.source)]] -= arc.weight
        for arc in transition.out_arcs:
            change[self._index[id(arc.target)]] += arc.weight
        needs = tuple((self._index[id(a.source)], a.weight) for a in transition.in_arcs)
        return needs, tuple((i, d) for i, d in enumerate(change) if d)

    def fewest_model_moves(self) -> int | None:
        """Deviations of the empty trace: the fewest visible steps of a complete run (None: none)."""
        found = self.align(())
        return None if found is None else found.deviations

    def align(self, trace: Sequence[str]) -> Alignment | None:
        """An optimal alignment of `trace`, or None if the final marking cannot be reached."""
        if self._bits is not None:
            try:
                return _search(trace, self._bits[0], self._bits[1], partial(_bit_moves, self._bits[2]))
            except _Unsafe:
                self._bits = None
        initial, final, transitions = self._counted
        return _search(trace, initial, final, partial(_counted_moves, transitions))


def _search(trace: Sequence[str], initial, final, moves_from) -> Alignment | None:
    """Dijkstra from (initial, 0) to (final, len(trace)); ties go to the state further in the trace."""
    start = (initial, 0)
    best = {start: 0}
    parent: dict = {}
    tie = count()
    queue = [(0, 0, next(tie), start)]
    closed = set()
    end = len(trace)
    while queue:
        cost, _, _, state = heapq.heappop(queue)
        if state in closed:
            continue
        closed.add(state)
        if len(closed) > MAX_STATES:
            raise ModelError(f"Aligning a trace of {end} events visited more than {MAX_STATES:,} states of "
                             "the model: it is unbounded (a loop that piles up tokens) or far too large. "
                             "Check the model's parallel gateways: every parallel split needs a join.")
        marking, position = state
        if position == end and marking == final:
            return Alignment(cost, _moves(parent, state))
        event = trace[position] if position < end else None
        if event is not None:
            _push(queue, best, parent, closed, tie, state, cost + 1, (marking, position + 1), (event, ">>"))
        for label, after in moves_from(marking):
            if label is None:
                _push(queue, best, parent, closed, tie, state, cost, (after, position), (">>", None))
                continue
            if label == event:
                _push(queue, best, parent, closed, tie, state, cost, (after, position + 1), (event, label))
            _push(queue, best, parent, closed, tie, state, cost + 1, (after, position), (">>", label))
    return None


def _push(queue, best, parent, closed, tie, state, total, following, move) -> None:
    if following not in closed and total < best.get(following, total + 1):
        best[following] = total
        parent[following] = (state, move)
        heapq.heappush(queue, (total, -following[1], next(tie), following))


def _bit_moves(transitions, marking: int):
    """(label, marking after) of every transition enabled in a bit-set marking."""
    for label, needs, gives in transitions:
        if marking & needs == needs:
            rest = marking & ~needs
            if rest & gives:
                raise _Unsafe()
            yield label, rest | gives


def _counted_moves(transitions, marking: tuple[int, ...]):
    """(label, marking after) of every transition enabled in a marking of token counts."""
    for label, needs, delta in transitions:
        if all(marking[i] >= weight for i, weight in needs):
            tokens = list(marking)
            for i, change in delta:
                tokens[i] += change
            yield label, tuple(tokens)


def _moves(parent: dict, state) -> tuple[tuple[str, str | None], ...]:
    moves = []
    while state in parent:
        state, move = parent[state]
        moves.append(move)
    return tuple(reversed(moves))
