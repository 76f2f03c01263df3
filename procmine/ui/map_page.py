"""Process map page: frequency or waiting-time map with sliders, downloads, and click-to-filter."""

from __future__ import annotations

import base64

import pandas as pd
import streamlit as st

from procmine.analysis.dfg import dfg
from procmine.filters import EventAttributeFilter, FollowerFilter
from procmine.i18n import format_duration, format_number
from procmine.render.process_map import MapOptions, map_dot, render_dot
from procmine.ui import downloads, map_animation, state
from procmine.ui.state import t

METRICS = ("frequency", "performance", "both")
STATISTICS = ("median", "mean", "p90", "total", "max")


@st.cache_data(max_entries=32, show_spinner=False)
def rendered(dot_source: str, format: str, prog: str = "dot") -> bytes:
    """A DOT source laid out (by `prog`) and drawn once as SVG or PNG, shared by every session."""
    return render_dot(dot_source, format, prog=prog)


def render() -> None:
    """Draw the process map page."""
    st.header(t("page.map"))
    options = _controls()
    graph = state.computed(dfg)
    source = map_dot(graph, options)
    fit = st.toggle(t("map.fit"), key="map_fit", help=t("map.fit_help"))
    show_svg(rendered(source, "svg"), key="map", fit=fit)
    downloads.picture("process-map", key="map_download", svg=lambda: rendered(source, "svg"),
                      png=lambda: rendered(source, "png"), dot=lambda: source)
    map_animation.render(options)
    _click_to_filter(graph)
    _tables(graph)


def _controls() -> MapOptions:
    first, second, third, fourth = st.columns([3, 2, 3, 3])
    metric = first.radio(t("map.metric"), METRICS, key="map_metric", horizontal=True,
                         format_func=lambda m: t(f"map.metric.{m}"))
    statistic = second.selectbox(t("map.statistic"), STATISTICS, key="map_statistic",
                                 disabled=metric == "frequency",
                                 format_func=lambda s: t(f"map.statistic.{s}"))
    activities = third.slider(t("map.activities"), 0, 100, 100, 5, key="map_activities", format="%d %%")
    paths = fourth.slider(t("map.paths"), 0, 100, 100, 5, key="map_paths", format="%d %%")
    return MapOptions(metric=metric, statistic=statistic, activities=activities / 100, paths=paths / 100,
                      lang=state.lang())


def show_svg(svg: bytes, *, key: str, max_height: str = "78vh", fit: bool = False) -> None:
    """An SVG at its natural size in a scrolling frame (labels stay legible), or fitted to the width."""
    encoded = base64.b64encode(svg).decode("ascii")
    size = "max-width:100%;max-height:none" if fit else "max-width:none"
    st.html(f'<div class="procmine-picture" id="{key}" style="overflow:auto;max-height:{max_height};'
            f'border:1px solid #e3e6ea;border-radius:6px;background:white;text-align:center;padding:8px">'
            f'<img alt="{t("page.map")}" style="{size}" src="data:image/svg+xml;base64,{encoded}">'
            "</div>")


def _click_to_filter(graph) -> None:
    activities = list(graph.activities["activity"])
    if not activities:
        return
    with st.container(border=True):
        st.markdown(f"**{t('map.filter_from_map')}**")
        left, middle, right = st.columns([3, 3, 2], vertical_alignment="bottom")
        activity = left.selectbox(t("map.activity"), activities, key="map_pick_activity")
        if middle.button(t("map.keep_activity"), key="map_keep_activity"):
            state.add_filter(EventAttributeFilter(values=(activity,)))
            st.rerun()
        if right.button(t("map.drop_activity"), key="map_drop_activity"):
            state.add_filter(EventAttributeFilter(values=(activity,), mode="none"))
            st.rerun()


def _tables(graph) -> None:
    lang = state.lang()
    edges, nodes = st.tabs([t("map.transitions"), t("map.activities_table")])
    with edges:
        shown = pd.DataFrame({
            t("map.from"): graph.edges["source"], t("map.to"): graph.edges["target"],
            t("map.count"): [format_number(v, lang) for v in graph.edges["count"]],
            t("kpi.cases"): [format_number(v, lang) for v in graph.edges["cases"]],
            t("map.median_wait"): [format_duration(v, lang) for v in graph.edges["median_seconds"]],
            t("map.total_wait"): [format_duration(v, lang) for v in graph.edges["total_seconds"]],
        })
        picked = downloads.table(graph.edges, "transitions", key="map_edges", shown=shown,
                                 on_select="rerun", selection_mode="single-row")
        rows = picked.selection.rows if picked else []
        if rows and st.button(t("map.keep_transition"), key="map_keep_transition"):
            edge = graph.edges.iloc[rows[0]]
            state.add_filter(FollowerFilter(activity=edge["source"], followed_by=edge["target"],
                                            relation="directly"))
            st.rerun()
    with nodes:
        shown = pd.DataFrame({
            t("map.activity"): graph.activities["activity"],
            t("kpi.events"): [format_number(v, lang) for v in graph.activities["events"]],
            t("kpi.cases"): [format_number(v, lang) for v in graph.activities["cases"]],
            t("map.repeats"): [format_number(v, lang, 2) for v in graph.activities["mean_repeats"]],
        })
        downloads.table(graph.activities, "activities", key="map_nodes", shown=shown)
