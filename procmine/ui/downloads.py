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


def table(frame: pd.DataFrame, name: str, *, key: str, declared: ResultTable | None = None,
          columns: Mapping[str, str] | None = None, view: pd.DataFrame | None = None,
          bars: tuple[str, ...] = (), shown: pd.DataFrame | None = None, **dataframe_options):
    """Show a table, its values formatted by each column's kind, with a CSV download of `frame` below it.

    Kinds come from `declared` (procmine.result_tables), else from the engine's naming.
    `view` is what of the result the page shows (a head, values put in words, a text column
    of its own), by default `frame`; `columns` names the columns shown, in order, with their
    headers in the page's words (by default every column, headed by column_header). `bars`:
    share columns drawn as a bar with their percentage. `shown` is a table a shared face
    formatter made (compare's KPIs by each row's kind, the benchmark's with its small cells
    hidden); it is shown as it is.
    """
    zone = dataset_zone()
    if shown is None:
        shown, bar_config = _formatted(frame if view is None else view, zone, declared, columns or {}, bars)
        if bar_config:
            dataframe_options["column_config"] = {**bar_config, **dataframe_options.get("column_config", {})}
    selection = st.dataframe(shown, key=f"{key}_table", hide_index=True, **dataframe_options)
    st.download_button(t("download.csv"), audited(lambda: csv_bytes(frame, zone), f"{safe_name(name)}.csv"),
                       file_name=f"{safe_name(name)}.csv",
                       mime="text/csv", key=f"{key}_csv", icon=":material/download:",
                       on_click="ignore")
    return selection


def _formatted(view: pd.DataFrame, zone: str, declared: ResultTable | None, columns: Mapping[str, str],
               bars: tuple[str, ...]) -> tuple[pd.DataFrame, dict]:
    """The view as shown (strings by kind, headers in words) and the column config of its bars."""
    if columns:
        view = view[list(columns)]

    def header(column: str) -> str:
        return columns.get(column) or column_header(column)

    shown = readable(view.drop(columns=list(bars)), lang(), zone, header=header, declared=declared)
    config = {}
    for column in bars:   # a bar holds the percentage as a number; the bar's own label rounds it
        shown.insert(list(view.columns).index(column), header(column), view[column] * 100)
        config[header(column)] = st.column_config.ProgressColumn(header(column), min_value=0, max_value=100,
                                                                 format="%.0f %%")
    return shown, config


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

