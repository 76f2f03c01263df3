"""Recognise the plain XES attribute tag `<string key="k" value="v"/>` with NumPy, in bulk.

A tag qualifies when it has exactly four double quotes, starts with one of the six
typed prefixes byte for byte, has ` value=` between key and value, ends in `/>` plus
white space, and its key and value hold no '&' or control character. Those are read
by slicing the chunk; everything else is left to the strict per-tag parser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TYPE_NAMES = ("string", "date", "int", "float", "boolean", "id")
_PREFIXES = {name: f"<{name} key=".encode() for name in TYPE_NAMES}
_MIDDLE = np.frombuffer(b'" value="', np.uint8)


@dataclass(frozen=True)
class FastAttributes:
    """Which tags are plain attribute tags, their types (index into TYPE_NAMES), keys and values."""

    matched: np.ndarray
    type_index: np.ndarray
    key: pa.Array
    value: pa.Array


def match_plain_attributes(data: bytes, starts: np.ndarray, texts: pa.Array) -> FastAttributes:
    """Find the plain attribute tags among `texts`, the tags starting at `starts` in `data`."""
    raw = np.frombuffer(data, np.uint8)
    count = len(starts)
    ends = np.append(starts[1:], len(data)).astype(np.int64)
    quotes = np.flatnonzero(raw == 34)
    first = np.searchsorted(quotes, starts)
    candidates = np.flatnonzero(np.searchsorted(quotes, ends) - first == 4)
    q = quotes[first[candidates][:, None] + np.arange(4)]
    type_of = _prefix_type(texts, starts[candidates], candidates, q[:, 0])
    trimmed = pc.binary_length(pc.ascii_rtrim(texts, characters=" \t\r\n")).to_numpy(zero_copy_only=False)
    good = ((type_of >= 0) & (q[:, 2] - q[:, 1] == len(_MIDDLE) - 1)
            & (starts[candidates] + trimmed[candidates] == q[:, 3] + 3))
    candidates, q, type_of = candidates[good], q[good], type_of[good]
    good = (raw[q[:, 3] + 1] == ord("/")) & (raw[q[:, 3] + 2] == ord(">"))
    for offset, byte in enumerate(_MIDDLE[1:-1], start=1):
        good &= raw[q[:, 1] + offset] == byte
    candidates, q, type_of = candidates[good], q[good], type_of[good]
    key, value = _slices(data, starts, candidates, q, count)
    unclean = _needs_full_parser(key) | _needs_full_parser(value)
    if unclean.any():
        keep = ~unclean[candidates]
        candidates, q, type_of = candidates[keep], q[keep], type_of[keep]
        key, value = _slices(data, starts, candidates, q, count)
    matched = np.zeros(count, bool)
    matched[candidates] = True
    type_index = np.full(count, -1, np.int8)
    type_index[candidates] = type_of
    return FastAttributes(matched, type_index, key, value)


def _prefix_type(texts: pa.Array, starts: np.ndarray, candidates: np.ndarray,
                 first_quote: np.ndarray) -> np.ndarray:
    """For each candidate, the index of its `<type key="` prefix in TYPE_NAMES, or -1."""
    type_of = np.full(len(candidates), -1, np.int8)
    for index, name in enumerate(TYPE_NAMES):
        prefix = _PREFIXES[name] + b'"'
        hit = pc.starts_with(texts, pattern=prefix.decode()).to_numpy(zero_copy_only=False)
        type_of[hit[candidates] & (first_quote - starts == len(prefix) - 1)] = index
    return type_of


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


def _slices(data: bytes, starts: np.ndarray, chosen: np.ndarray, q: np.ndarray,
            count: int) -> tuple[pa.Array, pa.Array]:
    """Keys and values as string arrays, cut from the chunk through one offsets buffer."""
    bounds = np.repeat(starts.astype(np.int64), 4).reshape(count, 4)
    bounds[chosen] = np.stack([q[:, 0] + 1, q[:, 1], q[:, 2] + 1, q[:, 3]], axis=1)
    offsets = np.append(bounds.ravel(), len(data)).astype(np.int32)
    pieces = pa.StringArray.from_buffers(4 * count, pa.py_buffer(offsets), pa.py_buffer(data))
    missing = np.ones(count, bool)
    missing[chosen] = False
    key = pieces.take(pa.array(np.arange(count) * 4, mask=missing))
    value = pieces.take(pa.array(np.arange(count) * 4 + 2, mask=missing))
    key.validate(full=True)
    value.validate(full=True)
    return key, value
