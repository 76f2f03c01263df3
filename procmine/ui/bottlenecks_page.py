"""Bottlenecks page: transitions and activities by total waiting, workload, handover-of-work graph."""

from __future__ import annotations

import altair as alt
import graphviz
import pandas as pd
import streamlit as st

from procmine.analysis.bottlenecks import NO_VALUE, bottlenecks
from procmine.filters import EventAttributeFilter, FollowerFilter, ResourcesFilter
from procmine.formatting import format_number
from procmine.i18n import text
from procmine.languages import Language
from procmine.result_tables import HANDOVERS, TRANSITIONS, WAITS, WORKLOAD
from procmine.ui import charts, downloads, state
from procmine.ui.map_page import rendered, show_svg
from procmine.ui.state import t
from procmine.units import in_days

TOP = 15
HANDOVER_EDGES = 40


def render() -> None:
    """Draw the bottlenecks page."""
    st.header(t("page.bottlenecks"))
    found = state.computed(bottlenecks)
    waiting, people = st.tabs([t("bottlenecks.waiting"), t("bottlenecks.workload")])
    with waiting:
        _transitions(found.transitions)
        _activities(found.activities)
    with people:
        if found.resources is None:
            st.info(t("bottlenecks.no_resources"))
        else:
            _resources(found.resources)
            _handover_graph(found.handovers, "resources")
        if found.org_unit_handovers is not None:
            _handover_graph(found.org_unit_handovers, "org_units")


def _transitions(transitions: pd.DataFrame) -> None:
    st.subheader(t("bottlenecks.transitions"))
    top = transitions.head(TOP)
    label, total = t("bottlenecks.transition"), t("bottlenecks.total_wait_days")
    frame = pd.DataFrame({label: top["source"] + " → " + top["target"], total: in_days(top["total_seconds"]),
                          t("kpi.cases"): top["cases"]})
    chart = (alt.Chart(frame).mark_bar(color="#d7191c", opacity=0.8)
             .encode(y=alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=420)),
                     x=alt.X(f"{total}:Q"), tooltip=list(frame.columns))
             .properties(height=alt.Step(28)))
    charts.show(chart, "bottleneck-transitions", key="bottlenecks_transitions_chart")
    downloads.table(transitions, "bottleneck-transitions", key="bottlenecks_transitions", declared=TRANSITIONS,
                    columns={"source": t("map.from"), "target": t("map.to"), "count": t("map.count"),
                             "cases": t("kpi.cases"), "median_seconds": t("map.median_wait"),
                             "total_seconds": t("map.total_wait"),
                             "median_working_days": t("bottlenecks.median_wait_working_days"),
                             "total_working_days": t("bottlenecks.total_wait_working_days")}, height=260)
    names = [f"{a} → {b}" for a, b in zip(transitions["source"], transitions["target"])][:200]
    if names:
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        picked = left.selectbox(t("bottlenecks.pick_transition"), range(len(names)),
                                format_func=names.__getitem__, key="bottlenecks_pick_transition")
        if right.button(t("map.keep_transition"), key="bottlenecks_keep_transition"):
            row = transitions.iloc[picked]
            state.add_filter(FollowerFilter(activity=row["source"], followed_by=row["target"],
                                            relation="directly"))
            st.rerun()


def _activities(activities: pd.DataFrame) -> None:
    st.subheader(t("bottlenecks.activities"))
    downloads.table(activities, "bottleneck-activities", key="bottlenecks_activities", declared=WAITS,
                    columns={"activity": t("map.activity"), "arrivals": t("bottlenecks.arrivals"),
                             "cases": t("kpi.cases"), "median_wait_seconds": t("map.median_wait"),
                             "total_wait_seconds": t("map.total_wait"),
                             "median_wait_working_days": t("bottlenecks.median_wait_working_days"),
                             "total_wait_working_days": t("bottlenecks.total_wait_working_days")}, height=260)
    if len(activities):
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        activity = left.selectbox(t("map.activity"), list(activities["activity"]),
                                  key="bottlenecks_pick_activity")
        if right.button(t("map.keep_activity"), key="bottlenecks_keep_activity"):
            state.add_filter(EventAttributeFilter(values=(activity,)))
            st.rerun()


def _resources(resources: pd.DataFrame) -> None:
    st.subheader(t("bottlenecks.resources"))
    top = resources.head(TOP)
    label, events = t("filter.resources"), t("kpi.events")
    chart = (alt.Chart(pd.DataFrame({label: top["resource"].map(_performer), events: top["events"],
                                     t("kpi.cases"): top["cases"]}))
             .mark_bar(color="#3b6ea5").encode(y=alt.Y(f"{label}:N", sort=None, title=None), x=f"{events}:Q",
                                                tooltip=[label, events, t("kpi.cases")])
             .properties(height=alt.Step(26)))
    charts.show(chart, "workload", key="bottlenecks_workload_chart")
    downloads.table(resources, "workload", key="bottlenecks_resources", declared=WORKLOAD,
                    view=resources.assign(resource=resources["resource"].map(_performer)),
                    columns={"resource": label, "events": events, "cases": t("kpi.cases"),
                             "active_days": t("bottlenecks.active_days")}, height=260)
    names = [r for r in resources["resource"] if r != NO_VALUE]
    if names:
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        resource = left.selectbox(label, names, key="bottlenecks_pick_resource")
        if right.button(t("bottlenecks.keep_resource"), key="bottlenecks_keep_resource"):
            state.add_filter(ResourcesFilter(resources=(resource,)))
            st.rerun()


def _performer(name: str) -> str:
    """A resource or org unit as shown: events without one as "(ingen)" / "(none)"."""
    return t("data.none") if name == NO_VALUE else name


def _handover_graph(handovers: pd.DataFrame, who: str) -> None:
    st.subheader(t(f"bottlenecks.handovers.{who}"))
    if handovers is None or handovers.empty:
        st.info(t("bottlenecks.no_handovers"))
        return
    top = handovers.head(HANDOVER_EDGES)
    if len(handovers) > HANDOVER_EDGES:
        st.caption(t("bottlenecks.handovers_capped", shown=HANDOVER_EDGES, total=len(handovers)))
    source = handover_dot(top, state.lang())
    show_svg(rendered(source, "svg"), key=f"handovers_{who}", max_height="70vh")
    downloads.picture(f"handovers-{who}", key=f"handovers_{who}_download",
                      svg=lambda: rendered(source, "svg"), png=lambda: rendered(source, "png"),
                      dot=lambda: source)
    shown = handovers.assign(source=handovers["source"].map(_performer), target=handovers["target"].map(_performer))
    downloads.table(handovers, f"handovers-{who}", key=f"handovers_{who}_table", height=220, view=shown,
                    declared=HANDOVERS)


def handover_dot(handovers: pd.DataFrame, lang: Language) -> str:
    """DOT of a handover-of-work table (source, target, count): thicker arrows for more handovers."""
    graph = graphviz.Digraph("handovers", graph_attr={"rankdir": "LR", "fontname": "Helvetica", "bgcolor": "white",
                                                      "nodesep": "0.3", "ranksep": "0.8"},
                             node_attr={"fontname": "Helvetica", "fontsize": "11", "shape": "box",
                                        "style": "rounded,filled", "fillcolor": "#eef3f9", "color": "#4a4a4a"},
                             edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#3b6ea5"})
    names = sorted(set(handovers["source"]) | set(handovers["target"]))
    ids = {name: f"n{number}" for number, name in enumerate(names)}
    for name in names:
        graph.node(ids[name], text("data.none", lang) if name == NO_VALUE else name)
    largest = max(int(handovers["count"].max()), 1)
    for row in handovers.itertuples():
        graph.edge(ids[row.source], ids[row.target], label=format_number(row.count, lang),
                   penwidth=f"{1 + 5 * row.count / largest:.2f}")
    return graph.source
