"""Write a discovered model as .bpmn, .pnml, or a picture (.svg/.png) of its BPMN layout."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from procmine.atomic import atomic_file
from procmine.bpmn_model import BpmnModel
from procmine.errors import ModelError
from procmine.render.bpmn_export import write_bpmn
from procmine.render.bpmn_layout import Layout, label_lines, layout_model


def write_model(model, path: str | os.PathLike) -> Path:
    """Write a DiscoveredModel to `path`, the format taken from the suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".bpmn":
        return write_bpmn(model.bpmn, path)
    if suffix == ".pnml":
        from pm4py.objects.petri_net.exporter.variants import pnml
        data = pnml.export_petri_as_string(model.net, model.initial_marking, model.final_marking)
        with atomic_file(path) as tmp:
            tmp.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path
    if suffix in (".svg", ".png"):
        from procmine.render.process_map import render_dot
        data = render_dot(bpmn_picture_dot(model.bpmn), suffix[1:], prog="nop2")
        with atomic_file(path) as tmp:
            tmp.write_bytes(data)
        return path
    raise ModelError(f"Cannot write a model as {path.name!r}; name it .bpmn, .pnml, .svg or .png.")


def bpmn_picture_dot(model: BpmnModel, layout: Layout | None = None) -> str:
    """DOT that draws the BPMN diagram at its layout positions (rendered with `nop2`)."""
    layout = layout or layout_model(model)
    height = max(b.y + b.height for b in layout.shapes.values()) + 40
    lines = ['digraph bpmn {', 'graph [splines=true, outputorder=edgesfirst];',
             'node [fontname=Helvetica, fontsize=10, fixedsize=true];', 'edge [arrowsize=0.6];']
    for node in model.nodes:
        b = layout.shapes[node.id]
        x, y = b.x + b.width / 2, height - (b.y + b.height / 2)
        shape, label, extra = _picture_style(node)
        lines.append(f'"{node.id}" [pos="{x:.1f},{y:.1f}", width={b.width / 72:.3f}, '
                     f'height={b.height / 72:.3f}, shape={shape}, label={_quote(label)}{extra}];')
    for flow in model.flows:
        points = layout.waypoints[flow.id]
        spline = " ".join(f"{x:.1f},{height - y:.1f}" for x, y in _as_bezier(points))
        lines.append(f'"{flow.source}" -> "{flow.target}" [pos="e,{points[-1][0]:.1f},'
                     f'{height - points[-1][1]:.1f} {spline}"];')
    lines.append("}")
    return "\n".join(lines)


def _picture_style(node) -> tuple[str, str, str]:
    if node.kind == "startEvent":
        return "circle", "", f', xlabel={_quote(node.name)}'
    if node.kind == "endEvent":
        return "circle", "", f', xlabel={_quote(node.name)}, penwidth=3'
    if node.kind.endswith("Gateway"):
        return "diamond", "+" if node.kind == "parallelGateway" else "×", ""
    return "box", "\n".join(label_lines(node.name)), ", style=rounded"


def _as_bezier(points):
    """A polyline as a piecewise cubic Bézier with straight pieces (what Graphviz's pos expects)."""
    result = [points[0]]
    for a, b in itertools.pairwise(points):
        result += [(a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3),
                   (a[0] + 2 * (b[0] - a[0]) / 3, a[1] + 2 * (b[1] - a[1]) / 3), b]
    return result


def _quote(text: str) -> str:
    """A DOT string; line breaks become DOT's centred-line escape."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
