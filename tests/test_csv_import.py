"""CSV import: sniffing, encodings, mapping detection, timestamp formats, typing, case attributes."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from shared_data import SHARED_DATA as DATA

import procmine
from procmine import schema as s
from procmine.errors import LogValidationError
from procmine.importing import import_log, read_log
from procmine.importing.mapping import detect_mapping
from procmine.importing.options import ImportOptions

UTC = dt.UTC


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def utc(*parts) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


def test_running_example_gives_6_cases_42_events(tmp_path):
    dataset = import_log(DATA / "running-example.csv", tmp_path / "ds")
    assert (dataset.meta.cases, dataset.meta.events, dataset.meta.activities) == (6, 42, 8)
    names = dataset.events.column_names
    assert "" not in names and "Unnamed: 0" not in names  # the pandas index column is dropped
    assert dataset.events.column("Costs").type == pa.int64()
    assert dataset.cases.column_names == ["case_id", "creator"]
    first = dataset.events.filter(pa.compute.equal(dataset.events.column("case_id"), "3"))
    assert first.column("timestamp")[0].as_py() == utc(2010, 12, 30, 13, 32)


MAPPING_CASES = [
    (["case:concept:name", "concept:name", "time:timestamp", "org:resource", "lifecycle:transition"],
     {"case_id": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp",
      "resource": "org:resource", "lifecycle": "lifecycle:transition"}),
    (["Case ID", "Activity", "Start Timestamp", "Complete Timestamp", "Resource"],
     {"case_id": "Case ID", "activity": "Activity", "timestamp": "Complete Timestamp",
      "start_timestamp": "Start Timestamp", "resource": "Resource"}),
    (["Sagsnummer", "Aktivitet", "Tidspunkt", "Sagsbehandler"],
     {"case_id": "Sagsnummer", "activity": "Aktivitet", "timestamp": "Tidspunkt", "resource": "Sagsbehandler"}),
    (["sag", "HÆNDELSE", "dato", "Ressource"],
     {"case_id": "sag", "activity": "HÆNDELSE", "timestamp": "dato", "resource": "Ressource"}),
    (["Sags-id", "Aktivitet", "Start Timestamp"],
     {"case_id": "Sags-id", "activity": "Aktivitet", "timestamp": "Start Timestamp"}),
    (["", "concept:name", "Activity", "time:timestamp", "case:concept:name", "Resource", "org:resource"],
     {"case_id": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp",
      "resource": "org:resource"}),
]


@pytest.mark.parametrize("columns,expected", MAPPING_CASES)
def test_mapping_detected_from_headers(columns, expected):
    assert detect_mapping(columns, ImportOptions(), "f.csv").roles() == expected


def test_explicit_options_override_detection():
    mapping = detect_mapping(["Sag", "Trin", "Hvornår", "Aktivitet"],
                             ImportOptions(activity="trin", timestamp="Hvornår"), "f.csv")
    assert mapping.roles() == {"case_id": "Sag", "activity": "Trin", "timestamp": "Hvornår"}


def test_missing_mapping_names_columns_and_options():
    with pytest.raises(LogValidationError, match=r"case id.*'Foo'.*--case-id"):
        detect_mapping(["Foo", "Aktivitet", "Dato"], ImportOptions(), "f.csv")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    rows = [["Sagsnummer", "Aktivitet", "Tidspunkt"], ["S1", "Modtaget, kvitteret", "2024-03-01 10:00"],
            ["S1", "Afgørelse", "2024-03-02 11:00"]]
    text = "\n".join(delimiter.join(f'"{v}"' if delimiter in v else v for v in r) for r in rows) + "\n"
    raw = read_log(write(tmp_path / "log.csv", text))
    assert raw.events.column("activity").to_pylist() == ["Modtaget, kvitteret", "Afgørelse"]
    assert raw.source_info["delimiter"] == delimiter


@pytest.mark.parametrize("encoding,expect_note", [("utf-8", False), ("utf-8-sig", False),
                                                  ("cp1252", True), ("latin-1", True)])
def test_encodings_keep_danish_letters(tmp_path, encoding, expect_note):
    text = "Sagsnummer;Aktivitet;Tidspunkt;Sagsbehandler\nS1;Ansøgning modtaget;21-03-2024 10:00;Åse Ærø\n"
    raw = read_log(write(tmp_path / "log.csv", text, encoding))
    assert raw.events.column("activity").to_pylist() == ["Ansøgning modtaget"]
    assert raw.events.column("resource").to_pylist() == ["Åse Ærø"]
    assert any("not UTF-8" in note for note in raw.notes) is expect_note


def test_quoted_newlines_and_gzip(tmp_path):
    text = 'case,activity,timestamp\n1,"Brev\nsendt",2024-01-01\n1,"Svar ""ja""",2024-01-02\n'
    with gzip.open(tmp_path / "log.csv.gz", "wt", encoding="utf-8") as out:
        out.write(text)
    raw = read_log(tmp_path / "log.csv.gz")
    assert raw.events.column("activity").to_pylist() == ["Brev\nsendt", 'Svar "ja"']


def test_newline_after_the_sample_is_read(tmp_path):
    body = "".join(f"c{i},Trin,2024-01-01 10:00:{i % 60:02d}\n" for i in range(40_000))
    text = "case,activity,timestamp\n" + body + 'c9,"Lang\ntekst",2024-01-02 10:00\n'
    raw = read_log(write(tmp_path / "log.csv", text))
    assert raw.events.num_rows == 40_001
    assert raw.events.column("activity")[-1].as_py() == "Lang\ntekst"


TIME_CASES = [
    ("2010-12-30 14:32:00+01:00", utc(2010, 12, 30, 13, 32)),
    ("2024-03-01T09:00:00.250Z", utc(2024, 3, 1, 9, 0, 0, 250_000)),
    ("2024-07-01 12:00", utc(2024, 7, 1, 10)),  # naive: Copenhagen summer time
    ("2024-01-15", utc(2024, 1, 14, 23)),
    ("15-01-2024 08:30", utc(2024, 1, 15, 7, 30)),
    ("15.01.2024 08:30:15", utc(2024, 1, 15, 7, 30, 15)),
    ("15/01/2024", utc(2024, 1, 14, 23)),
    ("45306.5", utc(2024, 1, 15, 11)),  # Excel serial: 2024-01-15 12:00 local
    ("2024-03-31 02:30", utc(2024, 3, 31, 1)),  # spring gap: the first instant after it
    ("2024-10-27 02:30", utc(2024, 10, 27, 0, 30)),  # autumn repeat: the earlier instant
]


@pytest.mark.parametrize("text,expected", TIME_CASES)
def test_timestamp_formats(tmp_path, text, expected):
    raw = read_log(write(tmp_path / "log.csv", f"case,activity,timestamp\n1,a,{text}\n"))
    assert raw.events.column("timestamp")[0].as_py() == expected


def test_timezone_option_applies_to_naive_times(tmp_path):
    path = write(tmp_path / "log.csv", "case,activity,timestamp\n1,a,2024-07-01 12:00\n")
    raw = read_log(path, ImportOptions(timezone="UTC"))
    assert raw.events.column("timestamp")[0].as_py() == utc(2024, 7, 1, 12)


def test_day_first_ambiguity_is_noted(tmp_path):
    path = write(tmp_path / "log.csv", "case,activity,timestamp\n1,a,03/04/2024\n1,b,05/04/2024\n")
    raw = read_log(path)
    assert raw.events.column("timestamp")[0].as_py() == utc(2024, 4, 2, 22)
    assert any("03/04/2024" in note and "day first" in note for note in raw.notes)


def test_summer_and_winter_offsets_are_one_zone(tmp_path):
    text = "case,activity,timestamp\n1,a,2024-01-01 10:00+01:00\n1,b,2024-07-01 10:00+02:00\n"
    raw = read_log(write(tmp_path / "log.csv", text))
    assert raw.events.column("timestamp").to_pylist() == [utc(2024, 1, 1, 9), utc(2024, 7, 1, 8)]


def test_interval_log_start_and_complete(tmp_path):
    text = ("Case ID,Activity,Start Timestamp,Complete Timestamp\n"
            "1,Screening,2024-01-02 09:00,2024-01-02 09:45\n")
    raw = read_log(write(tmp_path / "log.csv", text))
    assert raw.events.column(s.START_TIMESTAMP)[0].as_py() == utc(2024, 1, 2, 8)
    assert raw.events.column(s.TIMESTAMP)[0].as_py() == utc(2024, 1, 2, 8, 45)


def test_attribute_types_and_case_attributes(tmp_path):
    text = ("Sag,Aktivitet,Dato,Beløb,Andel,Haster,Frist,KLE,Note\n"
            "1,a,2024-01-01,100,0.5,true,2024-02-01,02.34.02,x\n"
            "1,b,2024-01-02,200,1.0,false,2024-02-01,02.34.02,y\n"
            "2,a,2024-01-03,007,2.5,TRUE,2024-03-01,01.02.03,\n")
    raw = read_log(write(tmp_path / "log.csv", text))
    types = dict(zip(raw.events.column_names, raw.events.schema.types))
    assert types["Andel"] == pa.float64() and types["Haster"] == pa.bool_()
    assert types["Beløb"] == pa.string()  # "007" keeps its leading zeros
    assert raw.events.column("Note").to_pylist() == ["x", "y", None]
    assert raw.cases.column_names == ["case_id", "Frist", "KLE"]
    assert raw.cases.schema.field("Frist").type == s.TIMESTAMP_TYPE
    assert raw.cases.column("KLE").to_pylist() == ["02.34.02", "01.02.03"]


def test_from_pandas_in_memory_and_written(tmp_path):
    frame = pd.DataFrame({"Sag": [1, 1, 2], "Trin": ["a", "b", "a"],
                          "Tid": pd.to_datetime(["2024-01-01 10:00", "2024-01-02 00:00", "2024-01-03 00:00"]),
                          "Afdeling": ["Byg", "Byg", "Miljø"]})
    memory = procmine.from_pandas(frame, case_id="Sag", activity="Trin", timestamp="Tid")
    assert not memory.path.exists() and memory.meta.cases == 2
    assert memory.events.column("case_id").to_pylist() == ["1", "1", "2"]
    written = procmine.from_pandas(frame, tmp_path / "ds", case_id="Sag", activity="Trin", timestamp="Tid")
    assert procmine.read_dataset(tmp_path / "ds").events.equals(written.events)
    assert written.cases.column("Afdeling").to_pylist() == ["Byg", "Miljø"]
    assert written.events.column("timestamp")[0].as_py() == utc(2024, 1, 1, 9)


@pytest.mark.slow
def test_million_rows_import_in_seconds(tmp_path):
    import time

    import numpy as np
    import pyarrow.csv as pa_csv
    n = 1_000_000
    stamps = (np.datetime64("2024-01-01T00:00:00") + np.arange(n).astype("timedelta64[m]")).astype(str)
    table = pa.table({"Sagsnummer": (np.arange(n) // 8).astype(str), "Aktivitet": ["Trin æøå"] * n,
                      "Tidspunkt": stamps, "Beløb": np.arange(n)})
    pa_csv.write_csv(table, tmp_path / "big.csv")
    started = time.perf_counter()
    raw = read_log(tmp_path / "big.csv")
    elapsed = time.perf_counter() - started
    assert raw.events.num_rows == n and raw.events.column("Beløb").type == pa.int64()
    assert elapsed < 30, f"1M rows took {elapsed:.1f} s"
