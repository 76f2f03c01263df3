"""procmine's own inductive miner: IMf over the engine's variants, IMd over its DFG.

The same process trees as pm4py's inductive miner (before and after pm4py's folding),
computed with NumPy over integer-coded traces. Activities are coded by the rank of their
name, so that every place where pm4py sorts names sorts codes the same way.

    tree = mine_variants({("a", "b"): 10, ("a", "c", "b"): 3}, noise=0.2)   # pm4py ProcessTree
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np

from procmine.errors import ModelError
from procmine.inductive.coded import CodedVariants, coded_variants, from_mapping
from procmine.inductive.imd import dfg_graph, mine_dfg
from procmine.inductive.imf import mine
from procmine.inductive.sublog import keep_traces, sublog
from procmine.inductive.tree import Node, canonical, to_pm4py

__all__ = ["CodedVariants", "canonical", "coded_variants", "mine_dfg_counts", "mine_variants"]

# A tree is as deep as the fall-throughs peel activities off one by one: hundreds of levels.
_RECURSION = 20_000
T = TypeVar("T")


def _deep(function: Callable[[], T]) -> T:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION))
    try:
        return function()
    finally:
        sys.setrecursionlimit(limit)


def mine_variants(variants: Mapping[tuple[str, ...], int], noise: float = 0.0) -> Any:
    """IMf's process tree (pm4py ProcessTree, not folded) of variants: activity tuple -> cases.

    CodedVariants (from the engine's Variants) are mined as they are; any other mapping is coded first.
    """
    if not 0.0 <= noise <= 1.0:
        raise ModelError(f"The noise threshold is {noise!r}; give a share between 0 and 1 (e.g. --noise 0.2).")
    coded = variants if isinstance(variants, CodedVariants) else from_mapping(variants)
    if not (coded.counts > 0).any():
        raise ModelError("Cannot discover a model from a log without cases. "
                         "Loosen the filter or choose a dataset with events.")
    log = keep_traces(sublog(coded.codes, np.diff(coded.offsets), coded.counts), coded.counts > 0)
    tree: Node = _deep(lambda: mine(log, noise))
    return to_pm4py(tree, coded.names)


def mine_dfg_counts(edges: Mapping[tuple[str, str], int], start: Mapping[str, int],
                    end: Mapping[str, int], skip: bool = False) -> Any:
    """IMd's process tree (pm4py ProcessTree, not folded) of a DFG given as named counts."""
    graph, names = dfg_graph([], dict(edges), dict(start), dict(end))
    tree: Node = _deep(lambda: mine_dfg(graph, skip))
    return to_pm4py(tree, names)
