"""A (sub-)log as the inductive miner splits it: integer-coded traces with their case counts, flat.

Trace i has `counts[i]` cases and the activity codes `codes[offsets[i]:offsets[i+1]]`. A
trace may be empty and two traces may be equal: pm4py's Counter of tuples merges equal
traces, which changes no decision of the miner (they only test which traces exist and sum
counts), so the sub-logs here never need merging.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from procmine.inductive.graph import Graph, graph_from_parts


@dataclass(frozen=True, eq=False)
class Sublog:
    """Traces as flat activity codes, one length and one case count per trace."""

    codes: np.ndarray
    lengths: np.ndarray
    counts: np.ndarray

    @property
    def num_traces(self) -> int:
        return len(self.lengths)

    @cached_property
    def offsets(self) -> np.ndarray:
        offsets = np.zeros(len(self.lengths) + 1, np.int64)
        np.cumsum(self.lengths, out=offsets[1:])
        return offsets

    @cached_property
    def trace_of_event(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.lengths), dtype=np.int64), self.lengths)

    @cached_property
    def position(self) -> np.ndarray:
        """Each event's index within its trace."""
        return np.arange(len(self.codes), dtype=np.int64) - self.offsets[:-1][self.trace_of_event]

    @cached_property
    def graph(self) -> Graph:
        return dfg_of(self)

    def empty_cases(self) -> int:
        return int(self.counts[self.lengths == 0].sum())

    def total_cases(self) -> int:
        return int(self.counts.sum())

    def alphabet(self) -> np.ndarray:
        """The activity codes in the log, ascending."""
        if len(self.codes) == 0:
            return np.zeros(0, np.int64)
        return np.flatnonzero(np.bincount(self.codes))


def sublog(codes: np.ndarray, lengths: np.ndarray, counts: np.ndarray) -> Sublog:
    return Sublog(np.asarray(codes, np.int64), np.asarray(lengths, np.int64), np.asarray(counts, np.int64))


def dfg_of(log: Sublog) -> Graph:
    """The DFG of the log: pm4py's discover_dfg_uvcl, weighted by the case counts."""
    vertices = log.alphabet()
    size = len(vertices)
    local = np.searchsorted(vertices, log.codes)
    nonempty = log.lengths > 0
    follows = np.ones(len(log.codes), bool)
    follows[log.offsets[1:][nonempty] - 1] = False
    at = np.flatnonzero(follows)
    weights = log.counts[log.trace_of_event[at]]
    edges = np.bincount(local[at] * size + local[at + 1], weights=weights, minlength=size * size)
    firsts, lasts = log.offsets[:-1][nonempty], log.offsets[1:][nonempty] - 1
    start = np.bincount(local[firsts], weights=log.counts[nonempty], minlength=size)
    end = np.bincount(local[lasts], weights=log.counts[nonempty], minlength=size)
    return graph_from_parts(vertices, edges.reshape(size, size).astype(np.int64),
                            start.astype(np.int64), end.astype(np.int64))


def keep_events(log: Sublog, keep: np.ndarray) -> Sublog:
    """Every trace with only the events where `keep` is true (traces may become empty)."""
    lengths = np.bincount(log.trace_of_event[keep], minlength=log.num_traces)
    return sublog(log.codes[keep], lengths, log.counts)


def keep_traces(log: Sublog, keep: np.ndarray) -> Sublog:
    """The traces where `keep` is true."""
    return sublog(log.codes[keep[log.trace_of_event]], log.lengths[keep], log.counts[keep])


def concatenate(first: Sublog, second: Sublog) -> Sublog:
    """The traces of both logs."""
    return sublog(np.concatenate([first.codes, second.codes]), np.concatenate([first.lengths, second.lengths]),
                  np.concatenate([first.counts, second.counts]))


def membership(groups: list[list[int]], size: int) -> np.ndarray:
    """group index of every activity code below `size`, -1 for codes in no group."""
    member = np.full(size, -1, np.int64)
    for index, group in enumerate(groups):
        member[group] = index
    return member


def split_at(log: Sublog, cut: np.ndarray) -> Sublog:
    """Each trace cut into pieces before every event where `cut` is true (empty traces stay)."""
    begins = (log.position == 0) | cut
    piece = np.cumsum(begins) - 1
    lengths = np.bincount(piece, minlength=int(begins.sum())) if len(piece) else np.zeros(0, np.int64)
    counts = log.counts[log.trace_of_event[begins]]
    empty = log.lengths == 0
    return sublog(log.codes, np.concatenate([lengths, np.zeros(int(empty.sum()), np.int64)]),
                  np.concatenate([counts, log.counts[empty]]))


def runs(log: Sublog, group: np.ndarray) -> Sublog:
    """The maximal runs of consecutive events whose `group` is true, one trace each."""
    inside = np.flatnonzero(group)
    if len(inside) == 0:
        return sublog(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    previous_inside = np.zeros(len(group), bool)
    previous_inside[1:] = group[:-1]
    begins = group & ((log.position == 0) | ~previous_inside)
    piece = np.cumsum(begins)[inside] - 1
    return sublog(log.codes[inside], np.bincount(piece), log.counts[log.trace_of_event[begins]])
