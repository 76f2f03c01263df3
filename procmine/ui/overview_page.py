"""Overview page: KPI cards, cases started, closed and open per period, throughput histogram."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from procmine.analysis.overview import Overview, overview
from procmine.analysis.periods import PERIOD_KINDS, Window, period_trend, trend_windows
from procmine.analysis.throughput import throughput
from procmine.formatting import format_duration, format_number, local_time
from procmine.result_tables import PERIOD_TREND
from procmine.ui import charts, downloads, state
from procmine.ui.period_card import period_card
from procmine.ui.state import t
from procmine.units import in_days


def render() -> None:
    """Draw the overview page."""
    st.header(t("page.overview"))
    facts = state.computed(overview)
    kpi_cards(facts)
    st.divider()
    kind = st.segmented_control(t("overview.granularity"), list(PERIOD_KINDS), key=state.worded("overview_period", default="month"),
                                format_func=lambda p: t(f"granularity.{p}")) or "month"
    left, right = st.columns(2)
    with left:
        st.subheader(t("overview.cases_over_time"))
        if facts.cases:
            span = Window(local_time(facts.first_timestamp).date(),
                          local_time(facts.last_timestamp).date() + dt.timedelta(days=1))
            _trend_chart(state.computed(period_trend, windows=trend_windows(span, kind, 1)))
    with right:
        st.subheader(t("overview.throughput_histogram"))
        _histogram(state.computed(throughput).cases)


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
    second[2].metric(t("kpi.open_cases"), format_number(facts.open_cases, lang))
    period_card(second[3], facts.first_timestamp, facts.last_timestamp, lang, key="overview")


def _trend_chart(trend: pd.DataFrame) -> None:
    period, number, series = t("overview.period"), t("overview.count"), t("overview.series")
    names = {"cases_started": t("overview.started_cases"), "cases_closed": t("overview.finished_cases"),
             "open_cases": t("kpi.open_cases")}
    frame = trend.assign(**{period: pd.to_datetime(trend["start"])})[[period, *names]].rename(columns=names)
    long = frame.melt(id_vars=[period], var_name=series, value_name=number).dropna()
    chart = (alt.Chart(long).mark_line(point=True)
             .encode(x=alt.X(f"{period}:T", title=period, axis=alt.Axis(format="%m.%Y", labelAngle=-45)),
                     y=alt.Y(f"{number}:Q", title=t("overview.cases_axis")),
                     color=alt.Color(f"{series}:N", title=None, legend=alt.Legend(orient="top"),
                                     scale=alt.Scale(range=["#3b6ea5", "#59a14f", "#d9822b"])),
                     tooltip=[alt.Tooltip(f"{period}:T", format="%m.%Y"), series, number])
             .properties(height=320))
    charts.show(chart, "cases-per-period", key="overview_trend")
    with st.expander(t("overview.table")):
        downloads.table(trend, "cases-per-period", key="overview_trend_data", declared=PERIOD_TREND)


def _histogram(cases: pd.DataFrame) -> None:
    days = t("overview.throughput_days")
    frame = charts.histogram_frame(in_days(cases["duration_seconds"].to_numpy()), days,
                                   t("overview.cases_axis"))
    chart = charts.histogram(frame, days, t("overview.cases_axis"))
    charts.show(chart, "throughput-histogram", key="overview_histogram")
