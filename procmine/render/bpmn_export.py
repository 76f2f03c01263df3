"""BPMN 2.0 XML with complete diagram interchange (a shape per node, an edge per flow)."""

from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from procmine.atomic import atomic_file
from procmine.bpmn_model import BpmnModel
from procmine.render.bpmn_layout import Layout, layout_model

MODEL_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_NSMAP = {"bpmn": MODEL_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS, "xsi": XSI_NS}


def bpmn_xml(model: BpmnModel, layout: Layout | None = None) -> bytes:
    """The model as BPMN 2.0 XML (UTF-8) with a left-to-right diagram."""
    layout = layout or layout_model(model)
    definitions = etree.Element(_q(MODEL_NS, "definitions"), nsmap=_NSMAP, attrib={
        "id": "Definitions_1", "targetNamespace": "http://bpmn.io/schema/bpmn",
        "exporter": "procmine", "exporterVersion": _version()})
    process = etree.SubElement(definitions, _q(MODEL_NS, "process"),
                               id=model.process_id, isExecutable="false")
    if model.name:
        process.set("name", model.name)
    for node in model.nodes:
        element = etree.SubElement(process, _q(MODEL_NS, node.kind), id=node.id)
        if node.name:
            element.set("name", node.name)
        for flow in model.incoming(node.id):
            etree.SubElement(element, _q(MODEL_NS, "incoming")).text = flow.id
        for flow in model.outgoing(node.id):
            etree.SubElement(element, _q(MODEL_NS, "outgoing")).text = flow.id
    for flow in model.flows:
        etree.SubElement(process, _q(MODEL_NS, "sequenceFlow"), id=flow.id,
                         sourceRef=flow.source, targetRef=flow.target)
    _add_diagram(definitions, model, layout)
    return etree.tostring(definitions, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_bpmn(model: BpmnModel, path: str | os.PathLike) -> Path:
    """Write the model as a .bpmn file, atomically."""
    path = Path(path)
    data = bpmn_xml(model)
    with atomic_file(path) as tmp:
        tmp.write_bytes(data)
    return path


def _add_diagram(definitions, model: BpmnModel, layout: Layout) -> None:
    diagram = etree.SubElement(definitions, _q(BPMNDI_NS, "BPMNDiagram"), id="BPMNDiagram_1")
    plane = etree.SubElement(diagram, _q(BPMNDI_NS, "BPMNPlane"), id="BPMNPlane_1",
                             bpmnElement=model.process_id)
    for node in model.nodes:
        bounds = layout.shapes[node.id]
        shape = etree.SubElement(plane, _q(BPMNDI_NS, "BPMNShape"), id=f"{node.id}_di",
                                 bpmnElement=node.id)
        if node.kind.endswith("Gateway"):
            shape.set("isMarkerVisible", "true")
        _bounds(shape, bounds.x, bounds.y, bounds.width, bounds.height)
        if node.kind in ("startEvent", "endEvent") and node.name:
            label = etree.SubElement(shape, _q(BPMNDI_NS, "BPMNLabel"))
            width = max(36.0, 7.0 * len(node.name))
            _bounds(label, bounds.x + 18 - width / 2, bounds.y + 40, width, 14)
    for flow in model.flows:
        edge = etree.SubElement(plane, _q(BPMNDI_NS, "BPMNEdge"), id=f"{flow.id}_di",
                                bpmnElement=flow.id)
        for x, y in layout.waypoints[flow.id]:
            etree.SubElement(edge, _q(DI_NS, "waypoint"), x=_number(x), y=_number(y))


def _bounds(parent, x: float, y: float, width: float, height: float) -> None:
    etree.SubElement(parent, _q(DC_NS, "Bounds"), x=_number(x), y=_number(y),
                     width=_number(width), height=_number(height))


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _version() -> str:
    from procmine import __version__
    return __version__
