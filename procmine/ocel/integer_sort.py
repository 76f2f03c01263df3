"""Sorting the integer keys of flattening by their digits (least significant first, compiled with numba).

Flattening sorts keys made of row numbers (object rank, event place, type), whose range is known and
narrow: a radix sort visits each key once per 11-bit digit, where NumPy's comparison sort takes
log n steps. Measured on 2.8M keys of 38 bits: 0.07 CPU-s against 0.19 s for np.sort; the stable
order of 1M timestamps 0.04 s against 0.11 s for np.argsort(kind="stable").
"""

from __future__ import annotations

import numba
import numpy as np

from procmine.analysis import kernels as k

_DIGIT_BITS = 11
_SMALL = 1 << 14        # below this many keys NumPy's sort is as quick and needs no compiled code


def sorted_distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct keys, sorted (as `kernels.sorted_unique`)."""
    keys = np.asarray(keys, np.int64)
    if len(keys) < _SMALL or keys.min() < 0:
        return k.sorted_unique(keys)
    ordered = _sorted(keys, _digit_bits(int(keys.max())))
    keep = np.empty(len(ordered), bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def stable_order(values: np.ndarray) -> np.ndarray:
    """The positions that sort the values, equal values in their order (as np.argsort(kind="stable"))."""
    values = np.asarray(values, np.int64)
    if len(values) < _SMALL:
        return np.argsort(values, kind="stable")
    low = int(values.min())
    span = int(values.max()) - low
    if span >= 1 << 62:     # the shifted values would not fit: NumPy's own
        return np.argsort(values, kind="stable")
    return _order(values - low, _digit_bits(span))


def _digit_bits(largest: int) -> int:
    """The bits per digit: the fewest passes of at most `_DIGIT_BITS` bits that cover `largest`."""
    bits = max(largest.bit_length(), 1)
    passes = -(-bits // _DIGIT_BITS)
    return -(-bits // passes) if passes else 1


@numba.njit(cache=True, nogil=True)
def _digit_starts(keys, shift, mask):
    starts = np.zeros(mask + 2, np.int64)
    for i in range(len(keys)):
        starts[((keys[i] >> shift) & mask) + 1] += 1
    for digit in range(mask + 1):
        starts[digit + 1] += starts[digit]
    return starts


@numba.njit(cache=True, nogil=True)
def _sorted(keys, digit_bits):
    """The non-negative keys, sorted."""
    mask = (1 << digit_bits) - 1
    largest = keys.max()
    current, spare = keys.copy(), np.empty_like(keys)
    shift = 0
    while shift == 0 or (shift < 63 and (largest >> shift) > 0):
        starts = _digit_starts(current, shift, mask)
        for i in range(len(current)):
            digit = (current[i] >> shift) & mask
            spare[starts[digit]] = current[i]
            starts[digit] += 1
        current, spare = spare, current
        shift += digit_bits
    return current


@numba.njit(cache=True, nogil=True)
def _order(values, digit_bits):
    """The stable sorting positions of the non-negative values (each pass keeps the order of the last;
    the values travel with their positions, so every pass reads in sequence)."""
    mask = (1 << digit_bits) - 1
    largest = values.max()
    current, spare = values.copy(), np.empty_like(values)
    order, spare_order = np.arange(len(values)), np.empty(len(values), np.int64)
    shift = 0
    while shift == 0 or (shift < 63 and (largest >> shift) > 0):
        starts = _digit_starts(current, shift, mask)
        for i in range(len(current)):
            digit = (current[i] >> shift) & mask
            spare[starts[digit]] = current[i]
            spare_order[starts[digit]] = order[i]
            starts[digit] += 1
        current, spare = spare, current
        order, spare_order = spare_order, order
        shift += digit_bits
    return order
