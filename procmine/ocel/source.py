"""Bytes of an OCEL file, decompressed within a cap (gzip bombs fail fast), and grouping helpers."""

from __future__ import annotations

import gzip
import zlib
from collections import defaultdict
from pathlib import Path

import pyarrow as pa

from procmine.errors import LogValidationError, located
from procmine.importing.xes_safety import GZIP_MAGIC, UTF8_BOM, XesLimits


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
