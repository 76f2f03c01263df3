"""A plain BPMN process graph (nodes and sequence flows), tidied so linters and modellers accept it.

It sits between pm4py's BPMN objects and our XML: discovery converts into it, the
exporter lays it out and writes it, `read_bpmn` reads into it, and conformance
converts it to a Petri net through pm4py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

NODE_KINDS = ("startEvent", "endEvent", "task", "exclusiveGateway", "parallelGateway",
              "inclusiveGateway")
GATEWAYS = ("exclusiveGateway", "parallelGateway", "inclusiveGateway")
_PREFIX = {"startEvent": "StartEvent", "endEvent": "EndEvent", "task": "Activity",
           "exclusiveGateway": "Gateway", "parallelGateway": "Gateway", "inclusiveGateway": "Gateway"}


@dataclass(frozen=True)
class BpmnNode:
    """One flow node; `id` is a valid XML NCName."""

    id: str
    kind: str
    name: str = ""


@dataclass(frozen=True)
class SequenceFlow:
    id: str
    source: str
    target: str


@dataclass(frozen=True)
class BpmnModel:
    """One BPMN process: flow nodes and the sequence flows between them."""

    nodes: tuple[BpmnNode, ...]
    flows: tuple[SequenceFlow, ...]
    process_id: str = "Process_1"
    name: str = ""

    def node(self, node_id: str) -> BpmnNode:
        return self._by_id[node_id]

    @property
    def _by_id(self) -> dict[str, BpmnNode]:
        return {n.id: n for n in self.nodes}

    def incoming(self, node_id: str) -> list[SequenceFlow]:
        return [f for f in self.flows if f.target == node_id]

    def outgoing(self, node_id: str) -> list[SequenceFlow]:
        return [f for f in self.flows if f.source == node_id]

    def of_kind(self, *kinds: str) -> list[BpmnNode]:
        return [n for n in self.nodes if n.kind in kinds]

    @property
    def activity_names(self) -> set[str]:
        return {n.name for n in self.nodes if n.kind == "task" and n.name}


def build_model(nodes: list[tuple[str, str]], edges: list[tuple[int, int]], name: str = "",
                implicit_split: str = "exclusiveGateway") -> BpmnModel:
    """A tidy model from (kind, name) nodes and (source index, target index) edges, with fresh ids.

    A task or event with several outgoing flows gets a gateway of kind `implicit_split`
    (pm4py reads such splits as exclusive, BPMN itself as parallel); several incoming
    flows get an exclusive join.
    """
    kinds = {i: kind for i, (kind, _) in enumerate(nodes)}
    names = {i: label for i, (_, label) in enumerate(nodes)}
    kinds, names, pairs = _tidy(kinds, names, list(dict.fromkeys(edges)), implicit_split)
    numbers: Counter = Counter()
    ids = {}
    for key in sorted(kinds, key=_order_key(kinds)):
        numbers[_PREFIX[kinds[key]]] += 1
        ids[key] = f"{_PREFIX[kinds[key]]}_{numbers[_PREFIX[kinds[key]]]}"
    model_nodes = tuple(BpmnNode(ids[k], kinds[k], names.get(k, "")) for k in sorted(kinds, key=_order_key(kinds)))
    flows = tuple(SequenceFlow(f"Flow_{i + 1}", ids[s], ids[t]) for i, (s, t) in enumerate(pairs))
    return BpmnModel(model_nodes, flows, name=name)


def _order_key(kinds: dict):
    return lambda key: (kinds[key] != "startEvent", kinds[key] == "endEvent", key)


def _tidy(kinds: dict, names: dict, pairs: list[tuple], implicit_split: str) -> tuple[dict, dict, list[tuple]]:
    """Drop pass-through gateways and duplicate flows; make every split and join an explicit gateway."""
    kinds, names = dict(kinds), dict(names)
    changed = True
    while changed:
        changed = False
        for key, kind in list(kinds.items()):
            ins = [p for p in pairs if p[1] == key]
            outs = [p for p in pairs if p[0] == key]
            if kind in GATEWAYS and (not ins or not outs):   # a dead end or unreachable: drop it
                pairs = [p for p in pairs if key not in p]
                del kinds[key]
                changed = True
            elif kind in GATEWAYS and len(ins) == 1 and len(outs) == 1:
                pairs = [p for p in pairs if key not in p] + [(ins[0][0], outs[0][1])]
                pairs = list(dict.fromkeys(pairs))
                del kinds[key]
                changed = True
    fresh = max(kinds, default=0, key=lambda k: k if isinstance(k, int) else 0)
    for key, kind in list(kinds.items()):
        ins = [p for p in pairs if p[1] == key]
        outs = [p for p in pairs if p[0] == key]
        if kind in GATEWAYS and len(ins) > 1 and len(outs) > 1:
            fresh += 1
            kinds[fresh] = kind
            pairs = _reroute(pairs, key, fresh, outgoing=True)
        elif kind not in GATEWAYS:
            if len(ins) > 1:
                fresh += 1
                kinds[fresh] = "exclusiveGateway"
                pairs = _reroute(pairs, key, fresh, outgoing=False)
            if len(outs) > 1:
                fresh += 1
                kinds[fresh] = implicit_split
                pairs = _reroute(pairs, key, fresh, outgoing=True)
    return kinds, names, pairs


def _reroute(pairs: list[tuple], key, gateway, outgoing: bool) -> list[tuple]:
    """Move the outgoing (or incoming) flows of `key` onto a new gateway joined to it by one flow."""
    if outgoing:
        moved = [(gateway, t) if s == key else (s, t) for s, t in pairs]
        return moved + [(key, gateway)]
    moved = [(s, gateway) if t == key else (s, t) for s, t in pairs]
    return moved + [(gateway, key)]


def from_pm4py(bpmn, name: str = "", implicit_split: str = "exclusiveGateway") -> BpmnModel:
    """Our model of a pm4py BPMN object (start/end events named, gateways explicit)."""
    from pm4py.objects.bpmn.obj import BPMN

    kinds = ((BPMN.StartEvent, "startEvent"), (BPMN.EndEvent, "endEvent"), (BPMN.Task, "task"),
             (BPMN.ParallelGateway, "parallelGateway"), (BPMN.InclusiveGateway, "inclusiveGateway"),
             (BPMN.Gateway, "exclusiveGateway"), (BPMN.Activity, "task"), (BPMN.BPMNNode, "exclusiveGateway"))
    nodes = sorted(bpmn.get_nodes(), key=lambda n: (str(n.get_name()), str(n.get_id())))
    index = {node: i for i, node in enumerate(nodes)}
    specs = []
    for node in nodes:
        kind = next(k for cls, k in kinds if isinstance(node, cls))
        label = str(node.get_name() or "") if kind == "task" else ""
        specs.append((kind, label or _DEFAULT_NAMES.get(kind, "")))
    edges = [(index[f.get_source()], index[f.get_target()]) for f in bpmn.get_flows()
             if isinstance(f, BPMN.SequenceFlow)]
    return build_model(specs, sorted(edges), name, implicit_split)


_DEFAULT_NAMES = {"startEvent": "Start", "endEvent": "End"}


def to_pm4py(model: BpmnModel):
    """The model as a pm4py BPMN object."""
    from pm4py.objects.bpmn.obj import BPMN

    makers = {"startEvent": BPMN.StartEvent, "endEvent": BPMN.EndEvent, "task": BPMN.Task,
              "exclusiveGateway": BPMN.ExclusiveGateway, "parallelGateway": BPMN.ParallelGateway,
              "inclusiveGateway": BPMN.InclusiveGateway}
    bpmn = BPMN()
    objects = {}
    for node in model.nodes:
        objects[node.id] = makers[node.kind](id=node.id, name=node.name)
        bpmn.add_node(objects[node.id])
    for flow in model.flows:
        bpmn.add_flow(BPMN.SequenceFlow(objects[flow.source], objects[flow.target], id=flow.id))
    return bpmn


def to_petri_net(model: BpmnModel) -> tuple[Any, Any, Any]:
    """(net, initial marking, final marking) with one visible transition per task, labelled by its name."""
    from pm4py.objects.conversion.bpmn.variants import to_petri_net as converter

    return converter.apply(to_pm4py(model))
