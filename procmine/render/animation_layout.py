"""The process map's Graphviz layout as geometry: node boxes and edge polylines the animation moves tokens on.

The layout is the one the process map draws (same DOT from `map_dot`, laid out once by the
bundled Graphviz library); the SVG drawn from that very layout is kept as the picture behind the
tokens, so a token on an edge sits on the drawn edge. Coordinates are SVG points: x to the
right, y down, origin at the picture's top left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from procmine.analysis.dfg import Dfg
from procmine.errors import ProcmineError
from procmine.render.map_sliders import END, START, reduce_map
from procmine.render.process_map import MapOptions, map_dot

SAMPLES_PER_CURVE = 12
_TRANSLATE = re.compile(r'class="graph" transform="[^"]*translate\(([-\d.]+) ([-\d.]+)\)')


@dataclass(frozen=True)
class MapLayout:
    """Where the map's nodes and edges are, in SVG points, and the SVG drawn from that layout.

    nodes: activity (or START/END) -> (centre x, centre y, width, height).
    edges: (source, target) pairs in a fixed order; polylines[i] is edge i's path, an (n, 2) array
    from the source node to the arrow's tip.
    """

    width: float
    height: float
    svg: bytes        # drawn from this layout; so is png (at Graphviz's 96 dpi), when asked for
    png: bytes | None
    nodes: dict[str, tuple[float, float, float, float]]
    edges: tuple[tuple[str, str], ...]
    polylines: tuple[np.ndarray, ...]

    def edge_index(self) -> dict[tuple[str, str], int]:
        return {edge: number for number, edge in enumerate(self.edges)}


def map_layout(dfg: Dfg, options: MapOptions = MapOptions(), png: bool = False) -> MapLayout:
    """Lay the process map of `dfg` out once and read its geometry and its SVG (and PNG, if asked)."""
    import pygraphviz

    graph = pygraphviz.AGraph(string=map_dot(dfg, options))
    graph.layout(prog="dot")
    svg = bytes(graph.draw(format="svg"))
    match = _TRANSLATE.search(svg.decode("utf-8", "replace"))
    size = re.search(rb'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg)
    if match is None or size is None:
        raise ProcmineError("Graphviz drew the process map without the expected SVG frame; the animation "
                            "cannot place its tokens. Check the installed pygraphviz/Graphviz version.")
    shift_x, shift_y = float(match.group(1)), float(match.group(2))
    names = _node_names(dfg, options)
    nodes = {}
    for node in graph.nodes():
        x, y = (float(v) for v in node.attr["pos"].split(","))
        nodes[names[str(node)]] = (x + shift_x, shift_y - y, float(node.attr["width"]) * 72,
                                   float(node.attr["height"]) * 72)
    edges, polylines = [], []
    for edge in graph.edges():
        edges.append((names[str(edge[0])], names[str(edge[1])]))
        polyline = _polyline(edge.attr["pos"])
        polyline[:, 0] += shift_x
        polyline[:, 1] = shift_y - polyline[:, 1]
        polylines.append(polyline)
    return MapLayout(width=float(size.group(1)), height=float(size.group(2)), svg=svg,
                     png=bytes(graph.draw(format="png")) if png else None, nodes=nodes,
                     edges=tuple(edges), polylines=tuple(polylines))


def _node_names(dfg: Dfg, options: MapOptions) -> dict[str, str]:
    """Graphviz node id -> activity, as `map_dot` names them (a0, a1, ... in the reduced order)."""
    reduced = reduce_map(dfg, options.activities, options.paths)
    return {f"a{number}": activity for number, activity in enumerate(reduced.activities)} | {
        "start": START, "end": END}


def _polyline(pos: str) -> np.ndarray:
    """Graphviz's edge `pos` ("e,x,y" arrow tip, "s,x,y" tail, then cubic Bézier points) as points."""
    tip = tail = None
    points = []
    for item in pos.split():
        parts = item.split(",")
        if parts[0] == "e":
            tip = (float(parts[1]), float(parts[2]))
        elif parts[0] == "s":
            tail = (float(parts[1]), float(parts[2]))
        else:
            points.append((float(parts[0]), float(parts[1])))
    control = np.asarray(points, dtype=np.float64)
    steps = np.linspace(0.0, 1.0, SAMPLES_PER_CURVE + 1)[1:, None]
    path = [control[:1]]
    for first in range(0, len(control) - 3, 3):
        p0, p1, p2, p3 = control[first:first + 4]
        path.append((1 - steps) ** 3 * p0 + 3 * (1 - steps) ** 2 * steps * p1
                    + 3 * (1 - steps) * steps ** 2 * p2 + steps ** 3 * p3)
    if tail is not None:
        path.insert(0, np.asarray([tail]))
    if tip is not None:
        path.append(np.asarray([tip]))
    return np.concatenate(path)


def points_along(polyline: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """The points at `fractions` (0..1) of the polyline's length: an (n, 2) array."""
    fractions = np.clip(np.asarray(fractions, dtype=np.float64), 0.0, 1.0)
    lengths = np.hypot(*np.diff(polyline, axis=0).T)
    cumulative = np.concatenate([[0.0], np.cumsum(lengths)])
    if cumulative[-1] == 0:
        return np.repeat(polyline[:1], len(fractions), axis=0)
    wanted = fractions * cumulative[-1]
    segment = np.clip(np.searchsorted(cumulative, wanted, side="right") - 1, 0, len(lengths) - 1)
    within = (wanted - cumulative[segment]) / np.where(lengths[segment] > 0, lengths[segment], 1.0)
    return polyline[segment] + (polyline[segment + 1] - polyline[segment]) * within[:, None]
