"""The object-centric process map on the journeys page: every object type's flow in its own colour."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from procmine import schema as s
from procmine.analysis.ocdfg import OcDfg, ocdfg
from procmine.dataset import read_dataset
from procmine.render.ocdfg_map import ocdfg_dot
from procmine.render.process_map import render_dot
from procmine.ui import downloads, state
from procmine.ui.case_notion import notion_label
from procmine.ui.map_page import show_svg
from procmine.ui.state import t

# The journey's own two flows are shown first; caseworkers and departments on request.
DEFAULT_TYPES = ("citizen", "case", "borger", "sag")
DEFAULT_PATHS = 15


@st.cache_resource(max_entries=4, show_spinner=False)
def _graph(path: str, stamp: float) -> OcDfg:
    from procmine.ocel import is_object_centric, read_ocel_dataset
    from procmine.ocel.from_cases import ocel_from_cases

    dataset = read_dataset(path)
    log = read_ocel_dataset(dataset) if is_object_centric(dataset) else ocel_from_cases(dataset.events, dataset.cases)
    return ocdfg(log)


@st.cache_data(max_entries=16, show_spinner=False)
def _svg(source: str) -> bytes:
    return render_dot(source, "svg")


def render_map() -> None:
    """Object types to show, paths per type, the map and its downloads."""
    path = state.chosen_path()
    graph = _graph(path, (Path(path) / s.META_FILE).stat().st_mtime)
    st.subheader(t("journeys.map"))
    st.caption(t("journeys.map_help"))
    left, right = st.columns([3, 2])
    types = left.multiselect(t("journeys.map_types"), list(graph.object_types),
                             key=state.worded("journeys_map_types", _default_types(graph.object_types),
                                                 graph.object_types),
                             format_func=lambda n: notion_label(n, state.lang()))
    paths = right.slider(t("journeys.map_edges"), 1, 60, DEFAULT_PATHS, key="journeys_map_edges")
    source = ocdfg_dot(graph, state.lang(), object_types=tuple(types), edges_per_type=paths,
                       type_labels={name: notion_label(name, state.lang()) for name in graph.object_types})
    show_svg(_svg(source), key="journeys_map", fit=True)
    downloads.picture("object-centric-map", key="journeys_map_download", svg=lambda: _svg(source),
                      png=lambda: render_dot(source, "png"), dot=lambda: source)


def _default_types(object_types: tuple[str, ...]) -> list[str]:
    chosen = [name for name in object_types if name in DEFAULT_TYPES]
    return chosen or list(object_types[:2])
