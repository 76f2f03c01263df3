"""Excel import: first or named sheet, date cells and serial numbers, Danish headers, case attributes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pyarrow as pa

from procmine.importing import import_log, read_log
from procmine.importing.options import ImportOptions

UTC = dt.UTC


def book(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


ROWS = [["Sagsnummer", "Aktivitet", "Tidspunkt", "Sagsbehandler", "Afdeling", "Beløb"],
        ["S-1", "Ansøgning modtaget", dt.datetime(2024, 3, 1, 9, 0), "Åse", "Byg", 10.5],
        ["S-1", "Afgørelse", 45400.5, "Øjvind", "Byg", 3],
        [2, "Ansøgning modtaget", dt.datetime(2024, 3, 2, 9, 0), None, "Miljø", 1]]


def test_first_sheet_with_dates_serials_and_case_attributes(tmp_path):
    raw = read_log(book(tmp_path / "log.xlsx", {"Ark1": ROWS, "Andet": [["x"]]}))
    events = raw.events
    assert events.column("case_id").to_pylist() == ["S-1", "S-1", "2"]
    assert events.column("timestamp").to_pylist() == [
        dt.datetime(2024, 3, 1, 8, tzinfo=UTC), dt.datetime(2024, 4, 18, 10, tzinfo=UTC),
        dt.datetime(2024, 3, 2, 8, tzinfo=UTC)]
    assert events.column("resource").to_pylist() == ["Åse", "Øjvind", None]
    assert events.column("Beløb").type == pa.float64()
    assert raw.cases.column("Afdeling").to_pylist() == ["Byg", "Miljø"]
    assert raw.source_info["sheet"] == "Ark1"


def test_named_sheet_and_explicit_columns(tmp_path):
    other = [["Sag", "Trin", "Hvornår"], ["A", "Start", "01-05-2024 08:00"], ["A", "Slut", "20-05-2024 08:00"]]
    path = book(tmp_path / "log.xlsx", {"Ark1": ROWS, "Trin": other})
    raw = read_log(path, ImportOptions(sheet="Trin", case_id="Sag", activity="Trin", timestamp="Hvornår"))
    assert raw.events.column("activity").to_pylist() == ["Start", "Slut"]
    assert raw.events.column("timestamp")[1].as_py() == dt.datetime(2024, 5, 20, 6, tzinfo=UTC)


def test_trailing_empty_rows_and_columns_are_ignored(tmp_path):
    rows = [row + [None, None] for row in ROWS] + [[None] * 8, [None] * 8]
    dataset = import_log(book(tmp_path / "log.xlsx", {"Ark1": rows}), tmp_path / "ds")
    assert (dataset.meta.cases, dataset.meta.events) == (2, 3)
