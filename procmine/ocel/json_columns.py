"""OCEL 2.0 JSON read column by column in DuckDB: its JSON reader parses the document in C++ and
unnests events, objects, their attributes and relationships straight into Arrow columns, so no
Python object is made per event (about four times the speed of parsing to Python objects).

This is the fast path for a well-formed log. A document of another shape (a required field
missing, a value whose JSON type does not plainly fit its declared type, one attribute given twice
for an event) gives None, and the caller reads it with the exact reader, whose errors say what is
wrong and where.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from procmine.ocel import model as m
from procmine.ocel.assemble import OcelRows, spread_event_attributes

_DECLARED = "STRUCT(name VARCHAR, attributes STRUCT(name VARCHAR, type VARCHAR)[])[]"
_RELATIONS = "relationships STRUCT(objectId VARCHAR, qualifier VARCHAR)[]"
_COLUMNS = {"objectTypes": _DECLARED, "eventTypes": _DECLARED,
            "objects": "STRUCT(id VARCHAR, type VARCHAR, attributes STRUCT(name VARCHAR, time VARCHAR, "
                       f"value JSON)[], {_RELATIONS})[]",
            "events": "STRUCT(id VARCHAR, type VARCHAR, time VARCHAR, attributes STRUCT(name VARCHAR, "
                      f"value JSON)[], {_RELATIONS})[]"}
# The JSON types a value of each declared type may have for its text to read as the exact reader reads it.
_FITS = {"string": {"VARCHAR"}, "time": {"VARCHAR"}, "integer": {"BIGINT", "UBIGINT"},
         "float": {"DOUBLE", "BIGINT", "UBIGINT"}, "boolean": {"BOOLEAN"}}
_EVENTS = "(SELECT unnest(events) AS e, generate_subscripts(events, 1) - 1 AS position FROM document)"
_OBJECTS = "(SELECT unnest(objects) AS o FROM document)"
# an attribute's value as the text of its value (a string unquoted and unescaped; null for JSON null) and its JSON type
_VALUE = "json_extract_string(a.value, '$') AS value, json_type(a.value) AS json_type"


class Unfit(Exception):
    """The document is not of the plain shape this reader takes."""


def read_json_columns(path: Path, declarations) -> OcelRows | None:
    """What the document at `path` holds, or None when it is not of the plain shape (see the module)."""
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute("CREATE TEMP TABLE document AS SELECT * FROM read_json(?, format='unstructured', "
                    "records=true, columns=?, maximum_object_size=?)", [str(path), _COLUMNS, 2**31 - 1])
        shape = con.execute("SELECT count(*), bool_and(events IS NOT NULL AND objects IS NOT NULL) FROM document")
        if shape.fetchall() != [(1, True)]:       # the exact reader says what is wrong with it
            return None
        [(event_types, object_types)] = con.execute("SELECT eventTypes, objectTypes FROM document").fetchall()
        rows = OcelRows(event_types=declarations(event_types or [], "eventTypes"),
                        object_types=declarations(object_types or [], "objectTypes"))
        _objects(con, rows)
        _events(con, rows)
        return rows
    except (duckdb.Error, Unfit, KeyError, TypeError):
        return None
    finally:
        con.close()


def _table(con, sql: str, required: tuple[str, ...] = ()) -> pa.Table:
    table = con.sql(sql).to_arrow_table()
    for name in required:
        if table.column(name).null_count:
            raise Unfit(f"{name} missing")
    return table


def _objects(con, rows: OcelRows) -> None:
    objects = _table(con, f"SELECT o.id AS id, o.type AS type FROM {_OBJECTS}", ("id", "type"))
    rows.object_ids, rows.object_type_of = objects.column("id"), objects.column("type")
    values = _table(con, "SELECT id, owner_type, a.name AS name, a.time AS time, " + _VALUE + " FROM (SELECT o.id AS id, "
                    f"o.type AS owner_type, unnest(o.attributes) AS a FROM {_OBJECTS})", ("id", "name"))
    _check_kinds(values, lambda otype, name: rows.object_types.get(otype, {}).get(name, "string"))
    if values.num_rows:
        rows.attribute_objects, rows.attribute_names = values.column("id"), values.column("name")
        rows.attribute_times = values.column("time").combine_chunks()
        rows.attribute_values = _text_column(values)
    links = _table(con, f"SELECT o.id AS id, unnest(o.relationships, recursive := true) FROM {_OBJECTS}",
                   ("id", "objectId"))
    if links.num_rows:
        rows.link_sources, rows.link_targets = links.column("id"), links.column("objectId")
        rows.link_qualifiers = links.column("qualifier")


def _events(con, rows: OcelRows) -> None:
    events = _table(con, f"SELECT e.id AS id, e.type AS type, e.time AS time FROM {_EVENTS}", ("id", "type", "time"))
    rows.event_ids, rows.event_activities = events.column("id"), events.column("type")
    rows.event_times = events.column("time")
    kinds = m.event_column_types(rows.event_types)
    relations = _table(con, f"SELECT e.id AS id, unnest(e.relationships, recursive := true) FROM {_EVENTS}",
                       ("id", "objectId"))
    if relations.num_rows:
        rows.relation_events, rows.relation_objects = relations.column("id"), relations.column("objectId")
        rows.relation_qualifiers = relations.column("qualifier")
    values = _table(con, "SELECT position, NULL::VARCHAR AS owner_type, a.name AS name, " + _VALUE + " FROM (SELECT "
                    f"position, unnest(e.attributes) AS a FROM {_EVENTS})", ("position", "name"))
    _check_kinds(values, lambda _, name: kinds.get(name, "string"))
    if values.num_rows and not spread_event_attributes(rows, values.column("position").to_numpy(),
                                                       values.column("name"), _text_column(values), events.num_rows):
        raise Unfit("an event has one attribute twice")


def _check_kinds(values: pa.Table, kind_of) -> None:
    """Every (owner type, attribute, JSON type) found must fit the attribute's declared type."""
    found = values.select(["owner_type", "name", "json_type"]).group_by(["owner_type", "name", "json_type"]).aggregate([])
    for owner, name, json_type in zip(*(found.column(c).to_pylist() for c in ("owner_type", "name", "json_type"))):
        if name is None or (json_type not in (None, "NULL") and json_type not in _FITS[kind_of(owner, name)]):
            raise Unfit(f"attribute {name!r} has JSON type {json_type}")


def _text_column(values: pa.Table) -> pa.Array:
    """The text of the JSON values (a string unquoted and unescaped; null for JSON null)."""
    return values.column("value").combine_chunks().cast(pa.string())
