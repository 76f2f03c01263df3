"""OCEL 2.0 SQLite: event, object, event_object, object_object, the *_map_type tables and
one table per event type (event_<map>) and per object type (object_<map>).

Attribute types travel as the declared SQL types of the columns (TEXT, INTEGER, REAL,
BOOLEAN, TIMESTAMP). An object table row with no ocel_changed_field holds the values
set at its ocel_time (the initial ones at 1970-01-01); a row with one holds that change.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from procmine.atomic import atomic_file
from procmine.errors import LogValidationError, located
from procmine.ocel import model as m
from procmine.ocel.assemble import OcelRows, assemble

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "float": "REAL", "boolean": "BOOLEAN", "time": "TIMESTAMP"}
_FROM_SQL = {"TEXT": "string", "VARCHAR": "string", "INTEGER": "integer", "INT": "integer", "BIGINT": "integer",
             "REAL": "float", "FLOAT": "float", "DOUBLE": "float", "BOOLEAN": "boolean", "TIMESTAMP": "time",
             "DATETIME": "time", "DATE": "time", "": "string"}
_CORE = {"ocel_id", "ocel_time", "ocel_changed_field"}
INITIAL_TIME = "1970-01-01T00:00:00.000000Z"


def read_ocel_sqlite(path: Path) -> m.ObjectCentricLog:
    """Read an OCEL 2.0 SQLite database (opened read-only)."""
    if not Path(path).is_file() or Path(path).read_bytes()[:16] != b"SQLite format 3\x00":
        raise LogValidationError(located("The file is not an SQLite database", file=path,
                                         hint="Export the log as OCEL 2.0 SQLite"))
    con = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        return assemble(_rows(con, path), path)
    except sqlite3.Error as exc:
        raise LogValidationError(located(f"The SQLite database is not an OCEL 2.0 log ({exc})", file=path,
                                         hint="It needs the tables event, object, event_object, "
                                              "object_object, event_map_type and object_map_type")) from exc
    finally:
        con.close()


def _columns_of(con: sqlite3.Connection, sql: str, width: int) -> list[list]:
    """The result of `sql` as `width` column lists (fetched at once, then transposed)."""
    rows = con.execute(sql).fetchall()
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in range(width)]


def _rows(con: sqlite3.Connection, path: Path) -> OcelRows:
    rows = OcelRows()
    listed_ids, listed_types = _columns_of(con, "SELECT ocel_id, ocel_type FROM event", 2)
    for ocel_type, table in con.execute("SELECT ocel_type, ocel_type_map FROM event_map_type").fetchall():
        kinds = _columns(con, f"event_{table}")
        rows.event_types[ocel_type] = {n: k for n, k in kinds.items() if n not in _CORE}
        _read_events(con, rows, f"event_{table}", ocel_type)
    _check_event_types(rows, listed_ids, listed_types, path)
    rows.object_ids, rows.object_type_of = _columns_of(con, "SELECT ocel_id, ocel_type FROM object", 2)
    for ocel_type, table in con.execute("SELECT ocel_type, ocel_type_map FROM object_map_type").fetchall():
        kinds = _columns(con, f"object_{table}")
        rows.object_types[ocel_type] = {n: k for n, k in kinds.items() if n not in _CORE}
        _read_object_values(con, rows, f"object_{table}", list(rows.object_types[ocel_type]))
    rows.relation_events, rows.relation_objects, rows.relation_qualifiers = _columns_of(
        con, "SELECT ocel_event_id, ocel_object_id, ocel_qualifier FROM event_object", 3)
    rows.link_sources, rows.link_targets, rows.link_qualifiers = _columns_of(
        con, "SELECT ocel_source_id, ocel_target_id, ocel_qualifier FROM object_object", 3)
    return rows


def _check_event_types(rows: OcelRows, listed_ids: list, listed_types: list, path: Path) -> None:
    """The event table and the event type tables must agree on every event and its type."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(rows.event_ids) != len(listed_ids):
        raise LogValidationError(located(
            f"The event table lists {len(listed_ids):,} events but the event type tables hold "
            f"{len(rows.event_ids):,}", file=path, hint="Give every event a row in its event_<type> table"))
    listed = pa.array(listed_ids, pa.string()) if listed_ids else pa.array([], pa.string())
    found = pa.array([str(i) for i in rows.event_ids], pa.string())
    position = pc.index_in(found, value_set=pa.array([str(i) for i in listed_ids], pa.string()))
    types = pa.array(listed_types, pa.string()).take(position)
    wrong = pc.invert(pc.fill_null(pc.equal(types, pa.array(rows.event_activities, pa.string())), False))
    if len(listed) and pc.any(wrong).as_py():
        first = pc.indices_nonzero(wrong)[0].as_py()
        raise LogValidationError(located(
            f"Event {rows.event_ids[first]!r} is in the table of type {rows.event_activities[first]!r} but the "
            f"event table gives it the type {types[first].as_py()!r}", file=path,
            hint="Keep the event table and the event type tables consistent"))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: sqlite3.Connection, table: str) -> dict[str, str]:
    info = con.execute(f"PRAGMA table_info({_quoted(table)})").fetchall()
    if not info:
        raise sqlite3.OperationalError(f"no table {table}")
    return {name: _FROM_SQL.get(str(kind).upper().split("(")[0], "string") for _, name, kind, *_ in info}


def _read_events(con, rows: OcelRows, table: str, ocel_type: str) -> None:
    names = list(rows.event_types[ocel_type])
    select = ", ".join(_quoted(c) for c in ["ocel_id", "ocel_time", *names])
    columns = _columns_of(con, f"SELECT {select} FROM {_quoted(table)}", 2 + len(names))
    first = len(rows.event_ids)
    rows.event_ids.extend(columns[0])
    rows.event_activities.extend([ocel_type] * len(columns[0]))
    rows.event_times.extend(columns[1])
    for name, values in zip(names, columns[2:]):
        present = {first + i: v for i, v in enumerate(values) if v is not None}
        if present:
            rows.event_attributes.setdefault(name, {}).update(present)


def _read_object_values(con, rows: OcelRows, table: str, names: list[str]) -> None:
    select = ", ".join(_quoted(c) for c in ["ocel_id", "ocel_time", "ocel_changed_field", *names])
    for oid, time, changed, *values in con.execute(f"SELECT {select} FROM {_quoted(table)}"):
        for name, value in zip(names, values):
            if value is not None and (changed is None or changed == name):
                rows.attribute_objects.append(oid)
                rows.attribute_names.append(name)
                rows.attribute_times.append(time)
                rows.attribute_values.append(value)


def write_ocel_sqlite(log: m.ObjectCentricLog, path: Path) -> None:
    """Write the log as an OCEL 2.0 SQLite database, atomically."""
    with atomic_file(path) as tmp:
        tmp.unlink()
        con = sqlite3.connect(tmp)
        try:
            _write(con, log)
            con.commit()
        finally:
            con.close()


def _map_names(types) -> dict[str, str]:
    """Table-name-safe, distinct names for type names (pm4py strips the same way)."""
    names, used = {}, set()
    for name in types:
        base = re.sub(r"[^0-9A-Za-z]", "", name) or "Type"
        candidate, suffix = base, 2
        while candidate.casefold() in used:
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        used.add(candidate.casefold())
        names[name] = candidate
    return names


def _write(con: sqlite3.Connection, log: m.ObjectCentricLog) -> None:
    event_maps, object_maps = _map_names(log.event_types), _map_names(log.object_types)
    con.execute("CREATE TABLE event (ocel_id TEXT PRIMARY KEY, ocel_type TEXT)")
    con.execute("CREATE TABLE object (ocel_id TEXT PRIMARY KEY, ocel_type TEXT)")
    con.execute("CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT)")
    con.execute("CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT)")
    con.execute("CREATE TABLE event_map_type (ocel_type TEXT, ocel_type_map TEXT)")
    con.execute("CREATE TABLE object_map_type (ocel_type TEXT, ocel_type_map TEXT)")
    con.executemany("INSERT INTO event_map_type VALUES (?, ?)", event_maps.items())
    con.executemany("INSERT INTO object_map_type VALUES (?, ?)", object_maps.items())
    events = log.events
    con.executemany("INSERT INTO event VALUES (?, ?)", zip(events.column(m.EVENT_ID).to_pylist(),
                                                          events.column("activity").to_pylist()))
    con.executemany("INSERT INTO object VALUES (?, ?)", zip(*(log.objects.column(c).to_pylist()
                                                             for c in (m.OBJECT_ID, m.OBJECT_TYPE))))
    con.executemany("INSERT INTO event_object VALUES (?, ?, ?)", zip(*(
        log.event_objects.column(c).to_pylist() for c in (m.EVENT_ID, m.OBJECT_ID, m.QUALIFIER))))
    con.executemany("INSERT INTO object_object VALUES (?, ?, ?)", zip(*(
        log.object_relations.column(c).to_pylist() for c in (m.SOURCE_ID, m.TARGET_ID, m.QUALIFIER))))
    _write_event_tables(con, log, event_maps)
    _write_object_tables(con, log, object_maps)


def _sql_value(value, kind: str):
    if value is None:
        return None
    if kind == "boolean":
        return int(value) if isinstance(value, bool) else int(value == "true")
    if kind == "integer":
        return int(value)
    if kind == "float":
        return float(value)
    return value


def _write_event_tables(con, log: m.ObjectCentricLog, maps: dict[str, str]) -> None:
    events = log.events
    kinds = m.event_column_types(log.event_types)
    times = m.format_times(events.column("timestamp"))
    texts = {n: (m.format_times(events.column(n)) if kinds.get(n) == "time" else events.column(n).to_pylist())
             for n in events.column_names if n not in (m.EVENT_ID, "activity", "timestamp")}
    by_type: dict[str, list[int]] = {}
    for row, activity in enumerate(events.column("activity").to_pylist()):
        by_type.setdefault(activity, []).append(row)
    ids = events.column(m.EVENT_ID).to_pylist()
    for ocel_type, declared in log.event_types.items():
        names = list(declared)
        columns = ", ".join([_quoted("ocel_id") + " TEXT", _quoted("ocel_time") + " TIMESTAMP",
                             *(f"{_quoted(n)} {SQL_TYPES[declared[n]]}" for n in names)])
        table = _quoted(f"event_{maps[ocel_type]}")
        con.execute(f"CREATE TABLE {table} ({columns})")
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * (2 + len(names)))})",
                        ([ids[r], times[r], *(_sql_value(texts[n][r] if n in texts else None, declared[n])
                                              for n in names)] for r in by_type.get(ocel_type, [])))


def _write_object_tables(con, log: m.ObjectCentricLog, maps: dict[str, str]) -> None:
    type_of = dict(zip(log.objects.column(m.OBJECT_ID).to_pylist(), log.objects.column(m.OBJECT_TYPE).to_pylist()))
    values = log.object_attributes
    rows_of: dict[str, list] = {t: [] for t in log.object_types}
    ids_of: dict[str, list] = {t: [] for t in log.object_types}
    for oid, otype in type_of.items():
        ids_of[otype].append(oid)
    for oid, name, time, value in zip(values.column(m.OBJECT_ID).to_pylist(), values.column(m.ATTRIBUTE).to_pylist(),
                                      m.format_times(values.column(m.TIME)), values.column(m.VALUE).to_pylist()):
        rows_of[type_of[oid]].append((oid, name, time, value))
    for ocel_type, declared in log.object_types.items():
        names = list(declared)
        for oid, name, *_ in rows_of[ocel_type]:
            if name not in declared:
                raise LogValidationError(f"Object {oid!r} has the attribute {name!r}, which its type "
                                         f"{ocel_type!r} does not declare; SQLite cannot store it. "
                                         "Declare the attribute.")
        columns = ", ".join([_quoted("ocel_id") + " TEXT", _quoted("ocel_time") + " TIMESTAMP",
                             _quoted("ocel_changed_field") + " TEXT",
                             *(f"{_quoted(n)} {SQL_TYPES[declared[n]]}" for n in names)])
        table = _quoted(f"object_{maps[ocel_type]}")
        con.execute(f"CREATE TABLE {table} ({columns})")
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * (3 + len(names)))})",
                        _object_rows(ids_of[ocel_type], rows_of[ocel_type], declared))


def _object_rows(object_ids: list[str], values: list[tuple], declared: dict[str, str]):
    """One row of initial values (at the epoch) per object, then one row per change."""
    initial: dict[str, dict[str, object]] = {oid: {} for oid in object_ids}
    changes = []
    for oid, name, time, value in values:
        first = initial.setdefault(oid, {})
        if time.startswith("1970-01-01T00:00:00.000000") and name not in first:
            first[name] = value
        else:
            changes.append((oid, name, time, value))
    for oid, first in initial.items():
        yield [oid, INITIAL_TIME, None, *(_sql_value(first.get(n), kind) for n, kind in declared.items())]
    for oid, name, time, value in changes:
        yield [oid, time, name, *(_sql_value(value, kind) if n == name else None for n, kind in declared.items())]
