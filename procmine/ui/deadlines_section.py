"""Deadline compliance in working days per case type, with the breach list; rules editable here."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
import yaml

from procmine.analysis.deadlines import CASE_END, CASE_START, DEFAULT_RULES, DeadlineRule, Unit, deadlines
from procmine.errors import ConfigError, ProcmineError
from procmine.formatting import format_number, format_value
from procmine.result_tables import BREACHES, DEADLINE_RULES
from procmine.ui import charts, downloads, state
from procmine.ui.state import t

RULES_KEY = "deadline_rules"
UNITS: tuple[Unit, ...] = ("working_days", "calendar_days", "weeks")
SHOWN_ROWS = 1000   # the CSV download holds every breach


def render() -> None:
    """The rules (editable), compliance per rule and the breaches."""
    rules = _rules()
    with st.expander(t("deadlines.rules", count=len(rules)), expanded=not rules):
        _rule_list(rules)
        _add_rule_form()
    if not rules:
        st.info(t("deadlines.no_rules"))
        return
    report = state.computed(deadlines, rules=tuple(rules))
    _compliance(report)
    _breaches(report)


def _rules() -> list[DeadlineRule]:
    """The session's rules; at first the sample workflows' rules that fit the log."""
    if RULES_KEY not in st.session_state or st.session_state.get("deadline_rules_for") != state.dataset_path():
        fitting = state.computed(deadlines, log=state.full_log())
        st.session_state[RULES_KEY] = [r for r in DEFAULT_RULES if r.name not in fitting.skipped]
        st.session_state["deadline_rules_for"] = state.dataset_path()
    return list(st.session_state[RULES_KEY])


def _rule_list(rules: list[DeadlineRule]) -> None:
    for number, rule in enumerate(rules):
        text_column, button_column = st.columns([8, 1], vertical_alignment="center")
        text_column.markdown(f"**{rule.name}** · {_describe(rule)}")
        button_column.button("✕", key=f"deadline_remove_{number}", help=t("filters.remove"),
                             on_click=_remove, args=(number,))
    if rules:
        text = yaml.safe_dump({"rules": [r.model_dump() for r in rules]}, allow_unicode=True, sort_keys=False)
        st.download_button(t("deadlines.save"), text, file_name="deadlines.yaml", mime="application/yaml",
                           key="deadlines_save", on_click="ignore")


def _describe(rule: DeadlineRule) -> str:
    scope = t("deadlines.scope", case_type=rule.case_type) if rule.case_type else t("deadlines.all_cases")
    start = t("deadlines.case_start") if rule.start == CASE_START else rule.start
    end = t("deadlines.case_end") if rule.end == CASE_END else rule.end
    return t("deadlines.describe", scope=scope, start=start, end=end, within=rule.within,
             unit=t(f"deadlines.unit.{rule.unit}"))


def _remove(number: int) -> None:
    rules = list(st.session_state[RULES_KEY])
    del rules[number]
    st.session_state[RULES_KEY] = rules


def _add_rule_form() -> None:
    activities = sorted(state.full_log().activities, key=str.casefold)
    case_types = _case_types()
    with st.form("deadline_add", border=True):
        st.markdown(f"**{t('deadlines.add')}**")
        first, second, third = st.columns(3)
        name = first.text_input(t("deadlines.name"), key="deadline_name")
        case_type = second.selectbox(t("deadlines.case_type"), [None, *case_types],
                                     key=state.worded("deadline_case_type"),
                                     format_func=lambda v: t("deadlines.all_cases") if v is None else v)
        unit = third.selectbox(t("filter.unit"), UNITS, key=state.worded("deadline_unit"),
                               format_func=lambda u: t(f"deadlines.unit.{u}"))
        first, second, third = st.columns(3)
        start = first.selectbox(t("deadlines.from"), [CASE_START] + activities, key=state.worded("deadline_start"),
                                format_func=lambda a: t("deadlines.case_start") if a == CASE_START else a)
        end = second.selectbox(t("deadlines.to"), [CASE_END] + activities, key=state.worded("deadline_end"),
                               format_func=lambda a: t("deadlines.case_end") if a == CASE_END else a)
        within = third.number_input(t("deadlines.within"), 1, 10_000, 10, key="deadline_within")
        if st.form_submit_button(t("filters.apply"), type="primary"):
            _add_rule(name, case_type, start, end, int(within), unit)


def _add_rule(name: str, case_type: str | None, start: str, end: str, within: int, unit: Unit) -> None:
    try:
        if not name.strip():
            raise ConfigError(t("deadlines.name_needed"))
        rule = DeadlineRule(name=name.strip(), case_type=case_type, start=start, end=end, within=within,
                            unit=unit)
        state.computed(deadlines, rules=(rule,))  # a rule that does not fit the log fails here
    except ProcmineError as exc:
        st.error(str(exc))
        return
    st.session_state[RULES_KEY] = _rules() + [rule]
    st.rerun()


def _case_types() -> list[str]:
    log = state.full_log()
    if "case_type" not in log.case_columns:
        return []
    return sorted({str(v) for v in log.case_column("case_type").to_pylist() if v is not None})


def _compliance(report) -> None:
    lang = state.lang()
    rules = report.rules
    limits = [f"{format_value('count', r.limit_days, lang)} "
              f"{t('deadlines.unit.' + ('calendar_days' if r.unit == 'weeks' else r.unit))}"
              for r in rules.itertuples()]
    downloads.table(rules, "deadline-compliance", key="deadlines_rules", declared=DEADLINE_RULES,
                    view=rules.assign(case_type=rules["case_type"].fillna(t("deadlines.all_cases")), limit=limits),
                    columns={"rule": t("deadlines.rule"), "case_type": t("deadlines.case_type"),
                             "limit": t("deadlines.limit"), "cases": t("kpi.cases"), "share_met": t("deadlines.met"),
                             "median_days": t("deadlines.median_days"), "p90_days": t("deadlines.p90_days"),
                             "closed_without_end": t("deadlines.closed_without_end"),
                             "open_cases": t("deadlines.open"), "open_overdue": t("deadlines.overdue")})
    if rules["closed_without_end"].sum():
        st.caption(t("deadlines.closed_without_end_help"))
    met = t("deadlines.met")
    frame = pd.DataFrame({t("deadlines.rule"): rules["rule"], met: rules["share_met"]})
    chart = (alt.Chart(frame).mark_bar(color="#3b6ea5")
             .encode(y=alt.Y(f"{t('deadlines.rule')}:N", title=None, sort=None),
                     x=alt.X(f"{met}:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
                     tooltip=[t("deadlines.rule"), alt.Tooltip(f"{met}:Q", format=".1%")])
             .properties(height=alt.Step(34)))
    charts.show(chart, "deadline-compliance", key="deadlines_chart")


def _breaches(report) -> None:
    lang = state.lang()
    everything = report.breaches
    st.markdown(f"**{t('deadlines.breaches', count=format_number(len(everything), lang))}**")
    downloads.table(everything, "deadline-breaches", key="deadlines_breaches", declared=BREACHES,
                    view=everything.head(SHOWN_ROWS), columns={
                        "rule": t("deadlines.rule"), "case_id": t("cases.case"), "start": t("deadlines.started"),
                        "end": t("deadlines.ended"), "days": t("deadlines.days"), "due": t("deadlines.due")},
                    height=300)
