"""OCEL 2.0 JSON: objectTypes, eventTypes, objects (attributes with times, relationships), events."""

from __future__ import annotations

from pathlib import Path

import orjson

from procmine.atomic import atomic_file
from procmine.errors import LogValidationError, located
from procmine.importing.xes_safety import GZIP_MAGIC, UTF8_BOM
from procmine.ocel import model as m
from procmine.ocel.assemble import OcelRows, assemble
from procmine.ocel.json_columns import read_json_columns
from procmine.ocel.source import grouped, read_bytes


def read_ocel_json(path: Path) -> m.ObjectCentricLog:
    """Read an OCEL 2.0 JSON file (.json, .jsonocel, optionally gzipped): a plain file of the usual shape
    column by column in DuckDB, anything else (and any error, to name it) with orjson."""
    if _plain_file(path):
        rows = read_json_columns(path, lambda types, key: _declarations(types, key, path))
        if rows is not None:
            return assemble(rows, path)
    return read_ocel_json_objects(path)


def read_ocel_json_objects(path: Path) -> m.ObjectCentricLog:
    """Read an OCEL 2.0 JSON file parsed into Python objects (orjson): any shape, errors named exactly."""
    try:
        document = orjson.loads(read_bytes(path))
    except orjson.JSONDecodeError as exc:
        raise LogValidationError(located(f"The OCEL JSON cannot be parsed ({str(exc)[:200]})", file=path,
                                         hint="Export the log again as OCEL 2.0 JSON")) from exc
    if not isinstance(document, dict) or "events" not in document or "objects" not in document:
        raise LogValidationError(located("The JSON is not an OCEL 2.0 log (no top-level 'events' and "
                                         "'objects')", file=path, hint="Export the log as OCEL 2.0 JSON"))
    rows = OcelRows()
    try:
        rows.event_types = _declarations(document.get("eventTypes", []), "eventTypes", path)
        rows.object_types = _declarations(document.get("objectTypes", []), "objectTypes", path)
        _add_objects(rows, document["objects"])
        _add_events(rows, document["events"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise LogValidationError(located(f"An OCEL JSON entry lacks a required field or has the wrong "
                                         f"shape ({type(exc).__name__}: {exc})", file=path,
                                         hint="Every event needs id, type, time; every object id, type"
                                         )) from exc
    return assemble(rows, path)


def _plain_file(path: Path) -> bool:
    """Neither gzipped nor starting with a byte-order mark (DuckDB then reads the file itself)."""
    with open(path, "rb") as handle:
        start = handle.read(3)
    return not start.startswith(GZIP_MAGIC) and not start.startswith(UTF8_BOM)


def _declarations(types: list, key: str, path: Path) -> dict[str, dict[str, str]]:
    return {str(t["name"]): {str(a["name"]): m.ocel_type(a.get("type"), f"{path}: {key} {t['name']!r}")
                             for a in t.get("attributes") or []} for t in types}


def _add_objects(rows: OcelRows, objects: list) -> None:
    """Columns of the objects, their attribute values and links (comprehensions: one pass each)."""
    rows.object_ids = [o["id"] for o in objects]
    rows.object_type_of = [o["type"] for o in objects]
    values = [(o["id"], a) for o in objects for a in o.get("attributes") or ()]
    rows.attribute_objects = [oid for oid, _ in values]
    rows.attribute_names = [a["name"] for _, a in values]
    rows.attribute_times = [a.get("time") for _, a in values]
    rows.attribute_values = [a.get("value") for _, a in values]
    links = [(o["id"], r) for o in objects for r in o.get("relationships") or ()]
    rows.link_sources = [oid for oid, _ in links]
    rows.link_targets = [r["objectId"] for _, r in links]
    rows.link_qualifiers = [r.get("qualifier") for _, r in links]


def _add_events(rows: OcelRows, events: list) -> None:
    rows.event_ids = [e["id"] for e in events]
    rows.event_activities = [e["type"] for e in events]
    rows.event_times = [e["time"] for e in events]
    for position, event in enumerate(events):
        for attribute in event.get("attributes") or ():
            rows.event_attributes.setdefault(attribute["name"], {})[position] = attribute.get("value")
    relations = [(e["id"], r) for e in events for r in e.get("relationships") or ()]
    rows.relation_events = [eid for eid, _ in relations]
    rows.relation_objects = [r["objectId"] for _, r in relations]
    rows.relation_qualifiers = [r.get("qualifier") for _, r in relations]


def ocel_document(log: m.ObjectCentricLog) -> dict:
    """The log as an OCEL 2.0 JSON document (Python objects)."""
    kinds = m.event_column_types(log.event_types)

    def declared(types: dict) -> list[dict]:
        return [{"name": name, "attributes": [{"name": a, "type": t} for a, t in attrs.items()]}
                for name, attrs in types.items()]

    return {"objectTypes": declared(log.object_types), "eventTypes": declared(log.event_types),
            "objects": _objects(log), "events": _events(log, kinds)}


def _objects(log: m.ObjectCentricLog) -> list[dict]:
    values = log.object_attributes
    attributes = grouped(values.column(m.OBJECT_ID), values.column(m.ATTRIBUTE),
                         values.column(m.TIME).cast("int64"), values.column(m.VALUE))
    times = dict(zip(values.column(m.TIME).cast("int64").to_pylist(), m.format_times(values.column(m.TIME))))
    links = grouped(log.object_relations.column(m.SOURCE_ID), log.object_relations.column(m.TARGET_ID),
                    log.object_relations.column(m.QUALIFIER))
    result = []
    for oid, otype in zip(log.objects.column(m.OBJECT_ID).to_pylist(),
                          log.objects.column(m.OBJECT_TYPE).to_pylist()):
        kinds = log.object_types.get(otype, {})
        entry = {"id": oid, "type": otype,
                 "attributes": [{"name": n, "time": times[t], "value": m.json_value(v, kinds.get(n, "string"))}
                                for n, t, v in attributes.get(oid, [])]}
        entry["relationships"] = [{"objectId": target, "qualifier": q} for target, q in links.get(oid, [])]
        result.append(entry)
    return result


def _events(log: m.ObjectCentricLog, kinds: dict[str, str]) -> list[dict]:
    events = log.events
    relations = grouped(log.event_objects.column(m.EVENT_ID), log.event_objects.column(m.OBJECT_ID),
                        log.event_objects.column(m.QUALIFIER))
    names = [c for c in events.column_names if c not in (m.EVENT_ID, "activity", "timestamp")]
    texts = {n: _json_column(events.column(n), kinds.get(n, "string")) for n in names}
    result = []
    for row, (eid, activity, time) in enumerate(zip(events.column(m.EVENT_ID).to_pylist(),
                                                    events.column("activity").to_pylist(),
                                                    m.format_times(events.column("timestamp")))):
        attributes = [{"name": n, "value": texts[n][row]} for n in names if texts[n][row] is not None]
        result.append({"id": eid, "type": activity, "time": time, "attributes": attributes,
                       "relationships": [{"objectId": o, "qualifier": q} for o, q in relations.get(eid, [])]})
    return result


def _json_column(column, kind: str) -> list:
    if kind == "time":
        return m.format_times(column)
    return column.to_pylist()


def write_ocel_json(log: m.ObjectCentricLog, path: Path) -> None:
    """Write the log as OCEL 2.0 JSON, atomically."""
    with atomic_file(path) as tmp:
        tmp.write_bytes(orjson.dumps(ocel_document(log)))
