"""Citizen journeys page (Borgerforløb): the citizen's flow across cases, departments and caseworkers,
and the object-centric process map."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from procmine.analysis.journeys import Journeys, journeys
from procmine.formatting import format_number, format_percent
from procmine.ocel.notion import journey_notion
from procmine.result_tables import (
    CASEWORKER_HANDOVERS,
    CITIZEN_CONTINUITY,
    DEPARTMENT_HANDOVERS,
    JOURNEY_CONTINUITY,
    JOURNEY_TRANSITIONS,
    JOURNEY_VARIANTS,
    ResultTable,
)
from procmine.ui import charts, downloads, state
from procmine.ui.state import t

SHOWN_ROWS = 15


def _journeys_unfiltered(log) -> Journeys:
    """Journeys of a view opened with the dataset's case objects (its own cache entry)."""
    return journeys(log)


def _journey_result() -> Journeys:
    wanted = journey_notion(state.dataset_path(), None)
    current = state.full_log().dataset.meta.case_notion
    if wanted == current or (wanted is None and state.case_notion() is None):
        return state.computed(journeys)
    st.caption(t("journeys.unfiltered", notion=wanted))
    return state.computed(_journeys_unfiltered, log=state.log_with_notion(wanted), stack=[])


def render() -> None:
    """Draw the citizen journeys page."""
    st.header(t("page.journeys"))
    st.caption(t("journeys.intro"))
    result = _journey_result()
    _kpis(result.summary)
    st.divider()
    _flows(result)
    _continuity(result)
    from procmine.ui.journeys_map import render_map
    render_map()


def _flows(result: Journeys) -> None:
    """Journey variants, case-to-case times and the two kinds of hand-over."""
    left, right = st.columns(2)
    with left:
        st.subheader(t("journeys.variants"))
        _table(result.variants, "journey-variants", JOURNEY_VARIANTS, {
            "journey": "journeys.journey", "citizens": "journeys.citizens", "share": "journeys.share"})
    with right:
        st.subheader(t("journeys.transitions"))
        _table(result.transitions, "journey-transitions", JOURNEY_TRANSITIONS, {
            "from_type": "journeys.from_type", "to_type": "journeys.to_type", "count": "journeys.count",
            "median_days": "journeys.median_days", "share_overlapping": "journeys.share_overlapping"})
    left, right = st.columns(2)
    with left:
        st.subheader(t("journeys.department_handovers"))
        _table(result.department_handovers, "department-handovers", DEPARTMENT_HANDOVERS, {
            "from": "journeys.from", "to": "journeys.to", "handovers": "journeys.handovers"})
    with right:
        st.subheader(t("journeys.caseworker_handovers"))
        workers = result.caseworker_handovers.assign(
            scope=lambda f: f["scope"].map(lambda s: t(f"journeys.scope.{s}")))
        _table(workers, "caseworker-handovers", CASEWORKER_HANDOVERS, {
            "scope": "journeys.scope", "handovers": "journeys.handovers", "per_citizen": "journeys.per_citizen"})


def _continuity(result: Journeys) -> None:
    """Distinct caseworkers per case and per citizen against throughput and deadlines."""
    st.subheader(t("journeys.continuity"))
    left, right = st.columns([3, 2])
    with left:
        _table(result.continuity, "caseworker-continuity", JOURNEY_CONTINUITY, {
            "caseworkers": "journeys.caseworkers", "cases": "journeys.cases",
            "median_throughput_days": "journeys.median_throughput_days",
            "deadline_measured": "journeys.deadline_measured", "deadline_share_met": "journeys.deadline_share_met"})
        st.markdown(f"**{t('journeys.citizen_continuity')}**")
        _table(result.citizen_continuity, "citizen-continuity", CITIZEN_CONTINUITY, {
            "caseworkers": "journeys.caseworkers", "citizens": "journeys.citizens", "mean_cases": "journeys.mean_cases",
            "median_span_days": "journeys.median_span_days", "share_parallel": "journeys.share_parallel_short"})
    with right:
        _continuity_chart(result.continuity)


def _kpis(summary: dict) -> None:
    lang = state.lang()
    first = st.columns(4)
    first[0].metric(t("journeys.citizens"), format_number(summary["citizens"], lang))
    first[1].metric(t("journeys.cases_per_citizen"), format_number(summary["cases_per_citizen"], lang, 2))
    first[2].metric(t("journeys.share_several"), format_percent(summary["share_several_cases"], lang))
    first[3].metric(t("journeys.share_parallel"), format_percent(summary["share_parallel_cases"], lang))
    second = st.columns(4)
    second[0].metric(t("journeys.max_parallel"), format_number(summary["max_parallel_cases"], lang))
    second[1].metric(t("journeys.median_departments"), format_number(summary["median_departments"], lang, 1))
    second[2].metric(t("journeys.median_caseworkers"), format_number(summary["median_caseworkers_per_citizen"], lang, 1))
    second[3].metric(t("journeys.deadlines_met"), format_percent(summary["deadline_share_met"], lang))


def _table(frame: pd.DataFrame, name: str, declared: ResultTable, columns: dict[str, str]) -> None:
    view = frame.head(SHOWN_ROWS)
    downloads.table(frame, name, key=name, declared=declared, view=view,
                    columns={column: t(label) for column, label in columns.items()},
                    height=min(420, 40 + 35 * max(len(view), 1)))


def _continuity_chart(continuity: pd.DataFrame) -> None:
    workers, days, met = t("journeys.caseworkers"), t("journeys.median_throughput_days"), t("journeys.deadline_share_met")
    frame = pd.DataFrame({workers: continuity["caseworkers"].astype(str), days: continuity["median_throughput_days"],
                          met: continuity["deadline_share_met"]})
    base = alt.Chart(frame).encode(x=alt.X(f"{workers}:N", sort=None, title=workers, axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(color="#3b6ea5", opacity=0.8).encode(y=alt.Y(f"{days}:Q", title=days))
    line = base.mark_line(color="#e07b00", point=alt.OverlayMarkDef(color="#e07b00")).encode(
        y=alt.Y(f"{met}:Q", title=met, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])))
    chart = alt.layer(bars, line).resolve_scale(y="independent").properties(height=320)
    charts.show(chart, "caseworker-continuity", key="journeys_continuity")
