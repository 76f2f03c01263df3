"""Download buttons shared by the pages: every table as CSV, every picture as SVG/PNG (and DOT)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from procmine.formatting import column_label
from procmine.i18n import all_texts
from procmine.result_tables import ResultTable
from procmine.schema import DEFAULT_TIMEZONE
from procmine.table_format import for_machines, readable
from procmine.ui.audit_trail import audited
from procmine.ui.state import lang, t


def safe_name(name: str) -> str:
    """A file name stem without characters browsers or file systems object to."""
    return re.sub(r"[^\w.-]+", "-", name, flags=re.UNICODE).strip("-") or "procmine"


def csv_bytes(frame: pd.DataFrame, timezone: str | None = None) -> bytes:
    """A table as UTF-8 CSV with a byte-order mark, so Excel shows æ, ø and å.

    Times are ISO 8601 in the dataset's zone with its offset (2024-03-04T09:00:00+01:00),
    activity sequences joined by " → ".
    """
    zone = timezone or dataset_zone()
    return for_machines(frame, zone).to_csv(index=False).encode("utf-8-sig")


def column_header(column: str) -> str:
    """An engine column's header in the user's language ("Påbegyndte sager"); other names as they are."""
    key = f"table.column.{column}"
    return t(key) if key in all_texts() else column_label(column, lang())


def dataset_zone() -> str:
    """The time zone of the open dataset (Europe/Copenhagen when none is open)."""
    from procmine.ui import state
    if state.dataset_path() is None:
        return DEFAULT_TIMEZONE
    return state.full_log().dataset.meta.timezone


def table(frame: pd.DataFrame, name: str, *, key: str, shown: pd.DataFrame | None = None,
          declared: ResultTable | None = None, **dataframe_options):
    """Show a table with a CSV download of the data below it.

    `shown` is the page's own formatted version; without it the frame is shown with its
    values formatted by each column's kind (as `declared`, procmine.result_tables) and its
    headers in words.
    """
    zone = dataset_zone()
    if shown is None:
        shown = readable(frame, lang(), zone, header=column_header, declared=declared)
    selection = st.dataframe(shown, key=f"{key}_table", hide_index=True, **dataframe_options)
    st.download_button(t("download.csv"), audited(lambda: csv_bytes(frame, zone), f"{safe_name(name)}.csv"),
                       file_name=f"{safe_name(name)}.csv",
                       mime="text/csv", key=f"{key}_csv", icon=":material/download:",
                       on_click="ignore")
    return selection


def picture(name: str, *, key: str, svg: Callable[[], str | bytes] | None = None,
            png: Callable[[], bytes] | None = None, dot: Callable[[], str] | None = None,
            extra: Mapping[str, tuple[Callable[[], str | bytes], str]] | None = None) -> None:
    """A row of download buttons for one picture; each file is made only when clicked."""
    buttons = [(label, maker, suffix, mime) for label, maker, suffix, mime in (
        ("download.svg", svg, "svg", "image/svg+xml"),
        ("download.png", png, "png", "image/png"),
        ("download.dot", dot, "dot", "text/vnd.graphviz"),
    ) if maker is not None]
    for suffix, (maker, mime) in (extra or {}).items():
        buttons.append((f"download.{suffix}", maker, suffix, mime))
    row = st.container(horizontal=True, wrap=True, gap="small")
    for label, maker, suffix, mime in buttons:
        row.download_button(t(label), audited(maker, f"{safe_name(name)}.{suffix}"),
                            file_name=f"{safe_name(name)}.{suffix}", mime=mime,
                               key=f"{key}_{suffix}", icon=":material/download:", on_click="ignore")

