"""Where a DFG cuts, as pm4py's inductive miner finds it: xor, (strict) sequence, concurrency, loop.

Each function takes a Graph and gives the groups (lists of global activity codes) in the
order pm4py's cut gives them, or None when the cut does not hold. pm4py's order of groups
and its tie-breaks are kept, so that the process trees come out equal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

from procmine.inductive.graph import Graph, components

Groups = list[list[int]]


def xor_cut(graph: Graph) -> Groups | None:
    """Connected components of the undirected DFG, ordered by their sorted activity names."""
    parts = components(graph.adjacency | graph.adjacency.T)
    if len(parts) <= 1:
        return None
    return sorted((graph.codes(part) for part in parts), key=lambda codes: codes)


def _strict_reach(graph: Graph) -> np.ndarray:
    """Reachability without the vertex itself (networkx's descendants)."""
    reach = graph.reach.copy()
    np.fill_diagonal(reach, False)
    return reach


def sequence_groups(graph: Graph) -> list[list[int]] | None:
    """pm4py's SequenceCut.holds on local indices: merge pairwise (un)reachable, sort by reachability."""
    if graph.size == 0:
        return None
    reach = _strict_reach(graph)
    related = (reach & reach.T) | (~reach & ~reach.T)
    np.fill_diagonal(related, False)
    parts = components(related)
    before, after = reach.sum(axis=0), reach.sum(axis=1)
    parts.sort(key=lambda part: int(before[part[0]]) + graph.size - int(after[part[0]]))
    return parts if len(parts) > 1 else None


def strict_sequence_cut(graph: Graph) -> Groups | None:
    """The strict sequence cut: a sequence cut whose skippable groups are merged (Leemans, p. 233)."""
    found = sequence_groups(graph)
    if found is None:
        return None
    parts = [set(part) for part in found]
    start, end = set(np.flatnonzero(graph.start).tolist()), set(np.flatnonzero(graph.end).tolist())
    cluster = {a: i for i, part in enumerate(parts) for a in part}
    first = [-sys.maxsize if part & start else sys.maxsize for part in parts]
    last = [sys.maxsize if part & end else -sys.maxsize for part in parts]
    sources, targets = np.nonzero(graph.adjacency)
    for a, b in zip(sources.tolist(), targets.tolist()):
        first[cluster[b]] = min(first[cluster[b]], cluster[a])
        last[cluster[a]] = max(last[cluster[a]], cluster[b])
    for p in range(len(parts)):
        if _skippable(p, graph, start, end, parts):
            q = p - 1
            while q >= 0 and last[q] <= p:
                parts[p] |= parts[q]
                parts[q] = set()
                q -= 1
            q = p + 1
            while q < len(first) and first[q] >= p:
                parts[p] |= parts[q]
                parts[q] = set()
                q += 1
    return [graph.codes(sorted(part)) for part in parts if part]


def _skippable(p: int, graph: Graph, start: set[int], end: set[int], parts: list[set[int]]) -> bool:
    earlier = [a for part in parts[:p] for a in part]
    later = [a for part in parts[p + 1:] for a in part]
    if earlier and later and graph.adjacency[np.ix_(earlier, later)].any():
        return True
    return bool(start.intersection(later)) or bool(end.intersection(earlier))


def concurrency_cut(graph: Graph) -> Groups | None:
    """Components of 'not both ways directly-follows', smallest first; groups without a start and an end merged."""
    if graph.size == 0:
        return None
    related = ~(graph.adjacency & graph.adjacency.T)
    np.fill_diagonal(related, False)
    parts = [set(part) for part in sorted(components(related), key=len)]
    start, end = set(np.flatnonzero(graph.start).tolist()), set(np.flatnonzero(graph.end).tolist())
    i = 0
    while i < len(parts) and len(parts) > 1:
        if parts[i] & start and parts[i] & end:
            i += 1
            continue
        group = parts.pop(i)
        parts[i if i == 0 else i - 1].update(group)
    return [graph.codes(sorted(part)) for part in parts] if len(parts) > 1 else None


def loop_cut(graph: Graph) -> Groups | None:
    """pm4py's loop cut: [do, redo], the do part holding every start and end activity."""
    adjacency = graph.adjacency
    if not adjacency.any():
        return None
    start, end = set(np.flatnonzero(graph.start).tolist()), set(np.flatnonzero(graph.end).tolist())
    inner = np.array(sorted(set(range(graph.size)) - start - end), dtype=np.int64)
    groups = [start | end]
    if len(inner):
        linked = adjacency[np.ix_(inner, inner)]
        groups += [set(inner[part].tolist()) for part in components(linked | linked.T)]
    _merge_reached(groups, adjacency, sorted(start - end), forward=True)
    _merge_reached(groups, adjacency, sorted(end - start), forward=False)
    starts, ends = sorted(start), sorted(end)
    _merge_incomplete(groups, lambda a: bool(adjacency[a, starts].any()) and not adjacency[a, starts].all())
    _merge_incomplete(groups, lambda a: bool(adjacency[ends, a].any()) and not adjacency[ends, a].all())
    groups = [group for group in groups if group]
    if len(groups) <= 1:
        return None
    redo = set().union(*groups[1:])
    return [graph.codes(sorted(groups[0])), graph.codes(sorted(redo))]


def _merge_reached(groups: list[set[int]], adjacency: np.ndarray, origins: list[int], forward: bool) -> None:
    """Every group with a successor (predecessor) of an origin joins the do part, groups[0]."""
    for origin in origins:
        others = np.flatnonzero(adjacency[origin] if forward else adjacency[:, origin]).tolist()
        for other in others:
            home = next(i for i, group in enumerate(groups) if origin in group)
            away = next(i for i, group in enumerate(groups) if other in group)
            merged = groups[home] | groups[away]
            groups[:] = [group for i, group in enumerate(groups) if i not in (home, away)]
            groups.insert(0, merged)


def _merge_incomplete(groups: list[set[int]], incomplete: Callable[[int], bool]) -> None:
    i = 1
    while i < len(groups):
        if any(incomplete(a) for a in groups[i]):
            groups[0] = groups[0] | groups.pop(i)
            continue
        i += 1
