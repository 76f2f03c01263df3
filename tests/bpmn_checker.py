"""A BPMN checker for tests: XML structure, diagram interchange, and bpmn-moddle + bpmnlint via node."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from lxml import etree

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
FLOW_NODES = ("startEvent", "endEvent", "task", "exclusiveGateway", "parallelGateway", "inclusiveGateway")


def check_structure_and_di(path: Path) -> None:
    """Assert one process, NCName ids, named events, a shape per node, an edge per flow on borders, no overlaps."""
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{NS['bpmn']}}}definitions"
    processes = root.findall("bpmn:process", NS)
    assert len(processes) == 1
    nodes = {e.get("id"): etree.QName(e).localname for e in processes[0]
             if etree.QName(e).localname in FLOW_NODES}
    flows = {f.get("id"): (f.get("sourceRef"), f.get("targetRef"))
             for f in processes[0].findall("bpmn:sequenceFlow", NS)}
    for element in root.iter():
        if element.get("id") is not None:
            assert NCNAME.match(element.get("id")), element.get("id")
    for event in processes[0]:
        if etree.QName(event).localname in ("startEvent", "endEvent"):
            assert event.get("name"), "start and end events must be named"
    shapes = {s.get("bpmnElement"): _bounds(s) for s in root.iter(f"{{{NS['bpmndi']}}}BPMNShape")}
    assert set(shapes) == set(nodes), "every flow node needs exactly one BPMNShape"
    for node_id, kind in nodes.items():
        width, height = shapes[node_id][2:]
        if kind.endswith("Event"):
            assert (width, height) == (36, 36)
        elif kind.endswith("Gateway"):
            assert (width, height) == (50, 50)
        else:
            assert width >= 100 and height >= 80
    edges = {e.get("bpmnElement"): [(float(p.get("x")), float(p.get("y"))) for p in e.findall("di:waypoint", NS)]
             for e in root.iter(f"{{{NS['bpmndi']}}}BPMNEdge")}
    assert set(edges) == set(flows), "every sequence flow needs exactly one BPMNEdge"
    for flow_id, (source, target) in flows.items():
        points = edges[flow_id]
        assert len(points) >= 2
        assert on_outline(points[0], shapes[source], nodes[source]), (flow_id, points[0], shapes[source])
        assert on_outline(points[-1], shapes[target], nodes[target]), (flow_id, points[-1], shapes[target])
    boxes = sorted(shapes.items(), key=lambda item: item[1][0])
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            if box_b[0] >= box_a[0] + box_a[2]:
                break
            assert not _overlap(box_a, box_b), f"shapes {a} and {b} overlap"


def on_outline(point, box, kind: str, tolerance: float = 1.0) -> bool:
    """Whether `point` lies on the outline of a shape (circle, diamond or rectangle) within `tolerance`."""
    x, y, width, height = box
    cx, cy = x + width / 2, y + height / 2
    dx, dy = point[0] - cx, point[1] - cy
    if kind.endswith("Event"):
        return abs((dx * dx + dy * dy) ** 0.5 - width / 2) <= tolerance
    if kind.endswith("Gateway"):
        return abs(abs(dx) / (width / 2) + abs(dy) / (height / 2) - 1) <= tolerance / 25
    inside = abs(dx) <= width / 2 + tolerance and abs(dy) <= height / 2 + tolerance
    border = abs(abs(dx) - width / 2) <= tolerance or abs(abs(dy) - height / 2) <= tolerance
    return inside and border


def lint(path: Path, tools: Path) -> dict:
    """Run bpmn-moddle and bpmnlint (recommended rules) on `path`: {warnings, lint}."""
    return lint_all([path], tools)[0]


def lint_all(paths: list[Path], tools: Path) -> list[dict]:
    """bpmn-moddle and bpmnlint on several files in one node process: one {warnings, lint} per file."""
    done = subprocess.run(["node", str(tools / "check_bpmn.mjs"), *map(str, paths)], capture_output=True,
                          text=True, timeout=300, check=True)
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(reports) == len(paths), done.stdout
    return reports


def lint_problems(report: dict, kinds: dict[str, str]) -> list:
    """Lint reports that count: everything except `label-required` on gateways."""
    problems = []
    for rule, items in report["lint"].items():
        for item in items:
            if rule == "label-required" and kinds.get(item["id"], "").endswith("Gateway"):
                continue
            problems.append((rule, item))
    return problems


def _bounds(shape) -> tuple[float, float, float, float]:
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
