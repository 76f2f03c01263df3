"""OCEL 2.0 XML: <log> with object-types, event-types, objects and events.

Read without entities, DTDs or network (a DOCTYPE is refused before parsing, like XES).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import overload

from lxml import etree

from procmine.atomic import atomic_file
from procmine.errors import LogValidationError, located
from procmine.importing.xes_safety import check_prolog
from procmine.ocel import model as m
from procmine.ocel.assemble import OcelRows, assemble
from procmine.ocel.source import grouped, mapped_bytes

_ROOT = re.compile(rb"<log[\s>/]")
# XML 1.0 cannot hold these characters even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def read_ocel_xml(path: Path) -> m.ObjectCentricLog:
    """Read an OCEL 2.0 XML file (.xml, .xmlocel, optionally gzipped): a plain document scanned by
    compiled passes (xml_scan), anything else (and any error, to name it) through lxml's tree."""
    from procmine.ocel.xml_scan import read_xml_columns  # here: numba, which it compiles with, is slow to import

    with mapped_bytes(path) as data:
        root_at = _ROOT.search(data)
        check_prolog(bytes(data[:root_at.start()] if root_at else data[:4096]), path, "OCEL 2.0 XML")
        scanned = read_xml_columns(data, root_at.start(), path) if root_at else None
        if scanned is None:
            return read_ocel_xml_tree(bytes(data), path)
    return assemble(scanned, path)


def read_ocel_xml_tree(data: bytes, path: Path) -> m.ObjectCentricLog:
    """Read OCEL 2.0 XML through lxml's tree: any shape, errors named exactly (the prolog checked)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise LogValidationError(located(f"The OCEL XML is not well-formed ({exc})", file=path,
                                         hint="Export the log again as OCEL 2.0 XML")) from exc
    if root.tag != "log":
        raise LogValidationError(located(f"The XML root is <{root.tag}>, not <log>: not an OCEL 2.0 log",
                                         file=path, hint="Export the log as OCEL 2.0 XML"))
    rows = OcelRows(event_types=_declarations(root, "event-type", path),
                    object_types=_declarations(root, "object-type", path))
    try:
        for obj in root.iterfind("objects/object"):
            _add_object(rows, obj)
        for event in root.iterfind("events/event"):
            _add_event(rows, event)
    except KeyError as exc:
        raise LogValidationError(located(f"An OCEL XML element lacks the attribute {exc}", file=path,
                                         hint="Every event needs id, type, time; every object id, type"
                                         )) from exc
    return assemble(rows, path)


def _declarations(root, tag: str, path: Path) -> dict[str, dict[str, str]]:
    return {t.attrib["name"]: {a.attrib["name"]: m.ocel_type(a.get("type"), f"{path}: {tag} {t.get('name')!r}")
                               for a in t.iterfind("attributes/attribute")}
            for t in root.iterfind(f"{tag}s/{tag}")}


def _add_object(rows: OcelRows, obj) -> None:
    oid = obj.attrib["id"]
    rows.object_ids.append(oid)
    rows.object_type_of.append(obj.attrib["type"])
    for attribute in obj.iterfind("attributes/attribute"):
        rows.attribute_objects.append(oid)
        rows.attribute_names.append(attribute.attrib["name"])
        rows.attribute_times.append(attribute.get("time"))
        rows.attribute_values.append(attribute.text or "")
    for link in obj.iterfind("objects/relationship"):
        rows.link_sources.append(oid)
        rows.link_targets.append(link.attrib["object-id"])
        rows.link_qualifiers.append(link.get("qualifier"))


def _add_event(rows: OcelRows, event) -> None:
    eid = event.attrib["id"]
    rows.event_ids.append(eid)
    rows.event_activities.append(event.attrib["type"])
    rows.event_times.append(event.attrib["time"])
    for attribute in event.iterfind("attributes/attribute"):
        rows.add_event_attribute(attribute.attrib["name"], attribute.text or "")
    for relation in event.iterfind("objects/relationship"):
        rows.relation_events.append(eid)
        rows.relation_objects.append(relation.attrib["object-id"])
        rows.relation_qualifiers.append(relation.get("qualifier"))


def write_ocel_xml(log: m.ObjectCentricLog, path: Path) -> None:
    """Write the log as OCEL 2.0 XML, atomically."""
    root = etree.Element("log")
    for tag, types in (("object-type", log.object_types), ("event-type", log.event_types)):
        holder = etree.SubElement(root, f"{tag}s")
        for name, attributes in types.items():
            declared = etree.SubElement(etree.SubElement(holder, tag, name=_xml(name)), "attributes")
            for attribute, kind in attributes.items():
                etree.SubElement(declared, "attribute", name=_xml(attribute), type=kind)
    _write_objects(etree.SubElement(root, "objects"), log)
    _write_events(etree.SubElement(root, "events"), log)
    with atomic_file(path) as tmp:
        etree.ElementTree(root).write(str(tmp), xml_declaration=True, encoding="utf-8", pretty_print=True)


@overload
def _xml(text: str) -> str: ...
@overload
def _xml(text: None) -> None: ...
def _xml(text: str | None) -> str | None:
    if text is not None and _NOT_XML.search(text):
        raise LogValidationError(f"The text {text[:40]!r} holds a control character XML cannot store. "
                                 "Export as JSON or SQLite instead.")
    return text


def _write_objects(holder, log: m.ObjectCentricLog) -> None:
    values = log.object_attributes
    attributes = grouped(values.column(m.OBJECT_ID), values.column(m.ATTRIBUTE),
                         m.format_times(values.column(m.TIME)), values.column(m.VALUE))
    links = grouped(log.object_relations.column(m.SOURCE_ID), log.object_relations.column(m.TARGET_ID),
                    log.object_relations.column(m.QUALIFIER))
    for oid, otype in zip(log.objects.column(m.OBJECT_ID).to_pylist(),
                          log.objects.column(m.OBJECT_TYPE).to_pylist()):
        element = etree.SubElement(holder, "object", id=_xml(oid), type=_xml(otype))
        listed = etree.SubElement(element, "attributes")
        for name, time, value in attributes.get(oid, []):
            etree.SubElement(listed, "attribute", name=_xml(name), time=time).text = _xml(value)
        related = etree.SubElement(element, "objects")
        for target, qualifier in links.get(oid, []):
            _relationship(related, target, qualifier)


def _relationship(holder, object_id: str, qualifier: str | None) -> None:
    element = etree.SubElement(holder, "relationship", {"object-id": _xml(object_id)})
    if qualifier is not None:
        element.set("qualifier", _xml(qualifier))


def _write_events(holder, log: m.ObjectCentricLog) -> None:
    events = log.events
    kinds = m.event_column_types(log.event_types)
    relations = grouped(log.event_objects.column(m.EVENT_ID), log.event_objects.column(m.OBJECT_ID),
                        log.event_objects.column(m.QUALIFIER))
    names = [c for c in events.column_names if c not in (m.EVENT_ID, "activity", "timestamp")]
    texts = {n: m.canonical_text(events.column(n).combine_chunks(), kinds.get(n, "string")).to_pylist()
             for n in names}
    for row, (eid, activity, time) in enumerate(zip(events.column(m.EVENT_ID).to_pylist(),
                                                    events.column("activity").to_pylist(),
                                                    m.format_times(events.column("timestamp")))):
        if time is None:  # check() refuses an event without a time before a log is written
            raise LogValidationError(f"The event {eid!r} has no time; OCEL XML needs one.")
        element = etree.SubElement(holder, "event", id=_xml(eid), type=_xml(activity), time=time)
        listed = etree.SubElement(element, "attributes")
        for name in names:
            if texts[name][row] is not None:
                etree.SubElement(listed, "attribute", name=_xml(name)).text = _xml(texts[name][row])
        related = etree.SubElement(element, "objects")
        for object_id, qualifier in relations.get(eid, []):
            _relationship(related, object_id, qualifier)
