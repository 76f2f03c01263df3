"""OCEL 2.0 JSON: objectTypes, eventTypes, objects (attributes with times, relationships), events."""

from __future__ import annotations

import json
from pathlib import Path

from procmine.atomic import atomic_file
from procmine.errors import LogValidationError, located
from procmine.ocel import model as m
from procmine.ocel.assemble import OcelRows, assemble
from procmine.ocel.source import grouped, read_bytes


def read_ocel_json(path: Path) -> m.ObjectCentricLog:
    """Read an OCEL 2.0 JSON file (.json, .jsonocel, optionally gzipped)."""
    try:
        document = json.loads(read_bytes(path))
    except (ValueError, RecursionError) as exc:
        raise LogValidationError(located(f"The OCEL JSON cannot be parsed ({type(exc).__name__}: "
                                         f"{str(exc)[:200]})", file=path,
                                         hint="Export the log again as OCEL 2.0 JSON")) from exc
    if not isinstance(document, dict) or "events" not in document or "objects" not in document:
        raise LogValidationError(located("The JSON is not an OCEL 2.0 log (no top-level 'events' and "
                                         "'objects')", file=path, hint="Export the log as OCEL 2.0 JSON"))
    rows = OcelRows()
    try:
        rows.event_types = _declarations(document.get("eventTypes", []), "eventTypes", path)
        rows.object_types = _declarations(document.get("objectTypes", []), "objectTypes", path)
        for obj in document["objects"]:
            _add_object(rows, obj)
        for event in document["events"]:
            _add_event(rows, event)
    except (KeyError, TypeError, AttributeError) as exc:
        raise LogValidationError(located(f"An OCEL JSON entry lacks a required field or has the wrong "
                                         f"shape ({type(exc).__name__}: {exc})", file=path,
                                         hint="Every event needs id, type, time; every object id, type"
                                         )) from exc
    return assemble(rows, path)


def _declarations(types: list, key: str, path: Path) -> dict[str, dict[str, str]]:
    return {str(t["name"]): {str(a["name"]): m.ocel_type(a.get("type"), f"{path}: {key} {t['name']!r}")
                             for a in t.get("attributes") or []} for t in types}


def _add_object(rows: OcelRows, obj: dict) -> None:
    oid = obj["id"]
    rows.object_ids.append(oid)
    rows.object_type_of.append(obj["type"])
    for attribute in obj.get("attributes") or []:
        rows.attribute_objects.append(oid)
        rows.attribute_names.append(attribute["name"])
        rows.attribute_times.append(attribute.get("time"))
        rows.attribute_values.append(attribute.get("value"))
    for link in obj.get("relationships") or []:
        rows.link_sources.append(oid)
        rows.link_targets.append(link["objectId"])
        rows.link_qualifiers.append(link.get("qualifier"))


def _add_event(rows: OcelRows, event: dict) -> None:
    rows.event_ids.append(event["id"])
    rows.event_activities.append(event["type"])
    rows.event_times.append(event["time"])
    for attribute in event.get("attributes") or []:
        rows.add_event_attribute(attribute["name"], attribute.get("value"))
    for relation in event.get("relationships") or []:
        rows.relation_events.append(event["id"])
        rows.relation_objects.append(relation["objectId"])
        rows.relation_qualifiers.append(relation.get("qualifier"))


def ocel_document(log: m.ObjectCentricLog) -> dict:
    """The log as an OCEL 2.0 JSON document (Python objects)."""
    kinds = m.event_column_types(log.event_types)
    declared = lambda types: [{"name": name, "attributes": [{"name": a, "type": t} for a, t in attrs.items()]}
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
        tmp.write_text(json.dumps(ocel_document(log), ensure_ascii=False, indent=1), encoding="utf-8")
