"""IMd, the inductive miner over the directly-follows graph alone, as pm4py's IMD.

A sub-DFG carries pm4py's `skip` flag (the log may pass it by without an event): the tree
then offers a silent choice. Cuts are tried in IMf's order; the fall-through is the flower.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from procmine.inductive.cuts import (
    Groups,
    concurrency_cut,
    loop_cut,
    strict_sequence_cut,
    xor_cut,
)
from procmine.inductive.graph import Graph, graph_from_parts
from procmine.inductive.tree import Node, Operator, leaf

Part = tuple[Graph, bool]


def mine_dfg(graph: Graph, skip: bool = False) -> Node:
    """IMd's tree of a DFG (skip: the log also has empty traces)."""
    if skip:
        if _is_empty(graph):
            return Node()
        return Node("xor", children=[Node(), mine_dfg(graph)])
    if _is_empty(graph):
        return Node()
    if not graph.adjacency.any() and graph.size == 1:
        return leaf(int(graph.vertices[0]))
    for holds, project, operator in _CUTS:
        groups = holds(graph)
        if groups is not None:
            return Node(operator, children=[mine_dfg(part, flag) for part, flag in project(graph, groups)])
    flower = Graph(graph.vertices, np.zeros_like(graph.edges), np.ones(graph.size, np.int64),
                   np.ones(graph.size, np.int64))
    return Node("loop", children=[Node(), mine_dfg(flower)])


def _is_empty(graph: Graph) -> bool:
    return graph.size == 0


def induced(graph: Graph, group: list[int], start: np.ndarray | None = None,
            end: np.ndarray | None = None) -> Graph:
    """The sub-DFG on the group's activities, with its own (or the given) start and end counts."""
    local = graph.local(group)
    return graph_from_parts(graph.vertices[local], graph.edges[np.ix_(local, local)],
                            graph.start[local] if start is None else start,
                            graph.end[local] if end is None else end)


def project_xor_dfg(graph: Graph, groups: list[list[int]]) -> list[Part]:
    return [(induced(graph, group), False) for group in groups]


def project_loop_dfg(graph: Graph, groups: list[list[int]]) -> list[Part]:
    """The do part keeps its starts and ends; the redo part starts and ends anywhere."""
    starts, ends = graph.start > 0, graph.end > 0
    back = bool(graph.adjacency[np.ix_(ends, starts)].any())
    do = induced(graph, groups[0])
    outside = np.ones(graph.size, bool)
    outside[graph.local(groups[0])] = False
    skip_do = bool(((starts | ends) & outside).any())
    redo_size = len(groups[1])
    redo = induced(graph, groups[1], np.ones(redo_size, np.int64), np.ones(redo_size, np.int64))
    return [(do, skip_do), (redo, back)]


def project_sequence_dfg(graph: Graph, groups: list[list[int]]) -> list[Part]:
    """pm4py's SequenceCutDFG.project: starts and ends from the edges between neighbouring groups."""
    group_of = np.empty(graph.size, np.int64)
    for index, group in enumerate(groups):
        group_of[graph.local(group)] = index
    last = len(groups) - 1
    skippable = [False] * len(groups)
    for a in np.flatnonzero(graph.start).tolist():
        for j in range(group_of[a]):
            skippable[j] = True
    for a in np.flatnonzero(graph.end).tolist():
        for j in range(group_of[a] + 1, last + 1):
            skippable[j] = True
    sources, targets = np.nonzero(graph.adjacency)
    for a, b in zip(group_of[sources].tolist(), group_of[targets].tolist()):
        for j in range(a + 1, b):
            skippable[j] = True
    parts = []
    for index, group in enumerate(groups):
        local = graph.local(group)
        start = graph.start[local] if index == 0 else graph.edges[np.ix_(group_of == index - 1, local)].sum(axis=0)
        end = graph.end[local] if index == last else graph.edges[np.ix_(local, group_of == index + 1)].sum(axis=1)
        parts.append((induced(graph, group, start, end), skippable[index]))
    return parts


_CUTS: tuple[tuple[Callable[[Graph], Groups | None], Callable[[Graph, Groups], list[Part]], Operator], ...] = (
    (xor_cut, project_xor_dfg, "xor"), (strict_sequence_cut, project_sequence_dfg, "sequence"),
    (concurrency_cut, project_xor_dfg, "parallel"), (loop_cut, project_loop_dfg, "loop"))


def dfg_graph(names: list[str], edges: dict[tuple[str, str], int], start: dict[str, int],
              end: dict[str, int]) -> tuple[Graph, list[str]]:
    """A Graph from named counts, its activities coded by name order; the names by code."""
    alphabet = sorted(set(names) | {a for pair in edges for a in pair} | set(start) | set(end))
    code = {name: index for index, name in enumerate(alphabet)}
    size = len(alphabet)
    matrix = np.zeros((size, size), np.int64)
    for (source, target), count in edges.items():
        matrix[code[source], code[target]] += int(count)
    starts, ends = np.zeros(size, np.int64), np.zeros(size, np.int64)
    for name, count in start.items():
        starts[code[name]] += int(count)
    for name, count in end.items():
        ends[code[name]] += int(count)
    return graph_from_parts(np.arange(size, dtype=np.int64), matrix, starts, ends), alphabet

