"""Bad OCEL 2.0 SQLite gets the same clear errors through the one-pass id codes, and the codes give what
Arrow's own lookups give (hypothesis)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ocel_logs import EXAMPLE_JSON, assert_same_tables, example_sqlite, random_logs, written

from procmine.errors import LogValidationError
from procmine.ocel import read_ocel
from procmine.ocel.id_codes import encode_ids

_IDS = st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "é", ""])), max_size=12)


@settings(max_examples=200, deadline=None)
@given(_IDS, _IDS, _IDS)
def test_codes_give_what_arrows_lookups_give(ids, first, second):
    known, *references = (pa.array(v, pa.string()) for v in (ids, first, second))
    codes = encode_ids(known, *references)
    counts = pc.value_counts(known)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    assert codes.distinct == (len(repeated) == 0 and known.null_count == 0)
    if known.null_count == 0:
        assert codes.first_repeated() == (repeated[0].as_py() if len(repeated) else None)
    for number, reference in enumerate(references):
        found = pc.index_in(reference, value_set=known.drop_null())   # a null is never a known id
        expected = np.array([-1 if f is None else f for f in found.to_pylist()], np.int64)
        if known.null_count == 0:
            assert (codes.rows(number) == expected).all()
        else:   # rows count the nulls' places in `known`: compare the ids they point at
            rows = codes.rows(number)
            assert [None if r < 0 else ids[r] for r in rows] == [None if e < 0 else known.drop_null()[int(e)].as_py()
                                                                 for e in expected]


def _changed(tmp_path: Path, *statements: str) -> Path:
    path = tmp_path / "changed.sqlite"
    shutil.copy(example_sqlite(tmp_path), path)
    con = sqlite3.connect(path)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()
    return path


def _without_key(table: str) -> tuple[str, ...]:
    """Statements that rebuild `table` without its PRIMARY KEY (so a duplicate id can be written)."""
    return (f"CREATE TABLE copied AS SELECT * FROM {table}", f"DROP TABLE {table}",
            f"ALTER TABLE copied RENAME TO {table}")


def _first_event_table(tmp_path: Path) -> tuple[str, str]:
    con = sqlite3.connect(example_sqlite(tmp_path))
    ocel_type, table = con.execute("SELECT ocel_type, ocel_type_map FROM event_map_type ORDER BY rowid").fetchone()
    event = con.execute(f'SELECT ocel_id FROM "event_{table}" ORDER BY rowid').fetchone()[0]
    con.close()
    return ocel_type, event


def test_the_example_reads_as_the_json_form(tmp_path):
    assert read_ocel(example_sqlite(tmp_path)).equals(read_ocel(EXAMPLE_JSON))


def test_an_event_the_event_table_types_otherwise_is_named(tmp_path):
    ocel_type, event = _first_event_table(tmp_path)
    path = _changed(tmp_path, f"UPDATE event SET ocel_type = 'something else' WHERE ocel_id = '{event}'")
    with pytest.raises(LogValidationError, match=f"Event '{event}' is in the table of type '{ocel_type}' but the "
                                                 "event table gives it the type 'something else'"):
        read_ocel(path)


def test_an_event_the_event_table_does_not_list_is_named(tmp_path):
    _, event = _first_event_table(tmp_path)
    path = _changed(tmp_path, f"UPDATE event SET ocel_id = 'elsewhere' WHERE ocel_id = '{event}'")
    with pytest.raises(LogValidationError, match=f"Event '{event}' is in the table of type .* the type None"):
        read_ocel(path)


def test_an_event_missing_from_its_type_table_is_counted(tmp_path):
    path = _changed(tmp_path, "INSERT INTO event VALUES ('e-extra', 'x')")
    with pytest.raises(LogValidationError, match="event table lists 14 events but the event type tables hold 13"):
        read_ocel(path)


def test_an_event_in_two_type_tables_is_refused_by_the_listing_first(tmp_path):
    """As before the one-pass codes: the event table's types are checked before the ids' uniqueness."""
    con = sqlite3.connect(example_sqlite(tmp_path))
    tables = [t for (t,) in con.execute("SELECT ocel_type_map FROM event_map_type ORDER BY rowid")]
    con.close()
    first, second = (f'"event_{t}"' for t in tables[:2])
    path = _changed(tmp_path, *_without_key("event"), f"INSERT INTO {second} SELECT * FROM {first} LIMIT 1",
                    f"INSERT INTO event SELECT * FROM event WHERE ocel_id = (SELECT ocel_id FROM {first} LIMIT 1)")
    with pytest.raises(LogValidationError, match="is in the table of type .* but the event table gives it the type"):
        read_ocel(path)


@pytest.mark.parametrize(("statement", "message"), [
    ("INSERT INTO object_object VALUES ('o-nowhere', (SELECT ocel_id FROM object LIMIT 1), 'q')",
     "An object-object relation names the object id 'o-nowhere', which the log does not hold"),
    ("INSERT INTO event_object VALUES ((SELECT ocel_id FROM event LIMIT 1), 'o-nowhere', 'q')",
     "An event-object relation names the object id 'o-nowhere', which the log does not hold"),
    ("INSERT INTO event_object VALUES ('e-nowhere', (SELECT ocel_id FROM object LIMIT 1), 'q')",
     "An event-object relation names the event id 'e-nowhere', which the log does not hold"),
    ("INSERT INTO object SELECT * FROM object WHERE rowid = 1", "is used by more than one object"),
    ("UPDATE object SET ocel_type = 'Unicorn' WHERE rowid = 1", "object type 'Unicorn' is used but not declared"),
])
def test_bad_references_in_sqlite_are_named(tmp_path, statement, message):
    with pytest.raises(LogValidationError, match=message):
        read_ocel(_changed(tmp_path, *_without_key("object"), statement))


def test_an_attribute_of_an_object_the_log_does_not_hold_is_named(tmp_path):
    con = sqlite3.connect(example_sqlite(tmp_path))
    table, column = next((t, c) for (t,) in con.execute("SELECT ocel_type_map FROM object_map_type ORDER BY rowid")
                         for (c, kind) in con.execute(f"SELECT name, type FROM pragma_table_info('object_{t}')")
                         if not c.startswith("ocel_") and kind.upper() == "TEXT")
    con.close()
    path = _changed(tmp_path, f'INSERT INTO "object_{table}" (ocel_id, ocel_time, "{column}") VALUES '
                              "('o-nowhere', '1970-01-01T00:00:00Z', 'x')")
    with pytest.raises(LogValidationError, match="An object attribute names the object id 'o-nowhere'"):
        read_ocel(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=random_logs())
def test_random_logs_read_the_same_in_small_batches(log):
    """Tables over several batches (nulls through a first batch, text read as stored or cast) read the same."""
    from procmine.ocel import sqlite_arrow
    with written(log, "log.sqlite") as path:
        whole = read_ocel(path)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sqlite_arrow, "BATCH_ROWS", 2)
            batched = read_ocel(path)
        assert_same_tables(whole, batched)
        assert batched.equals(log)
