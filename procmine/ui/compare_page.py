"""Compare page: two groups side by side (attribute values, saved filter stacks, or periods)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from procmine import schema as s
from procmine.analysis.compare import compare
from procmine.analysis.dfg import dfg
from procmine.errors import ProcmineError
from procmine.filters import CaseAttributeFilter, TimeframeFilter
from procmine.i18n import format_duration, format_number, format_percent
from procmine.render.process_map import MapOptions, map_dot
from procmine.ui import downloads, filter_forms, sidebar, state
from procmine.ui.map_page import rendered, show_svg
from procmine.ui.state import t

MODES = ("attribute", "stacks", "periods")
DURATION_KPIS = ("median_throughput_seconds", "mean_throughput_seconds", "p90_throughput_seconds")


def render() -> None:
    """Draw the compare page."""
    st.header(t("page.compare"))
    st.caption(t("compare.help"))
    mode = st.radio(t("compare.how"), MODES, key="compare_mode", horizontal=True,
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
    names = [c for c in state.full_log().base.cases.column_names if c not in (s.CASE_INDEX, s.CASE_ID)]
    if not names:
        st.info(t("filter.no_case_attributes"))
        return None
    several = [name for name in names if state.distinct_values("cases", name)[1] >= 2]
    attribute = st.selectbox(t("filter.attribute"), names, key="compare_attribute",
                             index=names.index(several[0]) if several else 0)
    values = state.distinct_values("cases", attribute)[0]
    if len(values) < 2:
        st.info(t("compare.one_value", attribute=attribute))
        return None
    left, right = st.columns(2)
    first = left.selectbox("A", values, index=0, key=f"compare_value_a_{attribute}")
    second = right.selectbox("B", values, index=1, key=f"compare_value_b_{attribute}")
    current = state.filters()
    return ((f"{attribute} = {first}", current + [CaseAttributeFilter(attribute=attribute, values=(first,))]),
            (f"{attribute} = {second}", current + [CaseAttributeFilter(attribute=attribute, values=(second,))]))


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
    base = state.full_log().base
    first_day, last_day = filter_forms.local_date(int(base.timestamp.min())), filter_forms.local_date(int(base.timestamp.max()))
    middle = first_day + (last_day - first_day) / 2
    left, right = st.columns(2)
    period_a = left.date_input(t("compare.period", side="A"), (first_day, middle), min_value=first_day,
                               max_value=last_day, key="compare_period_a", format="DD.MM.YYYY")
    period_b = right.date_input(t("compare.period", side="B"), (middle + dt.timedelta(days=1), last_day),
                                min_value=first_day, max_value=last_day, key="compare_period_b",
                                format="DD.MM.YYYY")
    if len(period_a) != 2 or len(period_b) != 2:
        st.info(t("compare.choose_periods"))
        return None
    current = state.filters()
    return tuple((f"{a:%d.%m.%Y}–{b:%d.%m.%Y}", current + [TimeframeFilter(
        between=(filter_forms.local_midnight(a), filter_forms.local_midnight(b + dt.timedelta(days=1))), mode="started")])
        for a, b in (period_a, period_b))


def _kpis(result) -> None:
    lang = state.lang()
    kpis = result.kpis
    label_a, label_b = result.labels

    def shown(metric: str, value) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return "–"
        return format_duration(value, lang) if metric in DURATION_KPIS else format_number(value, lang)

    table = pd.DataFrame({
        t("compare.metric"): [t(f"compare.kpi.{m}") for m in kpis["metric"]],
        label_a: [shown(m, v) for m, v in zip(kpis["metric"], kpis["a"])],
        label_b: [shown(m, v) for m, v in zip(kpis["metric"], kpis["b"])],
        t("compare.change"): [format_percent(v, lang) if pd.notna(v) else "–" for v in kpis["relative_difference"]],
    })
    downloads.table(kpis, "comparison-kpis", key="compare_kpis", shown=table)


def _maps(first: tuple[str, list], second: tuple[str, list]) -> None:
    paths = st.slider(t("map.paths"), 0, 100, 60, 5, key="compare_paths", format="%d %%")
    columns = st.columns(2)
    for column, (label, stack), side in zip(columns, (first, second), ("a", "b")):
        with column:
            st.markdown(f"**{label}**")
            graph = state.computed(dfg, stack=stack)
            if graph.num_cases == 0:
                st.info(t("compare.empty"))
                continue
            source = map_dot(graph, MapOptions(paths=paths / 100, lang=state.lang()))
            show_svg(rendered(source, "svg"), key=f"compare_map_{side}", max_height="60vh")
            downloads.picture(f"map-{side}", key=f"compare_map_{side}_download",
                              svg=lambda source=source: rendered(source, "svg"),
                              png=lambda source=source: rendered(source, "png"))


def _differences(result) -> None:
    lang = state.lang()
    label_a, label_b = result.labels
    paths, waiting, routes = st.tabs([t("compare.paths"), t("compare.waiting"), t("compare.variants")])
    for tab, frame, name in ((paths, result.edges, "path-differences"),
                             (waiting, result.edges_by_waiting, "waiting-differences")):
        with tab:
            head = frame.head(200)
            downloads.table(frame, name, key=f"compare_{name}", shown=pd.DataFrame({
                t("map.from"): head["source"], t("map.to"): head["target"],
                f"{t('variants.share')} {label_a}": [format_percent(v, lang) for v in head["share_a"]],
                f"{t('variants.share')} {label_b}": [format_percent(v, lang) for v in head["share_b"]],
                f"{t('map.median_wait')} {label_a}": [format_duration(v, lang) for v in head["median_a_seconds"]],
                f"{t('map.median_wait')} {label_b}": [format_duration(v, lang) for v in head["median_b_seconds"]],
            }), height=300)
    with routes:
        head = result.variants.head(200)
        downloads.table(result.variants, "variant-differences", key="compare_variants", shown=pd.DataFrame({
            t("variants.activities"): [" → ".join(v) for v in head["activities"]],
            f"{t('variants.share')} {label_a}": [format_percent(v, lang) for v in head["share_a"]],
            f"{t('variants.share')} {label_b}": [format_percent(v, lang) for v in head["share_b"]],
        }), height=300)
