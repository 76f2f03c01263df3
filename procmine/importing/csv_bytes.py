"""The bytes of a CSV (or .csv.gz) log: one pass that caps decompression and settles the encoding.

A gzip file that inflates past max(200 × its size, 64 MiB) is refused as a gzip bomb
before the CSV reader sees it. The encoding is UTF-8 when the whole file decodes as
UTF-8; cp1252 (else latin-1) when it holds no UTF-8 sequence at all; and a file that mixes
the two (UTF-8 with a row saved from Excel as cp1252) is refused, naming the line, since
reading it either way would change some values silently.
"""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from procmine.errors import LogValidationError, located, one_line

CHUNK = 1 << 22
_UTF8_SEQUENCE = re.compile(rb"[\xC2-\xDF][\x80-\xBF]|[\xE0-\xEF][\x80-\xBF]{2}|[\xF0-\xF4][\x80-\xBF]{3}")


@dataclass(frozen=True)
class GzipLimits:
    """Refuse a .gz that inflates to more than max(max_ratio × its size, floor_bytes)."""

    max_ratio: int = 200
    floor_bytes: int = 64 << 20

    def cap_for(self, compressed_size: int) -> int:
        return max(self.max_ratio * compressed_size, self.floor_bytes)


def open_bytes(path: Path, compressed: bool):
    return gzip.open(path, "rb") if compressed else open(path, "rb")


def detect_encoding(path: Path, sample: bytes, compressed: bool, limits: GzipLimits = GzipLimits()) -> str:
    """utf-16 (BOM), utf-8-sig, utf-8, cp1252 or latin-1; refuses gzip bombs and mixed encodings."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    scan = _scan(path, compressed, limits)
    if scan.first_bad is None:
        return "utf-8-sig" if sample.startswith(codecs.BOM_UTF8) else "utf-8"
    if scan.utf8_line is not None:
        raise LogValidationError(located(
            f"The file mixes encodings: line {scan.utf8_line} holds UTF-8 text, but line "
            f"{scan.first_bad_line} has byte 0x{scan.first_bad:02X}, which is not UTF-8 (it looks like "
            "a row saved as Windows-1252)", file=path,
            hint="Save the whole file as UTF-8 (in Excel: CSV UTF-8) and import it again"))
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


@dataclass
class _Scan:
    first_bad: int | None = None         # the first byte that is not UTF-8
    first_bad_line: int | None = None
    utf8_line: int | None = None         # a line with a real UTF-8 multi-byte sequence


def _scan(path: Path, compressed: bool, limits: GzipLimits) -> _Scan:
    """Read every byte once: the decompression cap, the first non-UTF-8 byte, a UTF-8 sequence."""
    cap = limits.cap_for(path.stat().st_size) if compressed else None
    scan, decoder = _Scan(), codecs.getincrementaldecoder("utf-8")()
    total = lines = 0
    try:
        with open_bytes(path, compressed) as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if cap is not None and total > cap:
                    raise _bomb(path, cap, limits)
                _look(chunk, decoder, scan, lines)
                lines += chunk.count(b"\n")
        if scan.first_bad is None:
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        scan.first_bad, scan.first_bad_line = 0x80, lines + 1   # cut inside a sequence at the end
    except (OSError, EOFError, zlib.error) as exc:
        raise LogValidationError(located(f"Cannot read the compressed file: {one_line(exc)}", file=path,
                                         hint="Check that the .gz file is complete")) from exc
    return scan


def _look(chunk: bytes, decoder, scan: _Scan, lines_before: int) -> None:
    if scan.first_bad is None:
        try:
            decoder.decode(chunk)
            if scan.utf8_line is None and not chunk.isascii():
                scan.utf8_line = lines_before + _line_of(chunk, _UTF8_SEQUENCE.search(chunk))
            return
        except UnicodeDecodeError as exc:
            good = chunk[:exc.start]
            if scan.utf8_line is None and not good.isascii():
                scan.utf8_line = lines_before + _line_of(good, _UTF8_SEQUENCE.search(good))
            scan.first_bad = chunk[exc.start]
            scan.first_bad_line = lines_before + good.count(b"\n") + 1
            chunk = chunk[exc.start:]
            lines_before += good.count(b"\n")
    if scan.utf8_line is None:
        found = _UTF8_SEQUENCE.search(chunk)
        if found is not None:
            scan.utf8_line = lines_before + _line_of(chunk, found)


def _line_of(chunk: bytes, found: re.Match | None) -> int:
    return 1 if found is None else chunk.count(b"\n", 0, found.start()) + 1


def _bomb(path: Path, cap: int, limits: GzipLimits) -> LogValidationError:
    return LogValidationError(located(
        f"The compressed file inflates to more than {cap:,} bytes ({limits.max_ratio} times its size); "
        "this looks like a gzip bomb and is refused", file=path,
        hint="Decompress it yourself if you trust it, and import the .csv"))
