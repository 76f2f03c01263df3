"""read_bpmn: read a BPMN 2.0 reference model (also ones saved by Camunda Modeler) into a BpmnModel.

Tasks of every kind, sub-processes and call activities become tasks named as in
the file; intermediate events and event-based gateways become silent
pass-through steps; extension elements and the diagram are ignored.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeTree

from procmine.bpmn_model import BpmnModel, build_model
from procmine.errors import ModelError

MODEL_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_TASKS = {"task", "userTask", "serviceTask", "scriptTask", "manualTask", "businessRuleTask",
          "sendTask", "receiveTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"}
_SILENT = {"intermediateCatchEvent", "intermediateThrowEvent", "eventBasedGateway", "complexGateway"}
_KINDS = {"startEvent": "startEvent", "endEvent": "endEvent", "exclusiveGateway": "exclusiveGateway",
          "parallelGateway": "parallelGateway", "inclusiveGateway": "inclusiveGateway"}


def read_bpmn(path: str | os.PathLike) -> BpmnModel:
    """The first process of a .bpmn file, as a BpmnModel whose tasks carry the file's names."""
    path = Path(path)
    root = _parse(path)
    process = root.find(f"{{{MODEL_NS}}}process")
    if process is None:
        raise ModelError(f"{path} holds no <bpmn:process>. Export the model as a BPMN 2.0 process "
                         "(not only a collaboration diagram).")
    nodes: list[tuple[str, str]] = []
    index: dict[str | None, int] = {}
    for element in process:
        kind = _kind(element)
        if kind is None:
            continue
        index[element.get("id")] = len(nodes)
        name = (element.get("name") or "").strip()
        nodes.append((kind, " ".join(name.split()) if kind == "task" else name))
    if not any(kind == "startEvent" for kind, _ in nodes):
        raise ModelError(f"{path}: the process has no start event. Add a start event to the model "
                         "in Camunda Modeler / bpmn.io and save it again.")
    if not any(kind == "endEvent" for kind, _ in nodes):
        raise ModelError(f"{path}: the process has no end event. Add an end event to the model.")
    edges = [_edge(flow, index, path) for flow in process.findall(f"{{{MODEL_NS}}}sequenceFlow")]
    return build_model(nodes, edges, process.get("name") or "", implicit_split="parallelGateway")


def _parse(path: Path) -> Element:
    if not path.is_file():
        raise ModelError(f"The model file {path} does not exist. Check the path.")
    try:
        root = SafeTree.parse(str(path)).getroot()
    except Exception as exc:  # defusedxml raises ParseError and its own security errors
        raise ModelError(f"{path} is not readable XML ({exc}). Give a BPMN 2.0 (.bpmn) file.") from exc
    if root is None:  # a parsed file always has a root element
        raise ModelError(f"{path} holds no XML element. Give a BPMN 2.0 (.bpmn) file.")
    if root.tag != f"{{{MODEL_NS}}}definitions":
        raise ModelError(f"{path} is not a BPMN 2.0 model: its root element is {root.tag!r}, not "
                         f"<definitions> in namespace {MODEL_NS}. Give a .bpmn file saved by a "
                         "BPMN modeller.")
    return root


def _kind(element) -> str | None:
    if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{MODEL_NS}}}"):
        return None
    local = element.tag.split("}", 1)[1]
    if local in _TASKS:
        return "task"
    if local in _SILENT:
        return "exclusiveGateway"
    return _KINDS.get(local)


def _edge(flow, index: dict, path: Path) -> tuple[int, int]:
    source, target = flow.get("sourceRef"), flow.get("targetRef")
    for ref in (source, target):
        if ref not in index:
            raise ModelError(f"{path}: sequence flow {flow.get('id')!r} refers to {ref!r}, which is "
                             "not a flow node of the process. Repair the model in a BPMN modeller.")
    return index[source], index[target]
