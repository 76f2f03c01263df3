"""Read an OCEL 2.0 SQLite database (the layout is described in procmine.ocel.sqlite_io).

Columns go straight into Arrow through the ADBC SQLite driver (procmine.ocel.sqlite_arrow). What
it cannot give is read in bulk: SQLite joins a whole column into one string (group_concat, in C)
and Arrow splits it again, so no Python object is made per value. A value holding the separator
(the count then differs) or a column too long for one string is read by rows. NULL travels as a
marker no OCEL text holds. REAL values are read as doubles, exactly: SQLite's own text of a double
is not. Every read goes in rowid order.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine.errors import LogValidationError, located
from procmine.ocel import model as m
from procmine.ocel.assemble import OcelRows, assemble
from procmine.ocel.sqlite_arrow import NULL_MARKER as _NULL
from procmine.ocel.sqlite_arrow import ArrowReader, quoted

_FROM_SQL = {"TEXT": "string", "VARCHAR": "string", "INTEGER": "integer", "INT": "integer", "BIGINT": "integer",
             "REAL": "float", "FLOAT": "float", "DOUBLE": "float", "BOOLEAN": "boolean", "TIMESTAMP": "time",
             "DATETIME": "time", "DATE": "time", "": "string"}
_CORE = {"ocel_id", "ocel_time", "ocel_changed_field"}
_SEPARATOR = "\x1f"


class _Database:
    """The sqlite3 connection (the layout, the fallbacks) and the Arrow reader of one database."""

    def __init__(self, path: Path):
        self.sqlite = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
        self.arrow = ArrowReader(path)

    def execute(self, sql: str, *parameters):
        return self.sqlite.execute(sql, *parameters)

    def stored_as_text(self, table: str) -> frozenset[str]:
        """The columns of `table` with TEXT affinity (SQLite's rule: the declared type names CHAR,
        CLOB or TEXT and not INT), which hold nothing but text, blobs and nulls."""
        declared = self.sqlite.execute(f"PRAGMA table_info({quoted(table)})").fetchall()
        return frozenset(name for _, name, kind, *_ in declared
                         if "INT" not in str(kind).upper() and any(w in str(kind).upper() for w in ("CHAR", "CLOB", "TEXT")))

    def close(self) -> None:
        self.arrow.close()
        self.sqlite.close()


def read_ocel_sqlite(path: Path) -> m.ObjectCentricLog:
    """Read an OCEL 2.0 SQLite database (opened read-only)."""
    if not Path(path).is_file() or _header(Path(path)) != b"SQLite format 3\x00":
        raise LogValidationError(located("The file is not an SQLite database", file=path,
                                         hint="Export the log as OCEL 2.0 SQLite"))
    con = _Database(path)
    try:
        return assemble(_rows(con, path), path)
    except sqlite3.Error as exc:
        raise LogValidationError(located(f"The SQLite database is not an OCEL 2.0 log ({exc})", file=path,
                                         hint="It needs the tables event, object, event_object, "
                                              "object_object, event_map_type and object_map_type")) from exc
    finally:
        con.close()


def _header(path: Path) -> bytes:
    """The first 16 bytes (not the whole file: a third of a gigabyte at 1M events)."""
    with open(path, "rb") as handle:
        return handle.read(16)


def _rows(con: _Database, path: Path) -> OcelRows:
    rows = OcelRows()
    listed_ids, listed_types = text_columns(con, "event", ["ocel_id", "ocel_type"])
    chunks = []
    for ocel_type, table in con.execute("SELECT ocel_type, ocel_type_map FROM event_map_type").fetchall():
        declared = {n: k for n, k in _columns(con, f"event_{table}").items() if n not in _CORE}
        rows.event_types[ocel_type] = declared
        chunks.append((ocel_type, _event_table(con, f"event_{table}", declared)))
    _join_events(rows, chunks)
    _check_event_count(rows, listed_ids, path)
    rows.listed_events = (listed_ids, listed_types)     # assemble checks that they give each event its type
    rows.object_ids, rows.object_type_of = text_columns(con, "object", ["ocel_id", "ocel_type"])
    values = []
    for ocel_type, table in con.execute("SELECT ocel_type, ocel_type_map FROM object_map_type").fetchall():
        declared = {n: k for n, k in _columns(con, f"object_{table}").items() if n not in _CORE}
        rows.object_types[ocel_type] = declared
        values.append(_object_values(con, f"object_{table}", declared))
    _join_values(rows, values)
    rows.relation_events, rows.relation_objects, rows.relation_qualifiers = text_columns(
        con, "event_object", ["ocel_event_id", "ocel_object_id", "ocel_qualifier"])
    rows.link_sources, rows.link_targets, rows.link_qualifiers = text_columns(
        con, "object_object", ["ocel_source_id", "ocel_target_id", "ocel_qualifier"])
    return rows


def text_columns(con: _Database, table: str, columns: list[str],
                 kinds: dict[str, str] | None = None) -> list[pa.Array]:
    """Columns of `table` as Arrow text arrays: through ADBC, else joined and split in bulk, else
    fetched by rows. REAL columns (`kinds` says which) are read as doubles: SQLite's own text of a
    double is not exact."""
    exact = [c for c in columns if (kinds or {}).get(c) == "float"]
    if exact:
        bulk = dict(zip([c for c in columns if c not in exact],
                        text_columns(con, table, [c for c in columns if c not in exact])))
        for column in exact:
            bulk[column] = _exact_text(con, table, column)
        return [bulk[c] for c in columns]
    fast = con.arrow.text(table, columns, con.stored_as_text(table))
    if fast is not None:
        return fast
    joined = ", ".join(f"group_concat(coalesce(CAST({quoted(c)} AS TEXT), '{_NULL}'), '{_SEPARATOR}')"
                       for c in columns)
    try:
        count, *texts = con.execute(f"SELECT count(*), {joined} FROM (SELECT * FROM {quoted(table)} "
                                    "ORDER BY rowid)").fetchone()
    except sqlite3.DataError:       # longer than SQLite's longest string
        count, texts = -1, []
    if count == 0:
        return [pa.array([], pa.string()) for _ in columns]
    split = [pc.list_flatten(pc.split_pattern(pa.array([text], pa.string()), _SEPARATOR)) for text in texts]
    if count < 0 or any(len(column) != count for column in split):
        rows = con.execute(f"SELECT {', '.join(quoted(c) for c in columns)} FROM {quoted(table)} "
                           "ORDER BY rowid").fetchall()
        return [pa.array([None if v is None else str(v) for v in column], pa.string()) for column in zip(*rows)]
    return [pc.if_else(pc.equal(column, _NULL), pa.scalar(None, pa.string()), column) for column in split]


def _exact_text(con: _Database, table: str, column: str) -> pa.Array:
    """A REAL column as the shortest text that reads back to the same double."""
    values = con.arrow.values(table, column)
    if values is not None and (pa.types.is_floating(values.type) or pa.types.is_integer(values.type)):
        values = values.cast(pa.float64())
        return pa.array([None if v is None else repr(v) for v in values.to_pylist()], pa.string())
    values = [v for (v,) in con.execute(f"SELECT {quoted(column)} FROM {quoted(table)} ORDER BY rowid")]
    return pa.array([None if v is None else repr(float(v)) for v in values], pa.string())


def _columns(con: _Database, table: str) -> dict[str, str]:
    info = con.execute(f"PRAGMA table_info({quoted(table)})").fetchall()
    if not info:
        raise sqlite3.OperationalError(f"no table {table}")
    return {name: _FROM_SQL.get(str(kind).upper().split("(")[0], "string") for _, name, kind, *_ in info}


def _event_table(con, table: str, declared: dict[str, str]) -> dict[str, pa.Array]:
    """ocel_id, ocel_time and the attribute columns of one event type's table."""
    text = ["ocel_id", "ocel_time", *(n for n, k in declared.items() if k == "string")]
    columns = dict(zip(text, text_columns(con, table, text)))
    for name in (n for n, k in declared.items() if k != "string"):
        columns[name] = _typed_values(con, table, name)
    return columns


def _typed_values(con: _Database, table: str, column: str) -> pa.Array:
    """A typed column as SQLite holds its values (all null: a null column)."""
    values = con.arrow.values(table, column)
    if values is None:
        listed = [v for (v,) in con.execute(f"SELECT {quoted(column)} FROM {quoted(table)} ORDER BY rowid")]
        values = pa.array(listed)
    return pa.nulls(len(values)) if values.null_count == len(values) else values


def _join_events(rows: OcelRows, chunks: list[tuple[str, dict[str, pa.Array]]]) -> None:
    """The events of every type's table one after the other; attribute columns span all events."""
    sizes = [len(columns["ocel_id"]) for _, columns in chunks]

    def joined(parts: list) -> pa.Array:
        return pa.concat_arrays(parts) if parts else pa.array([], pa.string())

    rows.event_ids = joined([columns["ocel_id"] for _, columns in chunks])
    rows.event_times = joined([columns["ocel_time"] for _, columns in chunks])
    type_names = pa.array([t for t, _ in chunks], pa.string())
    rows.event_activities = type_names.take(pa.array(np.repeat(np.arange(len(chunks)), sizes)))
    names = sorted({n for _, columns in chunks for n in columns} - {"ocel_id", "ocel_time"})
    for name in names:
        parts = [columns.get(name) for _, columns in chunks]
        present = [p for p in parts if p is not None and p.null_count < len(p)]
        if present:
            kind = present[0].type
            rows.event_attributes[name] = pa.concat_arrays([
                pa.nulls(size, kind) if p is None or p.null_count == len(p) else p.cast(kind)
                for p, size in zip(parts, sizes)])


def _check_event_count(rows: OcelRows, listed_ids: pa.Array, path: Path) -> None:
    """The event table and the event type tables must hold as many events (their types: `assemble`)."""
    if len(rows.event_ids) != len(listed_ids):
        raise LogValidationError(located(
            f"The event table lists {len(listed_ids):,} events but the event type tables hold "
            f"{len(rows.event_ids):,}", file=path, hint="Give every event a row in its event_<type> table"))


def _object_values(con, table: str, declared: dict[str, str]) -> list[tuple[pa.Array, ...]]:
    """(object ids, attribute names, times, values as text) per attribute of an object table: a row
    without ocel_changed_field holds every value set at its time, a row with one holds that change."""
    names = list(declared)
    ids, times, changed, *columns = text_columns(con, table, ["ocel_id", "ocel_time", "ocel_changed_field", *names],
                                                 declared)
    parts = []
    for name, column in zip(names, columns):
        keep = pc.and_(pc.is_valid(column), pc.or_kleene(pc.is_null(changed), pc.equal(changed, name)))
        kept = ids.filter(keep)
        parts.append((kept, pa.repeat(pa.scalar(name, pa.string()), len(kept)), times.filter(keep), column.filter(keep)))
    return parts


def _join_values(rows: OcelRows, tables: list[list[tuple[pa.Array, ...]]]) -> None:
    parts = [part for table in tables for part in table]
    joined = [pa.concat_arrays([p[i] for p in parts]) if parts else pa.array([], pa.string()) for i in range(4)]
    rows.attribute_objects, rows.attribute_names, rows.attribute_times, rows.attribute_values = joined
