"""Recognise the plain XES attribute tag `<string key="k" value="v"/>` with NumPy, in bulk.

A tag qualifies when it has exactly four double quotes, starts with one of the six
typed prefixes byte for byte, has `" value="` between key and value, ends in `"/>`
followed only by white space up to the next tag, and its key and value hold no '&' or
control character. Those are read by slicing the chunk; every other tag is left to the
strict per-tag parser. Bytes are compared eight at a time through an unaligned uint64
view of the chunk, so each check is one gather per tag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

TYPE_NAMES = ("string", "date", "int", "float", "boolean", "id")
_PREFIXES = [f'<{name} key="'.encode() for name in TYPE_NAMES]
_MIDDLE = b'" value='
_LONGEST_GAP_WORDS = 8  # white space after a tag longer than 64 bytes goes to the full parser


def _word(text: bytes) -> np.uint64:
    return np.frombuffer(text, "<u8")[0]


# The prefixes differ in length, so the offset of the first quote tells which type a tag may be.
_TYPE_BY_OFFSET = np.full(32, -1, np.int8)
_FIRST_WORD = np.zeros(len(TYPE_NAMES), np.uint64)
_LAST_WORD = np.zeros(len(TYPE_NAMES), np.uint64)
for _index, _prefix in enumerate(_PREFIXES):
    _TYPE_BY_OFFSET[len(_prefix) - 1] = _index
    _FIRST_WORD[_index] = _word(_prefix[:8])
    _LAST_WORD[_index] = _word(_prefix[-8:])
_WHITE = np.zeros(256, bool)
_WHITE[[9, 10, 13, 32]] = True


@dataclass(frozen=True)
class PlainAttributes:
    """The plain attribute tags of a chunk: tag index, type (index into TYPE_NAMES), key, value."""

    index: np.ndarray
    type_index: np.ndarray
    key: pa.Array
    value: pa.Array


def match_plain_attributes(data: bytes, starts: np.ndarray) -> PlainAttributes:
    """Find the plain attribute tags among the tags starting at `starts` in `data`."""
    raw = np.frombuffer(data, np.uint8)
    if len(raw) < 16 or not len(starts):
        return _none()
    words = np.ndarray(shape=(len(raw) - 7,), dtype="<u8", buffer=data, strides=(1,))
    ends = np.append(starts[1:], len(raw))
    quotes = np.flatnonzero(raw == 34)
    first = np.searchsorted(quotes, starts)
    count = np.diff(first, append=len(quotes))
    index = np.flatnonzero(count == 4)
    q = quotes[first[index][:, None] + np.arange(4)]
    start = starts[index]
    type_of = _TYPE_BY_OFFSET[np.minimum(q[:, 0] - start, len(_TYPE_BY_OFFSET) - 1)]
    good = ((type_of >= 0) & (q[:, 2] - q[:, 1] == len(_MIDDLE)) & (q[:, 3] + 11 <= len(raw)))
    index, q, start, type_of = index[good], q[good], start[good], type_of[good]
    good = ((words[start] == _FIRST_WORD[type_of]) & (words[q[:, 0] - 7] == _LAST_WORD[type_of])
            & (words[q[:, 1]] == _word(_MIDDLE))
            & (raw[q[:, 3] + 1] == ord("/")) & (raw[q[:, 3] + 2] == ord(">")))
    good[good] = _white_gaps(raw, words, q[good, 3] + 3, ends[index[good]])
    index, q, type_of = index[good], q[good], type_of[good]
    key, value = _slices(data, q)
    clean = ~(_needs_full_parser(key) | _needs_full_parser(value))
    if not clean.all():
        index, q, type_of = index[clean], q[clean], type_of[clean]
        key, value = _slices(data, q)
    return PlainAttributes(index, type_of, key, value)


def _none() -> PlainAttributes:
    empty = pa.array([], pa.string())
    return PlainAttributes(np.zeros(0, np.int64), np.zeros(0, np.int8), empty, empty)


def _white_gaps(raw: np.ndarray, words: np.ndarray, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """True where raw[begin:end] is all XML white space (checked eight bytes per step)."""
    ok = np.ones(len(begin), bool)
    pending = np.flatnonzero(end > begin)
    for step in range(_LONGEST_GAP_WORDS):
        if not len(pending):
            return ok
        at = begin[pending] + 8 * step
        fits = at < len(words)
        ok[pending[~fits]] = False
        pending, at = pending[fits], at[fits]
        chunk = words[at].view(np.uint8).reshape(-1, 8)
        inside = np.arange(8) < (end[pending] - at)[:, None]
        ok[pending] &= (_WHITE[chunk] | ~inside).all(axis=1)
        pending = pending[ok[pending] & (end[pending] > at + 8)]
    ok[pending] = False
    return ok


def _needs_full_parser(texts: pa.Array) -> np.ndarray:
    """True where a key or value holds '&' or a control character (checked on the raw bytes)."""
    unclean = np.zeros(len(texts), bool)
    _, offsets_buffer, data_buffer = texts.buffers()
    if data_buffer is None:
        return unclean
    offsets = np.frombuffer(offsets_buffer, np.int32)[texts.offset:texts.offset + len(texts) + 1]
    body = np.frombuffer(data_buffer, np.uint8)[offsets[0]:offsets[-1]]
    bad = np.flatnonzero((body == 38) | (body < 32)) + offsets[0]
    if len(bad):
        unclean[np.searchsorted(offsets, bad, side="right") - 1] = True
    return unclean


def _slices(data: bytes, q: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Keys and values as string arrays, cut from the chunk through one offsets buffer."""
    bounds = np.stack([q[:, 0] + 1, q[:, 1], q[:, 2] + 1, q[:, 3]], axis=1)
    offsets = np.append(bounds.ravel(), bounds[-1, 3] if len(q) else 0).astype(np.int32)
    pieces = pa.StringArray.from_buffers(4 * len(q), pa.py_buffer(offsets), pa.py_buffer(data))
    every = np.arange(len(q)) * 4
    key, value = pieces.take(pa.array(every)), pieces.take(pa.array(every + 2))
    key.validate(full=True)
    value.validate(full=True)
    return key, value
