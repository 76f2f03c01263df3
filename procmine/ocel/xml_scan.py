"""OCEL 2.0 XML read with NumPy over the bytes: no Python object per element.

Every '<' starts a tag (a document with comments, CDATA, processing instructions or a DOCTYPE
in its body is left to the exact reader). A tag ends at the first '>' after an even number of
double quotes, so a '>' inside a value is read right. What stands outside the quoted values of a
tag, its skeleton (`<event id="" type="" time="">`), is parsed once per distinct text with a
strict pattern, as the XES reader parses its unusual tags; the values themselves are slices of
the buffer. Nesting is checked by depth, and every element must stand where OCEL 2.0 puts it.

A document of another shape (single quotes, an element or child the schema does not have, a
missing required attribute, a value whose references this reader does not resolve, another
encoding) gives None, and the caller reads it with lxml, whose errors say what is wrong and where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine.importing.xes_tokens import _attribute_value, _resolve
from procmine.ocel import model as m
from procmine.ocel.assemble import OcelRows, spread_event_attributes

ELEMENTS = ("log", "object-types", "object-type", "event-types", "event-type", "objects", "object",
            "events", "event", "attributes", "attribute", "relationship")
FIELDS = ("id", "type", "time", "name", "object-id", "qualifier")
_CODE = {name: code for code, name in enumerate(ELEMENTS)}
OPEN, CLOSE, EMPTY = 1, -1, 0
_NAME = r"[A-Za-z_][\w.\-]*"
_SKELETON = re.compile(rf'<(/?)({"|".join(sorted(ELEMENTS, key=len, reverse=True))})'
                       rf'((?:[ \t\r\n]+{_NAME}[ \t\r\n]*=[ \t\r\n]*"")*)[ \t\r\n]*(/?)>')
_SKELETON_ATTRIBUTE = re.compile(rf'[ \t\r\n]+({_NAME})[ \t\r\n]*=')
_DECLARATION = re.compile(rb'[ \t\r\n]*(?:<\?xml[ \t\r\n][^<>?]*\?>)?[ \t\r\n]*')
_ENCODING = re.compile(rb'encoding[ \t\r\n]*=[ \t\r\n]*["\']([A-Za-z0-9._-]+)["\']')
_NOT_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
# values XML rewrites (references, white space, line ends) or refuses (characters it does not allow)
_SPECIAL_IN_ATTRIBUTE = f"[&\t\n\r{_NOT_XML}]"
_SPECIAL_IN_TEXT = f"[&\r{_NOT_XML}]|]]>"
# bytes a value must hold to be special: below 32, '&', ']' and the lead byte of U+FFFE and U+FFFF
_MAY_BE_SPECIAL = np.zeros(256, bool)
_MAY_BE_SPECIAL[[*range(32), ord("&"), ord("]"), 0xEF]] = True
_WHITE = np.zeros(256, bool)
_WHITE[[9, 10, 13, 32]] = True
_NOT_XML_TEXT = re.compile(f"[{_NOT_XML}]")
_REFERENCE = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
# (level, element, parent element) of every element OCEL 2.0 XML has (the parent -1: the root)
_PLACES = [(0, "log", None)] + [(1, name, "log") for name in ("object-types", "event-types", "objects", "events")] + [
    (2, "object-type", "object-types"), (2, "event-type", "event-types"), (2, "object", "objects"),
    (2, "event", "events"), (4, "attribute", "attributes"), (4, "relationship", "objects")] + [
    (3, "attributes", owner) for owner in ("object-type", "event-type", "object", "event")] + [
    (3, "objects", owner) for owner in ("object", "event")]
_WIDTH = len(ELEMENTS) + 1
_ALLOWED = np.zeros(5 * _WIDTH * _WIDTH, bool)
_ALLOWED[[(level * _WIDTH + _CODE[name]) * _WIDTH + (_CODE[parent] if parent else len(ELEMENTS))
          for level, name, parent in _PLACES]] = True


class Unfit(Exception):
    """The document is not of the plain shape this reader takes."""


@dataclass(frozen=True)
class Tags:
    """One entry per tag: where it starts and ends ('<' and '>'), its kind, element and depth level,
    how many double quotes stand before it (`quotes`: their positions), and per field (FIELDS) which
    quoted value of the tag holds it (-1: the tag lacks it)."""

    start: np.ndarray
    end: np.ndarray
    kind: np.ndarray
    element: np.ndarray
    level: np.ndarray
    before: np.ndarray
    quotes: np.ndarray
    pair: dict[str, np.ndarray]


def read_xml_columns(data: bytes, root: int, origin: object) -> OcelRows | None:
    """What the OCEL XML `data` (its root element at byte `root`) read from `origin` holds, or None when
    it is not of the plain shape (see the module)."""
    try:
        _plain_bytes(data, root)
        tags = _tags(data, root)
        _nesting(tags)
        parents = _parents(tags)
        return _rows(data, tags, parents, origin)
    except Unfit:
        return None


def _plain_bytes(data: bytes, root: int) -> None:
    """UTF-8 text without what only the exact reader handles (or refuses); control characters are
    looked for in the values and the gaps between tags, the only places they could stand."""
    prolog = _DECLARATION.fullmatch(data, 0, root)
    if prolog is None:
        raise Unfit("something other than an XML declaration before the root")
    encoding = _ENCODING.search(data, 0, root)
    if encoding and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        raise Unfit("another encoding")
    if len(data) >= 2**31:
        raise Unfit("too large for 32-bit offsets")
    try:
        _spans(data, np.zeros(1, np.int64), np.array([len(data)])).validate(full=True)
    except pa.ArrowInvalid as exc:
        raise Unfit("not UTF-8") from exc


def _spans(data: bytes, begin: np.ndarray, end: np.ndarray) -> pa.Array:
    """data[begin[i]:end[i]] as a string array (spans in order, not overlapping)."""
    if not len(begin):
        return pa.array([], pa.string())
    offsets = np.empty(2 * len(begin) + 1, np.int32)
    offsets[0:-1:2], offsets[1::2], offsets[-1] = begin, end, end[-1]
    pieces = pa.StringArray.from_buffers(2 * len(begin), pa.py_buffer(offsets), pa.py_buffer(data))
    return pieces.take(pa.array(np.arange(0, 2 * len(begin), 2)))


def _tags(data: bytes, root: int) -> Tags:
    raw = np.frombuffer(data, np.uint8)
    start = np.flatnonzero(raw == 60)
    start = start[start >= root]
    quotes = np.flatnonzero(raw == 34)
    closers = np.flatnonzero(raw == 62)
    following_byte = raw[np.minimum(start + 1, len(raw) - 1)]
    if ((following_byte == ord("!")) | (following_byte == ord("?"))).any():
        raise Unfit("comment, CDATA, DOCTYPE or processing instruction")
    before = np.searchsorted(quotes, start)
    end = np.append(closers, len(data))[np.searchsorted(closers, start)]
    inside = np.searchsorted(quotes, end) - before
    odd = np.flatnonzero(inside % 2)
    if len(odd):                            # a '>' in a value: the first '>' after an even number of quotes
        parity = np.searchsorted(quotes, closers) % 2
        for side in (0, 1):
            fitting = closers[parity == side]
            chosen = odd[before[odd] % 2 == side]
            end[chosen] = np.append(fitting, len(data))[np.searchsorted(fitting, start[chosen])]
        inside[odd] = np.searchsorted(quotes, end[odd]) - before[odd]
    following = np.append(start[1:], len(data))
    if (end >= following).any():
        raise Unfit("a tag without its end")
    pairs = inside // 2
    kind = np.zeros(len(start), np.int8)
    element = np.zeros(len(start), np.int8)
    pair = {name: np.full(len(start), -1, np.int8) for name in FIELDS}
    for count in np.unique(pairs).tolist():
        chosen = np.flatnonzero(pairs == count)
        first = before[chosen]
        edges = [start[chosen]] + [quotes[first + 2 * j + 1] for j in range(count)]
        finals = [quotes[first + 2 * j] + 1 for j in range(count)] + [end[chosen] + 1]
        which, skeletons = _distinct([_spans(data, b, e) for b, e in zip(edges, finals)])
        parsed = [_skeleton(text) for text in skeletons]
        kind[chosen] = np.array([p[0] for p in parsed], np.int8)[which]
        element[chosen] = np.array([p[1] for p in parsed], np.int8)[which]
        for name in FIELDS:
            pair[name][chosen] = np.array([p[2].get(name, -1) for p in parsed], np.int8)[which]
    level = np.cumsum(kind == OPEN) - np.cumsum(kind == CLOSE) - (kind == OPEN)
    return Tags(start, end, kind, element, level, before, quotes, pair)


def _distinct(pieces: list[pa.Array]) -> tuple[np.ndarray, list[str]]:
    """For rows of pieces, the number of each row's joined text among the distinct ones, and those texts
    (codes combined by hashing, not sorting)."""
    code = np.zeros(len(pieces[0]), np.int64)
    combined: list[str] = [""]
    for piece in pieces:
        coded = pc.dictionary_encode(piece)
        texts = coded.dictionary.to_pylist()
        found = pc.dictionary_encode(pa.array(code * len(texts) + coded.indices.to_numpy(zero_copy_only=False)))
        code = found.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        combined = [combined[key // len(texts)] + texts[key % len(texts)] for key in found.dictionary.to_pylist()]
    return code, combined


def _skeleton(text: str) -> tuple[int, int, dict[str, int]]:
    """(kind, element, {field: number of its quoted value}) of a tag without its values."""
    found = _SKELETON.fullmatch(text)
    if found is None:
        raise Unfit(f"the tag {text[:80]!r}")
    closing, name, listed, empty = found.groups()
    names = _SKELETON_ATTRIBUTE.findall(listed)
    if len(set(names)) != len(names) or any(n.startswith("xmlns") for n in names) or (closing and (names or empty)):
        raise Unfit("an attribute twice, a namespace, or a closing tag with attributes")
    kind = CLOSE if closing else EMPTY if empty else OPEN
    return kind, _CODE[name], {n: number for number, n in enumerate(names) if n in FIELDS}


def _nesting(tags: Tags) -> None:
    """Every element closed by its own end tag, one root, nothing after it."""
    depth = tags.level + (tags.kind == OPEN)
    if not len(depth) or depth.min() < 0 or depth[-1] != 0 or np.count_nonzero(tags.level == 0) != 2 \
            or tags.kind[0] != OPEN or tags.element[0] != _CODE["log"]:
        raise Unfit("not one <log> element")
    paired = np.flatnonzero(tags.kind != EMPTY)
    order = paired[np.lexsort((paired, tags.level[paired]))]
    opening, closing = order[0::2], order[1::2]
    if len(opening) != len(closing) or (tags.kind[opening] != OPEN).any() or (tags.kind[closing] != CLOSE).any() \
            or (tags.level[opening] != tags.level[closing]).any() \
            or (tags.element[opening] != tags.element[closing]).any():
        raise Unfit("an element not closed by its own end tag")


def _parents(tags: Tags) -> list[np.ndarray]:
    """Per level 0..3, the tag that opened the element each tag stands in at that level (-1: none)."""
    index = np.arange(len(tags.kind))
    opened = []
    for depth in range(4):
        marks = np.where((tags.kind == OPEN) & (tags.level == depth), index, -1)
        opened.append(np.maximum.accumulate(marks))
    elements = np.flatnonzero(tags.kind != CLOSE)
    level = tags.level[elements]
    if level.max() > 4:
        raise Unfit("an element deeper than OCEL 2.0 has")
    parent = np.full(len(elements), -1, np.int64)
    for above in range(4):
        chosen = level == above + 1
        parent[chosen] = opened[above][elements[chosen]]
    parent_element = np.where(parent >= 0, tags.element[np.maximum(parent, 0)], len(ELEMENTS)).astype(np.int64)
    if not _ALLOWED[(level * _WIDTH + tags.element[elements]) * _WIDTH + parent_element].all():
        raise Unfit("an element where OCEL 2.0 does not put it")
    return opened


def _values(data: bytes, tags: Tags, field: str, chosen: np.ndarray, required: bool) -> pa.Array:
    """The value of attribute `field` of the tags `chosen`, as XML reads it (null where it lacks it)."""
    pair = tags.pair[field][chosen].astype(np.int64)
    has = pair >= 0
    if required and not has.all():
        raise Unfit(f"a tag without {field}")
    at = tags.before[chosen] + 2 * np.maximum(pair, 0)
    begin, stop = tags.quotes[np.minimum(at, len(tags.quotes) - 1)] + 1, tags.quotes[np.minimum(at + 1, len(tags.quotes) - 1)]
    if not has.all():                       # a tag without quotes: an empty span at its end
        begin = stop = np.where(has, begin, tags.end[chosen])
        stop = np.where(has, tags.quotes[np.minimum(at + 1, len(tags.quotes) - 1)], begin)
    values = _spans(data, begin, stop)
    if not has.all():
        values = pc.if_else(pa.array(has), values, pa.scalar(None, pa.string()))
    return _decoded(values, _SPECIAL_IN_ATTRIBUTE, _attribute_text)


def _attribute_text(raw: str) -> str:
    if _NOT_XML_TEXT.search(raw):
        raise Unfit("a character XML does not allow")
    try:
        return _attribute_value(raw)
    except ValueError as exc:
        raise Unfit("a reference this reader does not resolve") from exc


def _element_text(raw: str) -> str:
    if _NOT_XML_TEXT.search(raw) or "]]>" in raw:
        raise Unfit("a character XML does not allow")
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if text.count("&") != len(_REFERENCE.findall(text)):
        raise Unfit("a reference this reader does not resolve")
    try:
        return _REFERENCE.sub(_resolve, text)
    except ValueError as exc:
        raise Unfit("a character reference XML does not allow") from exc


def _bytes_of(texts: pa.Array) -> np.ndarray:
    """The bytes the strings of `texts` hold, end to end."""
    _, offsets, body = texts.buffers()
    if body is None or not len(texts):
        return np.zeros(0, np.uint8)
    bounds = np.frombuffer(offsets, np.int32)[texts.offset:texts.offset + len(texts) + 1]
    return np.frombuffer(body, np.uint8)[bounds[0]:bounds[-1]]


def _decoded(values: pa.Array, special: str, decode) -> pa.Array:
    """`values` with the few that hold references or white space XML rewrites passed through `decode`."""
    if not _MAY_BE_SPECIAL[_bytes_of(values)].any():
        return values
    marked = pc.fill_null(pc.match_substring_regex(values, special), False)
    if not pc.any(marked).as_py():
        return values
    where = np.flatnonzero(marked.to_numpy(zero_copy_only=False))
    fixed = pa.array([decode(text) for text in values.take(pa.array(where)).to_pylist()], pa.string())
    return pc.replace_with_mask(values, marked, fixed)


def _texts(data: bytes, tags: Tags, chosen: np.ndarray) -> pa.Array:
    """The text of the <attribute> elements opened or left empty at `chosen` ('' for an empty one)."""
    opened = tags.kind[chosen] == OPEN
    begin = tags.end[chosen] + 1
    stop = np.where(opened, tags.start[np.minimum(chosen + 1, len(tags.start) - 1)], tags.end[chosen] + 1)
    return _decoded(_spans(data, begin, stop), _SPECIAL_IN_TEXT, _element_text)


def _white_between(data: bytes, tags: Tags, texts: np.ndarray) -> None:
    """Only white space between tags, but in the <attribute> elements opened at `texts`."""
    gaps = np.ones(len(tags.start), bool)
    gaps[texts] = False
    gaps = np.flatnonzero(gaps)
    following = np.append(tags.start[1:], len(data))
    between = _spans(data, tags.end[gaps] + 1, following[gaps])
    if not _WHITE[_bytes_of(between)].all():
        raise Unfit("text where OCEL 2.0 has none")


def _declarations(data: bytes, tags: Tags, owner_of: np.ndarray, attribute: np.ndarray, tag: str,
                  origin: object) -> dict[str, dict[str, str]]:
    """The declared types of `tag` (event-type or object-type) and their attributes, as the exact reader
    reads them (a type or attribute declared twice: the last one)."""
    declared = np.flatnonzero((tags.kind != CLOSE) & (tags.element == _CODE[tag]))
    listed = attribute[tags.element[owner_of[attribute]] == _CODE[tag]]
    names = _values(data, tags, "name", declared, True).to_pylist()
    attributes: dict[int, list[tuple[str, str | None]]] = {}
    for owner, name, kind in zip(owner_of[listed].tolist(), _values(data, tags, "name", listed, True).to_pylist(),
                                 _values(data, tags, "type", listed, False).to_pylist()):
        attributes.setdefault(owner, []).append((name, kind))
    return {name: {a: m.ocel_type(kind, f"{origin}: {tag} {name!r}") for a, kind in attributes.get(position, [])}
            for position, name in zip(declared.tolist(), names)}


def _rows(data: bytes, tags: Tags, parents: list[np.ndarray], origin: object) -> OcelRows:
    element, kind = tags.element, tags.kind
    starting = kind != CLOSE
    attribute = np.flatnonzero(starting & (element == _CODE["attribute"]))
    opened = attribute[kind[attribute] == OPEN]
    if (element[opened + 1] != _CODE["attribute"]).any():
        raise Unfit("an <attribute> with elements in it")
    _white_between(data, tags, opened)
    owner_of = parents[2]
    rows = OcelRows(event_types=_declarations(data, tags, owner_of, attribute, "event-type", origin),
                    object_types=_declarations(data, tags, owner_of, attribute, "object-type", origin))
    objects = np.flatnonzero(starting & (element == _CODE["object"]))
    events = np.flatnonzero(starting & (element == _CODE["event"]))
    rank = np.full(len(element), -1, np.int64)
    rank[objects], rank[events] = np.arange(len(objects)), np.arange(len(events))
    object_ids, event_ids = _values(data, tags, "id", objects, True), _values(data, tags, "id", events, True)
    rows.object_ids, rows.object_type_of = object_ids, _values(data, tags, "type", objects, True)
    rows.event_ids, rows.event_activities = event_ids, _values(data, tags, "type", events, True)
    rows.event_times = _values(data, tags, "time", events, True)
    owner = owner_of[attribute]
    of_objects, of_events = attribute[element[owner] == _CODE["object"]], attribute[element[owner] == _CODE["event"]]
    rows.attribute_objects = object_ids.take(pa.array(rank[owner_of[of_objects]]))
    rows.attribute_names = _values(data, tags, "name", of_objects, True)
    rows.attribute_times = _values(data, tags, "time", of_objects, False)
    rows.attribute_values = _texts(data, tags, of_objects)
    links = np.flatnonzero(starting & (element == _CODE["relationship"]))
    from_objects, from_events = links[element[owner_of[links]] == _CODE["object"]], links[element[owner_of[links]] == _CODE["event"]]
    rows.link_sources = object_ids.take(pa.array(rank[owner_of[from_objects]]))
    rows.link_targets = _values(data, tags, "object-id", from_objects, True)
    rows.link_qualifiers = _values(data, tags, "qualifier", from_objects, False)
    rows.relation_events = event_ids.take(pa.array(rank[owner_of[from_events]]))
    rows.relation_objects = _values(data, tags, "object-id", from_events, True)
    rows.relation_qualifiers = _values(data, tags, "qualifier", from_events, False)
    if len(of_events) and not spread_event_attributes(rows, rank[owner_of[of_events]],
                                                      _values(data, tags, "name", of_events, True),
                                                      _texts(data, tags, of_events), len(events)):
        raise Unfit("an event has one attribute twice")
    return rows

