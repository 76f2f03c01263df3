"""Data page: choose a bundled sample, a dataset folder or an uploaded log, and see its facts."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from procmine.dataset_meta import Source
from procmine.errors import ProcmineError
from procmine.i18n import all_texts
from procmine.ui import state, upload
from procmine.ui.state import t

SOURCES = ("sample", "folder", "upload")


def render() -> None:
    """Draw the data page."""
    st.header(t("page.data"))
    for message in state.announcements():
        st.success(message)
    source = st.radio(t("data.source"), SOURCES, key=state.worded("data_source"), horizontal=True,
                      format_func=lambda key: t(f"data.source.{key}"))
    if source == "sample":
        _choose_sample()
    elif source == "folder":
        _choose_folder()
    else:
        upload.render_upload()
    st.divider()
    if state.dataset_path():
        render_facts()


def _choose_sample() -> None:
    samples = state.sample_datasets()
    if not samples:
        st.warning(t("data.no_samples", folder=str(state.samples_dir())))
        return
    names = list(samples)
    current = Path(state.dataset_path() or "").name
    name = st.selectbox(t("data.sample"), names, key="data_sample",
                        index=names.index(current) if current in names else 0)
    if st.button(t("data.open"), key="data_open_sample", type="primary"):
        _open(samples[name])


def _choose_folder() -> None:
    folder = st.text_input(t("data.folder"), key="data_folder", placeholder="/data/syddjurs-byggesager")
    st.caption(t("data.folder_help"))
    if st.button(t("data.open"), key="data_open_folder", type="primary", disabled=not folder):
        _open(Path(folder).expanduser())


def _open(path: Path) -> None:
    """Switch to the dataset at `path`, or say why not and keep the current one."""
    try:
        state.set_dataset(path)
    except ProcmineError as exc:
        st.error(str(exc))
        return
    state.announce(t("data.opened", name=path.name))
    st.rerun()   # so the sidebar's filter stack and case count belong to the new dataset


def render_facts() -> None:
    """The shown dataset's facts: cases, events, activities, period and source."""
    from procmine.analysis.overview import overview
    from procmine.dataset_notes import note_text
    from procmine.formatting import format_datetime, format_number
    from procmine.ui.period_card import period_card
    log = state.full_log()
    facts = state.computed(overview, log=log)
    meta = log.dataset.meta
    lang = state.lang()
    st.subheader(t("data.facts", name=Path(state.chosen_path()).name))
    columns = st.columns([1, 1, 1, 2])
    columns[0].metric(t("kpi.cases"), format_number(facts.cases, lang))
    columns[1].metric(t("kpi.events"), format_number(facts.events, lang))
    columns[2].metric(t("kpi.activities"), format_number(facts.activities, lang))
    period_card(columns[3], facts.first_timestamp, facts.last_timestamp, lang, key="data")
    st.caption(t("data.source_line", source=_describe_source(meta.source),
                 created=format_datetime(meta.created_at, lang)))
    for note in meta.notes:
        st.caption(f"ℹ️ {note_text(note, lang)}")
    left_out = meta.quarantine
    if left_out:
        from procmine.importing.quarantine import describe_places
        cases = left_out.cases_left_out
        st.warning(t("data.quarantine_cases" if cases else "data.quarantine",
                     events=format_number(left_out.events, lang), cases=format_number(cases, lang),
                     places=describe_places(left_out, lang)))


def _describe_source(source: Source) -> str:
    kind = source.described_kind
    kind = t(f"data.kind.{kind}") if f"data.kind.{kind}" in all_texts() else kind
    where = source.place
    return " · ".join(str(part) for part in (kind, where) if part) or "–"
