"""Results remembered per EventLog view (or dataset Base), dropped with the view.

Overview, variants, DFG and the variant filter of one filtered view share one pass over
the events this way; a new filter makes a new view, so nothing stale is ever served.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

_memo: weakref.WeakKeyDictionary[object, dict] = weakref.WeakKeyDictionary()
T = TypeVar("T")
L = TypeVar("L")


def remembered(log, key: str, compute):
    """The value of `compute(log)` remembered for this log view (or Base) under `key`."""
    store = _memo.setdefault(log, {})
    if key not in store:
        store[key] = compute(log)
    return store[key]


def remembered_part(log: L, key: str, wanted: frozenset[str], compute: Callable[[L], T],
                    project: Callable[[T, frozenset[str]], T]) -> T:
    """`project(result, wanted)` of a result with the parts `wanted`, remembered for this view under `key`.

    A result remembered with every wanted part (or more) serves the request; one with fewer parts
    never does, so a partial result is never handed out for a fuller request. `compute(log)`
    computes exactly the parts `wanted`.
    """
    store = _memo.setdefault(log, {}).setdefault(("parts", key), {})
    for parts, value in store.items():
        if wanted <= parts:
            return project(value, wanted)
    value = store[wanted] = compute(log)
    return project(value, wanted)


def is_remembered(log, key: str) -> bool:
    """Whether `remembered(log, key, ...)` would give a value without computing it."""
    return key in _memo.get(log, {})


def forget(owner) -> None:
    """Drop what was remembered for a log view or a dataset's Base (for benchmarks)."""
    _memo.pop(owner, None)
