"""OCEL 2.0 XML read by compiled passes over the bytes (xml_kernels): no Python object per element.

Every '<' starts a tag (a document with comments, CDATA, processing instructions or a DOCTYPE
in its body is left to the exact reader). A tag ends at the first '>' after an even number of
double quotes, so a '>' inside a value is read right. What stands outside the quoted values of a
tag, its skeleton (`<event id="" type="" time="">`), is parsed once per distinct text with a
strict pattern, as the XES reader parses its unusual tags; the values are copied out as the scan
meets them. Nesting is checked with a stack, and every element must stand where OCEL 2.0 puts it.

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
from procmine.ocel import xml_kernels as kernels
from procmine.ocel.assemble import OcelRows, spread_event_attributes
from procmine.ocel.source import Content

ELEMENTS = ("log", "object-types", "object-type", "event-types", "event-type", "objects", "object",
            "events", "event", "attributes", "attribute", "relationship")
FIELDS = ("id", "type", "time", "name", "object-id", "qualifier")
_CODE = {name: code for code, name in enumerate(ELEMENTS)}
OPEN, CLOSE, EMPTY = kernels.OPEN, kernels.CLOSE, kernels.EMPTY
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
    """One entry per tag: where it starts and ends ('<' and '>'), its kind and element, its skeleton
    class, the number of its first value among `values` (one entry more: the end), whether only white
    space follows it up to the next tag, and per field (FIELDS) and skeleton class which of its
    values holds it (-1: the tag lacks it). `values`: every quoted value, in document order."""

    start: np.ndarray
    end: np.ndarray
    kind: np.ndarray
    element: np.ndarray
    skeleton: np.ndarray
    first_value: np.ndarray
    white_after: np.ndarray
    pair: dict[str, np.ndarray]
    values: kernels.Values


def read_xml_columns(data: Content, root: int, origin: object) -> OcelRows | None:
    """What the OCEL XML `data` (its root element at byte `root`) read from `origin` holds, or None when
    it is not of the plain shape (see the module)."""
    try:
        _plain_bytes(data, root)
        tags = _tags(data, root)
        return _rows(data, tags, _owners(tags), origin)
    except Unfit:
        return None


def _plain_bytes(data: Content, root: int) -> None:
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
        whole = np.array([0, len(data)], np.int32)
        pa.StringArray.from_buffers(1, pa.py_buffer(whole), pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid as exc:
        raise Unfit("not UTF-8") from exc


def _spans(data: np.ndarray, begin: np.ndarray, end: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """data[begin[i]:end[i]] as a string array, and per string whether it holds a byte that may make
    it special (_MAY_BE_SPECIAL)."""
    offsets, body, marked = kernels.gather(data, begin.astype(np.int32, copy=False),
                                           end.astype(np.int32, copy=False), _MAY_BE_SPECIAL)
    return pa.StringArray.from_buffers(len(begin), pa.py_buffer(offsets), pa.py_buffer(body)), marked


def _tags(data: Content, root: int) -> Tags:
    raw = np.frombuffer(data, np.uint8)
    most_tags, most_quotes = kernels.count_marks(raw[root:])
    start, end = np.empty(most_tags, np.int32), np.empty(most_tags, np.int32)
    skeleton, first_value = np.empty(most_tags, np.int32), np.empty(most_tags + 1, np.int32)
    white_after = np.empty(most_tags, np.bool_)
    values = kernels.Values(np.empty(len(raw) - root, np.uint8), np.empty(most_quotes // 2 + 1, np.int32))
    status, count, shapes, bounds = kernels.scan_tags(raw, root, start, end, skeleton, first_value, white_after,
                                                      values)
    if status != kernels.OK:
        raise Unfit(kernels.REASONS[status])
    first_value = first_value[:count + 1]
    start, end, skeleton, white_after = start[:count], end[:count], skeleton[:count], white_after[:count]
    parsed = [_skeleton(shapes[bounds[c]:bounds[c + 1]].tobytes().decode("utf-8")) for c in range(len(bounds) - 1)]
    kind = np.array([p[0] for p in parsed], np.int8)[skeleton]
    element = np.array([p[1] for p in parsed], np.int8)[skeleton]
    pair = {name: np.array([p[2].get(name, -1) for p in parsed], np.int8) for name in FIELDS}
    return Tags(start, end, kind, element, skeleton, first_value, white_after, pair, values)


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


def _owners(tags: Tags) -> np.ndarray:
    """Per tag, the tag that opened the element at level 2 it stands in (-1 above level 3), once
    every element is found closed by its own end tag under one <log>, where OCEL 2.0 puts it."""
    owner = np.empty(len(tags.kind), np.int32)
    status = kernels.nest(tags.kind, tags.element, _ALLOWED, _WIDTH, _CODE["log"], owner)
    if status != kernels.OK:
        raise Unfit(kernels.REASONS[status])
    return owner


def _values(tags: Tags, field: str, chosen: np.ndarray, required: bool) -> pa.Array:
    """The value of attribute `field` of the tags `chosen`, as XML reads it (null where it lacks it)."""
    pair = tags.pair[field][tags.skeleton[chosen]]
    has = pair >= 0
    if required and not has.all():
        raise Unfit(f"a tag without {field}")
    if not has.any():
        return pa.nulls(len(chosen), pa.string())
    number = tags.first_value[chosen] + pair
    offsets = tags.values.offsets
    values, marked = _spans(tags.values.body, np.where(has, offsets[number], 0), np.where(has, offsets[number + 1], 0))
    if not has.all():
        values = pc.if_else(pa.array(has), values, pa.scalar(None, pa.string()))
    return _decoded(values, marked, _SPECIAL_IN_ATTRIBUTE, _attribute_text)


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


def _decoded(values: pa.Array, marked: np.ndarray, special: str, decode) -> pa.Array:
    """`values` with the few that hold references or white space XML rewrites (`special`; only the
    `marked` ones can) passed through `decode`."""
    candidates = np.flatnonzero(marked)
    if not len(candidates):
        return values
    found = pc.fill_null(pc.match_substring_regex(values.take(pa.array(candidates)), special), False)
    chosen = candidates[found.to_numpy(zero_copy_only=False)]
    if not len(chosen):
        return values
    fixed = pa.array([decode(text) for text in values.take(pa.array(chosen)).to_pylist()], pa.string())
    mask = np.zeros(len(values), bool)
    mask[chosen] = True
    return pc.replace_with_mask(values, pa.array(mask), fixed)


def _texts(data: Content, tags: Tags, chosen: np.ndarray) -> pa.Array:
    """The text of the <attribute> elements opened or left empty at `chosen` ('' for an empty one)."""
    opened = tags.kind[chosen] == OPEN
    begin = tags.end[chosen] + 1
    stop = np.where(opened, tags.start[np.minimum(chosen + 1, len(tags.start) - 1)], tags.end[chosen] + 1)
    return _decoded(*_spans(np.frombuffer(data, np.uint8), begin, stop), _SPECIAL_IN_TEXT, _element_text)


def _white_between(tags: Tags, texts: np.ndarray) -> None:
    """Only white space between tags, but in the <attribute> elements opened at `texts`."""
    white = tags.white_after.copy()
    white[texts] = True
    if not white.all():
        raise Unfit("text where OCEL 2.0 has none")


def _declarations(data: Content, tags: Tags, owner_of: np.ndarray, attribute: np.ndarray, tag: str,
                  origin: object) -> dict[str, dict[str, str]]:
    """The declared types of `tag` (event-type or object-type) and their attributes, as the exact reader
    reads them (a type or attribute declared twice: the last one)."""
    declared = np.flatnonzero((tags.kind != CLOSE) & (tags.element == _CODE[tag]))
    listed = attribute[tags.element[owner_of[attribute]] == _CODE[tag]]
    names = _values(tags, "name", declared, True).to_pylist()
    attributes: dict[int, list[tuple[str, str | None]]] = {}
    for owner, name, kind in zip(owner_of[listed].tolist(), _values(tags, "name", listed, True).to_pylist(),
                                 _values(tags, "type", listed, False).to_pylist()):
        attributes.setdefault(owner, []).append((name, kind))
    return {name: {a: m.ocel_type(kind, f"{origin}: {tag} {name!r}") for a, kind in attributes.get(position, [])}
            for position, name in zip(declared.tolist(), names)}


def _rows(data: Content, tags: Tags, owner_of: np.ndarray, origin: object) -> OcelRows:
    element, kind = tags.element, tags.kind
    starting = kind != CLOSE
    attribute = np.flatnonzero(starting & (element == _CODE["attribute"]))
    opened = attribute[kind[attribute] == OPEN]
    if (element[opened + 1] != _CODE["attribute"]).any():
        raise Unfit("an <attribute> with elements in it")
    _white_between(tags, opened)
    rows = OcelRows(event_types=_declarations(data, tags, owner_of, attribute, "event-type", origin),
                    object_types=_declarations(data, tags, owner_of, attribute, "object-type", origin))
    objects = np.flatnonzero(starting & (element == _CODE["object"]))
    events = np.flatnonzero(starting & (element == _CODE["event"]))
    rank = np.full(len(element), -1, np.int32)
    rank[objects], rank[events] = np.arange(len(objects)), np.arange(len(events))
    object_ids, event_ids = _values(tags, "id", objects, True), _values(tags, "id", events, True)
    rows.object_ids, rows.object_type_of = object_ids, _values(tags, "type", objects, True)
    rows.event_ids, rows.event_activities = event_ids, _values(tags, "type", events, True)
    rows.event_times = _values(tags, "time", events, True)
    owner = owner_of[attribute]
    of_objects, of_events = attribute[element[owner] == _CODE["object"]], attribute[element[owner] == _CODE["event"]]
    rows.attribute_objects = object_ids.take(pa.array(rank[owner_of[of_objects]]))
    rows.attribute_names = _values(tags, "name", of_objects, True)
    rows.attribute_times = _values(tags, "time", of_objects, False)
    rows.attribute_values = _texts(data, tags, of_objects)
    links = np.flatnonzero(starting & (element == _CODE["relationship"]))
    from_objects, from_events = links[element[owner_of[links]] == _CODE["object"]], links[element[owner_of[links]] == _CODE["event"]]
    rows.link_sources = object_ids.take(pa.array(rank[owner_of[from_objects]]))
    rows.link_targets = _values(tags, "object-id", from_objects, True)
    rows.link_qualifiers = _values(tags, "qualifier", from_objects, False)
    rows.relation_events = event_ids.take(pa.array(rank[owner_of[from_events]]))
    rows.relation_objects = _values(tags, "object-id", from_events, True)
    rows.relation_qualifiers = _values(tags, "qualifier", from_events, False)
    if len(of_events) and not spread_event_attributes(rows, rank[owner_of[of_events]],
                                                      _values(tags, "name", of_events, True),
                                                      _texts(data, tags, of_events), len(events)):
        raise Unfit("an event has one attribute twice")
    return rows

