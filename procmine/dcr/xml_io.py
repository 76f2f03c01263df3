"""DCR XML as dcrgraphs.net imports and exports it: events, labels, relations, roles and the marking.

Layout of a written file (the portal's element names):

    <dcrgraph title="...">
      <specification>
        <resources>
          <events><event id="e1"><custom><visualization><location xLoc yLoc/></visualization>
                                  <roles><role>Sagsbehandler</role></roles></custom></event>...</events>
          <labels><label id="Afgørelse"/>...</labels>
          <labelMappings><labelMapping eventId="e1" labelId="Afgørelse"/>...</labelMappings>
          <custom><roles><role>...</role></roles><timeUnit>working_days</timeUnit></custom>
        </resources>
        <constraints><conditions><condition sourceId targetId time="P3D"/>...</conditions>
          <responses/><excludes/><includes/><milestones/></constraints>
      </specification>
      <runtime><marking><executed/><included><event id/>...</included><pendingResponses/></marking></runtime>
    </dcrgraph>

Times are ISO 8601 durations ("P7D"); the unit they count (working or calendar days)
is kept in resources/custom/timeUnit and in each timed relation's description. A file
with milestones, other relation kinds or nested events is refused with a ModelError:
procmine's semantics has only the four relations, and ignoring the rest would give
wrong verdicts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np

from procmine.atomic import atomic_file
from procmine.dcr.graph import RELATION_KINDS, TIME_UNITS, DcrGraph
from procmine.errors import ModelError
from procmine.units import in_days

PLURAL = {"condition": "conditions", "response": "responses", "exclude": "excludes", "include": "includes"}
GRID_COLUMNS, GRID_STEP = 6, 200
_DURATION = re.compile(r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def dcr_xml(graph: DcrGraph, title: str = "procmine DCR graph") -> bytes:
    """The graph as DCR XML (UTF-8 bytes)."""
    ids = [f"e{i + 1}" for i in range(len(graph.activities))]
    root = ET.Element("dcrgraph", title=title)
    specification = ET.SubElement(root, "specification")
    resources = ET.SubElement(specification, "resources")
    events = ET.SubElement(resources, "events")
    for number, (event_id, role) in enumerate(zip(ids, graph.roles)):
        event = ET.SubElement(events, "event", id=event_id)
        custom = ET.SubElement(event, "custom")
        visualization = ET.SubElement(custom, "visualization")
        ET.SubElement(visualization, "location", xLoc=str(50 + GRID_STEP * (number % GRID_COLUMNS)),
                      yLoc=str(50 + GRID_STEP * (number // GRID_COLUMNS)))
        ET.SubElement(ET.SubElement(custom, "roles"), "role").text = role
    labels = ET.SubElement(resources, "labels")
    mappings = ET.SubElement(resources, "labelMappings")
    for event_id, activity in zip(ids, graph.activities):
        ET.SubElement(labels, "label", id=activity)
        ET.SubElement(mappings, "labelMapping", eventId=event_id, labelId=activity)
    custom = ET.SubElement(resources, "custom")
    roles = ET.SubElement(custom, "roles")
    for role in sorted({r for r in graph.roles if r}):
        ET.SubElement(roles, "role").text = role
    ET.SubElement(custom, "timeUnit").text = graph.time_unit
    _write_constraints(ET.SubElement(specification, "constraints"), graph, ids)
    marking = ET.SubElement(ET.SubElement(root, "runtime"), "marking")
    for name, element in (("executed", "executed"), ("included", "included"), ("pending", "pendingResponses")):
        holder = ET.SubElement(marking, element)
        for i in np.flatnonzero(getattr(graph, name)):
            ET.SubElement(holder, "event", id=ids[i])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _write_constraints(constraints: ET.Element, graph: DcrGraph, ids: list[str]) -> None:
    for kind in RELATION_KINDS:
        holder = ET.SubElement(constraints, PLURAL[kind])
        times = graph.delays if kind == "condition" else graph.deadlines if kind == "response" else {}
        for source, target in zip(*np.nonzero(graph.relation(kind))):
            attributes = {"sourceId": ids[source], "targetId": ids[target]}
            time = times.get((graph.activities[source], graph.activities[target]))
            if time is not None:
                attributes["time"] = f"P{time:g}D"
                attributes["description"] = f"{time:g} {graph.time_unit.replace('_', ' ')}"
            ET.SubElement(holder, kind, attributes)
    ET.SubElement(constraints, "milestones")


def write_dcr_xml(graph: DcrGraph, path: str | os.PathLike, title: str | None = None) -> Path:
    """Write the graph as DCR XML to `path` atomically."""
    path = Path(path)
    data = dcr_xml(graph, title or path.stem)
    with atomic_file(path) as tmp:
        tmp.write_bytes(data)
    return path


def read_dcr_xml(source: str | os.PathLike | bytes) -> DcrGraph:
    """A DCR graph from DCR XML (a path or the bytes); events are named by their labels."""
    where = "the DCR XML" if isinstance(source, bytes) else str(source)
    if not isinstance(source, bytes):
        if not Path(source).is_file():
            raise ModelError(f"The DCR graph file {source} does not exist. Check the path.")
        source = Path(source).read_bytes()
    try:
        root = ET.fromstring(source)
    except ET.ParseError as exc:
        raise ModelError(f"{where} is not well-formed XML ({exc}). Export the graph again as DCR XML.") from None
    if root.tag != "dcrgraph":
        raise ModelError(f"{where}: the root element is <{root.tag}>, not <dcrgraph>. Give a DCR XML file "
                         "(as dcrgraphs.net exports it or `procmine discover --miner dcr -o model.xml` writes).")
    _require_plain_graph(root, where)
    labels, roles = _events(root, where)
    ids = list(labels)
    activities = tuple(labels[i] for i in ids)
    if len(set(activities)) != len(activities):
        raise ModelError(f"{where}: two events carry the same label; procmine needs one event per activity.")
    position = {event_id: i for i, event_id in enumerate(ids)}
    unit = _text(root, "specification/resources/custom/timeUnit") or "days"
    if unit not in TIME_UNITS:
        raise ModelError(f"{where}: timeUnit {unit!r} is unknown; use working_days or days.")
    matrices, delays, deadlines = _constraints(root, position, activities, where)
    marking = {name: _marked(root, element, position, where) for name, element in
               (("executed", "executed"), ("included", "included"), ("pending", "pendingResponses"))}
    return DcrGraph(activities, matrices["condition"], matrices["response"], matrices["exclude"],
                    matrices["include"], marking["included"], marking["executed"], marking["pending"],
                    tuple(roles[i] for i in ids), delays, deadlines, unit)


UNSUPPORTED = ("milestones", "coresponses", "updates", "spawns", "templateSpawns")


def _require_plain_graph(root: ET.Element, where: str) -> None:
    """Refuse what procmine's semantics would silently ignore: other relations and nested events."""
    for holder in UNSUPPORTED:
        found = root.findall(f"specification/constraints/{holder}/*")
        if found:
            raise ModelError(f"{where}: the graph has {len(found)} {holder} relation(s); procmine checks "
                             "conditions, responses, exclusions and inclusions only. Remove them in the "
                             "editor to check the rest.")
    if root.find("specification/resources/events/event/event") is not None:
        raise ModelError(f"{where}: the graph has nested events (groups); procmine reads flat graphs only. "
                         "Ungroup the events in the editor.")


def _events(root: ET.Element, where: str) -> tuple[dict[str, str], dict[str, str]]:
    """Event id -> label (the id itself when unmapped), and event id -> role ('' if none)."""
    events = root.findall("specification/resources/events/event")
    if not events:
        raise ModelError(f"{where}: no <event> under specification/resources/events. The graph has no events.")
    mapped = {m.get("eventId"): m.get("labelId") for m in root.iter("labelMapping")}
    labels, roles = {}, {}
    for event in events:
        event_id = event.get("id")
        if not event_id:
            raise ModelError(f"{where}: an <event> has no id attribute. Give every event an id.")
        labels[event_id] = (mapped.get(event_id) or event_id).strip()
        role = event.find("custom/roles/role")
        roles[event_id] = (role.text or "").strip() if role is not None else ""
    return labels, roles


def _constraints(root: ET.Element, position: dict, activities: tuple, where: str):
    size = len(activities)
    matrices = {kind: np.zeros((size, size), bool) for kind in RELATION_KINDS}
    delays: dict[tuple[str, str], float] = {}
    deadlines: dict[tuple[str, str], float] = {}
    for kind in RELATION_KINDS:
        for relation in root.findall(f"specification/constraints/{PLURAL[kind]}/{kind}"):
            source, target = relation.get("sourceId"), relation.get("targetId")
            for name, value in (("sourceId", source), ("targetId", target)):
                if value not in position:
                    raise ModelError(f"{where}: a <{kind}> has {name}={value!r}, which is no event of the "
                                     "graph. Point it at an event id.")
            matrices[kind][position[source], position[target]] = True
            time = relation.get("time")
            if time and kind in ("condition", "response"):
                pair = (activities[position[source]], activities[position[target]])
                (delays if kind == "condition" else deadlines)[pair] = duration_days(time, where)
    return matrices, delays, deadlines


def duration_days(text: str, where: str = "the DCR XML") -> float:
    """An ISO 8601 duration (P7D, PT12H, P1DT6H...) in days."""
    match = _DURATION.match(text.strip())
    if not match or not any(match.groups()):
        raise ModelError(f"{where}: time={text!r} is not an ISO 8601 duration of days and hours; write it like "
                         "P7D or PT12H.")
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return days + hours / 24 + minutes / 1440 + in_days(seconds)


def _marked(root: ET.Element, element: str, position: dict, where: str) -> np.ndarray:
    marked = np.zeros(len(position), bool)
    holder = root.find(f"runtime/marking/{element}")
    if holder is None:
        if element == "included":
            marked[:] = True   # a graph without runtime marking starts with every event included
        return marked
    for event in holder.findall("event"):
        if event.get("id") not in position:
            raise ModelError(f"{where}: the marking <{element}> names event {event.get('id')!r}, which the graph "
                             "does not have.")
        marked[position[event.get("id")]] = True
    return marked


def _text(root: ET.Element, path: str) -> str | None:
    found = root.find(path)
    return found.text.strip() if found is not None and found.text else None


def is_dcr_xml(path: str | os.PathLike) -> bool:
    """True when `path` is an .xml file whose root element is <dcrgraph>."""
    path = Path(path)
    if path.suffix.lower() != ".xml" or not path.is_file():
        return False
    try:
        for _, element in ET.iterparse(path, events=("start",)):
            return element.tag == "dcrgraph"
    except ET.ParseError:
        return False
    return False
