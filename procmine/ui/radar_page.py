"""Frist-radar page: open cases by the risk of missing their deadline, each with its reasons; the model card; drivers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from procmine.formatting import format_number, format_percent
from procmine.prediction import drivers, predict, wording
from procmine.prediction.drivers import MIN_CASES
from procmine.prediction.radar import REASONED
from procmine.result_tables import DRIVERS, RADAR_CASES
from procmine.table_format import pair, with_interval
from procmine.ui import downloads, state
from procmine.ui.state import t

SHOWN_ROWS = 500
HIGH_RISK = 0.5
DRIVERS_SHOWN = 15


def render() -> None:
    """Draw the deadline radar."""
    from procmine.ui.deadlines_section import _rules

    st.header(t("page.radar"))
    st.caption(t("radar.intro"))
    rules = tuple(_rules())
    if not rules:
        st.info(t("radar.no_rules"))
        return
    with st.spinner(t("radar.computing")):
        forecast = state.computed(predict, rules=rules)
    if not forecast.cards:
        st.info(t("radar.no_rules"))
        return
    scope, chosen = _controls(forecast)
    _figures(scope)
    _case_table(chosen)
    _open_case_link(chosen)
    for card in forecast.cards:
        _model_card(card)
    _drivers(rules)


def _controls(forecast) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cases of the chosen rule and department, those of them also of the chosen risk and status)."""
    cases = forecast.cases
    first, second, third, fourth = st.columns(4)
    everything = t("radar.all")
    rule = first.selectbox(t("radar.rule"), [everything] + [c.rule for c in forecast.cards], key="radar_rule")
    departments = sorted(str(d) for d in cases["department"].dropna().unique())
    department = second.selectbox(t("radar.department"), [everything] + departments, key="radar_department")
    minimum = third.slider(t("radar.min_risk"), 0, 100, 0, step=5, key="radar_min_risk", format="%d %%")
    statuses = fourth.multiselect(t("radar.status"), ["open", "overdue"],
                                  key=state.worded("radar_status", default=["open"]), format_func=lambda s: t(f"radar.status.{s}"))
    scope = pd.Series(True, index=cases.index)
    if rule != everything:
        scope &= cases["rule"] == rule
    if department != everything:
        scope &= cases["department"].astype(str) == department
    keep = scope & cases["status"].isin(statuses) & (cases["risk"].fillna(0.0) >= minimum / 100 - 1e-9)
    return cases[scope], cases[keep]


def _figures(cases: pd.DataFrame) -> None:
    lang = state.lang()
    open_cases = cases[cases["status"] == "open"]
    first, second, third = st.columns(3)
    first.metric(t("radar.open_cases"), format_number(len(open_cases), lang))
    second.metric(t("radar.high_risk"), format_number(int((open_cases["risk"] >= HIGH_RISK).sum()), lang))
    third.metric(t("radar.overdue"), format_number(int((cases["status"] == "overdue").sum()), lang))


def _case_table(cases: pd.DataFrame) -> None:
    lang = state.lang()
    if cases.empty:
        st.info(t("radar.no_cases"))
        return
    head = cases.head(SHOWN_ROWS)
    level = format_percent(0.9, lang, 0)
    remaining = [with_interval("working_days", m, lo, hi, lang)
                 for m, lo, hi in zip(head["remaining_days"], head["remaining_low"], head["remaining_high"])]
    view = head.assign(remaining=remaining, reasons=[wording.reasons_text(r, lang) for r in head["reasons"]],
                       status=[t(f"radar.status.{s}") for s in head["status"]])
    plain = head.assign(reasons=[wording.reasons_text(r, "en") for r in head["reasons"]])
    downloads.table(plain, "deadline-radar", key="radar_cases", declared=RADAR_CASES, view=view, bars=("risk",),
                    width="stretch", columns={
                        "case_id": t("radar.case"), "risk": t("radar.risk"),
                        "remaining": t("radar.remaining", level=level), "due": t("radar.due"),
                        "reasons": t("radar.reasons"), "activity": t("radar.activity"),
                        "department": t("radar.department"), "rule": t("radar.rule"), "status": t("radar.status")})


def _open_case_link(cases: pd.DataFrame) -> None:
    if cases.empty:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    case_id = left.selectbox(t("radar.case"), cases["case_id"].head(SHOWN_ROWS).unique(), key="radar_case")
    right.button(t("radar.open_case"), key="radar_open_case", on_click=_open_case, args=(case_id,))


def _open_case(case_id: str) -> None:
    st.session_state["cases_search"] = case_id
    st.session_state[state.PAGE_KEY] = "cases"


def _model_card(card) -> None:
    lang = state.lang()
    with st.expander(t("radar.card", rule=card.rule), expanded=True):
        sentence = wording.verdict(card, lang)
        (st.success if card.beats_baseline and card.holds_on_test else st.warning)(sentence)
        if summary := wording.card_summary(card, lang):
            st.caption(summary)
        if details := wording.card_details(card, lang):
            with st.popover(t("card.how_measured"), key=f"radar_card_details_{card.rule}"):
                for paragraph in details:
                    st.caption(paragraph)
        if card.scores:
            st.dataframe(wording.card_table(card, lang), hide_index=True, width="stretch")
            st.caption(wording.reasons_note(card.shown, lang))
            st.caption(t("radar.reasons_limited", count=format_number(REASONED, lang)))


def _drivers(rules) -> None:
    lang = state.lang()
    st.subheader(t("radar.drivers"))
    st.caption(t("radar.drivers_intro", min=MIN_CASES))
    result = state.computed(drivers, rules=rules)
    table = result.table.head(DRIVERS_SHOWN)
    if table.empty:
        st.info(t("driver.none", min=MIN_CASES))
        return
    view = table.assign(
        driver=[wording.driver_label(k, n, v, lang) for k, n, v in zip(table["kind"], table["driver"], table["value"])],
        cases=[pair("count", a, b, lang) for a, b in zip(table["cases_with"], table["cases_without"])],
        difference=[with_interval("working_days", d, lo, hi, lang, signed=True, between=" … ") for d, lo, hi in
                    zip(table["difference"], table["difference_low"], table["difference_high"])],
        compliance=[pair("share", a, b, lang) for a, b in zip(table["compliance_with"], table["compliance_without"])])
    downloads.table(result.table, "throughput-drivers", key="radar_drivers", declared=DRIVERS, view=view, columns={
        "driver": t("driver.driver"), "cases": t("driver.cases"), "difference": t("driver.difference"),
        "compliance": t("driver.compliance")})
