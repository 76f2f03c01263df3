"""OCEL 2.0 in and out: the three forms read the same log, round trips are lossless, pm4py reads
what we write, and bad OCEL gets a clear error."""

from __future__ import annotations

import gzip
import json
import sqlite3
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from ocel_logs import EXAMPLE_JSON, EXAMPLE_XML, example_sqlite, random_logs

from procmine.dataset import read_dataset
from procmine.errors import LogValidationError
from procmine.ocel import read_ocel, read_ocel_dataset, write_ocel, write_ocel_dataset

FORMS = {"json": ".jsonocel", "xml": ".xmlocel", "sqlite": ".sqlite"}


def test_the_three_forms_of_the_specification_example_are_one_log(tmp_path):
    from_json = read_ocel(EXAMPLE_JSON)
    assert from_json.events.num_rows == 13 and from_json.objects.num_rows == 9
    assert from_json.event_objects.num_rows == 20 and from_json.object_relations.num_rows == 7
    assert from_json.object_attributes.num_rows == 12   # 9 initial values and 3 changes
    assert from_json.equals(read_ocel(EXAMPLE_XML))
    assert from_json.equals(read_ocel(example_sqlite(tmp_path)))


def test_an_attribute_change_keeps_its_time():
    values = read_ocel(EXAMPLE_JSON).object_attributes.to_pylist()
    r3 = [(v["time"].isoformat(), v["value"]) for v in values if v["object_id"] == "R3"]
    assert r3 == [("1970-01-01T00:00:00+00:00", "No"), ("2022-02-03T06:30:00+00:00", "Yes"),
                  ("2022-02-03T22:30:00+00:00", "No")]


@pytest.mark.parametrize("form", list(FORMS))
def test_the_example_round_trips_through_every_form_and_the_dataset(tmp_path, form):
    log = read_ocel(EXAMPLE_JSON)
    path = tmp_path / f"out{FORMS[form]}"
    assert write_ocel(log, path) == form
    assert read_ocel(path).equals(log)
    dataset = write_ocel_dataset(tmp_path / "ds", read_ocel(path))
    assert {p.name for p in (tmp_path / "ds").iterdir()} >= {"events.parquet", "objects.parquet",
                                                             "event_objects.parquet", "object_relations.parquet"}
    assert read_ocel_dataset(read_dataset(dataset.path)).equals(log)


@pytest.mark.parametrize("form", list(FORMS))
def test_pm4py_reads_what_we_write_with_the_same_counts(tmp_path, form):
    import pm4py

    path = tmp_path / f"out{FORMS[form]}"
    write_ocel(read_ocel(EXAMPLE_JSON), path)
    reader = {"json": pm4py.read_ocel2_json, "xml": pm4py.read_ocel2_xml, "sqlite": pm4py.read_ocel2_sqlite}[form]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reader(str(path))
    assert (len(theirs.events), len(theirs.objects), len(theirs.relations), len(theirs.o2o),
            len(theirs.object_changes)) == (13, 9, 20, 7, 3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=random_logs())
def test_random_logs_round_trip_losslessly_in_every_form(log):
    with tempfile.TemporaryDirectory() as folder:
        for suffix in FORMS.values():
            path = Path(folder) / f"log{suffix}"
            write_ocel(log, path)
            assert read_ocel(path).equals(log), suffix
        dataset = write_ocel_dataset(Path(folder) / "ds", log)
        assert read_ocel_dataset(read_dataset(dataset.path)).equals(log)


def _json_example() -> dict:
    return json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def _write_json(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "bad.jsonocel"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_dangling_object_id_is_named(tmp_path):
    document = _json_example()
    document["events"][0]["relationships"].append({"objectId": "NOPE", "qualifier": "x"})
    with pytest.raises(LogValidationError, match="'NOPE'.*does not hold"):
        read_ocel(_write_json(tmp_path, document))


def test_an_undeclared_object_type_is_named(tmp_path):
    document = _json_example()
    document["objects"][0]["type"] = "Unicorn"
    with pytest.raises(LogValidationError, match="object type 'Unicorn' is used but not declared"):
        read_ocel(_write_json(tmp_path, document))


def test_a_cycle_of_object_relations_is_refused(tmp_path):
    document = _json_example()
    document["objects"][3]["relationships"] = [{"objectId": "PR1", "qualifier": "back"}]   # P1 -> PR1 -> ... -> P1
    with pytest.raises(LogValidationError, match="cycle"):
        read_ocel(_write_json(tmp_path, document))


def test_a_duplicate_event_id_is_refused(tmp_path):
    document = _json_example()
    document["events"][1]["id"] = "e1"
    with pytest.raises(LogValidationError, match="event id 'e1' is used by more than one event"):
        read_ocel(_write_json(tmp_path, document))


def test_a_value_of_the_wrong_type_is_refused(tmp_path):
    document = _json_example()
    document["objectTypes"][0]["attributes"][0]["type"] = "integer"
    with pytest.raises(LogValidationError, match="not of the declared type integer"):
        read_ocel(_write_json(tmp_path, document))


def test_xml_with_an_external_entity_is_refused_before_parsing(tmp_path):
    path = tmp_path / "xxe.xmlocel"
    path.write_text('<?xml version="1.0"?><!DOCTYPE log [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    '<log><events><event id="&x;" type="a" time="2024-01-01T00:00:00Z"/></events></log>')
    with pytest.raises(LogValidationError, match="^OCEL 2.0 XML with an external entity"):
        read_ocel(path)


def test_xml_entity_expansion_bomb_is_refused(tmp_path):
    path = tmp_path / "laughs.xmlocel"
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE log [{entities}]><log>&l9;</log>')
    with pytest.raises(LogValidationError, match="DOCTYPE"):
        read_ocel(path)


def test_a_gzip_bomb_is_refused(tmp_path, monkeypatch):
    from procmine.importing.xes_safety import XesLimits
    from procmine.ocel import source
    path = tmp_path / "bomb.jsonocel.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(b"{" + b" " * 5_000_000 + b"}")
    monkeypatch.setattr(source, "XesLimits", lambda: XesLimits(floor_bytes=1 << 20, block_bytes=1 << 16))
    with pytest.raises(LogValidationError, match="gzip bomb"):
        read_ocel(path)


def test_deeply_nested_json_is_a_clear_error(tmp_path):
    path = tmp_path / "deep.jsonocel"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(LogValidationError, match="cannot be parsed"):
        read_ocel(path)


def test_an_sqlite_file_without_the_ocel_tables_is_a_clear_error(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(LogValidationError, match="not an OCEL 2.0 log"):
        read_ocel(path)


def test_cli_import_of_bad_ocel_exits_2_and_writes_nothing(tmp_path):
    from typer.testing import CliRunner

    from procmine.cli import app

    document = _json_example()
    document["events"][0]["relationships"].append({"objectId": "NOPE", "qualifier": "x"})
    result = CliRunner().invoke(app, ["import", str(_write_json(tmp_path, document)), str(tmp_path / "out")])
    assert result.exit_code == 2 and "NOPE" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_cli_imports_and_exports_every_form(tmp_path):
    from typer.testing import CliRunner

    from procmine.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["import", str(EXAMPLE_XML), str(tmp_path / "ds"), "--case-notion", "Purchase Order"])
    assert result.exit_code == 0, result.output
    assert "default case notion Purchase Order" in result.output
    for suffix in FORMS.values():
        out = tmp_path / f"again{suffix}"
        assert runner.invoke(app, ["export", str(tmp_path / "ds"), str(out)]).exit_code == 0
        assert read_ocel(out).equals(read_ocel(EXAMPLE_JSON))


def test_a_case_centric_dataset_exports_as_ocel_with_case_citizen_and_caseworker_objects(tmp_path):
    from typer.testing import CliRunner

    import procmine
    from procmine.cli import app
    from procmine.ocel import flatten

    sample = Path(__file__).resolve().parents[1] / "sample_logs" / "aktindsigt"
    result = CliRunner().invoke(app, ["export", str(sample), str(tmp_path / "akt.xmlocel")])
    assert result.exit_code == 0, result.output
    log = read_ocel(tmp_path / "akt.xmlocel")
    assert set(log.object_types) == {"case", "citizen", "caseworker", "department"}
    events, _cases, report = flatten(log, "case")
    original = procmine.open(sample)
    assert (report.rows, report.cases, report.duplicated_events) == (original.num_events, original.num_cases, 0)
    assert sorted(events.column("case_id").to_pylist()) == sorted(original.base.events.column("case_id").to_pylist())
