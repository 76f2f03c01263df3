"""Cut an XES byte stream into chunks of whole tags, with the prolog checked and comments removed.

Every chunk starts at a '<' and ends just before one, so no tag is split. Where it can,
a chunk ends after a `</trace>`, so the next one starts inside <log> with no trace open
and can be read without waiting for the chunks before it. Comments and processing
instructions are blanked out (their line breaks kept, so line numbers stay right); the
XES body may not contain CDATA, DOCTYPE or other markup declarations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from procmine.errors import LogValidationError, located
from procmine.importing.xes_safety import XesByteSource, check_prolog

_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_MARKUP_END = {b"<!--": b"-->", b"<?": b"?>"}


@dataclass(frozen=True)
class ChunkStart:
    """The state a chunk is read from: names of the elements open before it, root seen or not."""

    stack: tuple[str, ...] = ()
    root_seen: bool = False


AFTER_TRACE = ChunkStart(("log",), True)


@dataclass(frozen=True)
class Chunk:
    """Whole tags of the document body, the 1-based line the chunk starts on, and the state
    it starts from if that is known before the chunks ahead of it are read (else None)."""

    data: bytes | bytearray
    first_line: int
    start: ChunkStart | None = None


def iter_chunks(source: XesByteSource, path: Path, chunk_bytes: int = 8 << 20) -> Iterator[Chunk]:
    """Yield the document body from the root element on, in chunks of whole tags.

    Each chunk's bytes are copied once from the decompressed blocks: the buffer a chunk is
    cut from becomes the chunk (a bytearray, never changed after it is yielded), and only
    what follows the cut is copied into a new buffer.
    """
    head, line = _skip_prolog(source, path)
    start: ChunkStart | None
    buffer, eof, start = bytearray(head), False, ChunkStart()
    while buffer or not eof:
        while not eof and len(buffer) < chunk_bytes:
            block = source.read()
            eof = not block
            buffer += block
        buffer, line = _past_white_space(buffer, line, path)
        if not buffer:
            continue
        buffer, limit = _blank_markup(buffer, eof, path, line)
        cut, after_trace = (len(buffer), False) if eof else _cut(buffer, limit)
        if cut <= 0 and not eof:
            end = buffer.rfind(b">") + 1
            if not end or buffer[end:].strip(b" \t\r\n"):
                chunk_bytes *= 2  # one tag or comment larger than a chunk: read on
                continue
            cut, after_trace = end, False  # a tag, then only white space: not held in memory
        chunk, buffer = buffer, buffer[cut:]
        del chunk[cut:]
        yield Chunk(chunk, line, start)
        start = AFTER_TRACE if after_trace else None
        line += int(np.count_nonzero(np.frombuffer(chunk, np.uint8) == 10))


def _past_white_space(buffer: bytearray, line: int, path: Path) -> tuple[bytearray, int]:
    """After a chunk that ended in white space: skip it, counting lines, up to the next tag."""
    if buffer[:1] in (b"<", b""):
        return buffer, line
    rest = bytearray(buffer.lstrip(b" \t\r\n"))
    line += buffer.count(b"\n", 0, len(buffer) - len(rest))
    if rest and rest[:1] != b"<":
        raise LogValidationError(located(
            f"The XES is not well-formed at line {line}: text stands where only tags are allowed "
            f"({bytes(rest[:40])!r})", file=path, hint="Repair the file or export the log again"))
    return rest, line


def _cut(buffer: bytearray, limit: int) -> tuple[int, bool]:
    """Where to end a chunk: before the first tag after the last `</trace>` if there is one."""
    boundary = buffer.rfind(b"</trace>", 0, limit)
    if boundary >= 0:
        cut = buffer.find(b"<", boundary + len(b"</trace>"), limit + 1)
        if cut > 0:
            return cut, True
    return buffer.rfind(b"<", 0, limit + 1), False


def _skip_prolog(source: XesByteSource, path: Path) -> tuple[bytes, int]:
    """Read past the XML declaration, comments and PIs; give the body and its first line."""
    buffer = b""
    while True:
        block = source.read()
        buffer += block
        position = 0
        while (item := _PROLOG_ITEM.match(buffer, position)) is not None:
            position = item.end()
        rest = buffer[position:].lstrip()
        if rest.startswith(b"<!"):
            end = buffer.find(b">", position)
            check_prolog(buffer[position:] if end < 0 else buffer[position:end + 1], path)
        if rest[:1] == b"<" and len(rest) > 1 and rest[1:2] not in (b"?", b"!"):
            start = len(buffer) - len(rest)
            return buffer[start:], buffer.count(b"\n", 0, start) + 1
        if rest and rest[:1] != b"<":
            raise LogValidationError(located(
                "The file is not XML: it does not start with an XML tag "
                f"(it starts with {rest[:20]!r})", file=path,
                hint="Check that this is an XES file; export the log again as XES"))
        if not block:
            what = "holds no XML element" if not buffer.strip() else "ends inside its XML prolog"
            raise LogValidationError(located(
                f"The XES file {what}", file=path, hint="Export the log again as XES"))


def _blank_markup(buffer: bytearray, eof: bool, path: Path, first_line: int) -> tuple[bytearray, int]:
    """Blank out comments and PIs; give the buffer and where a cut may be made at the latest."""
    # '!' and '?' are found by memchr, far faster than a two-byte search over the buffer
    if (b"!" not in buffer or b"<!" not in buffer) and (b"?" not in buffer or b"<?" not in buffer):
        return buffer, len(buffer)
    parts: list[bytes | bytearray] = []
    position = 0
    for found in re.finditer(rb"<[!?]", buffer):
        start = found.start()
        if start < position:
            continue
        opener = b"<!--" if buffer.startswith(b"<!--", start) else bytes(buffer[start:start + 2])
        if opener not in _MARKUP_END:
            line = first_line + buffer.count(b"\n", 0, start)
            raise LogValidationError(located(
                f"The XES holds markup that is not allowed in a log body "
                f"({bytes(buffer[start:start + 12])!r}, line {line}): CDATA, DOCTYPE and entity "
                "declarations are not accepted", file=path, hint="Export the log again as plain XES"))
        end = buffer.find(_MARKUP_END[opener], start + len(opener))
        if end < 0:
            if eof:
                line = first_line + buffer.count(b"\n", 0, start)
                raise LogValidationError(located(
                    f"The XES ends inside a comment or instruction that starts on line {line}",
                    file=path, hint="The file is cut short; export it again"))
            head = b"".join(parts)
            return bytearray(head) + buffer[position:], len(head) + start - position
        end += len(_MARKUP_END[opener])
        parts.append(buffer[position:start])
        parts.append(b"\n" * buffer.count(b"\n", start, end))
        position = end
    parts.append(buffer[position:])
    blanked = bytearray(b"".join(parts))
    return blanked, len(blanked)
