"""Overview page: KPI cards, cases finished per period, throughput histogram."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from procmine.analysis.overview import Overview, overview
from procmine.analysis.throughput import PERIODS, throughput
from procmine.i18n import format_date, format_duration, format_number
from procmine.ui import charts, downloads, state
from procmine.ui.state import t


def render() -> None:
    """Draw the overview page."""
    st.header(t("page.overview"))
    facts = state.computed(overview)
    kpi_cards(facts)
    st.divider()
    period = st.segmented_control(t("overview.granularity"), list(PERIODS), key="overview_period",
                                  default="month", format_func=lambda p: t(f"granularity.{p}"))
    result = state.computed(throughput, period=period or "month")
    left, right = st.columns(2)
    with left:
        st.subheader(t("overview.cases_over_time"))
        _trend_chart(result.trend)
    with right:
        st.subheader(t("overview.throughput_histogram"))
        _histogram(result.cases)


def kpi_cards(facts: Overview) -> None:
    """The headline figures as metric cards (also used by the compare page)."""
    lang = state.lang()
    first = st.columns(4)
    first[0].metric(t("kpi.cases"), format_number(facts.cases, lang))
    first[1].metric(t("kpi.events"), format_number(facts.events, lang))
    first[2].metric(t("kpi.activities"), format_number(facts.activities, lang))
    first[3].metric(t("kpi.variants"), format_number(facts.variants, lang))
    second = st.columns([1, 1, 1, 2])
    second[0].metric(t("kpi.median_throughput"), format_duration(facts.median_throughput_seconds, lang))
    second[1].metric(t("kpi.p90_throughput"), format_duration(facts.p90_throughput_seconds, lang))
    second[2].metric(t("kpi.open_cases"),
                     "–" if facts.open_cases is None else format_number(facts.open_cases, lang))
    second[3].metric(t("kpi.period"), f"{format_date(facts.first_timestamp, lang)} – "
                                      f"{format_date(facts.last_timestamp, lang)}")


def _trend_chart(trend: pd.DataFrame | None) -> None:
    if trend is None or trend.empty:
        st.info(t("overview.no_trend"))
        return
    frame = pd.DataFrame({t("overview.period"): trend["period"].astype(str),
                          t("overview.finished_cases"): trend["cases"],
                          t("kpi.median_throughput") + f" ({t('unit.days')})":
                              trend["median_seconds"] / 86400})
    x, cases, median = frame.columns
    base = alt.Chart(frame).encode(x=alt.X(f"{x}:O", title=x, axis=alt.Axis(labelAngle=-45)))
    chart = alt.layer(
        base.mark_bar(color="#3b6ea5", opacity=0.8).encode(
            y=alt.Y(f"{cases}:Q", title=cases), tooltip=[x, cases, median]),
        base.mark_line(color="#d9822b", point=True).encode(
            y=alt.Y(f"{median}:Q", title=median), tooltip=[x, cases, median]),
    ).resolve_scale(y="independent").properties(height=320)
    charts.show(chart, "cases-per-period", key="overview_trend")
    with st.expander(t("overview.table")):
        downloads.table(trend, "throughput-per-period", key="overview_trend_data")


def _histogram(cases: pd.DataFrame) -> None:
    days = t("overview.throughput_days")
    frame = charts.histogram_frame(cases["duration_seconds"].to_numpy() / 86400, days,
                                   t("overview.cases_axis"))
    chart = charts.histogram(frame, days, t("overview.cases_axis"))
    charts.show(chart, "throughput-histogram", key="overview_histogram")
