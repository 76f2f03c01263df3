"""A generated corpus of bad, hostile and odd inputs: kind × mutation, each with the CLI command to run.

Every case writes its input into an empty folder and names the command line to run on it
(`procmine import`, an analysis command with `--filter`, `extract --check`, `report`, commands
on a damaged dataset folder). The tests run each one and expect exit code 2 with one
`Error:` line naming `named`, no traceback, and the folder exactly as it was before.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hostile_base import HEADER, POSITIONS, ROWS, Case, csv_text, write
from hostile_configs import alias_bomb, connector_cases, dataset_cases, filter_cases, report_cases
from hostile_excel import _excel_rows, _far_rows, excel_cases, excel_zip_bomb, workbook_bytes
from shared_data import SHARED_DATA as DATA

__all__ = [
    "Case",
    "_events",
    "_excel_rows",
    "_far_rows",
    "alias_bomb",
    "all_cases",
    "blank_line_bomb",
    "csv_text",
    "excel_zip_bomb",
    "parquet_bytes",
    "workbook_bytes",
    "xes_whitespace_bomb",
]


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
    return cases + _csv_row_cases() + _csv_file_cases()


def _csv_row_cases() -> list[Case]:
    """One bad row, at the first, middle and last position."""
    cases = []
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
    return cases


def _csv_file_cases() -> list[Case]:
    """Whole files that are wrong: encodings, structure, compression."""
    return [
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
    return cases + _xes_file_cases(example)


def _xes_file_cases(example: bytes) -> list[Case]:
    """Attributes of the wrong type, forbidden prologs, broken structure, compression."""
    cases = []
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


def all_cases(dataset: Path, template: Path) -> list[Case]:
    """Every case; `dataset` is a good dataset for filter and report cases, `template` one to damage."""
    return (csv_cases() + option_cases() + excel_cases() + xes_cases() + parquet_cases()
            + filter_cases(dataset) + connector_cases() + report_cases(dataset) + dataset_cases(template))
