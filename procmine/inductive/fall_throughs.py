"""IMf's fall-throughs when no cut holds, in pm4py's order.

Empty traces, an activity once per trace, an activity concurrent to the rest, a strict
tau loop, a tau loop, and the flower model as the last resort.
"""

from __future__ import annotations

import numpy as np

from procmine.inductive.cuts import (
    concurrency_cut,
    loop_cut,
    strict_sequence_cut,
    xor_cut,
)
from procmine.inductive.sublog import (
    Sublog,
    dfg_of,
    keep_events,
    keep_traces,
    split_at,
    sublog,
)
from procmine.inductive.tree import Operator

Split = tuple[Operator, list[Sublog]]
_HOLDS = (xor_cut, strict_sequence_cut, concurrency_cut, loop_cut)


def _empty() -> Sublog:
    return sublog(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))


def fall_through(log: Sublog) -> Split:
    """The first fall-through that applies to the log (the flower model always does)."""
    for attempt in (empty_traces, activity_once_per_trace, activity_concurrent, strict_tau_loop, tau_loop):
        found = attempt(log)
        if found is not None:
            return found
    return flower(log)


def empty_traces(log: Sublog) -> Split | None:
    if not (log.lengths == 0).any():
        return None
    return "xor", [_empty(), keep_traces(log, log.lengths > 0)]


def _apart(log: Sublog, activity: int) -> Split:
    """The activity's events in parallel with the rest of each trace."""
    mine = log.codes == activity
    return "parallel", [keep_events(log, mine), keep_events(log, ~mine)]


def activity_once_per_trace(log: Sublog) -> Split | None:
    """The least activity that occurs exactly once in every trace, in parallel with the rest."""
    alphabet = log.alphabet()
    size = int(alphabet[-1]) + 1 if len(alphabet) else 0
    pairs, times = np.unique(log.trace_of_event * size + log.codes, return_counts=True)
    once = np.bincount(pairs[times == 1] % size, minlength=size) if size else np.zeros(0, np.int64)
    candidates = np.flatnonzero(once == log.num_traces)
    return _apart(log, int(candidates[0])) if len(candidates) else None


def activity_concurrent(log: Sublog) -> Split | None:
    """The least activity whose removal lets a cut hold, in parallel with the rest."""
    for activity in log.alphabet().tolist():
        graph = dfg_of(keep_events(log, log.codes != activity))
        if any(holds(graph) is not None for holds in _HOLDS):
            return _apart(log, activity)
    return None


def _tau_split(log: Sublog, strict: bool) -> Split | None:
    nonempty = log.lengths > 0
    starts = np.unique(log.codes[log.offsets[:-1][nonempty]])
    ends = np.unique(log.codes[log.offsets[1:][nonempty] - 1])
    cut = (log.position > 0) & np.isin(log.codes, starts)
    if strict:
        previous = np.zeros(len(log.codes), bool)
        previous[1:] = np.isin(log.codes[:-1], ends)
        cut &= previous
    if not cut.any():
        return None
    return "loop", [split_at(log, cut), _empty()]


def strict_tau_loop(log: Sublog) -> Split | None:
    """Traces cut where an end activity is followed by a start activity, looped with tau."""
    return _tau_split(log, strict=True)


def tau_loop(log: Sublog) -> Split | None:
    """Traces cut before every start activity (not the first event), looped with tau."""
    return _tau_split(log, strict=False)


def flower(log: Sublog) -> Split:
    """Tau looped with every activity once."""
    alphabet = log.alphabet()
    ones = np.ones(len(alphabet), np.int64)
    return "loop", [_empty(), sublog(alphabet, ones, ones)]
