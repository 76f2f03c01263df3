"""CSV event logs: sniff encoding and delimiter, read every column as text with Arrow, then map and type.

Arrow's multithreaded C++ reader does the parsing, so a file of millions of rows
is read without a Python loop per row. Row numbers in messages count the header
as row 1, as a spreadsheet shows the file.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from procmine.errors import LogValidationError, located, one_line
from procmine.importing.csv_bytes import detect_encoding, open_bytes
from procmine.importing.frames import raw_log_from_table
from procmine.importing.options import ImportOptions, RawLog

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 1 << 20
_CHUNK = 1 << 22
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def read_csv_log(path: Path, options: ImportOptions = ImportOptions()) -> RawLog:
    """Read a CSV (or .csv.gz) event log into canonical events and case attributes."""
    path = Path(path)
    compressed = path.name.lower().endswith(".gz")
    sample = _read_sample(path, compressed)
    _reject_non_text(sample, path, compressed)
    encoding = _detect_encoding(path, sample, compressed)
    text = sample.decode(encoding, errors="ignore")
    delimiter, header, multiline = _sniff(text, path)
    table = _read_table(path, encoding, delimiter, header, multiline)
    raw = raw_log_from_table(table, options, origin=str(path), first_row=2)
    if encoding not in ("utf-8", "utf-8-sig"):
        raw.notes.append(f"{path.name} is not UTF-8; it was read as {encoding}.")
    raw.source_info.update({"encoding": encoding, "delimiter": delimiter})
    return raw


def _open(path: Path, compressed: bool):
    return open_bytes(path, compressed)


def _read_sample(path: Path, compressed: bool) -> bytes:
    try:
        with _open(path, compressed) as stream:
            return stream.read(SAMPLE_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise LogValidationError(located(f"Cannot read the compressed file: {one_line(exc)}", file=path,
                                         hint="Check that the .gz file is complete")) from exc


def _reject_non_text(sample: bytes, path: Path, compressed: bool) -> None:
    if not sample.strip():
        raise LogValidationError(located("The file holds no text, so no header row", file=path,
                                         hint="Export the log again with a header row and events"))
    if sample.startswith(b"\x1f\x8b") and not compressed:
        raise LogValidationError(located("The file is gzip-compressed but not named .gz", file=path,
                                         hint="Rename it to .csv.gz or unpack it first"))
    if sample.startswith(b"PK\x03\x04"):
        raise LogValidationError(located(
            "The file is a zip archive (or an Excel workbook), not CSV text", file=path,
            hint="Unpack the CSV from the archive, or name an Excel file .xlsx"))
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if b"\x00" in sample[:65536]:
        offset = sample.index(b"\x00")
        raise LogValidationError(located(
            f"The file holds binary data (a zero byte at offset {offset}), not CSV text", file=path,
            hint="Export the log as CSV text (UTF-8)"))


def _detect_encoding(path: Path, sample: bytes, compressed: bool) -> str:
    """The file's encoding, from one capped pass over all its bytes (see csv_bytes)."""
    return detect_encoding(path, sample, compressed)


def _sniff(text: str, path: Path) -> tuple[str, list[str], bool]:
    """The delimiter giving the most columns consistently, the header names, and quoted newlines."""
    text = text.lstrip("\ufeff")
    complete = text[: text.rfind("\n") + 1] if "\n" in text else text
    best: tuple[int, int, str, list[list[str]]] | None = None
    for delimiter in DELIMITERS:
        records = _records(complete, delimiter)
        if not records:
            continue
        width = len(records[0])
        consistent = sum(len(r) == width for r in records) == len(records)
        score = (int(consistent and width > 1), width, delimiter, records)
        if best is None or score[:2] > best[:2]:
            best = score
    if best is None:
        raise LogValidationError(located("The file has no header row", file=path,
                                         hint="Add a header row naming the columns"))
    _, width, delimiter, records = best
    if width < 2:
        raise LogValidationError(located(
            f"Found a single column {records[0][0][:80]!r}: the delimiter is none of "
            "comma, semicolon, tab or pipe", file=path, row=1,
            hint="Export the log with one of those delimiters"))
    multiline = any("\n" in field or "\r" in field for record in records for field in record)
    return delimiter, [name.strip() for name in records[0]], multiline


def _records(text: str, delimiter: str, limit: int = 200) -> list[list[str]]:
    records = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if record:
                records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def _read_table(path: Path, encoding: str, delimiter: str, header: list[str], multiline: bool) -> pa.Table:
    positional = [f"column {i + 1}" for i in range(len(header))]
    invalid: list = []

    def on_invalid_row(row) -> str:
        invalid.append(row)
        return "error"

    convert = pa_csv.ConvertOptions(column_types={name: pa.string() for name in positional},
                                    strings_can_be_null=True, quoted_strings_can_be_null=False,
                                    null_values=[""])
    read = pa_csv.ReadOptions(column_names=positional, skip_rows_after_names=1,
                              encoding="utf8" if encoding == "utf-8" else encoding)
    for newlines in ((multiline,) if multiline else (False, True)):
        parse = pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines,
                                    invalid_row_handler=on_invalid_row)
        try:
            table = pa_csv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
            return table.rename_columns(header)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            error = exc
    # Line numbers are known only without quoted newlines: prefer a row from that attempt.
    numbered = [row for row in invalid if row.number is not None] or invalid
    row = numbered[0] if numbered else None
    number = row.number if row is not None and row.number is not None else (
        _find_ragged_row(path, encoding, delimiter, len(header)) if row is not None else None)
    raise _parse_error(path, error, row, number, delimiter, len(header))


def _find_ragged_row(path: Path, encoding: str, delimiter: str, width: int) -> int | None:
    """Record number (header = 1) of the first row with another field count; only on the error path."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding=encoding, newline="") as stream:
        for number, record in enumerate(csv.reader(stream, delimiter=delimiter), start=1):
            if record and len(record) != width:
                return number
    return None


def _parse_error(path: Path, exc: Exception, row, number: int | None, delimiter: str,
                 width: int) -> LogValidationError:
    if row is not None:
        return LogValidationError(located(
            f"A row has {row.actual_columns} fields where the header has {width} "
            f"({_NAMES[delimiter]}-delimited): {str(row.text)[:120]!r}", file=path, row=number,
            hint="Quote fields that contain the delimiter, or fix the row"))
    return LogValidationError(located(f"Cannot parse the CSV: {one_line(exc)}", file=path,
                                      hint="Check that the file is a CSV export of an event log"))
