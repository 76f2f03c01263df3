"""Safe byte source for XES: capped gzip, BOM and encoding handling, a prolog without entities.

The XES reader never expands entities: only the five predefined ones and character
references are understood. A DOCTYPE (the only place entities can be declared) is
refused outright, which stops external entities and billion-laughs documents before
a single element is read. Compressed input is decompressed in blocks, and the total
is capped so that a gzip bomb fails fast instead of filling memory.
"""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from procmine.errors import LogValidationError, located, one_line

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = codecs.BOM_UTF8
_DECLARATION = re.compile(rb"<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}


@dataclass(frozen=True)
class XesLimits:
    """Caps on decompression: refuse more than max(ratio × compressed size, floor) bytes.

    The defaults accept every real log we know (Road Traffic Fines inflates 63 times, to
    185 MB) and refuse a gzip bomb once it passes 64 MiB and 200 times its compressed
    size (a 650 KB bomb of whitespace is refused after 130 MB, in about 1.5 s).
    Tests lower `floor_bytes` to exercise the cap without inflating much.
    """

    max_ratio: int = 200
    floor_bytes: int = 64 << 20
    block_bytes: int = 8 << 20

    def cap_for(self, compressed_size: int) -> int:
        """The largest decompressed size accepted for a file of `compressed_size` bytes."""
        return max(self.max_ratio * compressed_size, self.floor_bytes)


class XesByteSource:
    """Reads a .xes or .xes.gz file as UTF-8 blocks, without a BOM, within the size cap."""

    def __init__(self, path: Path, limits: XesLimits):
        self.path = path
        self.limits = limits
        self._raw = open(path, "rb")  # noqa: SIM115 - closed by __exit__: this object is the context manager
        compressed = self._raw.read(2) == GZIP_MAGIC
        self._raw.seek(0)
        self._stream = gzip.GzipFile(fileobj=self._raw, mode="rb") if compressed else self._raw
        self._cap = limits.cap_for(path.stat().st_size) if compressed else None
        self._total = 0
        self._decoder: codecs.IncrementalDecoder | None = None
        self._first = True

    def __enter__(self) -> XesByteSource:
        return self

    def __exit__(self, *exc_info) -> None:
        self._stream.close()
        self._raw.close()

    def read(self) -> bytes:
        """Give the next block of UTF-8 text as bytes; b'' at the end of the file."""
        data = self._read_raw()
        if self._first:
            self._first = False
            data = self._start(data)
        if self._decoder is not None:
            final = not data
            data = self._decoder.decode(data, final).encode("utf-8")
            if final:
                return data
        return data

    def _read_raw(self) -> bytes:
        try:
            data = self._stream.read(self.limits.block_bytes)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise LogValidationError(located(
                f"The compressed XES is damaged or cut short ({one_line(exc)})", file=self.path,
                hint="Download or export the log again")) from exc
        self._total += len(data)
        if self._cap is not None and self._total > self._cap:
            raise LogValidationError(located(
                f"The compressed XES inflates to more than {self._cap:,} bytes "
                f"({self.limits.max_ratio} times its size); this looks like a gzip bomb and is refused",
                file=self.path, hint="Decompress it yourself if you trust it, and import the .xes"))
        return data

    def _start(self, data: bytes) -> bytes:
        """Strip a BOM and set up transcoding when the file is not UTF-8."""
        if data.startswith(UTF8_BOM):
            return data[len(UTF8_BOM):]
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self._decoder = codecs.getincrementaldecoder("utf-16")(errors="strict")
            return data
        declared = _DECLARATION.match(data[:200])
        if declared and declared.group(1).decode("ascii").lower() not in _UTF8_NAMES:
            name = declared.group(1).decode("ascii")
            try:
                self._decoder = codecs.getincrementaldecoder(name)(errors="strict")
            except LookupError as exc:
                raise LogValidationError(located(
                    f"The XES declares the unknown encoding {name!r}", file=self.path,
                    hint="Save the file as UTF-8")) from exc
        return data


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def check_prolog(prolog: bytes, path: Path, kind: str = "XES") -> None:
    """Refuse anything before the root element that could declare or load entities (`kind`: the format, for the message)."""
    if _DOCTYPE.search(prolog):
        if b"<!ENTITY" in prolog or b"SYSTEM" in prolog or b"PUBLIC" in prolog:
            raise LogValidationError(located(
                f"{kind} with an external entity / entity declarations is not accepted "
                "(the file has a DOCTYPE that declares entities or loads a DTD)", file=path,
                hint=f"Remove the DOCTYPE; {kind} files do not need one"))
        raise LogValidationError(located(
            f"{kind} with a document type declaration (DOCTYPE) is not accepted", file=path,
            hint=f"Remove the DOCTYPE; {kind} files do not need one"))
