"""Cases page: searchable case table, one case's timeline with its attributes, dotted chart."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from procmine import schema as s
from procmine.analysis.throughput import throughput
from procmine.formatting import column_label, format_duration, format_number, local_time
from procmine.result_tables import CASES
from procmine.table_format import format_cell
from procmine.ui import audit_trail, charts, downloads, state
from procmine.ui.state import t

SHOWN_CASES = 1000
DOTTED_CASES = 200
# Altair refuses data of more than 5,000 rows (MaxRowsError); each chart stays below that on any log.
CHART_POINTS = 5000
COLOURED_ACTIVITIES = 12


def render() -> None:
    """Draw the cases page."""
    st.header(t("page.cases"))
    log = state.filtered_log()
    cases = state.computed(case_table)
    query = st.text_input(t("cases.search"), key="cases_search", placeholder=t("cases.search_help"))
    found = _search(cases, query)
    st.caption(t("cases.found", found=format_number(len(found), state.lang()),
                 total=format_number(len(cases), state.lang())))
    _table(found)
    if len(found):
        _one_case(log, found)
    st.subheader(t("cases.dotted"))
    _dotted_chart(log, cases)


def case_table(log) -> pd.DataFrame:
    """Throughput per case (engine) next to the case attributes (data), one row per case."""
    per_case = state.computed(throughput, log=log).cases
    attributes = log.cases_table().drop([s.CASE_INDEX]).to_pandas()
    return per_case.merge(attributes, on=s.CASE_ID, how="left")


def _search(cases: pd.DataFrame, query: str) -> pd.DataFrame:
    if not query.strip():
        return cases
    needle = query.strip().casefold()
    text_columns = [c for c in cases.columns
                    if pd.api.types.is_string_dtype(cases[c]) or pd.api.types.is_object_dtype(cases[c])]
    hit = pd.Series(False, index=cases.index)
    for column in text_columns:
        hit |= cases[column].astype(str).str.casefold().str.contains(needle, regex=False)
    return cases[hit]


def _table(found: pd.DataFrame) -> None:
    lang = state.lang()
    downloads.table(found, "cases", key="cases_table", declared=CASES, view=found.head(SHOWN_CASES), columns={
        s.CASE_ID: t("cases.case"), "start": t("deadlines.started"), "end": t("deadlines.ended"),
        "duration_seconds": t("cases.duration"), "duration_working_days": t("cases.working_days"),
        **{column: column_label(column, lang) for column in found.columns[5:]}}, height=300)


def _one_case(log, found: pd.DataFrame) -> None:
    lang = state.lang()
    case_id = st.selectbox(t("cases.one"), list(found[s.CASE_ID].head(SHOWN_CASES)), key="cases_pick")
    audit_trail.case_viewed(case_id)
    mine = events_of(log, [case_id])
    if mine.num_rows > CHART_POINTS:
        st.caption(t("maps.timeline_capped", shown=format_number(CHART_POINTS, lang),
                     total=format_number(mine.num_rows, lang)))
    frame = mine.drop([c for c in (s.CASE_INDEX, s.EVENT_INDEX, s.CASE_ID) if c in mine.column_names]).to_pandas()
    frame[s.ACTIVITY] = frame[s.ACTIVITY].astype(str)
    left, right = st.columns([3, 1])
    with left:
        when, what = t("cases.when"), t("map.activity")
        drawn = frame.head(CHART_POINTS)
        points = pd.DataFrame({when: [local_time(v).replace(tzinfo=None) for v in drawn[s.TIMESTAMP]],
                               what: drawn[s.ACTIVITY], "#": range(1, len(drawn) + 1)})
        chart = (alt.Chart(points).mark_line(point=alt.OverlayMarkDef(size=80), color="#3b6ea5")
                 .encode(x=alt.X(f"{when}:T", title=when, axis=alt.Axis(format="%d.%m.%Y", labelAngle=-30)), y=alt.Y(f"{what}:N", sort=None, title=None),
                         order="#:Q", tooltip=["#", what, alt.Tooltip(f"{when}:T", format="%d.%m.%Y %H:%M")])
                 .properties(height=alt.Step(30), title=t("cases.timeline", case=case_id)))
        charts.show(chart, f"case-{case_id}", key="cases_timeline")
    with right:
        row = found[found[s.CASE_ID] == case_id].iloc[0]
        facts = {t("cases.case"): case_id, t("cases.duration"): format_duration(row["duration_seconds"], lang),
                 t("kpi.events"): format_number(len(frame), lang)}
        zone = downloads.dataset_zone()
        facts.update({column_label(column, lang): format_cell(column, row[column], lang, zone, CASES)
                      for column in found.columns[5:]})
        downloads.table(pd.DataFrame({t("cases.attribute"): list(facts), t("cases.value"): list(facts.values())}),
                        f"case-{case_id}-attributes", key="cases_attributes")
    downloads.table(frame, f"case-{case_id}-events", key="cases_events", height=240,
                    columns={column: column_label(column, lang) for column in frame.columns})


def events_of(log, case_ids: list[str], columns: list[str] | None = None) -> pa.Table:
    """The events of the view that belong to `case_ids` (without copying the whole log)."""
    return log.events_of(case_ids, columns)


def _dotted_chart(log, cases: pd.DataFrame) -> None:
    lang = state.lang()
    first = cases.sort_values("start", kind="stable").head(DOTTED_CASES)
    events = events_of(log, list(first[s.CASE_ID]), [s.CASE_ID, s.ACTIVITY, s.TIMESTAMP])
    ids = events.column(s.CASE_ID).to_pylist()
    kept_cases, kept = _cases_within(list(first[s.CASE_ID]), ids, CHART_POINTS)
    if kept_cases < len(cases):
        st.caption(t("maps.dotted_sampled", shown=format_number(kept_cases, lang),
                     total=format_number(len(cases), lang), events=format_number(kept, lang),
                     limit=format_number(CHART_POINTS, lang)))
    order = {case: rank for rank, case in enumerate(first[s.CASE_ID].head(kept_cases))}
    rows = [i for i, case in enumerate(ids) if case in order][:CHART_POINTS]
    activities = [str(v) for v in events.column(s.ACTIVITY).take(rows).to_pylist()]
    coloured = _coloured(activities)
    when, case, what = t("cases.when"), t("cases.case"), t("map.activity")
    frame = pd.DataFrame({when: [local_time(v).replace(tzinfo=None)
                                 for v in events.column(s.TIMESTAMP).take(rows).to_pylist()],
                          case: [ids[i] for i in rows],
                          what: [a if a in coloured else t("maps.other") for a in activities]})
    if len(coloured) < len(set(activities)):
        st.caption(t("maps.dotted_other", shown=len(coloured), hidden=len(set(activities)) - len(coloured)))
    palette = alt.Scale(domain=[*coloured, t("maps.other")], range=[*_PALETTE[:len(coloured)], "#c8c8c8"])
    chart = (alt.Chart(frame).mark_circle(size=28, opacity=0.85)
             .encode(x=alt.X(f"{when}:T", axis=alt.Axis(format="%d.%m.%Y")),
                     y=alt.Y(f"{case}:N", sort=list(order), axis=None),
                     color=alt.Color(f"{what}:N", scale=palette,
                                     legend=alt.Legend(orient="bottom", columns=4, labelLimit=240)),
                     tooltip=[case, what, alt.Tooltip(f"{when}:T", format="%d.%m.%Y %H:%M")])
             .properties(height=520))
    charts.show(chart, "dotted-chart", key="cases_dotted")


def _cases_within(case_order: list[str], event_cases: list[str], limit: int) -> tuple[int, int]:
    """How many of the first cases (in `case_order`) fit in `limit` points, and their points (at least one case)."""
    per_case = pd.Series(event_cases).value_counts()
    total, count = 0, 0
    for case in case_order:
        size = int(per_case.get(case, 0))
        if count and total + size > limit:
            break
        total, count = total + size, count + 1
    return count, min(total, limit)


def _coloured(activities: list[str]) -> list[str]:
    """The most frequent activities of the chart, which get a colour of their own."""
    return list(pd.Series(activities, dtype=object).value_counts().index[:COLOURED_ACTIVITIES])


_PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6",
            "#9d755d", "#79706e", "#1f4e79", "#8cd17d"]
