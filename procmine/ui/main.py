"""The app's frame: page setup, the sidebar (language, pages, filter stack) and the chosen page."""

from __future__ import annotations

import importlib

import streamlit as st

from procmine.errors import ProcmineError
from procmine.i18n import LANGUAGE_NAMES, LANGUAGES
from procmine.ui import audit_trail, auth, state
from procmine.ui.browser_language import set_browser_language
from procmine.ui.state import t

# Page key -> module under procmine.ui with a `render()` function.
PAGES = {
    "data": "data_page",
    "overview": "overview_page",
    "map": "map_page",
    "variants": "variants_page",
    "throughput": "throughput_page",
    "bottlenecks": "bottlenecks_page",
    "cases": "cases_page",
    "model": "model_page",
    "compare": "compare_page",
    "radar": "radar_page",
    "journeys": "journeys_page",
    "benchmark": "benchmark_page",
}
PAGE_ICONS = {"data": "folder_open", "overview": "dashboard", "map": "account_tree", "variants": "alt_route",
              "throughput": "timer", "bottlenecks": "hourglass_bottom", "cases": "list_alt",
              "model": "schema", "compare": "compare_arrows", "radar": "radar", "journeys": "diversity_3",
              "benchmark": "leaderboard"}
# Pages that need no open dataset.
DATASET_FREE_PAGES = ("data", "benchmark")


def run() -> None:
    """Draw the whole app once (Streamlit calls this on every interaction)."""
    st.set_page_config(page_title="procmine", page_icon="🔎", layout="wide",
                       initial_sidebar_state="expanded")
    if not _signed_in():
        return
    state.init_session()
    page = _sidebar_navigation()
    if page not in DATASET_FREE_PAGES and state.dataset_path() is None:
        st.info(t("app.no_dataset"))
        page = "data"
    if state.dataset_path() is not None:
        auth.render_access_rule()
        _render_case_notion()
        _render_filter_stack()
    try:
        audit_trail.page_view(page)   # no view without its audit record
    except ProcmineError as exc:
        st.error(str(exc))
        return
    _render_page(page)
    set_browser_language(state.lang())


def _render_case_notion() -> None:
    from procmine.ui import case_notion
    try:
        case_notion.render_selector()
    except ProcmineError as exc:
        st.sidebar.error(str(exc))


def _signed_in() -> bool:
    """Sign-in first (when configured): nothing of the data is drawn before it succeeds."""
    try:
        return auth.gate()
    except ProcmineError as exc:
        st.error(str(exc))
        return False


def _render_filter_stack() -> None:
    from procmine.ui import sidebar
    try:
        sidebar.render_filter_stack()
    except ProcmineError as exc:
        st.sidebar.error(str(exc))


def _sidebar_navigation() -> str:
    with st.sidebar:
        st.title("procmine")
        st.radio(t("app.language"), LANGUAGES, key=state.LANG_KEY, format_func=LANGUAGE_NAMES.get,
                 horizontal=True, on_change=state.language_switched)
        st.session_state.setdefault(state.PAGE_KEY, "overview" if state.dataset_path() else "data")
        return st.radio(t("app.pages"), list(PAGES), key=state.worded(state.PAGE_KEY),
                        format_func=lambda key: f":material/{PAGE_ICONS[key]}: {t('page.' + key)}")


def _render_page(page: str) -> None:
    module = importlib.import_module(f"procmine.ui.{PAGES[page]}")
    try:
        module.render()
    except ProcmineError as exc:
        st.error(str(exc))
