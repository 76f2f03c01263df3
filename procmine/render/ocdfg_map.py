"""The object-centric process map: one map of the activities, an edge colour per object type
(as in OC-DFGs), each type's start marked by a small node of its colour."""

from __future__ import annotations

import graphviz

from procmine.analysis.ocdfg import OcDfg
from procmine.formatting import format_number
from procmine.languages import Language
from procmine.render.process_map import render_dot

TYPE_COLOURS = ("#1f6fb4", "#e07b00", "#2e9a3c", "#c8323c", "#7b52ab", "#8c564b", "#d2479e", "#5f6b6d",
                "#a8a000", "#119fb0")
SHOWN_EDGES_PER_TYPE = 25
SHOWN_STARTS_PER_TYPE = 4


def type_colours(object_types: tuple[str, ...]) -> dict[str, str]:
    """A fixed colour per object type (in name order)."""
    return {name: TYPE_COLOURS[number % len(TYPE_COLOURS)] for number, name in enumerate(object_types)}


def ocdfg_dot(graph: OcDfg, lang: Language = "en", *, object_types: tuple[str, ...] | None = None,
              edges_per_type: int = SHOWN_EDGES_PER_TYPE, type_labels: dict[str, str] | None = None) -> str:
    """DOT source of the map; `object_types` limits it to some types, the most frequent edges first;
    `type_labels` names the types in the user's language."""
    shown_types = tuple(t for t in graph.object_types if object_types is None or t in object_types)
    colours = type_colours(graph.object_types)
    edges = graph.edges[graph.edges["object_type"].isin(shown_types)]
    edges = edges.groupby("object_type", group_keys=False).head(edges_per_type)
    starts = graph.start_activities[graph.start_activities["object_type"].isin(shown_types)]
    starts = starts.groupby("object_type", group_keys=False).head(SHOWN_STARTS_PER_TYPE)
    activities = sorted(set(edges["source"]) | set(edges["target"]) | set(starts["activity"]))
    dot = graphviz.Digraph("ocdfg", graph_attr={"rankdir": "TB", "nodesep": "0.35", "ranksep": "0.5",
                                                "fontname": "Helvetica", "bgcolor": "white"},
                           node_attr={"fontname": "Helvetica", "fontsize": "11"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.7"})
    node = {name: f"a{number}" for number, name in enumerate(activities)}
    for name in activities:
        dot.node(node[name], f"{name}\n{format_number(graph.activity_events.get(name, 0), lang)}", shape="box",
                 style="rounded,filled", fillcolor="#f4f6f8", color="#4a4a4a")
    top = max(edges["total_objects"].max() if len(edges) else 1, 1)
    for number, object_type in enumerate(shown_types):
        colour = colours[object_type]
        dot.node(f"t{number}", (type_labels or {}).get(object_type, object_type), shape="ellipse", style="filled", fillcolor=colour, fontcolor="white",
                 fontsize="10", color=colour)
        for row in starts[starts["object_type"] == object_type].itertuples():
            dot.edge(f"t{number}", node[row.activity], color=colour, style="dashed",
                     label=format_number(row.objects, lang), fontcolor=colour)
        for row in edges[edges["object_type"] == object_type].itertuples():
            width = 0.8 + 3.2 * row.total_objects / top
            dot.edge(node[row.source], node[row.target], color=colour, penwidth=f"{width:.2f}",
                     label=format_number(row.total_objects, lang), fontcolor=colour)
    return dot.source


def render_ocdfg(graph: OcDfg, format: str = "svg", lang: Language = "en", **options) -> bytes:
    """The map as SVG or PNG bytes (or DOT text as bytes)."""
    source = ocdfg_dot(graph, lang, **options)
    return source.encode("utf-8") if format == "dot" else render_dot(source, format)
