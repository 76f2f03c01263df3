"""The filter stack in the sidebar, shared by every page: count, list, add, remove, save, load, reset."""

from __future__ import annotations

import streamlit as st

from procmine.errors import FilterError, ProcmineError
from procmine.formatting import format_number, format_percent
from procmine.ui import state
from procmine.ui.state import t


def render_filter_stack() -> None:
    """Draw the filter stack with the 'N of M cases (x %)' line always on top."""
    with st.sidebar:
        st.subheader(t("filters.title"))
        _case_count()
        stack = state.filters()
        if not stack:
            st.caption(t("filters.none"))
        for position, item in enumerate(stack):
            _stack_entry(position, item)
        from procmine.ui import filter_forms
        with st.expander(t("filters.add"), expanded=False):
            filter_forms.render_add_form()
        _save_load_reset(stack)


def _case_count() -> None:
    lang = state.lang()
    total = state.full_log().num_cases
    shown = state.filtered_log().num_cases
    st.markdown(f"**{t('filters.count', shown=format_number(shown, lang), total=format_number(total, lang), share=format_percent(shown / total if total else 0.0, lang))}**")
    st.progress(shown / total if total else 0.0)


def _stack_entry(position: int, item) -> None:
    text_column, button_column = st.columns([5, 1], vertical_alignment="center")
    text_column.markdown(f"{position + 1}. {item.describe(state.lang())}")
    button_column.button("✕", key=f"filter_remove_{position}", help=t("filters.remove"),
                         on_click=_remove, args=(position,))


def _remove(position: int) -> None:
    stack = state.filters()
    del stack[position]
    state.set_filters(stack)


def _save_load_reset(stack: list) -> None:
    left, right = st.columns(2)
    left.download_button(t("filters.save"), stack_json_text(stack), file_name="filters.json",
                         mime="application/json", key="filters_save", disabled=not stack,
                         on_click="ignore", width="stretch")
    right.button(t("filters.reset"), key="filters_reset", on_click=state.set_filters, args=([],),
                 disabled=not stack, width="stretch")
    with st.expander(t("filters.load")):
        uploaded = st.file_uploader(t("filters.load_file"), type=["json", "yaml", "yml"], key="filters_file")
    if uploaded is not None and st.session_state.get("filters_file_loaded") != uploaded.file_id:
        try:
            loaded = read_stack(uploaded.getvalue(), uploaded.name)
            state.filtered_log(loaded)  # a stack that does not fit this log fails here, not later
        except ProcmineError as exc:
            st.error(str(exc))
            return
        st.session_state["filters_file_loaded"] = uploaded.file_id
        state.set_filters(loaded)
        st.rerun()


def stack_json_text(stack: list) -> str:
    """The filter stack as the JSON file `procmine` reads back (app, CLI and report configs)."""
    from procmine.filters import filters_to_json
    return filters_to_json(stack) + "\n"


def read_stack(content: bytes, name: str) -> list:
    """A filter stack from an uploaded JSON or YAML file; FilterError names the file and problem."""
    from procmine.filters import filters_from_json, filters_from_yaml
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FilterError(f"{name} is not UTF-8 text ({exc}). Load a file saved with 'Save filters'.") \
            from None
    reader = filters_from_json if name.lower().endswith(".json") else filters_from_yaml
    return reader(text, name)

