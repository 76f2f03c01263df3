"""The fast paths: COPY equals the cursor on PostgreSQL, bound values stay safe, look-back-only keys."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import uuid

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import sqlalchemy as sa

from connectors import fetch, incremental
from connectors.config import parse_config
from connectors.fetch import fetch_rows, stream_rows
from connectors.generic import config_extraction
from connectors.pg_copy import copy_supported
from connectors.pseudonymise import Pseudonymiser
from connectors.runner import _utc_floor, run_extraction
from procmine.dataset import read_dataset

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
KEY = "test-key-fastpath-0123456789abc"


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", KEY)


@pytest.fixture(scope="module")
def postgres():
    """URL of a fresh PostgreSQL database with a table of awkward values, dropped afterwards."""
    name = f"procmine_fast_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"postgresql server at {SERVER} is not reachable: {exc.orig}")
    url = f"{SERVER}/{name}"
    _fill(url)
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _fill(url: str) -> None:
    engine = sa.create_engine(url)
    notes = ["plain", "", None, 'say "hi", then\nnew line', "100% ; DROP TABLE awkward; --", "ÆØÅ æøå"]
    with engine.begin() as connection:
        connection.execute(sa.text(
            "CREATE TABLE awkward (id bigint, sag text, trin text, tid timestamp, zoned timestamptz, "
            "note text, flag boolean, amount numeric(10, 2), ratio float8, day date)"))
        connection.execute(sa.text(
            "INSERT INTO awkward VALUES (:i, :s, :t, :d, :z, :n, :f, :a, :r, :day)"), [
            {"i": i, "s": f"S-{i % 7}", "t": f"Trin {i % 3}",
             "d": dt.datetime(2024, 3, 30, 23) + dt.timedelta(minutes=37 * i),
             "z": dt.datetime(2024, 10, 26, 22, tzinfo=dt.UTC) + dt.timedelta(minutes=41 * i),
             "n": notes[i % len(notes)], "f": None if i % 5 == 0 else i % 2 == 0,
             "a": None if i % 4 == 0 else f"{i}.5{i % 10}", "r": i / 3, "day": dt.date(2024, 1, 1 + i % 28)}
            for i in range(1, 241)])
    engine.dispose()


def _config(url, out, query=None):
    source = {"name": "awkward", "case_id": "sag", "activity": "trin", "timestamp": "tid",
              "row_key": ["id"], "attributes": {
                  "note": "note", "Bemærkning": "note",
                  "zoned": {"column": "zoned", "type": "timestamp"},
                  "flag": {"column": "flag", "type": "boolean"},
                  "amount": {"column": "amount", "type": "float"},
                  "ratio": {"column": "ratio", "type": "float"},
                  "day": {"column": "day", "type": "timestamp"}}}
    source.update({"query": query} if query else {"table": "awkward"})
    return config_extraction(parse_config({
        "url": url, "output": str(out), "chunk_size": 50, "events": [source]}))


def _sorted(table):
    return table.take(pc.sort_indices(table, [("event_key", "ascending")]))


def test_copy_gives_the_same_dataset_as_the_cursor(postgres, tmp_path, monkeypatch):
    run_extraction(_config(postgres, tmp_path / "copy"))
    monkeypatch.setattr(fetch, "copy_supported", lambda connection: False)
    run_extraction(_config(postgres, tmp_path / "cursor"))
    by_copy, by_cursor = read_dataset(tmp_path / "copy"), read_dataset(tmp_path / "cursor")
    assert len(by_copy.events) == 240
    assert _sorted(by_copy.events).equals(_sorted(by_cursor.events))
    notes = set(by_copy.events.column("note").to_pylist())
    assert {"", None, 'say "hi", then\nnew line', "ÆØÅ æøå"} <= notes
    assert by_copy.events.column("Bemærkning").equals(by_copy.events.column("note"))
    assert by_copy.meta.incremental.watermarks == by_cursor.meta.incremental.watermarks


def test_copy_rows_keep_types_nulls_and_empty_text(postgres):
    engine = sa.create_engine(postgres)
    table = sa.table("awkward", *[sa.column(c) for c in ("id", "note", "flag", "zoned", "day")])
    statement = sa.select(table).where(table.c.id <= 60).order_by(table.c.id)
    with engine.connect() as connection:
        assert copy_supported(connection)
        by_copy = pa.concat_tables(stream_rows(connection, statement, 7))
        by_cursor = pa.concat_tables(fetch_rows(connection, statement, 7))
    engine.dispose()
    assert by_copy.column("id").to_pylist() == list(range(1, 61))
    assert by_copy.schema.field("zoned").type == pa.timestamp("us", tz="UTC")
    assert by_copy.schema.field("day").type == pa.date32()
    for name in ("id", "note", "flag", "zoned", "day"):
        assert by_copy.column(name).to_pylist() == by_cursor.column(name).to_pylist(), name


def test_bound_text_stays_a_value_in_copy(postgres):
    engine = sa.create_engine(postgres)
    table = sa.table("awkward", sa.column("id"), sa.column("note"))
    hostile = "100% ; DROP TABLE awkward; --"
    statement = sa.select(table.c.id, sa.literal("it's %(x)s \\ ' \" ; --").label("echo")) \
        .where(table.c.note == sa.bindparam("wanted", hostile))
    with engine.connect() as connection:
        rows = pa.concat_tables(stream_rows(connection, statement, 100))
        assert connection.execute(sa.text("SELECT count(*) FROM awkward")).scalar_one() == 240
    engine.dispose()
    assert rows.num_rows == 40
    assert set(rows.column("echo").to_pylist()) == {"it's %(x)s \\ ' \" ; --"}


def test_incremental_copy_rerun_adds_nothing_and_reads_only_the_window(postgres, tmp_path):
    out = tmp_path / "dataset"
    first = run_extraction(_config(postgres, out))
    assert first.total == 240
    state = incremental.load_state(out)
    mark = state.watermark("awkward")
    bound = incremental.lower_bound(mark, dt.timedelta(hours=48))
    since = _utc_floor(bound, "Europe/Copenhagen")
    window = state.seen_keys("awkward", bound, since)
    events = read_dataset(out).events
    later = pc.greater_equal(events.column("timestamp"), pa.scalar(since, events.schema.field(
        "timestamp").type))
    assert 0 < len(window) == pc.sum(later).as_py() < 240
    assert run_extraction(_config(postgres, out)).total == 0


def test_repeated_rows_of_a_union_source_are_written_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'log.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE log (id INTEGER, sag TEXT, trin TEXT, tid TEXT)"))
        connection.execute(sa.text("INSERT INTO log VALUES (:i, 'A', :t, :d)"), [
            {"i": i, "t": f"Trin {i}", "d": f"2024-05-0{i} 10:00:00"} for i in range(1, 6)])
    engine.dispose()
    query = "SELECT * FROM log UNION ALL SELECT * FROM log WHERE id <= 2"
    job = config_extraction(parse_config({"url": url, "output": str(tmp_path / "out"), "events": [
        {"name": "log", "query": query, "case_id": "sag", "activity": "trin", "timestamp": "tid",
         "row_key": ["id"]}]}))
    assert run_extraction(job).total == 5
    events = read_dataset(tmp_path / "out").events
    assert sorted(events.column("activity").to_pylist()) == [f"Trin {i}" for i in range(1, 6)]


def test_utc_floor_is_before_every_local_cursor_past_the_bound():
    naive = dt.datetime(2024, 10, 27, 2, 30)  # inside the autumn fold in Copenhagen
    floor = _utc_floor(naive, "Europe/Copenhagen")
    assert floor.tzinfo is not None and floor <= dt.datetime(2024, 10, 27, 0, 30, tzinfo=dt.UTC)
    assert _utc_floor(12345, "Europe/Copenhagen") is None


@pytest.mark.parametrize("key", [b"k" * 16, b"a-much-longer-key-" * 5])
def test_pseudonyms_are_hmac_sha256(key):
    pseudonyms = Pseudonymiser(key)
    ids = pa.array(["7", None, "7", "1234567890", "ÆØÅ"])
    expected = [None if v is None else
                hmac.new(key, f"case\x1f{v}".encode(), hashlib.sha256).hexdigest()[:20]
                for v in ids.to_pylist()]
    assert pseudonyms.pseudonymise(ids, "case").to_pylist() == expected
    assert pseudonyms.pseudonym("user", "7") == \
        hmac.new(key, b"user\x1f7", hashlib.sha256).hexdigest()[:20]


def test_a_non_utf8_client_encoding_takes_the_cursor_path(postgres):
    engine = sa.create_engine(postgres, connect_args={"client_encoding": "LATIN1"})
    table = sa.table("awkward", sa.column("id"), sa.column("note"))
    statement = sa.select(table).where(table.c.id <= 12).order_by(table.c.id)
    with engine.connect() as connection:
        assert not copy_supported(connection)
        rows = pa.concat_tables(stream_rows(connection, statement, 5))
    engine.dispose()
    assert "ÆØÅ æøå" in rows.column("note").to_pylist() and rows.num_rows == 12


def test_read_ahead_keeps_order_raises_errors_and_stops_early():
    from connectors.prefetch import prefetched

    assert list(prefetched(iter(range(50)), depth=2)) == list(range(50))
    closed = []

    def numbers():
        try:
            yield from range(1_000_000)
        finally:
            closed.append(True)

    reader = prefetched(numbers(), depth=2)
    assert [next(reader) for _ in range(3)] == [0, 1, 2]
    reader.close()
    assert closed == [True]

    def failing():
        yield 1
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        list(prefetched(failing()))
