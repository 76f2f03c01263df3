"""Benchmark page: municipalities side by side (procmine.benchmarking), figures behind < 5 cases hidden.

It needs no open dataset: it reads a folder holding one dataset per municipality.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from procmine.benchmarking import MIN_CASES, Benchmark, benchmark, municipal_datasets
from procmine.report.benchmark_html import display_table
from procmine.ui import downloads, state
from procmine.ui.state import t

FOLDER_KEY = "benchmark_folder"


@st.cache_data(show_spinner=False, max_entries=4)
def _computed(folder: str, min_cases: int) -> Benchmark:
    return benchmark(municipal_datasets(folder), min_cases=min_cases)


def render() -> None:
    """Draw the benchmark page."""
    st.header(t("benchmark.title"))
    st.caption(t("benchmark.intro"))
    rule = state.access_rule()
    if rule is not None and not rule.sees_everything():
        # The page reads any folder of datasets: only a role that may see all of them may use it.
        st.warning(t("benchmark.restricted"))
        return
    folder = st.text_input(t("benchmark.folder"), key=FOLDER_KEY, help=t("benchmark.folder_help"))
    if not folder.strip():
        st.info(t("benchmark.no_folder"))
        return
    result = _computed(str(Path(folder.strip()).expanduser()), MIN_CASES)
    lang = state.lang()
    for name, frame in result.tables().items():
        st.subheader(t(f"benchmark.{name}"))
        downloads.table(frame, f"benchmark_{name}", key=f"benchmark_{name}",
                        shown=display_table(frame, lang, result.min_cases, result.hidden_cells[name]))
    st.caption(t("benchmark.hidden", n=result.min_cases, hidden=result.hidden))
