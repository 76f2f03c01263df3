"""A left-to-right layered layout of a BPMN model, computed by the bundled Graphviz library.

The layout runs in a child process with a time limit (procmine.render.bounded_layout), and a
model of more than MAX_LAYOUT_NODES elements is refused at once: the heuristics net of
BPIC15_1 (941 elements) was still being laid out after ten minutes.

Shapes get BPMN's usual sizes (events 36x36, gateways 50x50, tasks at least
100x80 and wide enough for their wrapped label); every edge is a polyline whose
first and last points lie on the outline of its source and target shapes.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from procmine.bpmn_model import GATEWAYS, BpmnModel, BpmnNode
from procmine.errors import ModelError
from procmine.render.bounded_layout import LAYOUT_SECONDS, LayoutTimeoutError, draw_dot

MARGIN = 40.0
CHAR_WIDTH = 7.0      # average width of a 12 px sans-serif character
LINE_HEIGHT = 16.0
WRAP = 20             # characters per label line
MAX_LAYOUT_NODES = 600


@dataclass(frozen=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2


@dataclass(frozen=True)
class Layout:
    """Shape bounds per node id and waypoints per flow id, in BPMN DI coordinates (y down)."""

    shapes: dict[str, Bounds]
    waypoints: dict[str, tuple[tuple[float, float], ...]]


def label_lines(name: str) -> list[str]:
    """A task's label as the lines its shape is sized for."""
    return textwrap.wrap(name, WRAP, break_long_words=False) or [""]  # a long word widens the shape


def shape_size(node: BpmnNode) -> tuple[float, float]:
    """(width, height) of a node: 36x36 events, 50x50 gateways, tasks sized to their label."""
    if node.kind in ("startEvent", "endEvent"):
        return 36.0, 36.0
    if node.kind in GATEWAYS:
        return 50.0, 50.0
    lines = label_lines(node.name)
    width = max(100.0, math.ceil(max(len(line) for line in lines) * CHAR_WIDTH + 24))
    height = max(80.0, len(lines) * LINE_HEIGHT + 32)
    return width, height


def layout_model(model: BpmnModel, seconds: float = LAYOUT_SECONDS) -> Layout:
    """Place every node and route every flow, left to right, within `seconds`."""
    import pygraphviz

    if len(model.nodes) > MAX_LAYOUT_NODES:
        raise ModelError(_too_big(model, f"a diagram of more than {MAX_LAYOUT_NODES} elements cannot be "
                                         "laid out in reasonable time"))
    graph = pygraphviz.AGraph(directed=True, strict=False, rankdir="LR", splines="polyline",
                              nodesep="0.5", ranksep="0.6")
    for node in model.nodes:
        width, height = shape_size(node)
        graph.add_node(node.id, shape="box", fixedsize="true", label="",
                       width=f"{width / 72:.4f}", height=f"{height / 72:.4f}")
    for flow in model.flows:
        graph.add_edge(flow.source, flow.target, key=flow.id)
    try:
        laid_out = draw_dot(graph.string(), "dot", "dot", seconds=seconds)
    except LayoutTimeoutError:
        raise ModelError(_too_big(model, f"its diagram was not laid out within {seconds:.0f} s")) from None
    graph = pygraphviz.AGraph(string=laid_out.decode("utf-8"))
    top = float(graph.graph_attr["bb"].split(",")[3])
    shapes = {}
    for node in model.nodes:
        x, y = (float(v) for v in graph.get_node(node.id).attr["pos"].split(","))
        width, height = shape_size(node)
        shapes[node.id] = Bounds(round(x - width / 2 + MARGIN, 1), round(top - y - height / 2 + MARGIN, 1),
                                 width, height)
    kinds = {node.id: node.kind for node in model.nodes}
    waypoints = {}
    for flow in model.flows:
        inner = _inner_points(graph.get_edge(flow.source, flow.target, key=flow.id).attr["pos"], top)
        waypoints[flow.id] = _attach(inner, shapes[flow.source], kinds[flow.source],
                                     shapes[flow.target], kinds[flow.target])
    return Layout(shapes, waypoints)


def _too_big(model: BpmnModel, reason: str) -> str:
    return (f"The model has {len(model.nodes):,} elements and {len(model.flows):,} flows; {reason}. "
            "Raise the noise threshold, choose the inductive miner or filter the log to fewer activities.")


def _inner_points(pos: str, top: float) -> list[tuple[float, float]]:
    """The bends of a Graphviz polyline edge (without its ends), flipped to y-down."""
    points = [token for token in pos.split() if not token.startswith(("e,", "s,"))]
    vertices = [tuple(float(v) for v in p.split(",")) for p in points][::3]
    return [(round(x + MARGIN, 1), round(top - y + MARGIN, 1)) for x, y in vertices[1:-1]]


def _attach(inner, source: Bounds, source_kind: str, target: Bounds, target_kind: str):
    first_towards = inner[0] if inner else target.centre
    last_from = inner[-1] if inner else source.centre
    start = outline_point(source, source_kind, first_towards)
    end = outline_point(target, target_kind, last_from)
    return (start, *inner, end)


def outline_point(bounds: Bounds, kind: str, towards: tuple[float, float]) -> tuple[float, float]:
    """Where the ray from the shape's centre towards `towards` leaves the shape's outline."""
    cx, cy = bounds.centre
    dx, dy = towards[0] - cx, towards[1] - cy
    if dx == 0 and dy == 0:
        dx = 1.0
    half_w, half_h = bounds.width / 2, bounds.height / 2
    if kind in ("startEvent", "endEvent"):
        scale = half_w / math.hypot(dx, dy)
    elif kind in GATEWAYS:
        scale = 1.0 / (abs(dx) / half_w + abs(dy) / half_h)
    else:
        scale = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    return round(cx + dx * scale, 2), round(cy + dy * scale, 2)
