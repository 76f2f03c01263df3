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
from procmine.errors import LogValidationError
from procmine.ocel import model as m
from procmine.ocel.sqlite_read import quoted as _quoted

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "float": "REAL", "boolean": "BOOLEAN", "time": "TIMESTAMP"}
INITIAL_TIME = "1970-01-01T00:00:00.000000Z"


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
