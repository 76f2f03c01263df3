"""Sorting the integer keys of flattening by their digits (least significant first, compiled with numba).

Flattening sorts keys made of row numbers (object rank, event place, type), whose range is known and
narrow: a radix sort visits each key once per 11-bit digit, where NumPy's comparison sort takes
log n steps. Measured on 2.8M keys of 38 bits: 0.07 CPU-s against 0.19 s for np.sort; the stable
order of 1M timestamps 0.04 s against 0.11 s for np.argsort(kind="stable").

Compiled code costs each process a start of about 0.7 CPU-s (importing numba, then its first call),
more than these sorts save on a 1M-event log (0.2 s). So they run only where numba is already
loaded, which reading an OCEL file does (procmine.ocel.id_hashing); opening a stored dataset by a case
notion in a fresh process sorts with NumPy.
"""

from __future__ import annotations

import sys

import numpy as np

from procmine.analysis import kernels as k

_DIGIT_BITS = 11
_SMALL = 1 << 14        # below this many keys NumPy's sort is as quick and needs no compiled code


def sorted_distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct keys, sorted (as `kernels.sorted_unique`)."""
    keys = np.asarray(keys, np.int64)
    if not _compiled_started() or len(keys) < _SMALL or keys.min() < 0:
        return k.sorted_unique(keys)
    from procmine.ocel import radix_passes  # numba's import waits until a sort needs it

    ordered = radix_passes.sorted_keys(keys, _digit_bits(int(keys.max())))
    keep = np.empty(len(ordered), bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def stable_order(values: np.ndarray) -> np.ndarray:
    """The positions that sort the values, equal values in their order (as np.argsort(kind="stable"))."""
    values = np.asarray(values, np.int64)
    if not _compiled_started() or len(values) < _SMALL:
        return np.argsort(values, kind="stable")
    low = int(values.min())
    span = int(values.max()) - low
    if span >= 1 << 62:     # the shifted values would not fit: NumPy's own
        return np.argsort(values, kind="stable")
    from procmine.ocel import radix_passes

    return radix_passes.stable_positions(values - low, _digit_bits(span))


def _compiled_started() -> bool:
    """Whether this process has started numba's compiled code already (so the sorts cost no start)."""
    return "procmine.ocel.id_hashing" in sys.modules


def _digit_bits(largest: int) -> int:
    """The bits per digit: the fewest passes of at most `_DIGIT_BITS` bits that cover `largest`."""
    bits = max(largest.bit_length(), 1)
    passes = -(-bits // _DIGIT_BITS)
    return -(-bits // passes) if passes else 1
