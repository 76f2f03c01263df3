"""A generated corpus of bad, hostile and odd inputs: kind × mutation, each with the CLI command to run.

Every case writes its input into an empty folder and names the command line to run on it
(`procmine import`, an analysis command with `--filter`, `extract --check`, `report`, commands
on a damaged dataset folder). The tests run each one and expect exit code 2 with one
`Error:` line naming `named`, no traceback, and the folder exactly as it was before.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

from shared_data import SHARED_DATA as DATA

HEADER = "Sagsnummer,Aktivitet,Tidspunkt,Afdeling"
ROWS = 60
POSITIONS = {"first": 0, "middle": ROWS // 2, "last": ROWS - 1}


@dataclass(frozen=True)
class Case:
    """One hostile input: how to write it, the CLI arguments to run, the name the error must show."""

    id: str
    build: Callable[[Path], list[str]]   # writes into the folder, gives the CLI arguments
    named: str                            # text the one error line must contain (file name or option)
    says: tuple[str, ...] = ()
    heavy: bool = False                   # run in a subprocess with a memory limit (bombs)


def good_rows() -> list[str]:
    return [f"S{i // 6},Trin {i % 6},2024-01-{1 + i // 6:02d} {8 + i % 6:02d}:{i % 60:02d},A{i % 3}"
            for i in range(ROWS)]


def csv_text(replace: dict[int, str] | None = None, header: str = HEADER) -> str:
    rows = good_rows()
    for index, row in (replace or {}).items():
        rows[index] = row
    return header + "\n" + "\n".join(rows) + "\n"


def write(name: str, content: bytes | str | Callable[[], bytes], *extra: str) -> Callable[[Path], list[str]]:
    """Write `content` (or what calling it gives, for big inputs made only when run) and import it."""
    def build(folder: Path) -> list[str]:
        path = folder / name
        data = content() if callable(content) else content
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return ["import", str(path), str(folder / "out"), *extra]
    return build


def import_built(name: str, make: Callable[[Path], None], *extra: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        make(folder / name)
        return ["import", str(folder / name), str(folder / "out"), *extra]
    return build


# --- CSV -------------------------------------------------------------------------------------

BAD_TIMES = {
    "month13": "2024-13-01 10:00", "feb30": "2024-02-30 10:00", "hour25": "2024-01-01 25:00",
    "minute61": "2024-01-01 10:61", "text": "i går", "zeros": "0000-00-00 00:00",
    "dayfirst_month13": "15-13-2024 10:00", "offset_zone_mix": "2024-01-01 10:00+05:00",
}


def csv_cases() -> list[Case]:
    cases = []
    for label, value in BAD_TIMES.items():
        for where, index in POSITIONS.items():
            name = f"time_{label}_{where}.csv"
            cases.append(Case(f"csv-{label}-{where}", write(name, csv_text({index: f"S1,a,{value},A1"})),
                              name, (f"row {index + 2}",)))
    for label, value in {"year1_positive_offset": "0001-01-01 00:10:00+01:00",
                         "year1_local": "0001-01-01 00:10:00",
                         "year9999_negative_offset": "9999-12-31 23:50:00-01:00"}.items():
        rows = "\n".join(f"S{i},a,{value},A" for i in range(3))
        name = f"{label}.csv"
        cases.append(Case(f"csv-{label}", write(name, f"{HEADER}\n{rows}\n"), name, ("outside the years 1 to 9999",)))
    for where, index in POSITIONS.items():
        mixed = csv_text({index: "S1,Afgørelse,2024-01-01 10:00,Børn"}).encode("utf-8")
        cp1252_row = "S1,Høring,2024-01-02 10:00,Ældre".encode("cp1252")
        lines = mixed.split(b"\n")
        lines[(index + 2) % ROWS or 3] = cp1252_row
        name = f"utf8_with_cp1252_row_{where}.csv"
        cases.append(Case(f"csv-mixed-encoding-{where}", write(name, b"\n".join(lines)), name, ("mixes encodings",)))
        ragged = f"ragged_{where}.csv"
        cases.append(Case(f"csv-ragged-{where}", write(ragged, csv_text({index: "S1,a,b,2024-01-01 10:00,A"})),
                          ragged, ("fields",)))
        no_case = f"empty_case_id_{where}.csv"
        cases.append(Case(f"csv-empty-case-{where}", write(no_case, csv_text({index: ",a,2024-01-01 10:00,A"})),
                          no_case, (f"row {index + 2}",)))
        strict = f"strict_empty_activity_{where}.csv"
        cases.append(Case(f"csv-strict-activity-{where}",
                          write(strict, csv_text({index: "S1,,2024-01-01 10:00,A"}), "--strict"),
                          strict, (f"row {index + 2}",)))
    cases += [
        Case("csv-utf16-no-bom", write("utf16.csv", csv_text().encode("utf-16-le")), "utf16.csv"),
        Case("csv-nul-bytes", write("nul.csv", csv_text().replace("Trin 3", "Tr\0in")), "nul.csv"),
        Case("csv-unclosed-quote", write("quote.csv", csv_text({ROWS - 1: 'S9,"a,2024-01-01 10:00,A'})), "quote.csv"),
        Case("csv-header-only", write("header.csv", HEADER + "\n"), "header.csv", ("no rows",)),
        Case("csv-blank-lines", write("blank.csv", "\n" * 5000), "blank.csv"),
        Case("csv-one-column", write("one.csv", "Sag\n1\n2\n"), "one.csv"),
        Case("csv-no-activity-column", write("noact.csv", "Sag,Tid\n1,2024-01-01\n"), "noact.csv", ("--activity",)),
        Case("csv-every-activity-empty", write("allempty.csv", "Sag,Aktivitet,Tidspunkt\n1,,2024-01-01\n2,,2024-01-02\n"),
             "allempty.csv", ("Every event",)),
        Case("csv-every-time-empty", write("notime.csv", "Sag,Aktivitet,Tidspunkt\n1,a,\n2,b,\n"), "notime.csv"),
        Case("csv-duplicate-header", write("dup.csv", csv_text(header="Sag,Sag,Tidspunkt,Afdeling")), "dup.csv"),
        Case("csv-serial-out-of-range", write("serial.csv", "Sag,Aktivitet,Tidspunkt\n1,a,99999999\n"), "serial.csv"),
        Case("csv-gzip-truncated", write("cut.csv.gz", gzip.compress(csv_text().encode() * 50)[:300]), "cut.csv.gz"),
        Case("csv-gzip-not-gzip", write("fake.csv.gz", csv_text()), "fake.csv.gz"),
        Case("csv-zip-inside", write("zip.csv", b"PK\x03\x04" + b"\0" * 100), "zip.csv"),
        Case("csv-binary", write("binary.csv", bytes(range(256)) * 20), "binary.csv"),
        Case("csv-unknown-column-option", write("opt.csv", csv_text(), "--case-id", "Nope"), "opt.csv", ("'Nope'",)),
        Case("csv-gzip-bomb", write("bomb.csv.gz", blank_line_bomb), "bomb.csv.gz", ("gzip bomb",), heavy=True),
    ]
    return cases


def blank_line_bomb(members: int = 40) -> bytes:
    """A .csv.gz of a header and 640 MiB of blank lines: one 16 MiB gzip member, repeated."""
    member = gzip.compress(b"\n" * (16 << 20), 9)
    return gzip.compress((HEADER + "\n").encode()) + member * members


# --- options -------------------------------------------------------------------------------

def option_cases() -> list[Case]:
    good = csv_text()
    cases = [Case(f"tz-{label}", write(f"tz_{label}.csv", good, "--tz", zone), "--tz", ("time zone",))
             for label, zone in {"unknown": "Mars/Olympus", "empty": "", "path": "../../etc/passwd",
                                 "offset_out_of_range": "+25:00", "lowercase_typo": "europe/copenhagn"}.items()]
    cases += [
        Case("format-unknown", write("fmt.csv", good, "--format", "docx"), "docx"),
        Case("sheet-on-missing", write("sheet.xlsx", b"not a workbook"), "sheet.xlsx"),
        Case("source-missing", lambda folder: ["import", str(folder / "missing.csv"), str(folder / "out")],
             "missing.csv"),
        Case("source-is-folder", lambda folder: (folder.joinpath("adir.csv").mkdir(), ["import", str(folder / "adir.csv"),
                                                 str(folder / "out")])[1], "adir.csv"),
        Case("target-is-a-file", _target_is_file, "taken"),
        Case("target-is-a-full-folder", _target_is_full_folder, "full"),
    ]
    return cases


def _target_is_file(folder: Path) -> list[str]:
    (folder / "log.csv").write_text(csv_text(), encoding="utf-8")
    (folder / "taken").write_text("something else", encoding="utf-8")
    return ["import", str(folder / "log.csv"), str(folder / "taken")]


def _target_is_full_folder(folder: Path) -> list[str]:
    (folder / "log.csv").write_text(csv_text(), encoding="utf-8")
    (folder / "full").mkdir()
    (folder / "full" / "notes.txt").write_text("keep me", encoding="utf-8")
    return ["import", str(folder / "log.csv"), str(folder / "full")]


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


# --- XES -------------------------------------------------------------------------------------

def xes(traces: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return f'{prolog}\n<log xes.version="1.0">{traces}</log>\n'


def trace(case: str, *events: str) -> str:
    return f'<trace><string key="concept:name" value="{case}"/>{"".join(events)}</trace>'


def event(activity: str = "A", time: str = "2024-01-01T10:00:00+01:00", extra: str = "") -> str:
    return (f'<event><string key="concept:name" value="{activity}"/>'
            f'<date key="time:timestamp" value="{time}"/>{extra}</event>')


def xes_cases() -> list[Case]:
    example = (DATA / "running-example.xes").read_bytes()
    cases = []
    for share in (5, 20, 40, 60, 80, 95, 99):
        name = f"cut_{share}.xes"
        cases.append(Case(f"xes-truncated-{share}", write(name, example[: len(example) * share // 100]), name))
    for label, value in {"month13": "2024-13-01T10:00:00Z", "text": "yesterday", "hour24": "2024-01-01T24:30:00Z",
                         "year1_positive_offset": "0001-01-01T00:10:00+01:00",
                         "year9999_negative_offset": "9999-12-31T23:50:00-01:00",
                         "empty": ""}.items():
        for where, position in (("first", 0), ("last", 2)):
            events = [event(f"E{i}", "2024-01-01T10:00:00Z") for i in range(3)]
            events[position] = event("X", value)
            name = f"date_{label}_{where}.xes"
            cases.append(Case(f"xes-date-{label}-{where}", write(name, xes(trace("c1", *events))), name))
    for label, attribute in {"int": '<int key="n" value="zwölf"/>', "float": '<float key="x" value="1,5"/>',
                             "boolean": '<boolean key="b" value="maybe"/>'}.items():
        name = f"attr_{label}.xes"
        cases.append(Case(f"xes-bad-{label}", write(name, xes(trace("c1", event(extra=attribute)))), name))
    cases += [
        Case("xes-doctype-entities", write("entities.xes", xes(trace("c1", event("&lol;")),
             '<?xml version="1.0"?><!DOCTYPE log [<!ENTITY lol "lol">]>')), "entities.xes", ("DOCTYPE",)),
        Case("xes-external-entity", write("external.xes", xes(trace("c1", event()),
             '<?xml version="1.0"?><!DOCTYPE log SYSTEM "file:///etc/passwd">')), "external.xes"),
        Case("xes-unknown-encoding", write("enc.xes", xes(trace("c1", event()),
             '<?xml version="1.0" encoding="klingon-8"?>')), "enc.xes"),
        Case("xes-latin1-undeclared", write("latin.xes", xes(trace("Sag æ", event("Høring"))).encode("latin-1")),
             "latin.xes"),
        Case("xes-mismatched-tags", write("tags.xes", xes(trace("c1", event()).replace("</trace>", "</event>"))),
             "tags.xes"),
        Case("xes-duplicate-case", write("dupcase.xes", xes(trace("c1", event()) + trace("c1", event()))), "dupcase.xes"),
        Case("xes-trace-without-name", write("noname.xes", xes(f"<trace>{event()}</trace>")), "noname.xes"),
        Case("xes-no-events", write("noevents.xes", xes(trace("c1"))), "noevents.xes"),
        Case("xes-every-event-unnamed", write("unnamed.xes", xes(trace("c1", '<event><date key="time:timestamp" '
                                                                   'value="2024-01-01T10:00:00Z"/></event>'))),
             "unnamed.xes"),
        Case("xes-strict-missing-name", write("strictname.xes", xes(trace("c1", event(), '<event><date key="time:'
                                              'timestamp" value="2024-01-01T11:00:00Z"/></event>')), "--strict"),
             "strictname.xes", ("Event 2 of trace 1",)),
        Case("xes-not-xml", write("json.xes", '{"log": []}'), "json.xes"),
        Case("xes-gzip-truncated", write("cut.xes.gz", gzip.compress(example)[:500]), "cut.xes.gz"),
        Case("xes-gzip-bomb", write("bomb.xes.gz", xes_whitespace_bomb), "bomb.xes.gz", ("gzip bomb",), heavy=True),
    ]
    return cases


def xes_whitespace_bomb(members: int = 40) -> bytes:
    """A .xes.gz whose log element holds 640 MiB of spaces: one 16 MiB gzip member, repeated."""
    member = gzip.compress(b" " * (16 << 20), 9)
    return gzip.compress(b'<?xml version="1.0"?>\n<log>') + member * members + gzip.compress(b"</log>")


# --- Parquet ---------------------------------------------------------------------------------

def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _events(**columns) -> pa.Table:
    base = {"case_id": pa.array(["1", "1", "2"]), "activity": pa.array(["a", "b", "a"]),
            "timestamp": pa.array([0, 3_600_000_000, 7_200_000_000], pa.timestamp("us", "UTC"))}
    base.update(columns)
    return pa.table({k: v for k, v in base.items() if v is not None})


def parquet_cases() -> list[Case]:
    good = parquet_bytes(_events())
    cases = [Case(f"parquet-truncated-{share}", write(f"pq_cut_{share}.parquet", good[: len(good) * share // 100]),
                  f"pq_cut_{share}.parquet") for share in (10, 50, 90, 99)]
    variants = {
        "time_as_int": _events(timestamp=pa.array([1, 2, 3])),
        "time_as_bool": _events(timestamp=pa.array([True, False, True])),
        "time_as_text": _events(timestamp=pa.array(["2024-01-01", "tomorrow", "2024-01-02"])),
        "time_year_10000": _events(timestamp=pa.array([0, 1, 253_402_300_800_000_000], pa.timestamp("us", "UTC"))),
        "case_as_float_nan": _events(case_id=pa.array([1.5, float("nan"), 2.5])),
        "case_as_list": _events(case_id=pa.array([["1"], ["1"], ["2"]])),
        "case_as_struct": _events(case_id=pa.array([{"a": 1}, {"a": 1}, {"a": 2}])),
        "activity_as_list": _events(activity=pa.array([["a"], ["b"], ["a"]])),
        "case_all_null": _events(case_id=pa.array([None, None, None], pa.string())),
        "no_rows": _events().slice(0, 0),
        "other_columns": pa.table({"x": [1, 2], "y": ["a", "b"]}),
        "no_timestamp_column": _events(timestamp=None),
    }
    cases += [Case(f"parquet-{label}", write(f"{label}.parquet", parquet_bytes(table)), f"{label}.parquet")
              for label, table in variants.items()]
    cases += [Case("parquet-not-parquet", write("text.parquet", b"PAR1" + b"\x00" * 64 + b"PAR1"), "text.parquet")]
    return cases


# --- filter files (analysis commands with --filter) -----------------------------------------

FILTERS = {
    "json-syntax.json": '[{"kind": "endpoints", "start": ["a"]',
    "json-not-list.json": '{"kind": "endpoints"}',
    "json-item-not-object.json": '["endpoints"]',
    "json-unknown-kind.json": '[{"kind": "nope"}]',
    "json-kind-is-list.json": '[{"kind": ["timeframe"]}]',
    "json-unknown-key.json": '[{"kind": "timeframe", "between": ["2024-01-01", null], "colour": 1}]',
    "json-month13.json": '[{"kind": "timeframe", "between": ["2024-13-01", null]}]',
    "json-day32.json": '[{"kind": "timeframe", "between": ["2024-01-32", null]}]',
    "json-year0.json": '[{"kind": "timeframe", "between": ["0000-01-01", null]}]',
    "json-end-before-start.json": '[{"kind": "timeframe", "between": ["2024-02-01", "2024-01-01"]}]',
    "json-infinity.json": '[{"kind": "performance", "between": [Infinity, null]}]',
    "json-overflow-float.json": '[{"kind": "performance", "between": [1e400, null]}]',
    "json-big-int.json": '[{"kind": "performance", "between": [123456789012345678901234567890, null]}]',
    "json-deep.json": "[" * 100_000 + "]" * 100_000,
    "json-wrong-type.json": '[{"kind": "endpoints", "start": 5}]',
    "yaml-syntax.yaml": "- kind: endpoints\n  start: [a\n",
    "yaml-tabs.yaml": "- kind: endpoints\n\tstart: [a]\n",
    "yaml-month13.yaml": "- kind: timeframe\n  between: [2024-13-01, null]\n",
    "yaml-feb30.yaml": "- kind: timeframe\n  between: [2024-02-30, null]\n",
    "yaml-inf.yaml": "- kind: performance\n  between: [.inf, null]\n",
    "yaml-nan.yaml": "- kind: performance\n  between: [.nan, null]\n",
    "yaml-big-int.yaml": "- kind: performance\n  between: [123456789012345678901234567890, null]\n",
    "yaml-python-tag.yaml": "- !!python/object/apply:os.system ['echo hi']\n",
    "yaml-alias-loop.yaml": "- &a [*a]\n",
    "yaml-non-string-key.yaml": "- {1: 2, kind: endpoints}\n",
    "yaml-scalar.yaml": "just text\n",
    "yaml-duplicate-key.yaml": "- kind: endpoints\n  start: [a]\n  start: [b]\n",
    "yaml-unknown-activity.yaml": "- kind: endpoints\n  start: [Ingen sådan aktivitet]\n",
}
ENCODED_FILTERS = {
    "cp1252-byte.yaml": "- kind: endpoints\n  start: [Høring]\n".encode("cp1252"),
    "utf16-without-bom.json": '[{"kind": "endpoints", "start": ["a"]}]'.encode("utf-16-le"),
    "nul-bytes.yaml": b"- kind: endpoints\n  start: [a\x00b]\n",
    "binary.json": bytes(range(256)),
    "too-large.yaml": b"- kind: endpoints\n  start: [" + b"a, " * (1 << 20) + b"a]\n",
}


def alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def filter_cases(dataset: Path) -> list[Case]:
    commands = ("info", "variants", "dfg")
    cases = []
    for number, (name, text) in enumerate([*FILTERS.items(), *ENCODED_FILTERS.items()]):
        command = commands[number % len(commands)]
        for run in (command, "throughput") if number % 4 == 0 else (command,):
            cases.append(Case(f"filter-{run}-{name}", _filter_build(name, text, run, dataset), name))
    cases += [
        Case("filter-missing-file", lambda folder: ["info", str(dataset), "--filter", str(folder / "none.yaml")],
             "none.yaml"),
        Case("filter-is-folder", lambda folder: (folder.joinpath("dir.yaml").mkdir(),
                                                 ["info", str(dataset), "--filter", str(folder / "dir.yaml")])[1],
             "dir.yaml"),
        Case("filter-alias-bomb", _filter_build("bomb.yaml", alias_bomb(), "info", dataset), "bomb.yaml",
             ("alias bomb",), heavy=True),
        Case("filter-second-of-two-bad", _two_filters(dataset), "second.json"),
    ]
    return cases


def _filter_build(name: str, text: str | bytes, command: str, dataset: Path) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return [command, str(dataset), "--filter", str(path)]
    return build


def _two_filters(dataset: Path) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / "first.json").write_text('[{"kind": "rework", "activity": "a"}]', encoding="utf-8")
        (folder / "second.json").write_text('[{"kind": "timeframe", "between": ["2024-13-01", null]}]',
                                            encoding="utf-8")
        return ["info", str(dataset), "--filter", str(folder / "first.json"), "--filter", str(folder / "second.json")]
    return build


# --- connector configs (extract --check) -----------------------------------------------------

GOOD_CONNECTOR = ('url: "sqlite:///{db}"\noutput: out\npseudonymise: false\n'
                  "events:\n  - {{name: e, table: t, case_id: c, activity: a, timestamp: d}}\n")
CONNECTORS = {
    "list.yaml": "- url: sqlite://\n",
    "scalar.yaml": "sqlite://\n",
    "empty.yaml": "",
    "syntax.yaml": "url: [sqlite://\n",
    "unknown-key.yaml": GOOD_CONNECTOR + "colour: blue\n",
    "missing-events.yaml": 'url: "sqlite:///{db}"\noutput: out\npseudonymise: false\n',
    "env-not-set.yaml": 'url: "${PROCMINE_TEST_UNSET_VARIABLE_XYZ}"\noutput: out\npseudonymise: false\n'
                        "events:\n  - {name: e, table: t, case_id: c, activity: a, timestamp: d}\n",
    "alias-loop.yaml": "url: &u [*u]\n",
    "duplicate-key.yaml": GOOD_CONNECTOR + 'url: "sqlite:///other.db"\n',
    "python-tag.yaml": "url: !!python/name:os.system\n",
    "inf.yaml": GOOD_CONNECTOR + "chunk_size: .inf\n",
    "big-int.yaml": GOOD_CONNECTOR + "chunk_size: 123456789012345678901234567890\n",
    "bad-date.yaml": GOOD_CONNECTOR + "since: 2024-13-01\n",
}


def connector_cases() -> list[Case]:
    # connectors/config.py names the unset variable and the key (not the file) for ${...}
    cases = [Case(f"connector-{name}", _connector_build(name, text),
                  "PROCMINE_TEST_UNSET_VARIABLE_XYZ" if name == "env-not-set.yaml" else name)
             for name, text in CONNECTORS.items()]
    cases += [
        Case("connector-cp1252", _connector_build("cp1252.yaml", "output: Høring\n".encode("cp1252")), "cp1252.yaml"),
        Case("connector-utf16-no-bom", _connector_build("utf16.yaml", "url: x\n".encode("utf-16-le")), "utf16.yaml"),
        Case("connector-missing", lambda folder: ["extract", str(folder / "none.yaml"), "--check"], "none.yaml"),
        Case("connector-alias-bomb", _connector_build("bomb.yaml", alias_bomb()), "bomb.yaml", ("alias bomb",),
             heavy=True),
    ]
    return cases


def _connector_build(name: str, text: str | bytes) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        content = text if isinstance(text, bytes) else text.replace("{db}", str(folder / "none.db")).encode()
        (folder / name).write_bytes(content)
        return ["extract", str(folder / name), "--check"]
    return build


# --- report configs and deadline rules -------------------------------------------------------

def report_cases(dataset: Path) -> list[Case]:
    texts = {
        "report-list.yaml": "- dataset: x\n",
        "report-syntax.yaml": "reports: [\n",
        "report-unknown-key.yaml": f"reports:\n  - {{dataset: {dataset}, output: r.html, colour: 1}}\n",
        "report-month13.yaml": f"reports:\n  - {{dataset: {dataset}, output: r.html, from: 2024-13-01}}\n",
        "report-alias-loop.yaml": "reports: &r [*r]\n",
        "report-bomb.yaml": alias_bomb() + "reports: [*a9]\n",
    }
    cases = [Case(name.removesuffix(".yaml"), _report_build(name, text), name) for name, text in texts.items()]
    deadline_texts = {"deadlines-list.yaml": "- 1\n", "deadlines-syntax.yaml": "rules: [\n",
                      "deadlines-bomb.yaml": alias_bomb() + "rules: *a9\n",
                      "deadlines-cp1252.yaml": "rules: [Høring]\n".encode("cp1252")}
    cases += [Case(name.removesuffix(".yaml"), _deadline_build(name, text, dataset), name)
              for name, text in deadline_texts.items()]
    cases += [Case("report-from-month13", lambda folder: ["report", str(dataset), "-o", str(folder / "r.html"),
                                                          "--from", "2024-13-01"], "2024-13-01"),
              Case("report-bad-lang", lambda folder: ["report", str(dataset), "-o", str(folder / "r.html"),
                                                      "--lang", "klingon"], "klingon")]
    return cases


def _report_build(name: str, text: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / name).write_text(text.replace("r.html", str(folder / "r.html")), encoding="utf-8")
        return ["report", "--config", str(folder / name)]
    return build


def _deadline_build(name: str, text: str | bytes, dataset: Path) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return ["deadlines", str(dataset), "--rules", str(folder / name)]
    return build


# --- damaged dataset folders -----------------------------------------------------------------

def _meta_edit(change: Callable[[dict], object]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        meta = json.loads((folder / "procmine.json").read_text(encoding="utf-8"))
        (folder / "procmine.json").write_text(json.dumps(change(meta)), encoding="utf-8")
    return edit


def _write_file(name: str, content: bytes | str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())


def _replace_events(table_of: Callable[[pa.Table], pa.Table]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        events = pq.read_table(folder / "events.parquet")
        pq.write_table(table_of(events), folder / "events.parquet")
    return edit


def _truncate(name: str, share: int) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) * share // 100])
    return edit


DATASET_DAMAGE: dict[str, Callable[[Path], None]] = {
    "meta-is-list": _write_file("procmine.json", "[1, 2]"),
    "meta-is-string": _write_file("procmine.json", '"dataset"'),
    "meta-invalid-json": _write_file("procmine.json", '{"schema_version": '),
    "meta-empty": _write_file("procmine.json", ""),
    "meta-cp1252": _write_file("procmine.json", '{"name": "Høring"}'.encode("cp1252")),
    "meta-deep": _write_file("procmine.json", "[" * 100_000 + "]" * 100_000),
    "meta-nan-version": _write_file("procmine.json", '{"schema_version": NaN}'),
    "meta-version-text": _meta_edit(lambda m: {**m, "schema_version": "1"}),
    "meta-version-missing": _meta_edit(lambda m: {k: v for k, v in m.items() if k != "schema_version"}),
    "meta-timezone-unknown": _meta_edit(lambda m: {**m, "timezone": "Mars/Olympus"}),
    "meta-timezone-number": _meta_edit(lambda m: {**m, "timezone": 5}),
    "meta-source-list": _meta_edit(lambda m: {**m, "source": [1]}),
    "meta-notes-number": _meta_edit(lambda m: {**m, "notes": 5}),
    "meta-created-garbage": _meta_edit(lambda m: {**m, "created_at": "yesterday"}),
    "meta-missing": lambda folder: (folder / "procmine.json").unlink(),
    "events-missing": lambda folder: (folder / "events.parquet").unlink(),
    "events-truncated-50": _truncate("events.parquet", 50),
    "events-truncated-95": _truncate("events.parquet", 95),
    "events-not-parquet": _write_file("events.parquet", "case_id,activity\n1,a\n"),
    "events-other-columns": _replace_events(lambda t: pa.table({"x": pa.array(range(t.num_rows))})),
    "events-no-timestamp": _replace_events(lambda t: t.drop_columns(["timestamp"])),
    "events-timestamp-text": _replace_events(lambda t: t.set_column(
        t.column_names.index("timestamp"), "timestamp", t.column("timestamp").cast(pa.string()))),
    "events-case-float": _replace_events(lambda t: t.set_column(
        t.column_names.index("case_id"), "case_id", pa.array([0.5] * t.num_rows))),
    "events-activity-null": _replace_events(lambda t: t.set_column(
        t.column_names.index("activity"), "activity", pa.nulls(t.num_rows, pa.string()))),
    "events-zero-rows": _replace_events(lambda t: t.slice(0, 0)),
    "events-index-text": _replace_events(lambda t: t.set_column(
        t.column_names.index("case_index"), "case_index", pa.array(["x"] * t.num_rows))),
    "events-index-out-of-range": _replace_events(lambda t: t.set_column(
        t.column_names.index("case_index"), "case_index", pa.array([10**6] * t.num_rows, pa.int32()))),
    "events-unsorted": _replace_events(lambda t: t.take(pa.array(list(range(t.num_rows))[::-1]))),
    "cases-truncated": _truncate("cases.parquet", 50),
    "cases-no-case-id": lambda folder: pq.write_table(pa.table({"x": [1]}), folder / "cases.parquet"),
    "events-folder-broken-part": lambda folder: ((folder / "events.parquet").unlink(),
                                                 (folder / "events").mkdir(),
                                                 (folder / "events" / "part-0.parquet").write_bytes(b"PAR1junk")),
}


def dataset_cases(template: Path) -> list[Case]:
    cases = []
    commands = (("info",), ("variants",), ("dfg",), ("export", "{out}"))
    for number, (label, damage) in enumerate(DATASET_DAMAGE.items()):
        command = commands[number % len(commands)]
        cases.append(Case(f"dataset-{label}-{command[0]}", _dataset_build(template, damage, command), "ds"))
    return cases


def _dataset_build(template: Path, damage: Callable[[Path], None], command: tuple[str, ...]):
    def build(folder: Path) -> list[str]:
        shutil.copytree(template, folder / "ds")
        damage(folder / "ds")
        return [command[0], str(folder / "ds"), *(a.replace("{out}", str(folder / "out.csv")) for a in command[1:])]
    return build


def all_cases(dataset: Path, template: Path) -> list[Case]:
    """Every case; `dataset` is a good dataset for filter and report cases, `template` one to damage."""
    return (csv_cases() + option_cases() + excel_cases() + xes_cases() + parquet_cases()
            + filter_cases(dataset) + connector_cases() + report_cases(dataset) + dataset_cases(template))
