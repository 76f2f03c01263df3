"""Functions compiled by numba, one way for every module that has them.

Machine code is cached beside the module, or (where its folder is read-only) in NUMBA_CACHE_DIR or the
user's cache folder; where none is writable, each process compiles anew (the cost of the first process,
see benchmarks/RESULTS.md). No shared temporary folder is used: numba's cache files are pickles, and
loading one another user planted would run their code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba


def compiled(function: Callable[..., Any] | None = None, /, **options: Any) -> Any:
    """`function` compiled by numba (`nogil`; further numba options by keyword), cached on disk where
    numba finds a writable place for it, else compiled in each process. Used as `@compiled` or
    `@compiled(inline="always")`."""
    if function is None:
        return lambda undecorated: compiled(undecorated, **options)
    try:
        return numba.njit(cache=True, nogil=True, **options)(function)
    except RuntimeError:            # numba: "cannot cache function ...: no locator available"
        return numba.njit(nogil=True, **options)(function)
