"""Compiled single passes over OCEL 2.0 XML bytes (numba): tags, their skeletons, nesting.

`scan_tags` walks the document once from the root's '<': a tag ends at the first '>' outside a
double-quoted value, and the tags whose skeletons (the bytes outside the values, quotes kept:
`<event id="" type="" time="">`) are equal get one class number, so Python parses each distinct
skeleton once. The values are copied end to end as they are met (in document order, so a column
of them is gathered from nearby memory); besides, it writes
arrays with one entry per tag; no temporary the size of the document. `nest` checks that every element is closed by its own end tag, stands where OCEL 2.0
puts it, and gives the element at level 2 (an object, event or declared type) each tag stands in.

Both give a status: OK, or the reason the document is not of the plain shape (see `REASONS`).
Compiled and cached as `procmine.compiled` says.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from procmine.compiled import compiled

OK, MARKUP, UNENDED, MISNESTED, TOO_DEEP, MISPLACED, NOT_ONE_ROOT = range(7)
REASONS = {MARKUP: "comment, CDATA, DOCTYPE or processing instruction", UNENDED: "a tag without its end",
           MISNESTED: "an element not closed by its own end tag", TOO_DEEP: "an element deeper than OCEL 2.0 has",
           MISPLACED: "an element where OCEL 2.0 does not put it", NOT_ONE_ROOT: "not one <log> element"}
OPEN, CLOSE, EMPTY = 1, -1, 0
DEEPEST = 4                     # the level of <attribute> and <relationship>, OCEL 2.0's deepest elements
_LESS, _GREATER, _QUOTE, _BANG, _QUESTION = 60, 62, 34, 33, 63
_FNV_OFFSET, _FNV_PRIME = np.uint64(14695981039346656037), np.uint64(1099511628211)

Values = namedtuple("Values", "body offsets")
"""The values met: value v is body[offsets[v]:offsets[v + 1]]."""
SkeletonTable = namedtuple("SkeletonTable", "slots hashes shapes bounds classes")
"""The distinct skeletons met: `shapes[bounds[c]:bounds[c + 1]]` the bytes of class c, `hashes[c]`
their hash, `slots` an open-addressing table of the classes by hash."""



@compiled
def count_marks(body: np.ndarray) -> tuple[int, int]:
    """How many '<' and how many '"' `body` holds: the most tags and values `scan_tags` meets are
    the first and half the second."""
    less = quotes = 0
    for at in range(len(body)):     # from 0, not from an offset: so LLVM vectorises the loop
        less += body[at] == _LESS
        quotes += body[at] == _QUOTE
    return less, quotes


@compiled
def scan_tags(raw, root, start, end, skeleton, first_value, white_after, values):
    """Walk the tags from `root` (a '<'), filling per tag its '<' and '>' (`start`, `end`), skeleton
    class, number of its first value (`first_value`, one entry more: the end), and whether only white
    space stands between it and the next tag (or the document's end); and `values`.
    Gives (status, number of tags, the skeletons end to end, where each class's skeleton begins
    in them (one entry more: the end)).

    A tag is first compared with the two skeletons that followed its predecessor's class before
    (documents repeat their patterns); only when neither fits is it walked alone and its skeleton
    looked up by hash, every candidate compared byte by byte."""
    size = len(raw)
    table = SkeletonTable(np.full(64, -1, np.int64), np.empty(32, np.uint64), np.empty(256, np.uint8),
                          np.zeros(33, np.int64), 0)
    following = np.full((32, 2), -1, np.int64)
    tag = value = 0
    previous = -1
    at = root
    values.offsets[0] = 0
    while True:
        if at + 1 < size and (raw[at + 1] == _BANG or raw[at + 1] == _QUESTION):
            return MARKUP, tag, table.shapes[:0], table.bounds[:1]
        start[tag], first_value[tag] = at, value
        found, closing, value_end = -1, -1, value
        for choice in range(2 if previous >= 0 else 0):
            guess = following[previous, choice]
            if guess >= 0:
                closing, value_end = _fitting(raw, at, table.shapes, table.bounds[guess], table.bounds[guess + 1] - 1,
                                              values, value)
                if closing >= 0:
                    found = guess
                    break
        if found < 0:
            closing, value_end = _walked(raw, at, values, value)
            if closing < 0:
                return UNENDED, tag, table.shapes[:0], table.bounds[:1]
            found, table = _class_of(raw, at, closing, table, values, value)
            if len(following) < table.classes:
                wider = np.full((2 * len(following), 2), -1, np.int64)
                for known in range(len(following)):
                    wider[known, 0], wider[known, 1] = following[known, 0], following[known, 1]
                following = wider
        if previous >= 0 and following[previous, 0] != found:
            following[previous, 1], following[previous, 0] = following[previous, 0], found
        previous = found
        end[tag], skeleton[tag] = closing, found
        value = first_value[tag + 1] = value_end
        white = True
        at = closing + 1
        while at < size:
            byte = raw[at]
            if byte == _LESS:
                break
            white &= (byte == 32) | (byte == 10) | (byte == 9) | (byte == 13)
            at += 1
        white_after[tag] = white
        tag += 1
        if at >= size:
            return OK, tag, table.shapes[:table.bounds[table.classes]], table.bounds[:table.classes + 1]


@compiled
def _kept_value(raw, at, values, value):
    """The closing quote of the value whose opening quote stands at `at` (-1: a '<' or the end comes
    first), the value kept as number `value`."""
    into = values.offsets[value] - at - 1
    at += 1
    while at < len(raw):
        byte = raw[at]
        if byte == _QUOTE:
            values.offsets[value + 1] = into + at
            return at
        if byte == _LESS:
            return -1
        values.body[into + at] = byte
        at += 1
    return -1


@compiled
def _fitting(raw, at, shapes, shape, last, values, value):
    """(its '>', the number after its last value) of the tag at `at` if its skeleton is
    shapes[shape:last + 1], else (-1, value). Keeps its values."""
    while at < len(raw) and raw[at] == shapes[shape]:
        if shape == last:
            return at, value
        if raw[at] == _QUOTE:           # an opening quote: the skeleton's next byte is the closing one
            at = _kept_value(raw, at, values, value)
            if at < 0:
                break
            value += 1
            shape += 1
        at += 1
        shape += 1
    return -1, value


@compiled
def _walked(raw, at, values, value):
    """(its '>', the number after its last value) of the tag at `at`: the first '>' outside a quoted
    value; -1 for the '>' when a '<' or the end comes first. Keeps its values."""
    at += 1
    while at < len(raw):
        byte = raw[at]
        if byte == _LESS:
            return -1, value
        if byte == _GREATER:
            return at, value
        if byte == _QUOTE:
            at = _kept_value(raw, at, values, value)
            if at < 0:
                return -1, value
            value += 1
        at += 1
    return -1, value


@compiled
def _skeleton_of(raw, at, closing, into):
    """The skeleton of the tag from `at` to `closing` written to `into` (when it is long enough: pass
    an empty one to measure), and its length and hash."""
    digest = _FNV_OFFSET
    length = 0
    inside = False
    for byte_at in range(at, closing + 1):
        byte = raw[byte_at]
        if byte == _QUOTE:
            inside = not inside
        elif inside:
            continue
        digest = (digest ^ np.uint64(byte)) * _FNV_PRIME
        if length < len(into):
            into[length] = byte
        length += 1
    return length, digest


@compiled
def _class_of(raw, at, closing, table, values, value):
    """(class, table) of the tag from `at` to `closing` (its values kept from number `value`): a
    known class (compared byte by byte), or a new one added to the table."""
    length, digest = _skeleton_of(raw, at, closing, table.shapes[:0])
    mask = len(table.slots) - 1
    slot = np.int64(digest & np.uint64(mask))
    while table.slots[slot] >= 0:
        known = table.slots[slot]
        if table.hashes[known] == digest and _fitting(raw, at, table.shapes, table.bounds[known],
                                                      table.bounds[known + 1] - 1, values, value)[0] == closing:
            return known, table
        slot = (slot + 1) & mask
    return table.classes, _added(table, raw, at, closing, length, digest)


@compiled
def _added(table, raw, at, closing, length, digest):
    """The table with the skeleton (`length` bytes, hash `digest`) of the tag from `at` to `closing`
    as its next class."""
    classes = table.classes
    slots, hashes, shapes, bounds = table.slots, table.hashes, table.shapes, table.bounds
    if 2 * (classes + 1) > len(slots):
        slots = np.full(2 * len(slots), -1, np.int64)
        for known in range(classes):
            _place(slots, hashes[known], known)
        hashes, bounds = _longer(hashes, len(slots) // 2), _longer(bounds, len(slots) // 2 + 1)
    if bounds[classes] + length > len(shapes):
        shapes = _longer(shapes, 2 * (bounds[classes] + length))
    _skeleton_of(raw, at, closing, shapes[bounds[classes]:bounds[classes] + length])
    hashes[classes], bounds[classes + 1] = digest, bounds[classes] + length
    _place(slots, digest, classes)
    return SkeletonTable(slots, hashes, shapes, bounds, classes + 1)


@compiled
def _longer(values, length):
    """`values` copied into an array of `length` (the rest left unset)."""
    longer = np.empty(length, values.dtype)
    for at in range(len(values)):   # a loop, not a slice assignment: numba compiles it several times faster
        longer[at] = values[at]
    return longer


@compiled
def _place(slots, digest, found):
    """Put class `found` into the first free slot from its hash on."""
    mask = len(slots) - 1
    slot = np.int64(digest & np.uint64(mask))
    while slots[slot] >= 0:
        slot = (slot + 1) & mask
    slots[slot] = found


@compiled
def nest(kind, element, allowed, width, root_element, owner):
    """Check the nesting of the tags (`kind` OPEN, CLOSE or EMPTY; `element` its code; `allowed` at
    (level * width + element) * width + parent element, the parent `width - 1` for the root), and
    fill `owner`: per tag the opening tag of the element at level 2 it stands in (-1 above level 3).
    Gives a status."""
    if not len(kind):
        return NOT_ONE_ROOT
    stack = np.empty(DEEPEST + 1, np.int64)
    depth = roots = 0
    for tag in range(len(kind)):
        if kind[tag] == CLOSE:
            if depth == 0 or element[stack[depth - 1]] != element[tag]:
                return MISNESTED
            depth -= 1
        else:
            if depth > DEEPEST:
                return TOO_DEEP
            parent = element[stack[depth - 1]] if depth else width - 1
            if not allowed[(depth * width + element[tag]) * width + parent]:
                return MISPLACED
        roots += depth == 0
        owner[tag] = stack[2] if depth > 2 else -1
        if kind[tag] == OPEN:
            stack[depth] = tag
            depth += 1
    if depth or roots != 2 or kind[0] != OPEN or element[0] != root_element:
        return NOT_ONE_ROOT
    return OK


@compiled
def gather(raw, begin, stop, may_be_special):
    """The spans raw[begin[i]:stop[i]] end to end (offsets, bytes: an Arrow string array's buffers),
    and per span whether it holds a byte `may_be_special` marks."""
    offsets = np.empty(len(begin) + 1, np.int32)
    offsets[0] = total = 0
    for span in range(len(begin)):
        total += max(stop[span] - begin[span], 0)     # a reversed span is empty (never written past the end)
        offsets[span + 1] = total
    body = np.empty(total, np.uint8)
    marked = np.empty(len(begin), np.bool_)
    for span in range(len(begin)):
        special = False
        into = offsets[span] - begin[span]
        for at in range(begin[span], stop[span]):
            body[into + at] = raw[at]
            special |= may_be_special[raw[at]]
        marked[span] = special
    return offsets, body, marked
