"""Hostile Excel workbooks: bad cells, damaged parts, merged headers, dimension and zip bombs."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable

import openpyxl
from hostile_base import POSITIONS, Case, csv_text, write

# --- Excel -----------------------------------------------------------------------------------

def workbook_bytes(rows: list[list], edit: Callable[[bytes], bytes] | None = None) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if edit is None:
        return buffer.getvalue()
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, edit(data) if item.filename.endswith("sheet1.xml") else data)
    return out.getvalue()


def _excel_rows(bad: dict[int, list] | None = None) -> list[list]:
    rows = [["Sag", "Aktivitet", "Tidspunkt"]] + [[f"S{i // 4}", f"a{i % 4}", f"2024-01-{1 + i % 28:02d} 10:00"]
                                                   for i in range(40)]
    for index, row in (bad or {}).items():
        rows[index + 1] = row
    return rows


def _far_rows(data: bytes) -> bytes:
    data = data.replace(b'<dimension ref="A1:C41"/>', b'<dimension ref="A1:XFD1048576"/>')
    return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
                        b"</c></row></sheetData>")


def excel_zip_bomb(inflated_mib: int = 320) -> bytes:
    """An .xlsx whose sheet part inflates to `inflated_mib` MiB of spaces, written while streaming."""
    good = zipfile.ZipFile(io.BytesIO(workbook_bytes(_excel_rows())))
    out, block = io.BytesIO(), b" " * (1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in good.infolist():
            data = good.read(item.filename)
            if not item.filename.endswith("sheet1.xml"):
                target.writestr(item.filename, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with target.open(item.filename, "w", force_zip64=True) as part:
                part.write(head + b"<sheetData>")
                for _ in range(inflated_mib):
                    part.write(block)
                part.write(tail)
    return out.getvalue()


def excel_cases() -> list[Case]:
    cases = []
    for label, value in {"text": "i morgen", "month13": "2024-13-01", "bool": True, "negative": -5,
                         "huge_serial": 1e12}.items():
        for where, index in POSITIONS.items():
            index = min(index, 39)
            name = f"xl_{label}_{where}.xlsx"
            cases.append(Case(f"xlsx-{label}-{where}",
                              write(name, workbook_bytes(_excel_rows({index: ["S1", "a", value]}))), name))
    good = workbook_bytes(_excel_rows())
    for share in (10, 50, 90):
        name = f"xl_cut_{share}.xlsx"
        cases.append(Case(f"xlsx-truncated-{share}", write(name, good[: len(good) * share // 100]), name))
    cases += [
        Case("xlsx-dimension-bomb", write("dimension.xlsx", workbook_bytes(_excel_rows(), _far_rows)),
             "dimension.xlsx", heavy=True),
        Case("xlsx-zip-bomb", write("zipbomb.xlsx", excel_zip_bomb), "zipbomb.xlsx", ("zip bomb",), heavy=True),
        Case("xlsx-merged-header", write("merged.xlsx", workbook_bytes([["Sag", None, "Tid"], ["1", "a", "2024-01-01"]])),
             "merged.xlsx"),
        Case("xlsx-value-right-of-header", write("right.xlsx", workbook_bytes(
            [["Sag", "Aktivitet", "Tidspunkt"], ["1", "a", "2024-01-01", "stray"]])), "right.xlsx", ("(D)",)),
        Case("xlsx-empty", write("empty.xlsx", workbook_bytes([])), "empty.xlsx"),
        Case("xlsx-unknown-sheet", write("nosheet.xlsx", good, "--sheet", "Ark9"), "nosheet.xlsx", ("'Ark9'",)),
        Case("xlsx-not-a-zip", write("text.xlsx", csv_text()), "text.xlsx"),
        Case("xlsx-zip-without-workbook", write("other.xlsx", _zip_of({"hello.txt": b"hi"})), "other.xlsx"),
    ]
    for label, edit in CELL_EDITS.items():
        name = f"xl_cell_{label}.xlsx"
        cases.append(Case(f"xlsx-cell-{label}", write(name, lambda edit=edit: workbook_bytes(_dated_rows(), edit)), name))
    return cases


def _dated_rows() -> list[list]:
    return [["Sag", "Aktivitet", "Tidspunkt"]] + [[f"S{i}", "a", dt.datetime(2024, 1, 1 + i, 10)] for i in range(5)]


def _cell(reference: str, replacement: bytes) -> Callable[[bytes], bytes]:
    """Replace the value of one cell of the sheet's XML."""
    pattern = re.compile(rb'(<c r="' + reference.encode() + rb'"[^>]*>)<v>[^<]*</v>')
    return lambda data: pattern.sub(lambda m: m.group(1) + replacement, data, count=1)


CELL_EDITS = {
    "number-not-a-number": _cell("C3", b"<v>abc</v>"),
    "date-beyond-9999": _cell("C2", b"<v>99999999</v>"),
    "date-infinite": _cell("C4", b"<v>1e400</v>"),
    "date-negative": _cell("C5", b"<v>-700000</v>"),
    "broken-xml": lambda data: data[: len(data) // 2],
    "error-cell": lambda data: re.sub(rb'<c r="C3"[^>]*><v>[^<]*</v></c>', b'<c r="C3" t="e"><v>#DIV/0!</v></c>', data),
}


def _zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()
