"""The case-notion selector in the sidebar, and what flattening by the chosen notion did."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from procmine import schema as s
from procmine.dataset import read_dataset
from procmine.i18n import text
from procmine.languages import Language
from procmine.ocel.notion import CASE, case_notions
from procmine.ocel.wording import flattening_lines, notion_label
from procmine.ui import state
from procmine.ui.state import t


@st.cache_data(max_entries=8, show_spinner=False)
def _notions(path: str, stamp: float) -> list[str]:
    return case_notions(read_dataset(path))


def render_selector() -> None:
    """A select box of the dataset's case notions (only when it has more than one) and the flattening facts."""
    path = state.chosen_path()
    notions = _notions(path, (Path(path) / s.META_FILE).stat().st_mtime)
    if len(notions) < 2:
        return
    object_centric = read_dataset(path).meta.object_centric
    # Worded: Streamlit sends a select box's value as its label, so after a language switch the box
    # would send the old label ("case (as in the dataset)"), which is no notion.
    current = state.case_notion()
    key = state.worded(state.CASE_NOTION_WIDGET, current if current in notions else notions[0], notions)
    with st.sidebar:
        st.selectbox(t("notion.label"), notions, key=key, help=t("notion.help"),
                     format_func=lambda n: _label(n, object_centric, state.lang()), on_change=_switched,
                     args=(key, notions[0]))
        report = state.full_log().dataset.meta.flattening
        if report:
            for line in flattening_lines(report, state.lang()):
                st.caption(line)


def _label(notion: str, object_centric: bool, lang: Language) -> str:
    return text("notion.case", lang) if notion == CASE and not object_centric else notion_label(notion, lang)


def _switched(key: str, default: str) -> None:
    chosen = st.session_state[key]
    st.session_state[state.CASE_NOTION_KEY] = None if chosen == default else chosen
    state.set_filters([])
