"""The fast paths of the OCEL readers give what the exact ones give: times formatted and parsed in bulk,
SQLite columns read through ADBC, JSON read column by column in DuckDB (and its fallback)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ocel_logs import EXAMPLE_JSON, assert_same_tables, random_logs, written

from procmine.errors import LogValidationError
from procmine.ocel import read_ocel, sqlite_arrow
from procmine.ocel.json_columns import read_json_columns
from procmine.ocel.json_io import _declarations, read_ocel_json, read_ocel_json_objects
from procmine.ocel.sqlite_arrow import ArrowReader
from procmine.ocel.times import iso_texts, parse_times

MICROS = st.integers(-62_135_596_800_000_000, 253_402_300_799_999_999)   # years 1 to 9999


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), MICROS), max_size=40))
def test_iso_texts_equal_arrows_formatter_and_read_back(micros):
    times = pa.array(micros, pa.timestamp("us", "UTC"))
    texts = iso_texts(times)
    assert texts.equals(pc.strftime(times, format="%Y-%m-%dT%H:%M:%SZ"))
    assert parse_times(texts, "test").equals(times)


@pytest.mark.parametrize("text", ["2024-03-01T09:30:00Z", "2024-03-01T09:30:00.5+01:00", "2024-03-01T09:30:00-02:30",
                                  "2024-03-01T09:30Z", "2024-03-01T09:30:00", "2024-03-01", "2024-03-01 09:30:00",
                                  "2024-03-01T09:30:00.123456789Z", "1970-01-01T00:00:00.000000Z"])
def test_parse_times_reads_each_spelling_as_pandas_does(text):
    expected = pd.to_datetime(pd.Series([text, None], dtype=object), utc=True, format="ISO8601")
    assert parse_times([text, None], "test").to_pylist() == list(expected.astype("datetime64[us, UTC]").tolist()[:1]) \
        + [None]


def test_parse_times_names_a_text_that_is_no_time():
    with pytest.raises(LogValidationError, match=r"event time: a time cannot be read \('the day after', entry 3\)"):
        parse_times(["2024-03-01T09:30:00Z", None, "the day after", "2024-13-01T00:00:00Z"], "event time")


def _database(folder: Path) -> Path:
    path = folder / "t.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (late TEXT, mixed TEXT, number INTEGER, real REAL, unmixed)")
    rows = [(None, 5, 1, 0.1, 1)] * 70_000 + [("æøå \x1f ; ,", "x", None, None, "text"), ("", 2.5, 7, 1e300, 2.5)]
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE few (mixed)")
    con.executemany("INSERT INTO few VALUES (?)", [(1,), ("text",), (2.5,)])
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("batch_rows", [1 << 16, 1 << 20])
def test_adbc_columns_equal_what_sqlite_gives(tmp_path, monkeypatch, batch_rows):
    monkeypatch.setattr(sqlite_arrow, "BATCH_ROWS", batch_rows)
    path = _database(tmp_path)
    reader = ArrowReader(path)
    try:
        late, mixed = reader.text("t", ["late", "mixed"])
        as_stored = reader.text("t", ["late", "mixed", "number"], frozenset({"late", "mixed"}))
        number, real, unmixed = (reader.values("t", c) for c in ("number", "real", "unmixed"))
        few = reader.values("few", "mixed")
    finally:
        reader.close()
    con = sqlite3.connect(path)

    def text(column):
        return [v for (v,) in con.execute(f"SELECT CAST({column} AS TEXT) FROM t ORDER BY rowid")]

    def raw(column):
        return [v for (v,) in con.execute(f"SELECT {column} FROM t ORDER BY rowid")]

    assert late.to_pylist() == text("late") and late[-2].as_py() == "æøå \x1f ; ,"   # null through the first batch
    assert mixed.to_pylist() == text("mixed")
    assert [c.to_pylist() for c in as_stored] == [text("late"), text("mixed"), text("number")]
    assert number.type == pa.int64() and number.to_pylist() == raw("number")
    assert real.type == pa.float64() and real.to_pylist() == raw("real")
    if batch_rows < 70_000:
        assert unmixed is None       # text after a first batch of numbers: the caller reads it by rows
    else:                            # one batch: numbers and text in it, SQLite's own text of each
        assert unmixed.to_pylist() == text("unmixed")
    assert few.to_pylist() == ["1", "text", "2.5"]     # numbers and text in one batch: SQLite's own text


@pytest.mark.parametrize("batch_rows", [2, 1 << 16])
def test_text_columns_read_as_stored_equal_their_cast(tmp_path, monkeypatch, batch_rows):
    """TEXT affinity keeps text, blobs and nulls; numbers become text when stored. A blob, or a column
    null through the first batch, sends the read back to the CAST."""
    monkeypatch.setattr(sqlite_arrow, "BATCH_ROWS", batch_rows)
    path = tmp_path / "t.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (plain TEXT, blobs VARCHAR(20), nulls CLOB, late NCHAR, timed TIMESTAMP, number INT)")
    rows = [("a", "b", None, None, "2024-01-01T00:00:00Z", 1), (3, "\u00e6".encode(), None, None, 2.5, 2),
            (2.5, "c", None, "x", 2024, None), ("\u00f8", None, None, "y", None, 3)]
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    columns = ["plain", "blobs", "nulls", "late", "timed", "number"]
    expected = [[v for (v,) in con.execute(f"SELECT CAST({c} AS TEXT) FROM t ORDER BY rowid")] for c in columns]
    con.close()
    reader = ArrowReader(path)
    try:
        for stored in (frozenset({"plain", "nulls", "late"}), frozenset({"plain", "blobs", "nulls", "late"})):
            assert [c.to_pylist() for c in reader.text("t", columns, stored)] == expected
    finally:
        reader.close()
    from procmine.ocel.sqlite_read import _Database
    database = _Database(path)
    try:
        assert database.stored_as_text("t") == frozenset({"plain", "blobs", "nulls", "late"})
    finally:
        database.close()


def test_adbc_text_of_columns_not_stored_as_text_is_sqlites_text(tmp_path):
    path = _database(tmp_path)
    reader = ArrowReader(path)
    try:
        number, unmixed, real = reader.text("t", ["number", "unmixed", "real"])
    finally:
        reader.close()
    con = sqlite3.connect(path)
    for column, name in ((number, "number"), (unmixed, "unmixed"), (real, "real")):
        assert column.type == pa.string()
        assert column.to_pylist() == [v for (v,) in con.execute(f"SELECT CAST({name} AS TEXT) FROM t ORDER BY rowid")]


def test_adbc_reader_gives_none_for_what_it_cannot_read(tmp_path):
    reader = ArrowReader(_database(tmp_path))
    try:
        assert reader.text("no_such_table", ["x"]) is None
    finally:
        reader.close()


def _same(path: Path) -> None:
    fast = read_ocel_json(path)
    assert fast.equals(read_ocel_json_objects(path))


def test_the_specification_example_reads_the_same_by_columns():
    assert read_json_columns(EXAMPLE_JSON, lambda types, key: _declarations(types, key, EXAMPLE_JSON)) is not None
    _same(EXAMPLE_JSON)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=random_logs())
def test_random_logs_read_the_same_by_columns(log):
    with written(log, "log.jsonocel") as path:
        assert read_json_columns(path, lambda types, key: _declarations(types, key, path)) is not None
        _same(path)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=random_logs())
def test_random_logs_read_from_sqlite_the_same_through_adbc_as_without_it(log):
    with written(log, "log.sqlite") as path:
        fast = read_ocel(path)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sqlite_arrow, "adbc", None)      # no driver: every column read in bulk or by rows
            exact = read_ocel(path)
        assert_same_tables(fast, exact)
        assert all((a == b).all() for a, b in zip(fast.relation_positions, exact.relation_positions))
        assert fast.equals(log)


def _example(tmp_path: Path, change) -> Path:
    document = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "changed.jsonocel"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _number_as_text(document):
    document["objects"][0]["attributes"][0]["value"] = 12.50


def _attribute_twice(document):
    event = next(e for e in document["events"] if e.get("attributes"))
    event["attributes"].append(dict(event["attributes"][0]))


def _event_number_as_text(document):
    event = next(e for e in document["events"] if e.get("attributes"))
    event["attributes"][0]["value"] = 7.50


@pytest.mark.parametrize("change", [_number_as_text, _attribute_twice, _event_number_as_text])
def test_documents_of_another_shape_are_read_by_the_exact_reader(tmp_path, change):
    path = _example(tmp_path, change)
    assert read_json_columns(path, lambda types, key: _declarations(types, key, path)) is None
    _same(path)


def test_a_missing_event_id_gets_the_exact_readers_message(tmp_path):
    path = _example(tmp_path, lambda document: document["events"][3].pop("id"))
    with pytest.raises(LogValidationError, match="lacks a required field"):
        read_ocel_json(path)


def test_the_stored_relation_rows_are_used_only_when_they_fit(tmp_path):
    from dataclasses import replace

    import pyarrow.parquet as pq

    from procmine.dataset import read_dataset
    from procmine.ocel import flatten, read_ocel, read_ocel_dataset, write_ocel_dataset
    from procmine.ocel.store import EVENT_OBJECT_ROWS_FILE

    folder = write_ocel_dataset(tmp_path / "ds", read_ocel(EXAMPLE_JSON)).path
    stored = read_ocel_dataset(read_dataset(folder))
    assert stored.relation_positions is not None
    for notion in stored.object_types:
        by_rows, by_ids = flatten(stored, notion), flatten(replace(stored, relation_positions=None), notion)
        assert by_rows[0].equals(by_ids[0]) and by_rows[1].equals(by_ids[1]) and by_rows[2] == by_ids[2]
    rows = pq.read_table(Path(folder) / EVENT_OBJECT_ROWS_FILE)
    reversed_rows = pc.subtract(pa.scalar(stored.events.num_rows - 1, pa.int32()), rows.column("event_row"))
    pq.write_table(rows.set_column(0, "event_row", reversed_rows.cast(pa.int32())), Path(folder) / EVENT_OBJECT_ROWS_FILE)
    assert read_ocel_dataset(read_dataset(folder)).relation_positions is None     # does not fit: found by id


def test_stored_rows_with_a_fitting_digest_spare_reading_the_relations(tmp_path):
    import pyarrow.parquet as pq

    from procmine.dataset import read_dataset
    from procmine.ocel import flatten, read_ocel, write_ocel_dataset
    from procmine.ocel.store import EVENT_OBJECTS_FILE, read_ocel_dataset, read_stored_tables

    log = read_ocel(EXAMPLE_JSON)
    folder = Path(write_ocel_dataset(tmp_path / "ds", log).path)
    tables = read_stored_tables(read_dataset(folder))
    assert tables.relation_positions is not None and tables.event_objects is None     # trusted by the digest
    whole = read_ocel_dataset(read_dataset(folder))
    for notion in log.object_types:
        by_tables, by_log = flatten(tables, notion), flatten(whole, notion)
        assert by_tables[0].equals(by_log[0]) and by_tables[1].equals(by_log[1]) and by_tables[2] == by_log[2]
        assert by_log[2] == flatten(log, notion)[2]
    # the relations rewritten in another order: the digest no longer holds and the ids do not fit
    relations = pq.read_table(folder / EVENT_OBJECTS_FILE)
    pq.write_table(relations.take(pa.array(range(relations.num_rows - 1, -1, -1))), folder / EVENT_OBJECTS_FILE)
    tables = read_stored_tables(read_dataset(folder))
    assert tables.relation_positions is None and tables.event_objects is not None
    for notion in log.object_types:
        assert flatten(tables, notion)[2] == flatten(log, notion)[2]
    # the same relations written again (other bytes, same rows): the digest fails, the ids still fit
    pq.write_table(relations, folder / EVENT_OBJECTS_FILE, compression="gzip")
    assert read_stored_tables(read_dataset(folder)).relation_positions is not None
