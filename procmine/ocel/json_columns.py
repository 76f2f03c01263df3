"""OCEL 2.0 JSON read column by column in DuckDB: the document's "objects" and "events" arrays
are split into one element a line (`json_spans`, one compiled pass over the bytes) and written to
temporary newline-delimited files, which DuckDB's JSON reader parses in parallel, record by record,
straight into columns; events, objects, their attributes and relationships are unnested there into
Arrow columns, so no Python object is made per event. The small members (objectTypes, eventTypes)
are parsed with orjson, as the exact reader parses them.

This is the fast path for a well-formed log. A document of another shape (not one object of
distinct keys with arrays of objects for "objects" and "events", a member or element that does not
parse, a required field missing, a value whose JSON type does not plainly fit its declared type,
one attribute given twice for an event) gives None, and the caller reads it with the exact reader,
whose errors say what is wrong and where.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import numpy as np
import orjson
import pyarrow as pa

from procmine.ocel import model as m
from procmine.ocel.assemble import OcelRows, spread_event_attributes
from procmine.ocel.source import mapped_bytes

_RELATIONS = "STRUCT(objectId VARCHAR, qualifier VARCHAR)[]"
_ELEMENTS = {"objects": {"id": "VARCHAR", "type": "VARCHAR",
                         "attributes": "STRUCT(name VARCHAR, time VARCHAR, value JSON)[]", "relationships": _RELATIONS},
             "events": {"id": "VARCHAR", "type": "VARCHAR", "time": "VARCHAR",
                        "attributes": "STRUCT(name VARCHAR, value JSON)[]", "relationships": _RELATIONS}}
# The JSON types a value of each declared type may have for its text to read as the exact reader reads it.
_FITS = {"string": {"VARCHAR"}, "time": {"VARCHAR"}, "integer": {"BIGINT", "UBIGINT"},
         "float": {"DOUBLE", "BIGINT", "UBIGINT"}, "boolean": {"BOOLEAN"}}
# an attribute's value as the text of its value (a string unquoted and unescaped; null for JSON null) and its JSON type
_VALUE = "json_extract_string(a.value, '$') AS value, json_type(a.value) AS json_type"


class Unfit(Exception):
    """The document is not of the plain shape this reader takes."""


def read_json_columns(path: Path, declarations) -> OcelRows | None:
    """What the document at `path` holds, or None when it is not of the plain shape (see the module)."""
    with tempfile.TemporaryDirectory(prefix="procmine-ocel-json-") as folder:
        small = _split(path, Path(folder))
        if small is None:
            return None
        con = duckdb.connect()
        try:
            rows = OcelRows(event_types=declarations(small.get("eventTypes", []), "eventTypes"),
                            object_types=declarations(small.get("objectTypes", []), "objectTypes"))
            for name, columns in _ELEMENTS.items():
                con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM read_json(?, format='newline_delimited', "
                            "records=true, columns=?, maximum_object_size=?)",
                            [str(Path(folder) / f"{name}.ndjson"), columns, 2**31 - 1])
            _objects(con, rows)
            _events(con, rows)
            return rows
        except (duckdb.Error, Unfit, KeyError, TypeError):
            return None
        finally:
            con.close()


def _split(path: Path, folder: Path) -> dict | None:
    """The document's members but "objects" and "events" (parsed), those two written one element a line
    to `folder` (as objects.ndjson and events.ndjson); None when it is not of that shape or a member
    does not parse (or the lines cannot be written: the exact reader needs no room for them)."""
    with mapped_bytes(path, writable=True) as content:
        return _split_lines(np.frombuffer(content, np.uint8), folder)


def _split_lines(data: np.ndarray, folder: Path) -> dict | None:
    from procmine.ocel.json_spans import members  # here: numba takes a third of a second to import

    spans = members(data, tuple(_ELEMENTS))
    if spans is None or not all(name in spans for name in _ELEMENTS):
        return None
    try:
        for name in _ELEMENTS:
            start, end = spans.pop(name)
            with open(folder / f"{name}.ndjson", "wb") as handle:
                handle.write(data[start + 1:end - 1].data)
    except OSError:
        return None
    try:
        return {key: orjson.loads(data[start:end].tobytes()) for key, (start, end) in spans.items()}
    except orjson.JSONDecodeError:
        return None


def _table(con, sql: str, required: tuple[str, ...] = ()) -> pa.Table:
    table = con.sql(sql).to_arrow_table()
    for name in required:
        if table.column(name).null_count:
            raise Unfit(f"{name} missing")
    return table


def _objects(con, rows: OcelRows) -> None:
    objects = _table(con, "SELECT id, type FROM objects", ("id", "type"))
    rows.object_ids, rows.object_type_of = objects.column("id"), objects.column("type")
    values = _table(con, "SELECT id, owner_type, a.name AS name, a.time AS time, " + _VALUE + " FROM (SELECT id, "
                    "type AS owner_type, unnest(attributes) AS a FROM objects)", ("id", "name"))
    _check_kinds(values, lambda otype, name: rows.object_types.get(otype, {}).get(name, "string"))
    if values.num_rows:
        rows.attribute_objects, rows.attribute_names = values.column("id"), values.column("name")
        rows.attribute_times = values.column("time").combine_chunks()
        rows.attribute_values = _text_column(values)
    links = _table(con, "SELECT id, unnest(relationships, recursive := true) FROM objects",
                   ("id", "objectId"))
    if links.num_rows:
        rows.link_sources, rows.link_targets = links.column("id"), links.column("objectId")
        rows.link_qualifiers = links.column("qualifier")


def _events(con, rows: OcelRows) -> None:
    events = _table(con, "SELECT id, type, time FROM events", ("id", "type", "time"))
    rows.event_ids, rows.event_activities = events.column("id"), events.column("type")
    rows.event_times = events.column("time")
    kinds = m.event_column_types(rows.event_types)
    relations = _table(con, "SELECT id, unnest(relationships, recursive := true) FROM events",
                       ("id", "objectId"))
    if relations.num_rows:
        rows.relation_events, rows.relation_objects = relations.column("id"), relations.column("objectId")
        rows.relation_qualifiers = relations.column("qualifier")
    values = _table(con, "SELECT position, NULL::VARCHAR AS owner_type, a.name AS name, " + _VALUE + " FROM (SELECT "
                    "rowid AS position, unnest(attributes) AS a FROM events)", ("position", "name"))
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
