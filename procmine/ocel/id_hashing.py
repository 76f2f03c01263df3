"""The compiled loops behind procmine.ocel.id_codes: one hash table of text ids, built and probed over
Arrow's own buffers (offsets and bytes), no Python object per id.

Each slot of the open-addressing table holds a row and the 64-bit hash of its id, side by side, so a
probe touches one cache line. Probing goes in two passes: first every reference finds the row whose
hash equals its own (independent loads the processor overlaps), then each such row is compared byte by
byte with the reference; the rare reference whose row turns out to hold another text (a hash collision)
walks the table again comparing texts. The result is exact. Measured at 1M events (5.8M event ids with
the references to them): 0.18 CPU-s against 0.9-1.2 s for Arrow's dictionary encoding.
"""

from __future__ import annotations

import numpy as np

from procmine.compiled import compiled

_EMPTY = -1
_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@compiled
def _finish(h):
    """MurmurHash3's finaliser: every bit of the byte hash reaches the low bits the table uses."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


@compiled
def text_hashes(offsets, data):
    """The 64-bit hash of each text (FNV-1a over its bytes, finished)."""
    hashes = np.empty(len(offsets) - 1, np.uint64)
    for i in range(len(hashes)):
        h = _FNV_OFFSET
        for j in range(offsets[i], offsets[i + 1]):
            h = (h ^ np.uint64(data[j])) * _FNV_PRIME
        hashes[i] = _finish(h)
    return hashes


@compiled
def _same_text(offsets, data, row, other_offsets, other_data, other_row):
    start, other_start = offsets[row], other_offsets[other_row]
    length = offsets[row + 1] - start
    if other_offsets[other_row + 1] - other_start != length:
        return False
    for k in range(length):     # noqa: SIM110  (a plain loop: numba compiles no generators)
        if data[start + k] != other_data[other_start + k]:
            return False
    return True


@compiled
def build_table(offsets, data, hashes, valid, bits):
    """(table, first rows): the table of the ids, and per id the first row holding the same text
    (-1 for a null; `valid` empty means no nulls)."""
    mask = np.uint64((1 << bits) - 1)
    table = np.full((1 << bits, 2), _EMPTY, np.int64)
    first_rows = np.empty(len(hashes), np.int64)
    for i in range(len(hashes)):
        if len(valid) and not valid[i]:
            first_rows[i] = -1
            continue
        h = hashes[i]
        slot = h & mask
        while True:
            row = table[slot, 0]
            if row == _EMPTY:
                table[slot, 0] = i
                table[slot, 1] = np.int64(h)
                first_rows[i] = i
                break
            if table[slot, 1] == np.int64(h) and _same_text(offsets, data, row, offsets, data, i):
                first_rows[i] = row
                break
            slot = (slot + np.uint64(1)) & mask
    return table, first_rows


@compiled
def _probe(table, offsets, data, other_offsets, other_data, h, i):
    """The row of reference i's text, comparing texts along the way; -1 when no id has it."""
    mask = np.uint64(len(table) - 1)
    slot = h & mask
    while True:
        row = table[slot, 0]
        if row == _EMPTY:
            return -1
        if table[slot, 1] == np.int64(h) and _same_text(offsets, data, row, other_offsets, other_data, i):
            return row
        slot = (slot + np.uint64(1)) & mask


@compiled
def look_up(table, offsets, data, other_offsets, other_data, other_hashes, other_valid):
    """Per reference the first row of the ids holding its text; -1 for an unknown id or a null
    (`other_valid` empty means no nulls)."""
    mask = np.uint64(len(table) - 1)
    rows = np.empty(len(other_hashes), np.int64)
    for i in range(len(rows)):          # by hash alone
        h = other_hashes[i]
        slot = h & mask
        while True:
            row = table[slot, 0]
            if row == _EMPTY or table[slot, 1] == np.int64(h):
                rows[i] = row
                break
            slot = (slot + np.uint64(1)) & mask
    for i in range(len(rows)):          # then by text
        if len(other_valid) and not other_valid[i]:
            rows[i] = -1
        elif rows[i] >= 0 and not _same_text(offsets, data, rows[i], other_offsets, other_data, i):
            rows[i] = _probe(table, offsets, data, other_offsets, other_data, other_hashes[i], i)
    return rows
