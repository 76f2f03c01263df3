"""Results remembered per EventLog view (or dataset Base), dropped with the view.

Overview, variants, DFG and the variant filter of one filtered view share one pass over
the events this way; a new filter makes a new view, so nothing stale is ever served.
"""

from __future__ import annotations

import weakref

_memo: weakref.WeakKeyDictionary[object, dict] = weakref.WeakKeyDictionary()


def remembered(log, key: str, compute):
    """The value of `compute(log)` remembered for this log view (or Base) under `key`."""
    store = _memo.setdefault(log, {})
    if key not in store:
        store[key] = compute(log)
    return store[key]


def forget(owner) -> None:
    """Drop what was remembered for a log view or a dataset's Base (for benchmarks)."""
    _memo.pop(owner, None)
