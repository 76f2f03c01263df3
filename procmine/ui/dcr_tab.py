"""The DCR tab of the Model page: the discovered DCR graph, its files, and the rules most often broken."""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from procmine.dcr.graph import RELATION_KINDS, TIME_UNITS
from procmine.dcr.model import check_dcr_against_discovered, check_dcr_against_file, discover_timed_dcr
from procmine.dcr.picture import PictureOptions, dcr_dot
from procmine.dcr.timing import TimingOptions
from procmine.dcr.xml_io import dcr_xml
from procmine.errors import ProcmineError
from procmine.formatting import format_number, format_percent
from procmine.result_tables import DCR_CASES, DCR_RULES
from procmine.ui import downloads, state, upload
from procmine.ui.map_page import rendered, show_svg
from procmine.ui.state import t

DEFAULT_EVENTS_SHOWN = 25
SHOWN_RULES = 1000


def render_dcr_tab() -> None:
    """Draw the DCR tab (called inside the Model page's tab)."""
    st.caption(t("dcr.intro"))
    timing = _timing_controls()
    with st.spinner(t("dcr.discovering")):
        graph = state.computed(discover_timed_dcr, timing=timing)
    picture = _picture_controls(len(graph.activities))
    source = dcr_dot(graph, picture)
    fit = st.toggle(t("map.fit"), key="dcr_fit", help=t("dcr.fit_help"))
    show_svg(rendered(source, "svg"), key="dcr_graph", max_height="70vh", fit=fit)
    counts = {kind: format_number(len(pairs), state.lang()) for kind, pairs in graph.relation_sets().items()}
    st.caption(t("dcr.relations", conditions=counts["condition"], responses=counts["response"],
                 excludes=counts["exclude"], includes=counts["include"]))
    stem = f"dcr-{timing.unit}-{round(timing.deadline_share * 100)}"
    downloads.picture(stem, key="dcr_download", svg=lambda: rendered(source, "svg"),
                      png=lambda: rendered(source, "png"), dot=lambda: source,
                      extra={"xml": (lambda: dcr_xml(graph), "application/xml")})
    st.caption(t("dcr.xml_help"))
    _broken_rules(timing)


def _timing_controls() -> TimingOptions:
    left, right = st.columns(2)
    unit = left.radio(t("dcr.time_unit"), TIME_UNITS, key=state.worded("dcr_unit"), horizontal=True,
                      format_func=lambda u: t(f"dcr.unit.{u}"))
    share = right.slider(t("dcr.deadline_share"), 0.5, 1.0, TimingOptions().deadline_share, 0.05,
                         key="dcr_deadline_share",
                         help=t("dcr.deadline_share_help"))
    return TimingOptions(unit=unit, deadline_share=float(share))


def _picture_controls(num_events: int) -> PictureOptions:
    left, right = st.columns(2)
    kinds = left.multiselect(t("dcr.kinds"), RELATION_KINDS,
                             key=state.worded("dcr_kinds", default=list(RELATION_KINDS)),
                             format_func=lambda k: t(f"dcr.kind.{k}"))
    shown = num_events
    if num_events > 2:
        shown = right.slider(t("dcr.max_events"), 2, num_events, min(num_events, DEFAULT_EVENTS_SHOWN),
                             key="dcr_max_events")
    return PictureOptions(kinds=tuple(k for k in RELATION_KINDS if k in kinds), max_events=shown,
                          lang=state.lang())


def _broken_rules(timing: TimingOptions) -> None:
    st.subheader(t("dcr.broken_title"))
    uploaded = st.file_uploader(t("dcr.reference"), type=["xml"], key="dcr_reference")
    try:
        with st.spinner(t("model.checking")):
            if uploaded is None:
                result = state.computed(check_dcr_against_discovered, timing=timing, lang=state.lang())
            else:
                result = state.computed(check_dcr_against_file, path=str(_stored(uploaded)), lang=state.lang())
    except ProcmineError as exc:
        st.error(str(exc))
        return
    show_conformance(result)


def _stored(uploaded) -> Path:
    """The uploaded file kept under the app's work folder, named by its content."""
    content = uploaded.getvalue()
    path = upload.work_dir() / "dcr" / hashlib.sha256(content).hexdigest()[:20] / Path(uploaded.name).name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return path


def show_conformance(result) -> None:
    """Metric cards, the rules most often broken and the cases that break a rule."""
    lang = state.lang()
    cards = st.columns(3)
    cards[0].metric(t("dcr.fitting"), format_percent(result.fitting_cases_share, lang))
    cards[1].metric(t("dcr.rules_count"), format_number(len(result.rules), lang))
    broken = result.broken_rules()
    cards[2].metric(t("dcr.broken_count"), format_number(len(broken), lang))
    if broken.empty:
        st.success(t("dcr.none_broken"))
        return
    downloads.table(broken, "dcr-broken-rules", key="dcr_rules", declared=DCR_RULES, view=broken.head(SHOWN_RULES),
                    columns={"rule": t("dcr.rule"), "cases": t("dcr.cases"), "share": t("dcr.share"),
                             "variants": t("dcr.variants")}, height=280)
    deviating = result.deviating_cases()
    st.markdown(f"**{t('model.deviating', count=format_number(len(deviating), lang))}**")
    downloads.table(deviating, "dcr-deviating-cases", key="dcr_cases", declared=DCR_CASES,
                    view=deviating.head(SHOWN_RULES), columns={
                        "case_id": t("cases.case"), "variant": t("variants.rank"), "rules": t("dcr.case_rules")},
                    height=280)
