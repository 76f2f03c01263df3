"""Bytes of an OCEL file, decompressed within a cap (gzip bombs fail fast), and grouping helpers."""

from __future__ import annotations

import gzip
import mmap
import zlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pyarrow as pa

from procmine.errors import LogValidationError, located
from procmine.importing.xes_safety import GZIP_MAGIC, UTF8_BOM, XesLimits

# A file's bytes: copied, or mapped (mapped_bytes); the regular expressions, NumPy and Arrow read each alike.
Content = bytes | bytearray | mmap.mmap


def read_bytes(path: Path, limits: XesLimits | None = None) -> bytes:
    """The file's content; a .gz is inflated in blocks and refused past the size cap."""
    limits = limits or XesLimits()
    try:
        with open(path, "rb") as raw:
            if raw.read(2) != GZIP_MAGIC:
                raw.seek(0)
                data = raw.read()
            else:
                raw.seek(0)
                data = _inflate(raw, path, limits)
    except FileNotFoundError as exc:
        raise LogValidationError(located("The OCEL file does not exist", file=path,
                                         hint="Check the path")) from exc
    return data[len(UTF8_BOM):] if data.startswith(UTF8_BOM) else data


@contextmanager
def mapped_bytes(path: Path, writable: bool = False) -> Iterator[Content]:
    """The file's content as `read_bytes` gives it, a plain file (not gzipped, no byte-order mark, not
    empty) mapped instead of copied: read-only, or `writable` as a private copy (what is written stays
    in this process; only the pages written are copied). The map is closed when the block ends, also
    on an error."""
    try:
        with open(path, "rb") as raw:
            start = raw.read(3)
            plain = bool(start) and start[:2] != GZIP_MAGIC and start != UTF8_BOM
            content = mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_COPY if writable else mmap.ACCESS_READ) if plain else None
    except FileNotFoundError:
        content = None
    if content is None:
        data = read_bytes(path)
        yield bytearray(data) if writable else data
        return
    try:
        yield content
    finally:
        # A view of the map may outlive the block (held by an error's traceback): the map is then
        # unmapped when that view goes; a BufferError now would replace the error being raised.
        with suppress(BufferError):
            content.close()


def _inflate(raw, path: Path, limits: XesLimits) -> bytes:
    cap = limits.cap_for(path.stat().st_size)
    parts, total = [], 0
    try:
        with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            while block := stream.read(limits.block_bytes):
                total += len(block)
                if total > cap:
                    raise LogValidationError(located(
                        f"The compressed OCEL inflates to more than {cap:,} bytes ({limits.max_ratio} "
                        "times its size); this looks like a gzip bomb and is refused", file=path,
                        hint="Decompress it yourself if you trust it, and import the plain file"))
                parts.append(block)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise LogValidationError(located(f"The compressed OCEL is damaged or cut short ({exc})",
                                         file=path, hint="Export the log again")) from exc
    return b"".join(parts)


def grouped(keys: pa.ChunkedArray | pa.Array, *columns: pa.ChunkedArray | pa.Array | list) -> dict[str, list[tuple]]:
    """Rows of `columns` grouped by `keys` (e.g. the relations of each event), in row order."""
    groups: dict[str, list[tuple]] = defaultdict(list)
    listed = [c if isinstance(c, list) else c.to_pylist() for c in columns]
    for key, *values in zip(keys.to_pylist(), *listed):
        groups[key].append(tuple(values))
    return groups
