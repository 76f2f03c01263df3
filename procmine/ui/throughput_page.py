"""Throughput & deadlines page: distribution, trend per period, by a case attribute, deadline compliance."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from procmine import schema as s
from procmine.analysis.throughput import PERIODS, throughput
from procmine.formatting import column_label
from procmine.result_tables import THROUGHPUT
from procmine.ui import charts, downloads, state
from procmine.ui.state import t
from procmine.units import DAY_SECONDS, in_days
from procmine.workcalendar import WorkCalendar

UNITS = {"days": ("duration_seconds", DAY_SECONDS), "working_days": ("duration_working_days", 1.0)}


def render() -> None:
    """Draw the throughput and deadlines page."""
    st.header(t("page.throughput"))
    period, by, unit = _controls()
    result = state.computed(throughput, by=by, period=period)
    st.caption(WorkCalendar().describe(state.lang()))
    _summary(result, by)
    left, right = st.columns(2)
    with left:
        st.subheader(t("throughput.distribution"))
        column, divisor = UNITS[unit]
        values = result.cases[column].to_numpy(dtype=float) / divisor
        unit_title = t(f"unit.{unit}")
        frame = charts.histogram_frame(values, unit_title, t("kpi.cases"))
        charts.show(charts.histogram(frame, unit_title, t("kpi.cases")), "throughput-distribution",
                    key="throughput_histogram")
    with right:
        st.subheader(t("throughput.trend"))
        _trend(result, by, unit)
    st.divider()
    st.subheader(t("deadlines.title"))
    from procmine.ui import deadlines_section
    deadlines_section.render()


def _controls() -> tuple[str, str | None, str]:
    attributes = [c for c in state.full_log().case_columns if c not in (s.CASE_INDEX, s.CASE_ID)]
    first, second, third = st.columns(3)
    period = first.selectbox(t("overview.granularity"), list(PERIODS),
                             key=state.worded("throughput_period", default="month"), format_func=lambda p: t(f"granularity.{p}"))
    by = second.selectbox(t("throughput.by"), [None, *attributes], key=state.worded("throughput_by"),
                          format_func=lambda name: t("data.none") if name is None else column_label(name, state.lang()))
    unit = third.radio(t("filter.unit"), list(UNITS), key=state.worded("throughput_unit"), horizontal=True,
                       format_func=lambda u: t(f"unit.{u}"))
    return period, by, unit


def _summary(result, by: str | None) -> None:
    summary = result.summary
    downloads.table(summary, "throughput-summary", key="throughput_summary", declared=THROUGHPUT,
                    view=summary.assign(**{by: summary[by].astype(str)}) if by else summary, columns={
                        **({by: column_label(by, state.lang())} if by else {}), "cases": t("kpi.cases"),
                        "median_seconds": t("throughput.median"), "mean_seconds": t("throughput.mean"),
                        "p90_seconds": t("throughput.p90"), "median_working_days": t("throughput.median_wd"),
                        "p90_working_days": t("throughput.p90_wd")})


def _trend(result, by: str | None, unit: str) -> None:
    trend = result.trend
    if trend is None or trend.empty:
        st.info(t("overview.no_trend"))
        return
    value_title = f"{t('throughput.median')} ({t(f'unit.{unit}')})"
    values = in_days(trend["median_seconds"]) if unit == "days" else trend["median_working_days"]
    frame = pd.DataFrame({t("overview.period"): trend["period"].astype(str), value_title: values,
                          t("kpi.cases"): trend["cases"]})
    series_title = None
    if by:
        series_title = by
        frame[by] = trend[by].astype(str)
    encoding = {"x": alt.X(f"{t('overview.period')}:O", axis=alt.Axis(labelAngle=-45)),
                "y": alt.Y(f"{value_title}:Q"), "tooltip": list(frame.columns)}
    if series_title:
        encoding["color"] = alt.Color(f"{series_title}:N")
    chart = alt.Chart(frame).mark_line(point=True).encode(**encoding).properties(height=320)
    charts.show(chart, "throughput-trend", key="throughput_trend")
    with st.expander(t("overview.table")):
        downloads.table(trend, "throughput-trend", key="throughput_trend_data", declared=THROUGHPUT)
