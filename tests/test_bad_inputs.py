"""Malformed CSV, Excel and Parquet logs: each ends in a ProcmineError that says where, never a crash.

Every case also runs through the CLI: exit code 2, no traceback, no output folder
left behind, and an existing dataset at the target keeps its bytes.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from shared_data import SHARED_DATA as DATA
from typer.testing import CliRunner

from procmine.cli import app
from procmine.errors import ProcmineError
from procmine.importing import import_log
from procmine.importing.options import ImportOptions

HEADER = "Sagsnummer,Aktivitet,Tidspunkt\n"


@dataclass(frozen=True)
class BadInput:
    """A malformed file, how to import it, and what the error message must say."""

    name: str
    build: Callable[[Path], None]
    says: tuple[str, ...]
    options: dict | None = None


def text(content: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode(encoding))


def rows(n: int, bad_at: int | None = None, bad: str = "") -> str:
    """n data rows of a valid log; data row `bad_at` (file row bad_at + 1) is replaced by `bad`."""
    lines = [f"S{i // 5},Trin {i % 5},2024-01-{1 + i % 28:02d} 10:{i % 60:02d}" for i in range(n)]
    if bad_at is not None:
        lines[bad_at - 1] = bad
    return HEADER + "\n".join(lines) + "\n"


def workbook(*sheet_rows: list, merge: str | None = None, title: str = "Ark1") -> Callable[[Path], None]:
    def build(path: Path) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = title
        for row in sheet_rows:
            sheet.append(row)
        if merge:
            sheet.merge_cells(merge)
        book.save(path)
    return build


def parquet(table: pa.Table) -> Callable[[Path], None]:
    return lambda path: pq.write_table(table, path)


def truncated_parquet(path: Path) -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"case_id": ["1"] * 100, "activity": ["a"] * 100,
                             "timestamp": ["2024-01-01"] * 100}), buffer)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])


def gzip_bytes(content: str) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(gzip.compress(content.encode()))


def zip_bytes(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("log.csv", rows(3))


def truncated_gzip(path: Path) -> None:
    path.write_bytes(gzip.compress(rows(2000).encode())[:500])


GOOD_ROW = ["S1", "Modtaget", "2024-01-01 10:00"]
CASES = [
    BadInput("empty.csv", text(""), ("empty",)),
    BadInput("blank.csv", text("\n  \n\n"), ("no text",)),
    BadInput("header_only.csv", text(HEADER), ("no rows",)),
    BadInput("no_case_column.csv", text("Aktivitet,Tidspunkt\na,2024-01-01\n"), ("case id", "--case-id")),
    BadInput("bad_time_row_5000.csv", text(rows(6000, 4999, "S9,Trin,2024-13-45 10:00")),
             ("row 5000", "'Tidspunkt'", "2024-13-45")),
    BadInput("mixed_zones.csv", text(HEADER + "1,a,2024-01-01 10:00+01:00\n1,b,2024-01-02 10:00Z\n"),
             ("mixes time zones", "row 3", "'Tidspunkt'")),
    BadInput("offset_and_naive.csv", text(HEADER + "1,a,2024-01-01 10:00+01:00\n1,b,2024-01-02 10:00\n"),
             ("without one", "row 3")),
    BadInput("duplicate_columns.csv", text("Sag,Aktivitet,Aktivitet,Tidspunkt\n1,a,b,2024-01-01\n"),
             ("same name", "'Aktivitet'", "2 and 3")),
    BadInput("empty_header_cell.csv", text("Sag,,Aktivitet,Tidspunkt\n1,x,a,2024-01-01\n"),
             ("Column 2", "empty header")),
    BadInput("wrong_delimiter.csv", text("Sag:Aktivitet:Tidspunkt\n1:a:2024-01-01\n"), ("single column",)),
    BadInput("binary.csv", lambda p: p.write_bytes(bytes(range(256)) * 40), ("binary",)),
    BadInput("gzip_inside.csv", gzip_bytes(rows(3)), ("gzip",)),
    BadInput("zip_inside.csv", zip_bytes, ("zip",)),
    BadInput("truncated.csv.gz", truncated_gzip, ("compressed",)),
    BadInput("null_activity_row_7.csv", text(rows(10, 6, "S1,,2024-01-03 10:00")),
             ("row 7", "'Aktivitet'", "activity is empty"), {"strict": True}),
    BadInput("null_case_row_4.csv", text(rows(10, 3, ",a,2024-01-03 10:00")), ("row 4", "'Sagsnummer'")),
    BadInput("ragged_row.csv", text(rows(10, 5, "S1,a,b,2024-01-03 10:00")), ("row 6", "4 fields")),
    BadInput("impossible_date.csv", text(rows(10, 8, "S1,a,30-02-2024 10:00").replace(
        "2024-01-", "01-").replace(" 10:", "-2024 10:")), ("row 9", "30-02-2024")),
    BadInput("unknown_case_column.csv", text(rows(3)), ("'Nope'", "--case-id", "'Sagsnummer'"),
             {"case_id": "Nope"}),
    BadInput("not_a_log.json", text("{}"), ("format",)),
    BadInput("merged_header.xlsx", workbook(["Sag", None, "Tidspunkt"], ["1", "a", "2024-01-01"],
                                            merge="A1:B1"), ("sheet 'Ark1'", "Column 2 (B)", "merged")),
    BadInput("no_rows.xlsx", workbook(["Sag", "Aktivitet", "Tidspunkt"]), ("no rows", "sheet 'Ark1'")),
    BadInput("empty_sheet.xlsx", workbook(), ("sheet 'Ark1'", "empty")),
    BadInput("duplicate.xlsx", workbook(["Sag", "Sag", "Tidspunkt"], GOOD_ROW), ("same name", "(B)")),
    BadInput("not_a_zip.xlsx", text("Sag;Aktivitet\n1;a\n"), ("Excel workbook",)),
    BadInput("unknown_sheet.xlsx", workbook(["Sag", "Aktivitet", "Tidspunkt"], GOOD_ROW),
             ("'Nope'", "'Ark1'", "--sheet"), {"sheet": "Nope"}),
    BadInput("bad_time_cell.xlsx", workbook(["Sag", "Aktivitet", "Tidspunkt"], GOOD_ROW, GOOD_ROW,
                                            ["S1", "b", "i går"]), ("row 4", "'Tidspunkt'", "i går")),
    BadInput("string_time.parquet", parquet(pa.table({
        "case:concept:name": ["1", "1", "2"], "concept:name": ["a", "b", "a"],
        "time:timestamp": ["2024-01-01 10:00", "i morgen", "2024-01-02 10:00"]})),
        ("row 2", "'time:timestamp'", "i morgen")),
    BadInput("numeric_time.parquet", parquet(pa.table({
        "case_id": ["1"], "activity": ["a"], "timestamp": [3.5]})), ("'timestamp'", "double")),
    BadInput("truncated.parquet", truncated_parquet, ("Parquet",)),
]


@pytest.fixture(scope="module")
def existing(tmp_path_factory) -> Path:
    """A dataset already at the target of every failing import."""
    folder = tmp_path_factory.mktemp("existing")
    import_log(DATA / "running-example.csv", folder / "dataset")
    return folder / "dataset"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cli_args(case: BadInput) -> list[str]:
    flags = {"case_id": "--case-id", "sheet": "--sheet", "strict": "--strict"}
    return [arg for key, value in (case.options or {}).items()
            for arg in ((flags[key],) if value is True else (flags[key], value))]


def test_corpus_is_large_enough():
    assert len(CASES) >= 20 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_a_located_procmine_error(case, tmp_path, existing):
    source = tmp_path / case.name
    case.build(source)
    before = snapshot(existing)
    with pytest.raises(ProcmineError) as caught:
        import_log(source, existing, ImportOptions(**(case.options or {})))
    message = str(caught.value)
    assert case.name in message
    for fragment in case.says:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert snapshot(existing) == before
    assert not [p for p in existing.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_through_the_cli(case, tmp_path, existing):
    source = tmp_path / case.name
    case.build(source)
    runner = CliRunner()
    fresh = tmp_path / "out"
    result = runner.invoke(app, ["import", str(source), str(fresh), *cli_args(case)])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, output
    assert "Traceback" not in output and case.name in output
    assert not fresh.exists()
    assert [p.name for p in tmp_path.iterdir()] == [case.name]
    before = snapshot(existing)
    result = runner.invoke(app, ["import", str(source), str(existing), *cli_args(case)])
    assert result.exit_code == 2 and snapshot(existing) == before


def test_a_good_file_still_imports_over_the_existing_dataset(tmp_path):
    target = tmp_path / "ds"
    shutil.copytree(DATA.parent / "data", tmp_path / "data", ignore=lambda *_: [
        n for n in os.listdir(DATA) if n != "running-example.csv"])
    import_log(tmp_path / "data" / "running-example.csv", target)
    result = CliRunner().invoke(app, ["import", str(tmp_path / "data" / "running-example.csv"), str(target)])
    assert result.exit_code == 0, result.output
