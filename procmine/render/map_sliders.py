"""Disco-style activity and path sliders: reduce a DFG to its most frequent, still connected, core.

The map is a graph over the activities plus two artificial nodes, START and END.
The activity slider keeps the most frequent activities (by events) and then only
those that lie on a path from START to END among the kept ones; the path slider
keeps a backbone (the widest path from START to every activity and from every
activity to END) plus the most frequent of the remaining paths. At 1.0 / 1.0 the
result is the exact DFG.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass

from procmine.analysis.dfg import Dfg
from procmine.errors import ProcmineError

START = "\x02start"
END = "\x03end"


@dataclass(frozen=True)
class ReducedMap:
    """What a map shows: kept activities and kept edges (START/END included) with their counts."""

    activities: tuple[str, ...]
    edges: dict[tuple[str, str], int]

    def has_edge(self, source: str, target: str) -> bool:
        return (source, target) in self.edges


def reduce_map(dfg: Dfg, activities: float = 1.0, paths: float = 1.0) -> ReducedMap:
    """Keep `activities` (0..1) of the activities and `paths` (0..1) of the optional paths."""
    check_shares(activities, paths)
    graph = full_graph(dfg)
    ranked = ranked_activities(dfg)
    if not ranked:
        return ReducedMap((), {})
    wanted = max(1, math.ceil(activities * len(ranked) - 1e-9))
    kept: set[str] = set()
    for count in range(wanted, len(ranked) + 1):
        kept = _connected_core(graph, set(ranked[:count]))
        if kept:
            break
    sub = {edge: n for edge, n in graph.items() if _inside(edge, kept)}
    backbone = _widest_tree(sub, START, forward=True) | _widest_tree(sub, END, forward=False)
    optional = sorted((edge for edge in sub if edge not in backbone),
                      key=lambda edge: (-sub[edge], edge))
    extra = optional[:math.ceil(paths * len(optional) - 1e-9)]
    chosen = {edge: sub[edge] for edge in sorted(backbone | set(extra))}
    return ReducedMap(tuple(a for a in ranked if a in kept), chosen)


def check_shares(activities: float, paths: float) -> None:
    """Refuse slider positions outside 0..1."""
    for name, share in (("activities", activities), ("paths", paths)):
        if not 0.0 <= share <= 1.0 or math.isnan(share):
            raise ProcmineError(f"The {name} slider is {share!r}; give a share between 0 and 1 "
                                f"(e.g. --{name} 0.8 for 80 %).")


def full_graph(dfg: Dfg) -> dict[tuple[str, str], int]:
    """Every path of the map with its count, the START and END arrows included."""
    graph = {(str(r.source), str(r.target)): int(r.count)
             for r in dfg.edges[["source", "target", "count"]].itertuples(index=False)}
    graph.update({(START, a): int(n) for a, n in dfg.start_activities.items() if n > 0})
    graph.update({(a, END): int(n) for a, n in dfg.end_activities.items() if n > 0})
    return graph


def ranked_activities(dfg: Dfg) -> list[str]:
    """The activities, most events first (ties by name)."""
    table = dfg.activities
    pairs = [(str(a), int(n)) for a, n in zip(table["activity"], table["events"])]
    return [a for a, _ in sorted(pairs, key=lambda pair: (-pair[1], pair[0]))]


def _inside(edge: tuple[str, str], kept: set[str]) -> bool:
    return (edge[0] == START or edge[0] in kept) and (edge[1] == END or edge[1] in kept)


def _connected_core(graph: dict[tuple[str, str], int], candidates: set[str]) -> set[str]:
    """The candidates on some START -> END path that uses only candidates."""
    successors, predecessors = defaultdict(list), defaultdict(list)
    for source, target in graph:
        if _inside((source, target), candidates):
            successors[source].append(target)
            predecessors[target].append(source)
    return (_reachable(successors, START) & _reachable(predecessors, END)) - {START, END}


def _reachable(neighbours: dict[str, list[str]], origin: str) -> set[str]:
    seen, stack = {origin}, [origin]
    while stack:
        for other in neighbours[stack.pop()]:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def _widest_tree(graph: dict[tuple[str, str], int], root: str, forward: bool) -> set[tuple[str, str]]:
    """Edges of the maximum-bottleneck paths from `root` (or to it, when not forward)."""
    neighbours = defaultdict(list)
    for (source, target), count in graph.items():
        if forward:
            neighbours[source].append((target, count, (source, target)))
        else:
            neighbours[target].append((source, count, (source, target)))
    best = {root: math.inf}
    via: dict[str, tuple[str, str]] = {}
    heap = [(-math.inf, root)]
    while heap:
        width, node = heapq.heappop(heap)
        if -width < best.get(node, -1):
            continue
        for other, count, edge in sorted(neighbours[node], key=lambda item: item[2]):
            candidate = min(-width, count)
            if candidate > best.get(other, -1):
                best[other] = candidate
                via[other] = edge
                heapq.heappush(heap, (-candidate, other))
    return set(via.values())
