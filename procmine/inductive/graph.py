"""The directly-follows graph the inductive miner cuts: integer-coded, as dense matrices.

Vertices are global activity codes (ranked by activity name, so that sorting codes sorts
names as pm4py sorts strings); `edges[i, j]` counts i -> j between local indices.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # scipy ships no types; no stubs installed
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]  # as above


@dataclass(frozen=True, eq=False)
class Graph:
    """A DFG over `vertices` (sorted global codes): edge counts, start and end counts per vertex."""

    vertices: np.ndarray
    edges: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @property
    def size(self) -> int:
        return len(self.vertices)

    @cached_property
    def adjacency(self) -> np.ndarray:
        return self.edges > 0

    @cached_property
    def reach(self) -> np.ndarray:
        """reach[i, j]: j can be reached from i by one or more edges (i itself only on a cycle)."""
        return transitive_closure(self.adjacency)

    def codes(self, local: np.ndarray | list[int]) -> list[int]:
        """Global codes of local vertex indices, ascending."""
        return sorted(self.vertices[np.asarray(local, dtype=np.int64)].tolist())

    def local(self, codes: list[int] | np.ndarray) -> np.ndarray:
        """Local indices of global codes (all of which are vertices)."""
        return np.searchsorted(self.vertices, np.asarray(codes, dtype=np.int64))


def empty_graph() -> Graph:
    return Graph(np.zeros(0, np.int64), np.zeros((0, 0), np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))


def graph_from_parts(vertices: np.ndarray, edges: np.ndarray, start: np.ndarray, end: np.ndarray) -> Graph:
    """The graph without the vertices that have no edge, start or end left (as pm4py's vertex set)."""
    keep = (edges > 0).any(axis=0) | (edges > 0).any(axis=1) | (start > 0) | (end > 0)
    if keep.all():
        return Graph(vertices, edges, start, end)
    return Graph(vertices[keep], edges[np.ix_(keep, keep)], start[keep], end[keep])


def transitive_closure(adjacency: np.ndarray) -> np.ndarray:
    """Boolean reachability by repeated squaring (float matrix products, exact for 0/1)."""
    reach = adjacency.copy()
    if reach.size == 0:
        return reach
    while True:
        as_float = reach.astype(np.float32)
        grown = reach | ((as_float @ as_float) > 0)
        if np.array_equal(grown, reach):
            return reach
        reach = grown


def components(related: np.ndarray) -> list[list[int]]:
    """Connected components of an undirected relation (local indices), ordered by their least member."""
    if related.shape[0] == 0:
        return []
    _count, labels = connected_components(csr_matrix(related), directed=False)
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    found = [part.tolist() for part in np.split(order, bounds)]
    return sorted(found, key=lambda part: part[0])
