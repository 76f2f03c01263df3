"""Process map page: frequency or waiting-time map with sliders, legend, zoom, downloads, click-to-filter.

A map opens on a readable part of any log (at most 60 activities, saying so), is laid
out in a child process with a time limit, shows progress while it is laid out, and
stops when the user moves a slider, presses Cancel or the server shuts down.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import streamlit as st

from procmine.analysis.dfg import dfg
from procmine.errors import ProcmineError
from procmine.filters import EventAttributeFilter, FollowerFilter
from procmine.render.bounded_layout import LAYOUT_SECONDS
from procmine.render.map_notes import legend_lines, view_notes
from procmine.render.map_view import default_shares, map_view
from procmine.render.process_map import MapOptions, Metric, Statistic, map_dot, render_dot
from procmine.result_tables import DFG_ACTIVITIES, DFG_EDGES
from procmine.ui import downloads, map_animation, state
from procmine.ui.cancellable_progress import CancellableProgress
from procmine.ui.picture_viewer import message_svg, show_picture
from procmine.ui.state import t

METRICS: tuple[Metric, ...] = ("frequency", "performance", "both")
STATISTICS: tuple[Statistic, ...] = ("median", "mean", "p90", "total", "max")
_DRAWN: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
_DRAWN_LOCK = threading.Lock()
_DRAWN_ENTRIES = 32


def rendered(dot_source: str, format: str, prog: str = "dot") -> bytes:
    """A DOT source laid out (by `prog`) and drawn once as SVG or PNG, shared by every session.

    While Graphviz works the page shows its progress and a Cancel button; a rerun (a slider
    moved, Cancel pressed) or the server stopping kills the layout. A drawing Graphviz cannot
    finish in time becomes a picture saying so and what to do, so no page shows a traceback.
    """
    key = (dot_source, format, prog)
    with _DRAWN_LOCK:
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return _DRAWN[key]
    progress = CancellableProgress(cancel_key(dot_source, format), LAYOUT_SECONDS, "maps.cancel", "maps.laying_out")
    try:
        data = render_dot(dot_source, format, prog, waiting=progress.show if progress.live else None)
    except ProcmineError as exc:   # too slow or failed: a picture that says so, on every page that draws
        picture = message_svg(str(exc))
        if format == "png":
            import vl_convert
            return bytes(vl_convert.svg_to_png(picture.decode("utf-8"), scale=2))
        return picture
    finally:
        progress.clear()
    with _DRAWN_LOCK:
        _DRAWN[key] = data
        while len(_DRAWN) > _DRAWN_ENTRIES:
            _DRAWN.popitem(last=False)
    return data


def cancel_key(dot_source: str, format: str) -> str:
    """The key of the Cancel button shown while this drawing is laid out (one per drawing)."""
    return "layout_cancel_" + hashlib.sha1(f"{format}\n{dot_source}".encode()).hexdigest()[:16]


def render() -> None:
    """Draw the process map page."""
    st.header(t("page.map"))
    options = _controls()
    view = state.computed(map_view, activities=options.activities, paths=options.paths)
    for note in view_notes(view, state.lang()):
        st.caption(note)
    if st.session_state.pop("map_opened_at_default", False) and view.hidden_paths:
        st.info(t("maps.default"), icon=":material/visibility:")
    source = map_dot(view, options)
    _picture(source, options)
    graph = state.computed(dfg)
    map_animation.render(options)
    _click_to_filter(graph)
    _tables(graph)


def _picture(source: str, options: MapOptions) -> None:
    if st.session_state.get(cancel_key(source, "svg")):
        st.info(t("maps.cancelled"))
        return
    svg = rendered(source, "svg")
    show_svg(svg, key="map", opening="start")
    with st.expander(t("maps.legend.title"), icon=":material/info:"):
        for line in legend_lines(options.metric, options.statistic, options.node_count, options.lang):
            st.markdown(f"- {line}")
    downloads.picture("process-map", key="map_download", svg=lambda: svg,
                      png=lambda: rendered(source, "png"), dot=lambda: source)


def _controls() -> MapOptions:
    _default_sliders()
    first, second, third, fourth = st.columns([3, 2, 3, 3])
    metric = first.radio(t("map.metric"), METRICS, key=state.worded("map_metric"), horizontal=True,
                         format_func=lambda m: t(f"map.metric.{m}"))
    statistic = second.selectbox(t("map.statistic"), STATISTICS, key=state.worded("map_statistic"),
                                 disabled=metric == "frequency",
                                 format_func=lambda s: t(f"map.statistic.{s}"))
    activities = third.slider(t("map.activities"), 0, 100, key="map_activities", format="%d %%")
    paths = fourth.slider(t("map.paths"), 0, 100, key="map_paths", format="%d %%")
    return MapOptions(metric=metric, statistic=statistic, activities=activities / 100, paths=paths / 100,
                      lang=state.lang(), legend=True)


def _default_sliders() -> None:
    """Set the sliders to a readable map whenever another dataset is opened (and on the first visit)."""
    opened = state.dataset_path()
    if st.session_state.get("map_defaults_for") == opened and "map_activities" in st.session_state:
        return
    activities, paths = state.computed(default_shares)
    st.session_state["map_activities"] = round(activities * 100)
    st.session_state["map_paths"] = round(paths * 100)
    st.session_state["map_defaults_for"] = opened
    st.session_state["map_opened_at_default"] = True


def show_svg(svg: bytes, *, key: str, max_height: str = "78vh", fit: bool = False,
             opening: str | None = None) -> None:
    """An SVG drawing in a zoomable, draggable frame (opening fitted, or with its Start in view)."""
    show_picture(svg, key=key, max_height=max_height, opening=opening or ("fit" if fit else "start"),
                 alt=t("page.map"))


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
    edges, nodes = st.tabs([t("map.transitions"), t("map.activities_table")])
    with edges:
        picked = downloads.table(graph.edges, "transitions", key="map_edges", declared=DFG_EDGES, columns={
            "source": t("map.from"), "target": t("map.to"), "count": t("map.count"), "cases": t("kpi.cases"),
            "median_seconds": t("map.median_wait"), "total_seconds": t("map.total_wait")},
                                 on_select="rerun", selection_mode="single-row")
        rows = picked.selection.rows if picked else []
        if rows and st.button(t("map.keep_transition"), key="map_keep_transition"):
            edge = graph.edges.iloc[rows[0]]
            state.add_filter(FollowerFilter(activity=edge["source"], followed_by=edge["target"],
                                            relation="directly"))
            st.rerun()
    with nodes:
        downloads.table(graph.activities, "activities", key="map_nodes", declared=DFG_ACTIVITIES, columns={
            "activity": t("map.activity"), "events": t("kpi.events"), "cases": t("kpi.cases"),
            "mean_repeats": t("map.repeats")})
