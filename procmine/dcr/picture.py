"""A DCR graph drawn the DCR way: event boxes with their role on top, relations as coloured arrows.

Conditions are orange →•, responses blue •→, exclusions red →%, inclusions green →+.
An excluded event has a dashed box, a pending one a red "!", an executed one a green ✓.
Delays (≥) and deadlines (≤) are written on their arrows. Rendered in process by the
Graphviz library bundled with pygraphviz (procmine.render.process_map.render_dot).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

import numpy as np

from procmine.atomic import atomic_file
from procmine.dcr.graph import RELATION_KINDS, DcrGraph, RelationKind, time_text
from procmine.errors import ModelError
from procmine.languages import Language

COLOURS = {"condition": "#f0a30a", "response": "#2192ff", "exclude": "#e3170a", "include": "#2a9d2a"}
PICTURE_FORMATS = ("svg", "png", "dot")


@dataclass(frozen=True)
class PictureOptions:
    """Which relation kinds to draw, at most how many events (the most connected) and relations, the language.

    Graphviz needs minutes for a few hundred crossing arrows and nobody can read them, so
    events are added, most connected first, only while the relations among them stay
    within `max_relations`.
    """

    kinds: tuple[RelationKind, ...] = RELATION_KINDS
    max_events: int | None = None
    max_relations: int = 200
    lang: Language = "en"

    def __post_init__(self):
        unknown = sorted(set(self.kinds) - set(RELATION_KINDS))
        if unknown:
            raise ModelError(f"Unknown relation kind(s) {', '.join(unknown)}; use condition, response, exclude, "
                             "include.")
        if self.max_events is not None and self.max_events < 1:
            raise ModelError(f"max_events is {self.max_events}; show at least 1 event.")
        if self.max_relations < 1:
            raise ModelError(f"max_relations is {self.max_relations}; draw at least 1 relation.")


def dcr_dot(graph: DcrGraph, options: PictureOptions = PictureOptions()) -> str:
    """DOT source of the graph's picture; a mutual exclusion is one arrow with a head at each end."""
    shown = shown_events(graph, options)
    lines = ["digraph dcr {", ('graph [rankdir=LR, nodesep=0.5, ranksep=0.9, bgcolor="white", '
                               'fontname="Helvetica"];'), 'node [shape=plain, fontname="Helvetica"];',
             'edge [fontname="Helvetica", fontsize=9, arrowsize=0.8];']
    for i in shown:
        lines.append(f"e{i} [label=<{_box(graph, i)}>];")
    for kind, source, target in _drawn_relations(graph, options, shown):
        attributes = _arrow(graph, kind, source, target, options.lang)
        if kind == "exclude" and source != target and graph.excludes[target, source]:
            attributes += ', dir=both, arrowtail=normal, taillabel="%"'
        lines.append(f"e{source} -> e{target} [{attributes}];")
    lines.append("}")
    return "\n".join(lines)


def _drawn_relations(graph: DcrGraph, options: PictureOptions, shown: list[int]):
    """(kind, source, target) of each arrow among the shown events; a mutual exclusion once."""
    allowed = np.zeros(len(graph.activities), bool)
    allowed[shown] = True
    for kind in options.kinds:
        for source, target in zip(*np.nonzero(graph.relation(kind))):
            mirrored = kind == "exclude" and source > target and graph.excludes[target, source]
            if allowed[source] and allowed[target] and not mirrored:
                yield kind, int(source), int(target)


def shown_events(graph: DcrGraph, options: PictureOptions = PictureOptions()) -> list[int]:
    """The events drawn, at most max_events and within max_relations arrows.

    Events tied by conditions, responses and inclusions (the process's structure) come
    first, then those with the most exclusions; ties by name.
    """
    size = len(graph.activities)
    arrows = np.zeros((size, size), np.int64)
    structure = np.zeros(size, np.int64)
    for kind in options.kinds:
        relation = graph.relation(kind)
        if kind == "exclude":
            relation = relation & ~(relation.T & (np.arange(size)[:, None] > np.arange(size)[None, :]))
        else:
            structure += relation.sum(axis=0) + relation.sum(axis=1)
        arrows += relation
    degree = arrows.sum(axis=0) + arrows.sum(axis=1)
    ranked = sorted(range(size), key=lambda i: (-int(structure[i]), -int(degree[i]), graph.activities[i]))
    limit = size if options.max_events is None else min(size, options.max_events)
    chosen: list[int] = []
    relations = 0
    for event in ranked[:limit]:
        added = int(arrows[event, chosen].sum() + arrows[chosen, event].sum() + arrows[event, event])
        if chosen and relations + added > options.max_relations:
            break
        chosen.append(event)
        relations += added
    return sorted(chosen)


def _box(graph: DcrGraph, i: int) -> str:
    style = "rounded,dashed" if not graph.included[i] else "rounded"
    marks = ("<FONT COLOR='#2a9d2a'>✓</FONT> " if graph.executed[i] else "") + \
            ("<FONT COLOR='#e3170a'><B>!</B></FONT> " if graph.pending[i] else "")
    role = escape(graph.roles[i]) or " "
    name = "<BR/>".join(escape(part) for part in _wrapped(graph.activities[i]))
    return (f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" STYLE="{style}" '
            f'BGCOLOR="#f9f7ed" COLOR="#7a7a7a">'
            f'<TR><TD BGCOLOR="#e9e4cf"><FONT POINT-SIZE="9" COLOR="#555555">{role}</FONT></TD></TR>'
            f'<TR><TD WIDTH="110" HEIGHT="46">{marks}<FONT POINT-SIZE="11">{name}</FONT></TD></TR></TABLE>')


def _wrapped(name: str, width: int = 18) -> list[str]:
    lines, current = [], ""
    for word in name.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return lines + [current] if current else lines or [name]


def _arrow(graph: DcrGraph, kind: str, source: int, target: int, lang: Language) -> str:
    colour = COLOURS[kind]
    attributes = [f'color="{colour}"', f'fontcolor="{colour}"']
    if kind == "condition":
        attributes.append("arrowhead=dotnormal")
    elif kind == "response":
        attributes += ["dir=both", "arrowtail=dot", "arrowhead=normal"]
    else:
        attributes.append(f'headlabel="{"%" if kind == "exclude" else "+"}", labelfontsize=12, '
                          'labeldistance=1.6, labelangle=25')
    pair = (graph.activities[source], graph.activities[target])
    time = graph.delays.get(pair) if kind == "condition" else graph.deadlines.get(pair) if kind == "response" \
        else None
    if time is not None:
        attributes.append(f'label=" {"≥" if kind == "condition" else "≤"} {time_text(time, graph.time_unit, lang)} "')
    return ", ".join(attributes)


def render_dcr(graph: DcrGraph, format: str = "svg", options: PictureOptions = PictureOptions()) -> bytes:
    """The picture as SVG, PNG or DOT bytes."""
    if format not in PICTURE_FORMATS:
        raise ModelError(f"Cannot draw a DCR graph as {format!r}; use svg, png or dot.")
    source = dcr_dot(graph, options)
    if format == "dot":
        return source.encode("utf-8")
    from procmine.render.process_map import render_dot
    return render_dot(source, format)


def write_dcr_picture(graph: DcrGraph, path: str | os.PathLike, options: PictureOptions = PictureOptions()) -> Path:
    """Write the picture to `path` (.svg, .png or .dot) atomically."""
    path = Path(path)
    data = render_dcr(graph, path.suffix.lower().lstrip("."), options)
    with atomic_file(path) as tmp:
        tmp.write_bytes(data)
    return path
