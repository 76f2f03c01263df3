"""The animated map's payload: layout and tokens as compact typed arrays (base64, little-endian) for the browser.

Everything the component needs travels in one JSON object: the map picture (SVG), edge polylines
(Float32), tokens (edge, start, duration, colour, weight, each in the narrowest unsigned type that
holds it), the colours of the legend and the texts around the controls.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np

from procmine.analysis.animation import DEADLINE_STATUSES, OTHER, TokenOptions, Tokens
from procmine.analysis.animation import tokens as build_tokens
from procmine.analysis.dfg import Dfg, dfg
from procmine.eventlog import EventLog
from procmine.formatting import Language, format_duration, format_number
from procmine.i18n import text
from procmine.render.animation_layout import MapLayout, map_layout
from procmine.render.map_sliders import END, START
from procmine.render.process_map import MapOptions

DEADLINE_COLOURS = ("#1a9641", "#f0a30a", "#d7191c")
CATEGORY_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")
PLAIN_COLOUR = "#e6550d"


@dataclass(frozen=True)
class Legend:
    """Label and colour of each colour code, in code order."""

    labels: tuple[str, ...]
    colours: tuple[str, ...]


def packed(values: np.ndarray) -> dict:
    """An integer array as the narrowest little-endian unsigned type, base64: {"type", "data"}."""
    values = np.asarray(values)
    top = int(values.max()) if len(values) else 0
    if values.dtype.kind == "f":
        kind, typed = "Float32Array", values.astype("<f4")
    elif top < 2 ** 8:
        kind, typed = "Uint8Array", values.astype("<u1")
    elif top < 2 ** 16:
        kind, typed = "Uint16Array", values.astype("<u2")
    elif top < 2 ** 32:
        kind, typed = "Uint32Array", values.astype("<u4")
    else:
        kind, typed = "Float64Array", values.astype("<f8")
    return {"type": kind, "data": base64.b64encode(typed.tobytes()).decode("ascii")}


def animation_payload(layout: MapLayout, tokens: Tokens, legend: Legend, texts: dict[str, str],
                      lang: Language) -> dict:
    """The JSON-ready arguments of the animation component."""
    polylines = layout.polylines
    offsets = np.concatenate([[0], np.cumsum([len(p) for p in polylines])]).astype(np.int64)
    points = np.concatenate(polylines).astype(np.float32) if polylines else np.zeros((0, 2), np.float32)
    targets = [edge[1] for edge in layout.edges]
    activities = [name for name in layout.nodes if name not in (START, END)]
    index = {name: number for number, name in enumerate(activities)}
    return {
        "svg": base64.b64encode(layout.svg).decode("ascii"),
        "width": layout.width, "height": layout.height,
        "nodes": [[*layout.nodes[name][:4]] for name in activities],
        "edge_target": [index.get(target, -1) for target in targets],
        "points": packed(points.ravel()), "point_offsets": packed(offsets),
        "edge": packed(tokens.edge), "start": packed(tokens.start),
        "duration": packed(tokens.end - tokens.start), "colour": packed(tokens.colour),
        "weight": packed(tokens.weight), "count": len(tokens),
        "origin_ms": tokens.origin_us // 1000, "transitions": tokens.transitions,
        "merge_step": tokens.merge_step, "legend": list(zip(legend.labels, legend.colours)),
        "texts": texts, "lang": lang,
    }


def legend_of(tokens: Tokens, options: TokenOptions, lang: Language) -> Legend:
    """The legend of the token colours in `lang`."""
    if options.colour_by == "deadline":
        share = round(options.close_share * 100)
        labels = tuple(text(f"animation.status.{status}", lang, share=share) if status == "on_time"
                       else text(f"animation.status.{status}", lang) for status in DEADLINE_STATUSES)
        return Legend(labels, DEADLINE_COLOURS)
    if not tokens.categories:
        return Legend((text("animation.all_cases", lang),), (PLAIN_COLOUR,))
    labels = tuple(text("animation.other", lang) if c == OTHER else (c or text("animation.empty_value", lang))
                   for c in tokens.categories)
    return Legend(labels, tuple(CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i in range(len(labels))))


def merge_note(tokens: Tokens, lang: Language) -> str:
    """What the tokens stand for: one per transition, merged when identical, or rounded to fit."""
    values = {"transitions": format_number(tokens.transitions, lang), "tokens": format_number(len(tokens), lang)}
    if tokens.merge_step:
        return text("animation.note_rounded", lang, step=format_duration(tokens.merge_step, lang), **values)
    if len(tokens) < tokens.transitions:
        return text("animation.note_merged", lang, **values)
    return text("animation.note_exact", lang, **values)


def component_texts(tokens: Tokens, lang: Language) -> dict[str, str]:
    keys = ("title", "play", "pause", "speed", "days_per_second", "in_motion", "waiting")
    raw = {key: text(f"animation.{key}", lang, n="{n}", dots="{dots}") for key in keys}
    return raw | {"note": merge_note(tokens, lang)}


@dataclass(frozen=True)
class Animation:
    """Everything one animation shows: the layout, its tokens and their legend."""

    layout: MapLayout
    tokens: Tokens
    legend: Legend


def build_animation(log: EventLog, map_options: MapOptions = MapOptions(),
                    token_options: TokenOptions = TokenOptions(), png: bool = False,
                    graph: Dfg | None = None) -> Animation:
    """Lay the map of `log` out (as the process map does) and build its tokens; `graph` is the log's
    DFG when the caller has it already."""
    layout = map_layout(graph if graph is not None else dfg(log), map_options, png=png)
    found = build_tokens(log, layout.edges, token_options)
    return Animation(layout, found, legend_of(found, token_options, map_options.lang))


def payload_of(animation: Animation, lang: Language, identity: str) -> dict:
    """The component's payload for `animation`; `identity` tells the browser when it is a new one."""
    payload = animation_payload(animation.layout, animation.tokens, animation.legend,
                                component_texts(animation.tokens, lang), lang)
    return payload | {"id": identity}
