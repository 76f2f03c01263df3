"""How a cut splits a log into one sub-log per group, as pm4py's UVCL cuts project."""

from __future__ import annotations

import numpy as np

from procmine.inductive.sublog import (
    Sublog,
    concatenate,
    keep_events,
    keep_traces,
    membership,
    runs,
    sublog,
)


def _size(log: Sublog, groups: list[list[int]]) -> int:
    highest = max((max(group) for group in groups if group), default=-1)
    return max(highest, int(log.codes.max()) if len(log.codes) else -1) + 1


def project_xor(log: Sublog, groups: list[list[int]]) -> list[Sublog]:
    """Each trace goes to the group holding most of its events (ties: the later group), kept to it."""
    member = membership(groups, _size(log, groups))[log.codes]
    count = len(groups)
    inside = member >= 0
    per_group = np.bincount(log.trace_of_event[inside] * count + member[inside],
                            minlength=log.num_traces * count).reshape(log.num_traces, count)
    chosen = count - 1 - np.argmax(per_group[:, ::-1], axis=1)
    logs = []
    for index in range(count):
        mine = chosen == index
        kept = keep_events(log, (member == index) & mine[log.trace_of_event])
        logs.append(keep_traces(kept, mine))
    return logs


def project_concurrency(log: Sublog, groups: list[list[int]]) -> list[Sublog]:
    """Every trace, once per group, with only that group's events."""
    member = membership(groups, _size(log, groups))[log.codes]
    return [keep_events(log, member == index) for index in range(len(groups))]


def project_sequence(log: Sublog, groups: list[list[int]]) -> list[Sublog]:
    """Every trace split at the points of least cost between consecutive groups (pm4py's split points).

    A trace whose events all belong to groups, in the groups' order, splits at the group
    boundaries: its projection keeps each group's events, computed for all such traces at once.
    """
    member = membership(groups, _size(log, groups))[log.codes]
    backwards = member < 0
    backwards[1:] |= (member[1:] < member[:-1]) & (log.position[1:] > 0)
    mixed = np.zeros(log.num_traces, bool)
    mixed[log.trace_of_event[backwards]] = True
    if not mixed.any():
        return [keep_events(log, member == index) for index in range(len(groups))]
    clean = keep_traces(log, ~mixed)
    clean_member = member[~mixed[log.trace_of_event]]
    tangled = keep_traces(log, mixed)
    split = _split_sequence(tangled, member[mixed[log.trace_of_event]], len(groups))
    return [concatenate(keep_events(clean, clean_member == index), part) for index, part in enumerate(split)]


def _split_sequence(log: Sublog, member: np.ndarray, count: int) -> list[Sublog]:
    """pm4py's _find_split_point for every trace at once, group after group.

    Only the events after each trace's split point so far stay in play (`alive`, event
    indices in trace order), so the work shrinks group by group.
    """
    alive = np.arange(len(log.codes), dtype=np.int64)
    logs = []
    for index in range(count):
        mine, trace = member[alive], log.trace_of_event[alive]
        step = np.where(mine == index, -1, np.where((mine >= 0) & (mine < index), 0, 1))
        head = np.ones(len(alive), bool)
        head[1:] = trace[1:] != trace[:-1]
        starts = np.flatnonzero(head)
        spans = np.diff(np.append(starts, len(alive)))
        cost = np.cumsum(step)
        cost -= np.repeat((cost - step)[starts], spans)
        least = np.repeat(np.minimum.reduceat(cost, starts), spans) if len(starts) else cost
        hits = np.flatnonzero((cost == least) & (least < 0))
        segments, first = np.unique((np.cumsum(head) - 1)[hits], return_index=True)
        marks = np.zeros(len(alive) + 1, np.int64)
        np.add.at(marks, starts[segments], 1)
        np.add.at(marks, hits[first] + 1, -1)
        within = np.cumsum(marks[:-1]) > 0
        chosen = alive[within & (mine == index)]
        logs.append(sublog(log.codes[chosen], np.bincount(log.trace_of_event[chosen], minlength=log.num_traces),
                           log.counts))
        alive = alive[~within]
    return logs


def project_loop(log: Sublog, groups: list[list[int]]) -> list[Sublog]:
    """The do log (every run of do events, and an empty trace where a trace ends outside them) and the redo runs."""
    member = membership(groups, _size(log, groups))[log.codes]
    do_runs = runs(log, member == 0)
    ends_outside = np.ones(log.num_traces, bool)
    nonempty = log.lengths > 0
    ends_outside[nonempty] = member[log.offsets[1:][nonempty] - 1] != 0
    tails = int(ends_outside.sum())
    do = sublog(do_runs.codes, np.concatenate([do_runs.lengths, np.zeros(tails, np.int64)]),
                np.concatenate([do_runs.counts, log.counts[ends_outside]]))
    return [do, runs(log, member == 1)]
