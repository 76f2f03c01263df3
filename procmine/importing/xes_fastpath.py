"""Recognise the common XES tags with NumPy, in bulk: the plain attribute tag
`<string key="k" value="v"/>` and the bare element tags `<trace>`, `</trace>`,
`<event>`, `</event>`.

A tag qualifies when it has exactly four double quotes, starts with one of the six
typed prefixes byte for byte, has `" value="` between key and value, ends in `"/>`
followed only by white space up to the next tag, and holds no '&'. Bytes are compared
eight at a time through an unaligned uint64 view of the chunk, so each check is one
gather per tag. Keys and values are slices of the chunk: `pieces` is a string array over
the chunk's own bytes whose item 4i + 2 is the value of plain tag i. A key or value
holding a control character (which XML normalises or refuses) is rare; the caller
detects it by counting (`gap_controls`) and removes such tags with `drop_controls`.
A bare element tag qualifies when its bytes are exactly one of the four and only white
space follows it up to the next tag. Every other tag is left to the strict per-tag parser.
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
_LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)
_BYTES = {value: np.uint64(0x0101010101010101 * value) for value in (9, 10, 13, 32)}
ELEMENT_NAMES = ("trace", "event")
_SEVEN_BYTES = np.uint64((1 << 56) - 1)
_FIRST_BYTES_HIGH = np.array([(1 << (8 * n)) - 1 & 0x8080808080808080 for n in range(9)], np.uint64)


@dataclass(frozen=True)
class PlainAttributes:
    """The plain attribute tags of a chunk: tag index, type (index into TYPE_NAMES), key, the
    string array whose item 4i + 2 is the value of tag i, and control bytes in their gaps."""

    index: np.ndarray
    type_index: np.ndarray
    key: pa.Array
    pieces: pa.Array
    gap_controls: int
    quotes: np.ndarray

    def keep(self, chosen: np.ndarray, data: bytes | bytearray) -> PlainAttributes:
        """Only the tags picked by the boolean mask `chosen`."""
        index, quotes = self.index[chosen], self.quotes[chosen]
        key, pieces = _slices(data, quotes)
        return PlainAttributes(index, self.type_index[chosen], key, pieces, self.gap_controls, quotes)


def match_plain_attributes(data: bytes | bytearray, starts: np.ndarray) -> PlainAttributes:
    """Find the plain attribute tags among the tags starting at `starts` in `data`."""
    raw = np.frombuffer(data, np.uint8)
    if len(raw) < 16 or not len(starts):
        return _none(data)
    words = np.ndarray(shape=(len(raw) - 7,), dtype="<u8", buffer=data, strides=(1,))
    ends = np.append(starts[1:], len(raw))
    quotes = np.flatnonzero(raw == 34)
    first = np.searchsorted(quotes, starts)
    count = np.diff(first, append=len(quotes))
    if data.find(b"&") >= 0:
        count[np.searchsorted(starts, np.flatnonzero(raw == 38), side="right") - 1] = 0
    index = np.flatnonzero(count == 4)
    at = first[index]
    q0, q1, q2, q3 = (quotes[at + n] for n in range(4))
    start = starts[index]
    type_of = _TYPE_BY_OFFSET[np.minimum(q0 - start, len(_TYPE_BY_OFFSET) - 1)]
    last = len(raw) - 11  # room for '"/>' and a word after the closing quote
    good = ((type_of >= 0) & (q2 - q1 == len(_MIDDLE)) & (q3 <= last)
            & (_at(words, start) == _FIRST_WORD[type_of]) & (_at(words, q0 - 7) == _LAST_WORD[type_of])
            & (_at(words, q1) == _word(_MIDDLE)) & (_at(raw, q3 + 1) == ord("/"))
            & (_at(raw, q3 + 2) == ord(">")))
    good = np.flatnonzero(good)
    white, controls = _white_gaps(words, q3[good] + 3, ends[index[good]])
    good = good[white]
    q = np.stack([q0[good], q1[good], q2[good], q3[good]], axis=1)
    key, pieces = _slices(data, q)
    return PlainAttributes(index[good], type_of[good], key, pieces, controls, q)


@dataclass(frozen=True)
class BareElements:
    """The bare element tags of a chunk: tag index, element (index into ELEMENT_NAMES),
    closing or not, and how many tabs and line breaks the white space after them holds."""

    index: np.ndarray
    element: np.ndarray
    closing: np.ndarray
    gap_controls: int


def match_bare_elements(data: bytes | bytearray, starts: np.ndarray, candidates: np.ndarray) -> BareElements:
    """Find `<trace>`, `</trace>`, `<event>` and `</event>` among the tags numbered `candidates`."""
    raw = np.frombuffer(data, np.uint8)
    if len(raw) < 16 or not len(candidates):
        return BareElements(np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0, bool), 0)
    words = np.ndarray(shape=(len(raw) - 7,), dtype="<u8", buffer=data, strides=(1,))
    candidates = candidates[starts[candidates] < len(words)]
    first = words[starts[candidates]]
    opening = first & _SEVEN_BYTES
    event = (opening == _word(b"<event>\0")) | (first == _word(b"</event>"))
    closing = (first == _word(b"</event>")) | (first == _word(b"</trace>"))
    element = np.where(event | closing | (opening == _word(b"<trace>\0")), event.astype(np.int8), -1)
    length = 7 + closing
    found = np.flatnonzero(element >= 0)
    index = candidates[found]
    ends = np.append(starts[1:], len(raw))[index]
    white, controls = _white_gaps(words, starts[index] + length[found], ends)
    found = found[white]
    return BareElements(candidates[found], element[found], closing[found], controls)


def _at(array: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """array[positions], with positions clipped into range: a row that fails another check
    may point past either end, and its value does not matter."""
    return array[np.clip(positions, 0, len(array) - 1)]


def drop_controls(plain: PlainAttributes, data: bytes | bytearray) -> PlainAttributes:
    """Leave out the tags whose key or value holds a control character (tab and line breaks too)."""
    every = np.arange(len(plain.index)) * 4
    value = plain.pieces.take(pa.array(every + 2))
    return plain.keep(~(_has_control(plain.key) | _has_control(value)), data)


def _none(data: bytes | bytearray) -> PlainAttributes:
    return PlainAttributes(np.zeros(0, np.int64), np.zeros(0, np.int8), pa.array([], pa.string()),
                           _slices(data, np.zeros((0, 4), np.int64))[1], 0, np.zeros((0, 4), np.int64))


def _white_gaps(words: np.ndarray, begin: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, int]:
    """True where the bytes begin..end are all XML white space, eight bytes per step (SWAR);
    and how many bytes of the gaps found white are tabs or line breaks."""
    ok = np.ones(len(begin), bool)
    breaks = np.zeros(len(begin), np.uint8)  # a gap is at most 64 bytes long
    pending = np.flatnonzero(end > begin)
    for step in range(_LONGEST_GAP_WORDS):
        at = begin[pending] + 8 * step
        fits = at < len(words)
        ok[pending[~fits]] = False
        pending, at = pending[fits], at[fits]
        if not len(pending):
            break
        word = words[at]
        wanted = _FIRST_BYTES_HIGH[np.minimum(end[pending] - at, 8)]
        line_breaks = (_zero_bytes(word ^ _BYTES[9]) | _zero_bytes(word ^ _BYTES[10])
                       | _zero_bytes(word ^ _BYTES[13])) & wanted
        white = ((line_breaks | _zero_bytes(word ^ _BYTES[32])) & wanted) == wanted
        ok[pending[~white]] = False
        breaks[pending] += np.bitwise_count(line_breaks).astype(np.uint8)
        pending = pending[white & (end[pending] > at + 8)]
    ok[pending] = False
    return ok, int(breaks[ok].sum(dtype=np.int64))


def _zero_bytes(word: np.ndarray) -> np.ndarray:
    """The high bit of every byte of `word` that is zero, and no other bit (exact, no borrow)."""
    return ~(((word & _LOW7) + _LOW7) | word | _LOW7)


def _has_control(texts: pa.Array) -> np.ndarray:
    """True where a string holds a byte below 32."""
    found = np.zeros(len(texts), bool)
    _, offsets_buffer, data_buffer = texts.buffers()
    if data_buffer is None:
        return found
    offsets = np.frombuffer(offsets_buffer, np.int32)[texts.offset:texts.offset + len(texts) + 1]
    body = np.frombuffer(data_buffer, np.uint8)[offsets[0]:offsets[-1]]
    bad = np.flatnonzero(body < 32) + offsets[0]
    if len(bad):
        found[np.searchsorted(offsets, bad, side="right") - 1] = True
    return found


def _slices(data: bytes | bytearray, q: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """The keys (copied) and the pieces array over the chunk (item 4i + 2: value of tag i)."""
    bounds = np.stack([q[:, 0] + 1, q[:, 1], q[:, 2] + 1, q[:, 3]], axis=1)
    offsets = np.append(bounds.ravel(), bounds[-1, 3] if len(q) else 0).astype(np.int32)
    pieces = pa.StringArray.from_buffers(4 * len(q), pa.py_buffer(offsets), pa.py_buffer(data))
    return pieces.take(pa.array(np.arange(len(q)) * 4)), pieces
