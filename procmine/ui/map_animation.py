"""The Process map page's "Animate" part: tokens flowing over the map (a bundled Streamlit component).

The component (procmine/ui/components/animation: plain JavaScript and canvas, no network) gets
the map's Graphviz layout and the tokens as typed arrays; colouring and export sit below it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from functools import partial
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from procmine.analysis.animation import TokenOptions
from procmine.analysis.dfg import dfg
from procmine.eventlog import EventLog
from procmine.formatting import Language
from procmine.render.animation_payload import Animation, build_animation, payload_of
from procmine.render.animation_video import VideoOptions, video_bytes
from procmine.render.process_map import MapOptions
from procmine.ui import state
from procmine.ui.state import t

COMPONENT_DIR = Path(__file__).resolve().parent / "components" / "animation"
COLOUR_CHOICES = ("none", "deadline", "attribute")
_component = components.declare_component("procmine_animation", path=str(COMPONENT_DIR))


def render(options: MapOptions) -> None:
    """The Animate toggle and, when on, the animated map with its colour choice and export."""
    if not st.toggle(t("animation.toggle"), key="map_animate", help=t("animation.toggle_help")):
        return
    options = dataclasses.replace(options, legend=False)   # the tokens move over the map itself
    token_options = _colour_controls()
    animation = state.computed(_animation, map_options=options, token_options=token_options)
    if len(animation.tokens) == 0:
        st.info(t("animation.no_tokens"))
        return
    identity = hashlib.sha1(repr((state.dataset_path(), state.filters_json(), options,
                                  token_options)).encode()).hexdigest()
    _component(payload=_payload_cached(identity, animation, options.lang), key="map_animation", default=None)
    _export(state.filtered_log(), options, token_options)


def _animation(log: EventLog, map_options: MapOptions, token_options: TokenOptions) -> Animation:
    return build_animation(log, map_options, token_options, graph=state.computed(dfg, log=log))


def _exported(log: EventLog, map_options: MapOptions, token_options: TokenOptions, format: str) -> bytes:
    animation = build_animation(log, map_options, token_options, png=True)
    return video_bytes(animation.layout, animation.tokens, animation.legend, format, VideoOptions(),
                       map_options.lang)


@st.cache_data(max_entries=8, show_spinner=False)
def _payload_cached(identity: str, _animation: Animation, lang: Language) -> dict:
    return payload_of(_animation, lang, identity)


def _colour_controls() -> TokenOptions:
    first, second = st.columns([2, 3])
    colour_by = first.radio(t("animation.colour_by"), COLOUR_CHOICES, key=state.worded("map_animation_colour"),
                            horizontal=True, format_func=lambda c: t(f"animation.colour.{c}"))
    if colour_by == "deadline":
        days = second.number_input(t("animation.deadline_days"), min_value=1, max_value=3650, value=10,
                                   step=1, key="map_animation_days")
        return TokenOptions(colour_by="deadline", deadline_days=int(days))
    if colour_by == "attribute":
        names = [c for c in state.filtered_log().cases_table().column_names if c not in ("case_index", "case_id")]
        if names:
            attribute = second.selectbox(t("animation.attribute"), names, key="map_animation_attribute")
            return TokenOptions(colour_by="attribute", attribute=attribute)
    return TokenOptions()


def _export(log: EventLog, options: MapOptions, token_options: TokenOptions) -> None:
    """GIF and WebP downloads, each made (server-side, with Pillow) only when clicked."""
    with st.expander(t("animation.export")):
        row = st.container(horizontal=True, gap="small")
        for format in ("gif", "webp"):
            row.download_button(
                t(f"animation.download_{format}"),
                partial(_exported, log, options, token_options, format),
                file_name=f"process-map.{format}", mime=f"image/{format}", key=f"map_animation_{format}",
                icon=":material/movie:", on_click="ignore")
