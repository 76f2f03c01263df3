"""The top-level members of a JSON document found by compiled passes over its bytes that follow
strings (and their escapes) and nesting; its large arrays of objects rewritten in place as
newline-delimited JSON, one element a line, for a reader that parses the lines in parallel.

The passes only split: they check the document's outline (one object of members; arrays of
objects separated by commas), not the text of the values and elements. Whoever parses those
checks them, so a document is read only when every part of it parses.
"""

from __future__ import annotations

import numpy as np
import orjson

from procmine.compiled import compiled

_QUOTE, _BACKSLASH, _COMMA, _COLON = 34, 92, 44, 58
_OPEN_OBJECT, _CLOSE_OBJECT, _OPEN_ARRAY, _CLOSE_ARRAY = 123, 125, 91, 93
_SPACE, _NEWLINE, _RETURN, _TAB = 32, 10, 13, 9
MAX_MEMBERS = 64


@compiled(inline="always")
def _is_space(c: int) -> bool:
    return c in (_SPACE, _NEWLINE, _RETURN, _TAB)


@compiled
def _space_end(data: np.ndarray, i: int) -> int:
    """The first position at or after i that is not JSON whitespace."""
    n = len(data)
    while i < n and _is_space(data[i]):
        i += 1
    return i


@compiled
def _string_end(data: np.ndarray, i: int) -> int:
    """The position after the string whose opening quote is at i; -1 when it does not close."""
    n = len(data)
    i += 1
    while i < n:
        c = data[i]
        if c == _BACKSLASH:
            i += 2
        elif c == _QUOTE:
            return i + 1
        else:
            i += 1
    return -1


@compiled
def _value_end(data: np.ndarray, i: int, join_lines: bool) -> int:
    """The position after the value starting at i (a string, an object or array by its nesting, else a
    scalar up to the next delimiter); -1 when a string or nesting does not close. With `join_lines`,
    the line breaks within an object or array and outside its strings become spaces."""
    n = len(data)
    c = data[i]
    if c == _QUOTE:
        return _string_end(data, i)
    if c != _OPEN_OBJECT and c != _OPEN_ARRAY:
        while i < n and not (data[i] in (_COMMA, _CLOSE_OBJECT, _CLOSE_ARRAY) or _is_space(data[i])):
            i += 1
        return i
    depth = 0
    while i < n:
        c = data[i]
        if c == _QUOTE:
            i = _string_end(data, i)
            if i < 0:
                return -1
            continue
        if c in (_OPEN_OBJECT, _OPEN_ARRAY):
            depth += 1
        elif join_lines and c in (_NEWLINE, _RETURN):
            data[i] = _SPACE
        elif c in (_CLOSE_OBJECT, _CLOSE_ARRAY):
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def members(data: np.ndarray, as_lines: tuple[str, ...]) -> dict[str, tuple[int, int]] | None:
    """The span (start, end) of each top-level member's value by its key, the arrays of objects named in
    `as_lines` rewritten in place one element a line (see `_array_as_lines`); None when the document
    is not one object of at most MAX_MEMBERS distinct keys without escapes, whose members named in
    `as_lines` are arrays of objects."""
    quoted = [f'"{name}"'.encode() for name in as_lines]
    names = np.zeros((len(quoted), max(map(len, quoted))), np.uint8)
    for row, name in enumerate(quoted):
        names[row, :len(name)] = np.frombuffer(name, np.uint8)
    spans, count = _outline(data, names, np.array([len(name) for name in quoted], np.int64))
    if count < 0:
        return None
    try:
        keys = [orjson.loads(data[start:end].tobytes()) for start, end, _, _ in spans[:count].tolist()]
    except orjson.JSONDecodeError:
        return None
    if len(set(keys)) < count:
        return None
    return {key: (start, end) for key, (_, _, start, end) in zip(keys, spans[:count].tolist())}


@compiled
def _outline(data: np.ndarray, names: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, int]:
    """Spans of the top-level object's members, row j = (key start, key end, value start, value end),
    the key with its quotes, and their count; -1 when the document is not an object of at most
    MAX_MEMBERS members without escapes in their keys followed by nothing but whitespace. A member
    whose key is a row of `names` (its first `lengths` bytes) is an array of objects made lines."""
    spans = np.zeros((MAX_MEMBERS, 4), np.int64)
    n = len(data)
    i = _space_end(data, 0)
    if i >= n or data[i] != _OPEN_OBJECT:
        return spans, -1
    i = _space_end(data, i + 1)
    if i < n and data[i] == _CLOSE_OBJECT:
        return spans, 0 if _space_end(data, i + 1) == n else -1
    for count in range(MAX_MEMBERS):
        key_end = _string_end(data, i) if i < n and data[i] == _QUOTE else -1
        colon = _space_end(data, key_end) if key_end > 0 else n
        start = _space_end(data, colon + 1) if colon < n and data[colon] == _COLON else n
        if start >= n or _escaped(data, i, key_end):
            return spans, -1
        end = (_array_as_lines(data, start) if _named(data, i, key_end, names, lengths)
               else _value_end(data, start, False))
        if end < 0:
            return spans, -1
        spans[count, 0], spans[count, 1], spans[count, 2], spans[count, 3] = i, key_end, start, end
        i = _space_end(data, end)
        if i < n and data[i] == _CLOSE_OBJECT:
            return spans, count + 1 if _space_end(data, i + 1) == n else -1
        if i >= n or data[i] != _COMMA:
            return spans, -1
        i = _space_end(data, i + 1)
    return spans, -1


@compiled
def _escaped(data: np.ndarray, start: int, end: int) -> bool:
    return bool((data[start:end] == _BACKSLASH).any())


@compiled
def _named(data: np.ndarray, start: int, end: int, names: np.ndarray, lengths: np.ndarray) -> bool:
    """Whether data[start:end] is one of the names."""
    for row in range(len(lengths)):
        if lengths[row] == end - start:
            same = True
            for j in range(end - start):
                same = same and data[start + j] == names[row, j]
            if same:
                return True
    return False


@compiled
def _array_as_lines(data: np.ndarray, start: int) -> int:
    """Rewrite the array of objects starting at `start` in place so that the text between its brackets
    holds one element a line (newline-delimited JSON): the commas between elements become newlines,
    line breaks outside strings spaces (a line break within a string stays and breaks the element:
    JSON allows none there). Gives the position after the array; -1, with data partly rewritten, when
    it is not an array of objects."""
    n = len(data)
    if data[start] != _OPEN_ARRAY:
        return -1
    i = _spaces_made(data, start + 1)
    if i < n and data[i] == _CLOSE_ARRAY:
        return i + 1
    while i < n:
        if data[i] != _OPEN_OBJECT:
            return -1
        end = _value_end(data, i, True)
        if end < 0:
            return -1
        i = _spaces_made(data, end)
        if i < n and data[i] == _CLOSE_ARRAY:
            return i + 1
        if i >= n or data[i] != _COMMA:
            return -1
        data[i] = _NEWLINE
        i = _spaces_made(data, i + 1)
    return -1


@compiled
def _spaces_made(data: np.ndarray, i: int) -> int:
    """The first position at or after i that is not JSON whitespace, the whitespace before it made spaces."""
    n = len(data)
    while i < n and _is_space(data[i]):
        data[i] = _SPACE
        i += 1
    return i
