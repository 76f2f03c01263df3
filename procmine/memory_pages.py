"""Large short-lived NumPy arrays on ordinary pages.

NumPy asks the kernel to back every large array with transparent huge pages (madvise
MADV_HUGEPAGE). Where the kernel's huge-page defrag setting is "madvise" (Debian's default,
/sys/kernel/mm/transparent_hugepage/defrag), the first touch of such memory may stall in direct
compaction. A reader that makes many large temporaries pays that on each one: reading the 1M-event
OCEL XML file took 31-33 s of system time with the advice and 8-11 s without (benchmarks/RESULTS.md).
`ordinary_pages()` switches the advice off for the duration of a block and restores it after.
The switch is process-wide: arrays another thread makes meanwhile get ordinary pages too, which
changes their speed, never their contents.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

_multiarray = getattr(np, "_core", None) or np.core  # numpy 2 moved it; both have the switch
_set_advice = getattr(_multiarray.multiarray, "_set_madvise_hugepage", None)


@contextmanager
def ordinary_pages() -> Iterator[None]:
    """Within the block, NumPy does not advise huge pages for new arrays (where this NumPy can say so)."""
    if _set_advice is None:
        yield
        return
    previous = _set_advice(False)
    try:
        yield
    finally:
        _set_advice(previous)
