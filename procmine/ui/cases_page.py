"""Cases page: searchable case table, one case's timeline with its attributes, dotted chart."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from procmine import schema as s
from procmine.analysis.throughput import throughput
from procmine.i18n import format_datetime, format_duration, format_number, local_time
from procmine.ui import audit_trail, charts, downloads, state
from procmine.ui.state import t

SHOWN_CASES = 1000
DOTTED_CASES = 200


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
    head = found.head(SHOWN_CASES)
    shown = pd.DataFrame({
        t("cases.case"): head[s.CASE_ID],
        t("deadlines.started"): [format_datetime(v, lang) for v in head["start"]],
        t("deadlines.ended"): [format_datetime(v, lang) for v in head["end"]],
        t("cases.duration"): [format_duration(v, lang) for v in head["duration_seconds"]],
        t("cases.working_days"): [format_number(v, lang, 1) for v in head["duration_working_days"]],
    })
    for column in head.columns[5:]:
        shown[column] = head[column].astype(str)
    downloads.table(found, "cases", key="cases_table", shown=shown, height=300)


def _one_case(log, found: pd.DataFrame) -> None:
    lang = state.lang()
    case_id = st.selectbox(t("cases.one"), list(found[s.CASE_ID].head(SHOWN_CASES)), key="cases_pick")
    audit_trail.case_viewed(case_id)
    mine = events_of(log, [case_id])
    frame = mine.drop([c for c in (s.CASE_INDEX, s.EVENT_INDEX, s.CASE_ID) if c in mine.column_names]).to_pandas()
    frame[s.ACTIVITY] = frame[s.ACTIVITY].astype(str)
    left, right = st.columns([3, 1])
    with left:
        when, what = t("cases.when"), t("map.activity")
        points = pd.DataFrame({when: [local_time(v).replace(tzinfo=None) for v in frame[s.TIMESTAMP]],
                               what: frame[s.ACTIVITY], "#": range(1, len(frame) + 1)})
        chart = (alt.Chart(points).mark_line(point=alt.OverlayMarkDef(size=80), color="#3b6ea5")
                 .encode(x=alt.X(f"{when}:T", title=when, axis=alt.Axis(format="%d.%m.%Y", labelAngle=-30)), y=alt.Y(f"{what}:N", sort=None, title=None),
                         order="#:Q", tooltip=["#", what, alt.Tooltip(f"{when}:T", format="%d.%m.%Y %H:%M")])
                 .properties(height=alt.Step(30), title=t("cases.timeline", case=case_id)))
        charts.show(chart, f"case-{case_id}", key="cases_timeline")
    with right:
        row = found[found[s.CASE_ID] == case_id].iloc[0]
        facts = {t("cases.case"): case_id, t("cases.duration"): format_duration(row["duration_seconds"], lang),
                 t("kpi.events"): format_number(len(frame), lang)}
        facts.update({column: str(row[column]) for column in found.columns[5:]})
        downloads.table(pd.DataFrame({t("cases.attribute"): list(facts), t("cases.value"): list(facts.values())}),
                        f"case-{case_id}-attributes", key="cases_attributes")
    shown = frame.astype(object).where(frame.notna(), "")
    shown[s.TIMESTAMP] = [format_datetime(v, lang) for v in frame[s.TIMESTAMP]]
    downloads.table(frame, f"case-{case_id}-events", key="cases_events", shown=shown, height=240)


def events_of(log, case_ids: list[str], columns: list[str] | None = None) -> pa.Table:
    """The events of the view that belong to `case_ids` (without copying the whole log)."""
    events = log.base.events if columns is None else log.base.events.select(columns)
    wanted = pc.is_in(log.base.events.column(s.CASE_ID), value_set=pa.array(case_ids, pa.string()))
    keep = wanted.to_numpy(zero_copy_only=False) & log.selected_events()
    return events.filter(pa.array(keep))


def _dotted_chart(log, cases: pd.DataFrame) -> None:
    first = cases.sort_values("start", kind="stable").head(DOTTED_CASES)
    if len(cases) > DOTTED_CASES:
        st.caption(t("cases.dotted_capped", shown=DOTTED_CASES, total=format_number(len(cases), state.lang())))
    events = events_of(log, list(first[s.CASE_ID]), [s.CASE_ID, s.ACTIVITY, s.TIMESTAMP])
    when, case, what = t("cases.when"), t("cases.case"), t("map.activity")
    frame = pd.DataFrame({when: [local_time(v).replace(tzinfo=None) for v in events.column(s.TIMESTAMP).to_pylist()],
                          case: events.column(s.CASE_ID).to_pylist(),
                          what: [str(v) for v in events.column(s.ACTIVITY).to_pylist()]})
    chart = (alt.Chart(frame).mark_circle(size=28, opacity=0.85)
             .encode(x=alt.X(f"{when}:T", axis=alt.Axis(format="%d.%m.%Y")), y=alt.Y(f"{case}:N", sort=list(first[s.CASE_ID]), axis=None),
                     color=alt.Color(f"{what}:N", legend=alt.Legend(orient="bottom", columns=4, labelLimit=240)),
                     tooltip=[case, what, alt.Tooltip(f"{when}:T", format="%d.%m.%Y %H:%M")])
             .properties(height=520))
    charts.show(chart, "dotted-chart", key="cases_dotted")
