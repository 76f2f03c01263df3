"""The compiled passes of procmine.ocel.integer_sort (a least-significant-digit radix sort; numba)."""

from __future__ import annotations

import numpy as np

from procmine.compiled import compiled


@compiled
def digit_starts(keys, shift, mask):
    starts = np.zeros(mask + 2, np.int64)
    for i in range(len(keys)):
        starts[((keys[i] >> shift) & mask) + 1] += 1
    for digit in range(mask + 1):
        starts[digit + 1] += starts[digit]
    return starts


@compiled
def sorted_keys(keys, digit_bits):
    """The non-negative keys, sorted."""
    mask = (1 << digit_bits) - 1
    largest = keys.max()
    current, spare = keys.copy(), np.empty_like(keys)
    shift = 0
    while shift == 0 or (shift < 63 and (largest >> shift) > 0):
        starts = digit_starts(current, shift, mask)
        for i in range(len(current)):
            digit = (current[i] >> shift) & mask
            spare[starts[digit]] = current[i]
            starts[digit] += 1
        current, spare = spare, current
        shift += digit_bits
    return current


@compiled
def stable_positions(values, digit_bits):
    """The stable sorting positions of the non-negative values (each pass keeps the order of the last;
    the values travel with their positions, so every pass reads in sequence)."""
    mask = (1 << digit_bits) - 1
    largest = values.max()
    current, spare = values.copy(), np.empty_like(values)
    order, spare_order = np.arange(len(values)), np.empty(len(values), np.int64)
    shift = 0
    while shift == 0 or (shift < 63 and (largest >> shift) > 0):
        starts = digit_starts(current, shift, mask)
        for i in range(len(current)):
            digit = (current[i] >> shift) & mask
            spare[starts[digit]] = current[i]
            spare_order[starts[digit]] = order[i]
            starts[digit] += 1
        current, spare = spare, current
        order, spare_order = spare_order, order
        shift += digit_bits
    return order
