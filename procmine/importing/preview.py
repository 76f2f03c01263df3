"""A first look at a CSV or Excel log before importing it: columns, first rows, guessed mapping.

The app's mapping step shows this and lets the user change the guessed columns;
the file is read exactly as the importer reads it (same encoding, delimiter and sheet rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from procmine import schema as s
from procmine.errors import LogValidationError, located
from procmine.importing import csv_reader, excel_reader
from procmine.importing.mapping import CANDIDATES, _find_known

ROLES = (s.CASE_ID, s.ACTIVITY, s.TIMESTAMP, s.START_TIMESTAMP, s.RESOURCE)


@dataclass(frozen=True)
class LogPreview:
    """Header, first rows (as text) and the column guessed for each role (None when no guess)."""

    columns: tuple[str, ...]
    rows: pa.Table
    guessed: dict[str, str | None]
    sheets: tuple[str, ...] = ()
    sheet: str | None = None


def preview_log(path: str | Path, kind: str, rows: int = 20, sheet: str | None = None) -> LogPreview:
    """The preview of a CSV (`kind="csv"`) or Excel (`kind="xlsx"`) log file."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise LogValidationError(f"{path.name} is empty (0 bytes). Export the log again.")
    if kind == "csv":
        header, records = _csv_head(path, rows)
        return _preview(header, records)
    if kind == "xlsx":
        return _excel_head(path, rows, sheet)
    raise LogValidationError(f"{path.name}: a column preview exists for CSV and Excel files, not {kind!r}.")


def guess_roles(columns: list[str]) -> dict[str, str | None]:
    """The column the importer would take for each role, by its known header names."""
    guessed: dict[str, str | None] = {}
    for role in CANDIDATES:
        guessed[role] = _find_known(columns, role, taken=set(filter(None, guessed.values())))
    if guessed[s.TIMESTAMP] is None and guessed[s.START_TIMESTAMP] is not None:
        guessed[s.TIMESTAMP], guessed[s.START_TIMESTAMP] = guessed[s.START_TIMESTAMP], None
    return {role: guessed[role] for role in ROLES}


def _csv_head(path: Path, rows: int) -> tuple[list[str], list[list[str]]]:
    compressed = path.name.lower().endswith(".gz")
    sample = csv_reader._read_sample(path, compressed)
    csv_reader._reject_non_text(sample, path, compressed)
    encoding = csv_reader._detect_encoding(path, sample, compressed)
    text = sample.decode(encoding, errors="ignore").lstrip("\ufeff")
    delimiter, header, _ = csv_reader._sniff(text, path)
    complete = text[: text.rfind("\n") + 1] if "\n" in text else text
    records = csv_reader._records(complete, delimiter, limit=rows + 1)[1:]
    return header, records


def _excel_head(path: Path, rows: int, sheet: str | None) -> LogPreview:
    workbook = excel_reader._open_workbook(path)
    try:
        chosen = excel_reader._choose_sheet(workbook, sheet, path)
        head = [list(row) for row in chosen.iter_rows(values_only=True, max_row=rows + 1)]
        names = tuple(workbook.sheetnames)
    finally:
        workbook.close()
    head = excel_reader._trim(head)
    if not head:
        raise LogValidationError(located(f"The sheet {chosen.title!r} is empty", file=path,
                                         hint="Put a header row and the events on it, or choose another sheet"))
    header = excel_reader._header(head[0], path, f"sheet {chosen.title!r}")
    records = [["" if value is None else str(value) for value in row] for row in head[1:]]
    preview = _preview(header, records)
    return LogPreview(preview.columns, preview.rows, preview.guessed, names, chosen.title)


def _preview(header: list[str], records: list[list[str]]) -> LogPreview:
    width = len(header)
    padded = [(record + [""] * width)[:width] for record in records]
    table = pa.table({name: pa.array([row[i] for row in padded], pa.string())
                      for i, name in enumerate(header)})
    return LogPreview(tuple(header), table, guess_roles(list(header)))
