"""Disco-style process maps: a DFG as DOT with frequency and waiting-time overlays, and a legend.

Rendering goes through the Graphviz library bundled in the pygraphviz wheel, in a
child process with a time limit (procmine.render.bounded_layout); no `dot`
executable is ever called.
"""

from __future__ import annotations

import math
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import graphviz

from procmine.analysis.dfg import Dfg
from procmine.atomic import atomic_file, check_output_folder
from procmine.errors import ProcmineError
from procmine.formatting import format_duration, format_number
from procmine.i18n import text
from procmine.languages import Language
from procmine.render.bounded_layout import LAYOUT_SECONDS, draw_dot
from procmine.render.map_notes import legend_lines, view_notes
from procmine.render.map_sliders import END, START, ReducedMap
from procmine.render.map_view import DEFAULT_PATHS, MapView, dfg_view

Metric = Literal["frequency", "performance", "both"]
Statistic = Literal["median", "mean", "p90", "total", "max"]
MAP_FORMATS = ("svg", "png", "dot")
_FREQUENCY_FILL = ("#f2f7fc", "#08519c")   # light to dark blue
_PERFORMANCE = ("#6b7b8c", "#d7191c")     # calm grey-blue to alarm red
LEGEND_WIDTH = 100                        # characters per line of the legend below a map


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ProcmineError(f"Unknown {name} {value!r} for a process map; use one of {', '.join(choices)}.")


@dataclass(frozen=True)
class MapOptions:
    """How a process map looks: overlay, time statistic, sliders, node count and language."""

    metric: Metric = "frequency"
    statistic: Statistic = "median"
    activities: float = 1.0
    paths: float = 1.0
    node_count: Literal["events", "cases"] = "events"
    lang: Language = "en"
    legend: bool = False   # draw the legend (and what the map leaves out) below the map

    def __post_init__(self):
        _check_choice("metric", self.metric, ("frequency", "performance", "both"))
        _check_choice("statistic", self.statistic, ("median", "mean", "p90", "total", "max"))
        _check_choice("node_count", self.node_count, ("events", "cases"))
        _check_choice("lang", self.lang, ("en", "da"))


def map_dot(source: Dfg | MapView, options: MapOptions = MapOptions()) -> str:
    """The process map as DOT source: of a MapView as it is, of a Dfg at the options' sliders."""
    view = source if isinstance(source, MapView) else dfg_view(source, options.activities, options.paths)
    dfg, reduced = view.dfg, view.reduced
    seconds = _edge_seconds(dfg, options.statistic)
    layout = {"mclimit": "0.5"} if len(reduced.edges) > DEFAULT_PATHS else {}  # fewer crossing passes
    graph = graphviz.Digraph("process_map", graph_attr={
        "rankdir": "TB", "nodesep": "0.35", "ranksep": "0.45", "fontname": "Helvetica",
        "bgcolor": "white", **layout}, node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.7"})
    _add_endpoints(graph, options.lang)
    node_seconds = _node_seconds(reduced, seconds)
    counts = _node_counts(dfg, options.node_count)
    top_count = max((counts.get(a, 0) for a in reduced.activities), default=1) or 1
    top_node_seconds = max(node_seconds.values(), default=0.0) or 1.0
    for number, activity in enumerate(reduced.activities):
        share = counts.get(activity, 0) / top_count
        if options.metric == "frequency":
            fill = _blend(*_FREQUENCY_FILL, 0.15 + 0.85 * share)
        else:
            fill = _blend("#ffffff", _PERFORMANCE[1], 0.75 * node_seconds.get(activity, 0) / top_node_seconds)
        dark = options.metric == "frequency" and share > 0.55
        graph.node(f"a{number}", f"{activity}\n{format_number(counts.get(activity, 0), options.lang)}",
                   shape="box", style="rounded,filled", fillcolor=fill,
                   fontcolor="white" if dark else "black", color="#4a4a4a")
    _add_edges(graph, reduced, seconds, options)
    if options.legend:
        _add_legend(graph, view, options)
    return graph.source


def render_map(source: Dfg | MapView, options: MapOptions = MapOptions(), format: str = "svg") -> bytes:
    """The process map as SVG, PNG or DOT bytes, laid out by the bundled Graphviz library."""
    _check_choice("format", format, MAP_FORMATS)
    dot = map_dot(source, options)
    if format == "dot":
        return dot.encode("utf-8")
    return render_dot(dot, format)


def render_dot(source: str, format: str, prog: str = "dot", seconds: float = LAYOUT_SECONDS,
               waiting=None) -> bytes:
    """Lay out DOT source with the bundled Graphviz library and render it as `format`, within `seconds`.

    `waiting(elapsed)` is called while the layout runs (see bounded_layout.draw_dot).
    """
    return draw_dot(source, format, prog, seconds=seconds, waiting=waiting)


def write_map(source: Dfg | MapView, path: str | os.PathLike, options: MapOptions = MapOptions()) -> Path:
    """Write the process map to `path`; the format comes from the suffix (.svg, .png, .dot)."""
    path = Path(path)
    format = path.suffix.lower().lstrip(".")
    if format not in MAP_FORMATS:
        raise ProcmineError(f"Cannot write a process map as {path.name!r}: unknown suffix "
                            f"{path.suffix!r}. Name the output .svg, .png or .dot.")
    check_output_folder(path)   # before the layout: a wrong folder fails at once
    data = render_map(source, options, format)
    with atomic_file(path) as tmp:
        Path(tmp).write_bytes(data)
    return path


def _add_endpoints(graph: graphviz.Digraph, lang: Language) -> None:
    graph.node("start", text("maps.node.start", lang), shape="circle", style="filled", fillcolor="#7fc97f",
               fixedsize="true", width="0.6", fontsize="9")
    graph.node("end", text("maps.node.end", lang), shape="doublecircle", style="filled", fillcolor="#f0787c",
               fixedsize="true", width="0.55", fontsize="9")


def _add_legend(graph: graphviz.Digraph, view: MapView, options: MapOptions) -> None:
    lines = view_notes(view, options.lang) + legend_lines(options.metric, options.statistic,
                                                          options.node_count, options.lang)
    wrapped = [part for line in lines for part in textwrap.wrap(line, LEGEND_WIDTH)]
    graph.attr(label="".join(_dot_escape(line) + "\\l" for line in wrapped), labelloc="b", labeljust="l",
               fontsize="10", fontcolor="#4a4a4a")


def _dot_escape(line: str) -> str:
    return line.replace("\\", "\\\\")


def _add_edges(graph: graphviz.Digraph, reduced: ReducedMap, seconds: dict, options: MapOptions) -> None:
    ids = {a: f"a{n}" for n, a in enumerate(reduced.activities)} | {START: "start", END: "end"}
    top_count = max(reduced.edges.values(), default=1)
    timed = [seconds[e] for e in reduced.edges if e in seconds and not math.isnan(seconds[e])]
    top_seconds = max(timed, default=0.0) or 1.0
    for (source, target), count in reduced.edges.items():
        weight = count / top_count
        attributes = {"penwidth": f"{1 + 7 * weight:.2f}", "color": "#4a4a4a"}
        value = seconds.get((source, target), math.nan)
        artificial = source == START or target == END
        if options.metric != "frequency" and not artificial and not math.isnan(value):
            attributes["color"] = _blend(*_PERFORMANCE, value / top_seconds)
        if artificial:
            attributes["style"] = "dashed"
        attributes["label"] = _edge_label(count, value, artificial, options)
        graph.edge(ids[source], ids[target], **attributes)


def _edge_label(count: int, value: float, artificial: bool, options: MapOptions) -> str:
    frequency = format_number(count, options.lang)
    if options.metric == "frequency" or artificial:
        return f" {frequency} "
    duration = format_duration(value, options.lang)
    return f" {duration} " if options.metric == "performance" else f" {frequency}\n{duration} "


def _edge_seconds(dfg: Dfg, statistic: Statistic) -> dict[tuple[str, str], float]:
    column = f"{statistic}_seconds"
    edges = dfg.edges
    return {(str(s), str(t)): float(v) for s, t, v in zip(edges["source"], edges["target"], edges[column])}


def _node_seconds(reduced: ReducedMap, seconds: dict) -> dict[str, float]:
    """Per activity, the longest shown waiting time before it: the bottleneck colour of the box."""
    longest: dict[str, float] = {}
    for edge in reduced.edges:
        value = seconds.get(edge, math.nan)
        if not math.isnan(value):
            longest[edge[1]] = max(longest.get(edge[1], 0.0), value)
    return longest


def _node_counts(dfg: Dfg, node_count: str) -> dict[str, int]:
    return {str(a): int(n) for a, n in zip(dfg.activities["activity"], dfg.activities[node_count])}


def _blend(low: str, high: str, share: float) -> str:
    share = min(1.0, max(0.0, share))
    a = [int(low[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b))
