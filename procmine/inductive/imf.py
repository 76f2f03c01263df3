"""IMf, the inductive miner with infrequent-behaviour filtering, over integer-coded variants.

A port of pm4py's IMFUVCL (pm4py.algo.discovery.inductive.variants.imf): the same base
cases, the same cuts tried in the same order (xor, strict sequence, concurrency, loop), the
same noise filter of the DFG when no cut holds, and the same fall-throughs, so that the
tree is pm4py's. The work is NumPy over flat sub-logs instead of Python over tuples.
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
from procmine.inductive.fall_throughs import fall_through
from procmine.inductive.graph import Graph, graph_from_parts
from procmine.inductive.projections import (
    project_concurrency,
    project_loop,
    project_sequence,
    project_xor,
)
from procmine.inductive.sublog import Sublog, keep_traces
from procmine.inductive.tree import Node, Operator, leaf

CUTS: tuple[tuple[Callable[[Graph], Groups | None], Callable[[Sublog, Groups], list[Sublog]], Operator], ...] = (
    (xor_cut, project_xor, "xor"), (strict_sequence_cut, project_sequence, "sequence"),
    (concurrency_cut, project_concurrency, "parallel"), (loop_cut, project_loop, "loop"))


def mine(log: Sublog, noise: float) -> Node:
    """IMf's tree of the log with the noise threshold (0..1)."""
    empties = log.empty_cases()
    if empties and empties < log.total_cases():
        rest = keep_traces(log, log.lengths > 0)
        if empties > noise * log.total_cases():
            return Node("xor", children=[Node(), mine(rest, noise)])
        log = rest
    found = base_case(log)
    if found is not None:
        return found
    for graph in (log.graph, filter_noise(log.graph, noise)):
        cut = find_cut(log, graph, noise)
        if cut is not None:
            return cut
    operator, parts = fall_through(log)
    return Node(operator, children=[mine(part, noise) for part in parts])


def base_case(log: Sublog) -> Node | None:
    """Empty log: a silent step; one distinct trace of at most one activity: that leaf (or tau)."""
    if log.num_traces == 0:
        return Node()
    if (log.lengths == 0).all():
        return Node()
    if (log.lengths == 1).all() and (log.codes == log.codes[0]).all():
        return leaf(int(log.codes[0]))
    return None


def find_cut(log: Sublog, graph: Graph, noise: float) -> Node | None:
    """The first cut of the DFG that holds, its groups' sub-logs mined."""
    for holds, project, operator in CUTS:
        groups = holds(graph)
        if groups is not None:
            return Node(operator, children=[mine(part, noise) for part in project(log, groups)])
    return None


def filter_noise(graph: Graph, noise: float) -> Graph:
    """pm4py's IMf DFG filter: edges above `noise` x the most frequent way out, starts above noise x the top."""
    edges, start = graph.edges.copy(), graph.start.copy()
    has_out = (edges > 0).any(axis=1)
    most = np.maximum(edges.max(axis=1, initial=0), np.where(has_out, graph.end, 0))
    edges[~(edges > noise * most[:, None])] = 0
    start[start < start.max(initial=0) * noise] = 0
    return graph_from_parts(graph.vertices, edges, start, graph.end.copy())

