"""Compare page: two groups side by side (attribute values, saved filter stacks, or periods)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from procmine import schema as s
from procmine.analysis.compare import compare
from procmine.analysis.dfg import dfg
from procmine.errors import ProcmineError
from procmine.filters import CaseAttributeFilter, TimeframeFilter
from procmine.formatting import (
    column_label,
    format_period,
)
from procmine.languages import Language
from procmine.render.map_notes import view_notes
from procmine.render.map_view import MapView, map_view
from procmine.render.process_map import MapOptions, map_dot
from procmine.result_tables import COMPARE_EDGES, COMPARE_VARIANTS
from procmine.table_format import kpi_figures
from procmine.ui import downloads, filter_forms, sidebar, state
from procmine.ui.map_page import rendered, show_svg
from procmine.ui.state import t

MODES = ("attribute", "stacks", "periods")
ID_LIKE_SHARE = 0.5
ID_SUFFIXES = ("_id", " id", "-id", "nr", "nummer", "number", "cpr")


def render() -> None:
    """Draw the compare page."""
    st.header(t("page.compare"))
    st.caption(t("compare.help"))
    mode = st.radio(t("compare.how"), MODES, key=state.worded("compare_mode"), horizontal=True,
                    format_func=lambda m: t(f"compare.mode.{m}"))
    groups = {"attribute": _attribute_groups, "stacks": _stack_groups, "periods": _period_groups}[mode]()
    if groups is None:
        return
    (label_a, stack_a), (label_b, stack_b) = groups
    try:
        result = state.computed_pair(compare, stack_a, stack_b, labels=(label_a, label_b))
    except ProcmineError as exc:
        st.error(str(exc))
        return
    _kpis(result)
    _maps((label_a, stack_a), (label_b, stack_b))
    _differences(result)


def _attribute_groups():
    names = [c for c in state.full_log().case_columns if c not in (s.CASE_INDEX, s.CASE_ID)]
    if not names:
        st.info(t("filter.no_case_attributes"))
        return None
    first = default_attribute(names, state.full_log().num_cases, lambda n: state.distinct_values("cases", n)[1])
    attribute = st.selectbox(t("filter.attribute"), names, key=state.worded("compare_attribute", first, names),
                             format_func=lambda name: column_label(name, state.lang()))
    values = state.distinct_values("cases", attribute)[0]
    if len(values) < 2:
        st.info(t("compare.one_value", attribute=attribute))
        return None
    left, right = st.columns(2)
    first = left.selectbox("A", values, index=0, key=f"compare_value_a_{attribute}")
    second = right.selectbox("B", values, index=1, key=f"compare_value_b_{attribute}")
    current, shown = state.filters(), column_label(attribute, state.lang())
    return ((f"{shown} = {first}", current + [CaseAttributeFilter(attribute=attribute, values=(first,))]),
            (f"{shown} = {second}", current + [CaseAttributeFilter(attribute=attribute, values=(second,))]))


def default_attribute(names: list[str], cases: int, distinct: Callable[[str], int]) -> str:
    """The attribute to compare first: one with a few values to group by, never an id-like one.

    An attribute is id-like when nearly every case has its own value (a case or person
    number): comparing two of its values compares two single cases.
    """
    def id_like(name: str) -> bool:
        return distinct(name) > max(ID_LIKE_SHARE * cases, 20) or name.casefold().endswith(ID_SUFFIXES)

    groups = [name for name in names if distinct(name) >= 2]
    return next((name for name in groups if not id_like(name)), groups[0] if groups else names[0])


def _stack_groups():
    st.caption(t("compare.stacks_help"))
    left, right = st.columns(2)
    stacks = []
    for column, side in ((left, "A"), (right, "B")):
        uploaded = column.file_uploader(t("compare.stack_file", side=side), type=["json", "yaml", "yml"],
                                        key=f"compare_stack_{side}")
        if uploaded is None:
            stacks.append((t("compare.current_stack") if side == "A" else t("compare.no_filters"),
                           state.filters() if side == "A" else []))
            continue
        try:
            stacks.append((uploaded.name, sidebar.read_stack(uploaded.getvalue(), uploaded.name)))
        except ProcmineError as exc:
            column.error(str(exc))
            return None
    return tuple(stacks)


def _period_groups():
    try:
        first_day, last_day = filter_forms.log_days()
    except ProcmineError as exc:
        st.error(str(exc))
        return None
    middle = first_day + (last_day - first_day) / 2
    left, right = st.columns(2)
    try:
        spans = [filter_forms.date_span(f"compare_period_{side.lower()}", (first_day, last_day), chosen,
                                        t("compare.period_from", side=side), t("compare.period_to", side=side),
                                        container=column)
                 for column, side, chosen in ((left, "A", (first_day, middle)),
                                              (right, "B", (middle + dt.timedelta(days=1), last_day)))]
    except ProcmineError as exc:
        st.error(str(exc))
        return None
    st.caption(t("compare.periods_help"))
    current, lang = state.filters(), state.lang()
    return tuple((format_period(a, b, lang), current + [TimeframeFilter(
        between=(filter_forms.local_midnight(a), filter_forms.local_midnight(b + dt.timedelta(days=1))),
        mode="started")]) for a, b in spans)


def _kpis(result) -> None:
    lang = state.lang()
    kpis = result.kpis
    label_a, label_b = result.labels
    figures = kpi_figures(kpis, lang).rename(columns={
        "A": label_a, "B": label_b, "difference": t("compare.difference"), "change": t("compare.change")})
    table = pd.concat([pd.DataFrame({t("compare.metric"): [t(f"compare.kpi.{m}") for m in kpis["metric"]]}),
                       figures], axis=1)
    downloads.table(kpis, "comparison-kpis", key="compare_kpis", shown=table)




def _maps(first: tuple[str, list], second: tuple[str, list]) -> None:
    """Both groups' maps as the process map draws them: hidden activities' flow bridged, and said so."""
    left, right = st.columns(2)
    activities = left.slider(t("map.activities"), 0, 100, 100, 5, key="compare_activities", format="%d %%")
    paths = right.slider(t("map.paths"), 0, 100, 60, 5, key="compare_paths", format="%d %%")
    columns = st.columns(2)
    for column, (label, stack), side in zip(columns, (first, second), ("a", "b")):
        with column:
            st.markdown(f"**{label}**")
            graph = state.computed(dfg, stack=stack)
            if graph.num_cases == 0:
                st.info(t("compare.empty"))
                continue
            view = state.computed(map_view, stack=stack, activities=activities / 100, paths=paths / 100)
            for note in view_notes(view, state.lang()):
                st.caption(note)
            source = compare_map_dot(view, state.lang())
            show_svg(rendered(source, "svg"), key=f"compare_map_{side}", max_height="60vh")
            downloads.picture(f"map-{side}", key=f"compare_map_{side}_download",
                              svg=partial(rendered, source, "svg"), png=partial(rendered, source, "png"))


def compare_map_dot(view: MapView, lang: Language) -> str:
    """The DOT of one group's map on the compare page."""
    return map_dot(view, MapOptions(lang=lang))


def _differences(result) -> None:
    label_a, label_b = result.labels
    share_a, share_b = f"{t('variants.share')} {label_a}", f"{t('variants.share')} {label_b}"
    paths, waiting, routes = st.tabs([t("compare.paths"), t("compare.waiting"), t("compare.variants")])
    for tab, frame, name in ((paths, result.edges, "path-differences"),
                             (waiting, result.edges_by_waiting, "waiting-differences")):
        with tab:
            downloads.table(frame, name, key=f"compare_{name}", declared=COMPARE_EDGES, view=frame.head(200),
                            columns={"source": t("map.from"), "target": t("map.to"), "share_a": share_a,
                                     "share_b": share_b, "median_a_seconds": f"{t('map.median_wait')} {label_a}",
                                     "median_b_seconds": f"{t('map.median_wait')} {label_b}",
                                     "share_difference": t("compare.share_difference"),
                                     "median_difference_seconds": t("compare.wait_difference")}, height=300)
    with routes:
        downloads.table(result.variants, "variant-differences", key="compare_variants", declared=COMPARE_VARIANTS,
                        view=result.variants.head(200), columns={
                            "activities": t("variants.activities"), "share_a": share_a, "share_b": share_b,
                            "share_difference": t("compare.share_difference")}, height=300)
