"""Turn a chunk of XES into arrays of tags: kind, name, and the key and value attributes.

A chunk is split at every '<' without copying (an Arrow string array over the bytes).
The common XES tags, `<string key="k" value="v"/>` and bare `<event>`, `</trace>` and the
like, are recognised in bulk with NumPy (xes_fastpath); every other tag (`<event>`, `</trace>`, odd spacing, quotes
or escapes) is parsed in Python once per distinct text, so the cost stays per kind of
tag, not per tag. The parser is strict: a tag that is not well-formed is an error with
its line number, and no entity other than the five predefined ones is ever expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine.errors import LogValidationError, located, one_line
from procmine.importing.xes_chunks import Chunk
from procmine.importing.xes_fastpath import (
    ELEMENT_NAMES,
    TYPE_NAMES,
    BareElements,
    PlainAttributes,
    drop_controls,
    match_bare_elements,
    match_plain_attributes,
)

OPEN, CLOSE, EMPTY = 1, -1, 0
KNOWN_TAGS = ("log", "trace", "event", "string", "date", "int", "float", "boolean", "id",
              "list", "container", "values", "extension", "global", "classifier")
TAG = {name: number for number, name in enumerate(KNOWN_TAGS)}
VALUE_TAGS = ("string", "date", "int", "float", "boolean", "id")

_TYPE_NUMBERS = np.array([TAG[name] for name in TYPE_NAMES], np.int16)
_ELEMENT_NUMBERS = np.array([TAG[name] for name in ELEMENT_NAMES], np.int16)
_NAME = r"[^\W\d][\w.\-]*(?::[^\W\d][\w.\-]*)?"
_CLOSE_TAG = re.compile(rf"</({_NAME})[ \t\r\n]*>")
_OPEN_TAG = re.compile(rf"<({_NAME})((?:[ \t\r\n]+{_NAME}[ \t\r\n]*=[ \t\r\n]*"
                       rf"(?:\"[^\"<]*\"|'[^'<]*'))*)[ \t\r\n]*(/?)>")
_ATTRIBUTE = re.compile(rf"[ \t\r\n]+({_NAME})[ \t\r\n]*=[ \t\r\n]*(?:\"([^\"<]*)\"|'([^'<]*)')")
_REFERENCE = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class TagNames:
    """Numbers for tag names: the XES ones fixed, others added as they appear."""

    def __init__(self) -> None:
        self.names = list(KNOWN_TAGS)
        self._numbers = dict(TAG)

    def number(self, name: str) -> int:
        """The number of a tag's local name (the part after any namespace prefix)."""
        local = name.rpartition(":")[2]
        if local not in self._numbers:
            self._numbers[local] = len(self.names)
            self.names.append(local)
        return self._numbers[local]


@dataclass(frozen=True)
class Tokens:
    """One entry per tag of a chunk: kind (OPEN/CLOSE/EMPTY) and tag number; for attribute
    tags, the key as a number into `keys` and the value as a row of `values` (-1: none)."""

    kind: np.ndarray
    tag: np.ndarray
    key_code: np.ndarray
    value_row: np.ndarray
    keys: list[str]
    values: pa.Array
    starts: np.ndarray
    chunk: Chunk

    def line_of(self, position: int) -> int:
        """The 1-based line of the tag at index `position`."""
        return self.chunk.first_line + self.chunk.data.count(b"\n", 0, int(self.starts[position]))


def tokenize(chunk: Chunk, names: TagNames, path: Path) -> Tokens:
    """Split a chunk into tags and read their kind, name, key and value."""
    data = chunk.data
    _check_utf8(chunk, path)
    raw = np.frombuffer(data, np.uint8)
    starts = np.flatnonzero(raw == 60)
    texts = pa.StringArray.from_buffers(len(starts), pa.py_buffer(np.append(starts, len(data)).astype(np.int32)),
                                        pa.py_buffer(data))
    plain = match_plain_attributes(data, starts)
    elements = match_bare_elements(data, starts, _others(len(starts), plain.index))
    slow, chosen = _the_rest(texts, plain, elements)
    if np.count_nonzero(raw < 32) != plain.gap_controls + elements.gap_controls + _count_controls(chosen):
        plain = drop_controls(plain, data)  # a key or value holds a tab, line break or control
        slow, chosen = _the_rest(texts, plain, elements)
    count = len(starts)
    kind = np.full(count, EMPTY, np.int8)
    kind[elements.index] = np.where(elements.closing, CLOSE, OPEN)
    tag = np.zeros(count, np.int16)
    tag[plain.index] = _TYPE_NUMBERS[plain.type_index]
    tag[elements.index] = _ELEMENT_NUMBERS[elements.element]
    coded = pc.dictionary_encode(plain.key)
    key_code = np.full(count, -1, np.int32)
    key_code[plain.index] = coded.indices.to_numpy(zero_copy_only=False)
    value_row = np.full(count, -1, np.int32)
    value_row[plain.index] = np.arange(len(plain.index), dtype=np.int32) * 4 + 2
    tokens = Tokens(kind, tag, key_code, value_row, coded.dictionary.to_pylist(), plain.pieces,
                    starts, chunk)
    return _parse_slow(slow, chosen, tokens, names, path) if len(slow) else tokens


def _others(count: int, taken: np.ndarray) -> np.ndarray:
    """The numbers below `count` that are not in `taken`."""
    rest = np.ones(count, bool)
    rest[taken] = False
    return np.flatnonzero(rest)


def _the_rest(texts: pa.Array, plain: PlainAttributes, elements: BareElements) -> tuple[np.ndarray, pa.Array]:
    """The numbers and texts of the tags that neither fast pattern matched."""
    rest = _others(len(texts), np.concatenate([plain.index, elements.index]))
    return rest, texts.take(pa.array(rest))


def _count_controls(texts: pa.Array) -> int:
    """How many bytes below 32 the strings hold together."""
    _, offsets_buffer, data_buffer = texts.buffers()
    if data_buffer is None or not len(texts):
        return 0
    offsets = np.frombuffer(offsets_buffer, np.int32)[texts.offset:texts.offset + len(texts) + 1]
    return int(np.count_nonzero(np.frombuffer(data_buffer, np.uint8)[offsets[0]:offsets[-1]] < 32))


def _parse_slow(slow: np.ndarray, chosen: pa.Array, tokens: Tokens, names: TagNames,
                path: Path) -> Tokens:
    """Parse the tags the fast pattern did not match, once per distinct text."""
    coded = pc.dictionary_encode(pc.ascii_rtrim(chosen, characters=" \t\r\n"))
    which = coded.indices.to_numpy(zero_copy_only=False)
    parsed = []
    for number, text in enumerate(coded.dictionary.to_pylist()):
        try:
            parsed.append(_parse_tag(text, names))
        except ValueError as exc:
            first = int(slow[np.argmax(which == number)])
            raise LogValidationError(located(
                f"The XES is not well-formed at line {tokens.line_of(first)}: {one_line(exc)} in {text[:80]!r}",
                file=path, hint="Repair the file or export the log again")) from None
    kinds, tags, keys, values = zip(*parsed)
    tokens.kind[slow] = np.array(kinds, np.int8)[which]
    tokens.tag[slow] = np.array(tags, np.int16)[which]
    known = {key: code for code, key in enumerate(tokens.keys)}
    all_keys = list(tokens.keys)
    for key in keys:
        if key is not None and key not in known:
            known[key] = len(all_keys)
            all_keys.append(key)
    tokens.key_code[slow] = np.array([-1 if k is None else known[k] for k in keys], np.int32)[which]
    if all(value is None for value in values):
        return Tokens(tokens.kind, tokens.tag, tokens.key_code, tokens.value_row, all_keys, tokens.values,
                      tokens.starts, tokens.chunk)
    base = len(tokens.values)
    rows = np.array([-1 if v is None else base + n for n, v in enumerate(values)], np.int32)
    tokens.value_row[slow] = rows[which]
    values_all = pa.concat_arrays([tokens.values, pa.array(values, pa.string())])
    return Tokens(tokens.kind, tokens.tag, tokens.key_code, tokens.value_row, all_keys, values_all,
                  tokens.starts, tokens.chunk)


def _parse_tag(text: str, names: TagNames) -> tuple[int, int, str | None, str | None]:
    """Read one tag: (kind, tag number, key, value); ValueError when it is not well-formed."""
    if _NOT_XML.search(text):
        raise ValueError("a control character that XML does not allow stands in a tag")
    if text.startswith("</"):
        closing = _CLOSE_TAG.fullmatch(text)
        if closing is None:
            raise ValueError("a closing tag is malformed or followed by text")
        return CLOSE, names.number(closing.group(1)), None, None
    opening = _OPEN_TAG.fullmatch(text)
    if opening is None:
        raise ValueError("a tag is malformed, or text stands where only tags are allowed")
    attributes: dict[str, str] = {}
    for found in _ATTRIBUTE.finditer(opening.group(2)):
        name = found.group(1)
        if name in attributes:
            raise ValueError(f"the attribute {name!r} appears twice")
        raw = found.group(2) if found.group(2) is not None else found.group(3)
        attributes[name] = _attribute_value(raw)
    kind = EMPTY if opening.group(3) else OPEN
    return kind, names.number(opening.group(1)), attributes.get("key"), attributes.get("value")


def _attribute_value(raw: str) -> str:
    """Normalise white space and resolve references as XML does; only predefined entities."""
    text = raw.replace("\r\n", " ").translate({9: 32, 10: 32, 13: 32})
    if "&" not in text:
        return text
    if text.count("&") != len(_REFERENCE.findall(text)):
        raise ValueError("an '&' does not start a character reference or a predefined entity "
                         "(&amp; &lt; &gt; &quot; &apos;); other entities are not accepted")
    return _REFERENCE.sub(_resolve, text)


def _resolve(reference: re.Match) -> str:
    hexadecimal, decimal, entity = reference.groups()
    if entity:
        return _PREDEFINED[entity]
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if not (code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF):
        raise ValueError(f"the character reference {reference.group(0)} is not an XML character")
    return chr(code)


def _check_utf8(chunk: Chunk, path: Path) -> None:
    """Raise an error naming the line of the first byte that is not UTF-8, if there is one."""
    whole = pa.StringArray.from_buffers(1, pa.py_buffer(np.array([0, len(chunk.data)], np.int32)),
                                        pa.py_buffer(chunk.data))
    try:
        whole.validate(full=True)  # vectorised; Python decodes only to find the line of an error
        return
    except pa.ArrowInvalid:
        pass
    try:
        chunk.data.decode("utf-8")
        bad = 0
    except UnicodeDecodeError as exc:
        bad = exc.start
    line = chunk.first_line + chunk.data.count(b"\n", 0, bad)
    raise LogValidationError(located(
        f"The XES is not valid UTF-8 text at line {line} (byte {bytes(chunk.data[bad:bad + 1])!r})",
        file=path, hint="Save the file as UTF-8 or declare its encoding"))
