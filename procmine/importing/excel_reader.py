"""Excel (.xlsx) event logs: the first sheet or a named one, header in row 1, same mapping as CSV.

Date cells arrive as date-times; numbers in a time column are read as Excel
serial numbers. Header cells must be filled and unique; merged header cells
leave all but their first cell empty and are reported as such.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from procmine.errors import LogValidationError, located, one_line
from procmine.importing.frames import raw_log_from_table
from procmine.importing.options import ImportOptions, RawLog

EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - openpyxl gives naive cell datetimes; serials must match them
MAX_INFLATION = 200
MIN_INFLATED_CAP = 64 << 20
_Row = TypeVar("_Row", tuple, list)  # a sheet's rows: tuples from openpyxl, lists in a preview


def read_excel_log(path: Path, options: ImportOptions = ImportOptions()) -> RawLog:
    """Read one sheet of an .xlsx workbook into canonical events and case attributes."""
    path = Path(path)
    _check_inflated_size(path)
    workbook = _open_workbook(path)
    try:
        sheet = _choose_sheet(workbook, options.sheet, path)
        # The cells present, not the sheet's claimed dimension: a 7 KB file may claim XFD1048576.
        sheet.reset_dimensions()
        rows = _read_rows(sheet, path)
    finally:
        workbook.close()
    where = f"sheet {sheet.title!r}"
    rows = _trim(rows)
    if not rows:
        raise LogValidationError(located(f"The {where} is empty", file=path,
                                         hint="Put a header row and the events on it, or pass --sheet"))
    widest = max(len(row) for row in rows)   # a value right of the header needs a header cell too
    header = _header(list(rows[0]) + [None] * (widest - len(rows[0])), path, where)
    width = len(header)
    columns = {name: _column([row[i] if i < len(row) else None for row in rows[1:]])
               for i, name in enumerate(header)}
    table = pa.table(columns) if rows[1:] else pa.table({n: pa.array([], pa.string()) for n in header})
    if table.num_columns != width:  # cannot happen after _header, kept as a guard for dict collapse
        raise LogValidationError(located(f"Repeated column names in {where}", file=path))
    raw = raw_log_from_table(table, options, origin=str(path), first_row=2, where=where, sheet=sheet.title)
    raw.source_info["sheet"] = sheet.title
    return raw


def _read_rows(sheet, path: Path) -> list[tuple]:
    """The sheet's rows of values; a damaged sheet part (a cell openpyxl cannot read) is an error."""
    try:
        return list(sheet.iter_rows(values_only=True))
    except (ValueError, TypeError, OverflowError, KeyError, zipfile.BadZipFile, EOFError, SyntaxError,
            zlib.error, OSError, NotImplementedError, RuntimeError) as exc:
        # SyntaxError covers the XML parser's ParseError
        raise LogValidationError(located(
            f"The sheet {sheet.title!r} cannot be read: {type(exc).__name__}: {one_line(exc)}", file=path,
            hint="Open the workbook in Excel and save it again, or export the log as CSV")) from None


def _check_inflated_size(path: Path) -> None:
    """Refuse a workbook whose parts inflate past max(200 × its size, 64 MiB): a zip bomb."""
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        return  # _open_workbook says what is wrong with the file
    cap = max(MAX_INFLATION * path.stat().st_size, MIN_INFLATED_CAP)
    if inflated > cap:
        raise LogValidationError(located(
            f"The workbook's parts inflate to {inflated:,} bytes, more than {MAX_INFLATION} times its "
            "size; this looks like a zip bomb and is refused", file=path,
            hint="Open it in Excel and save it again, or export the log as CSV"))


def _open_workbook(path: Path):
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, zlib.error, EOFError,
            SyntaxError, NotImplementedError, RuntimeError) as exc:
        raise LogValidationError(located(
            f"Cannot open the file as an Excel workbook: {one_line(exc)}", file=path,
            hint="Save it from Excel as .xlsx (an old .xls must be saved again as .xlsx)")) from exc


def _choose_sheet(workbook, name: str | None, path: Path):
    if name is None:
        return workbook.worksheets[0]
    if name in workbook.sheetnames:
        return workbook[name]
    raise LogValidationError(located(
        f"The workbook has no sheet {name!r}; its sheets are "
        f"{', '.join(repr(n) for n in workbook.sheetnames)}", file=path,
        hint="Pass one of those names with --sheet"))


def _trim(rows: list[_Row]) -> list[_Row]:
    """Drop empty rows at the end and empty columns at the right: formatting leaves them behind.

    One pass that looks only at rows longer than the width found so far, so a sheet of a
    million empty rows (gaps between far-apart cells) is trimmed in well under a second.
    """
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    width = 0
    for row in rows:
        if len(row) > width:
            width = max(width, next((i + 1 for i in range(len(row) - 1, -1, -1) if not _blank(row[i])), 0))
    return [row[:width] if len(row) > width else row for row in rows]


def _header(cells: list, path: Path, where: str) -> list[str]:
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        column = f"{position} ({get_column_letter(position)})"
        name = "" if cell is None else str(cell).strip()
        if not name:
            raise LogValidationError(located(
                f"Column {column} in {where} has an empty header cell", file=path, row=1,
                hint="Give every column a name in row 1; merged header cells leave all but the "
                     "first cell empty, so unmerge them"))
        if name.casefold() in (n.casefold() for n in names):
            first = [n.casefold() for n in names].index(name.casefold()) + 1
            raise LogValidationError(located(
                f"Columns {first} ({get_column_letter(first)}) and {column} in {where} have the "
                f"same name {name!r}", file=path, row=1,
                hint="Rename one of them so every column name is unique"))
        names.append(name)
    return names


def _column(values: list) -> pa.Array:
    """Cells as one typed Arrow array: dates mixed with numbers read the numbers as Excel serials,
    any other mix of kinds of value is read as text."""
    values = [None if _blank(v) else v for v in values]
    kinds = {_kind(v) for v in values if v is not None}
    if kinds == {"time", "number"}:
        values = [EXCEL_EPOCH + dt.timedelta(days=v) if _kind(v) == "number" else v for v in values]
    elif len(kinds) > 1 or kinds == {"clock"}:
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())
    return pa.array(values)


def _kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (dt.datetime, dt.date)):
        return "time"
    if isinstance(value, dt.time):
        return "clock"
    return "text"


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
