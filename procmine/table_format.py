"""A table's values by each column's kind: for people (the CLI's tables, the app's plain tables) and for machines (CSV).

A column's kind comes from its table's declaration (procmine.result_tables), else from
the engine's naming: `*_seconds` durations (signed when the name says "difference"),
shares 0..1 as percentages, `*_days` measured days with one decimal, counts as whole
numbers, times in the dataset's zone. Every value goes through procmine.formatting.

>>> format_cell("median_difference_seconds", -8640.0, "da")
'−2 t 24 m'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from procmine import formatting as f
from procmine.result_tables import Kind, ResultTable, kind_of, row_kind, signed
from procmine.schema import DEFAULT_TIMEZONE


def format_cell(column: str, value, lang: f.Language = "en", timezone: str = DEFAULT_TIMEZONE,
                declared: ResultTable | None = None, like: float | None = None) -> str:
    """One value as people read it, by its column's kind (as `declared`, else by the column's name).

    `like`: for a difference of durations, the size of the durations compared (format_signed_duration).
    """
    if isinstance(value, tuple):
        return " → ".join(map(str, value))
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if f.missing(value):
            return f.DASH
        if kind_of(column, declared) == "date":
            return f.format_date(value, lang, timezone)
        return f.format_datetime(value, lang, timezone)
    if isinstance(value, dt.date):
        return f.format_date(value, lang)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        return f.DASH if f.missing(value) else str(value)
    return f.format_value(kind_of(column, declared), value, lang, signed=signed(column), like=like)


def readable(frame: pd.DataFrame, lang: f.Language, timezone: str = DEFAULT_TIMEZONE,
             header: Callable[[str], str] | None = None, declared: ResultTable | None = None) -> pd.DataFrame:
    """The frame with every value formatted (strings) and, with `header`, its columns renamed.

    A difference of durations ("median_difference_seconds") is in days when the two durations
    it compares ("median_a_seconds", "median_b_seconds", in the frame) are a day or more.
    """
    def likes(column: str) -> list:
        compared = [column.replace("_difference", side) for side in ("_a", "_b")]
        if kind_of(column, declared) != "duration" or "_difference" not in column \
                or not all(c in frame.columns for c in compared):
            return [None] * len(frame)
        return [larger(a, b) for a, b in zip(frame[compared[0]], frame[compared[1]])]

    shown = pd.DataFrame({column: [format_cell(str(column), value, lang, timezone, declared, like)
                                   for value, like in zip(frame[column], likes(str(column)))]
                          for column in frame.columns}, index=frame.index)
    return shown.rename(columns=lambda column: header(str(column))) if header else shown


def larger(first, second) -> float | None:
    """The larger size of two compared values (None when both are missing): a signed difference's scale."""
    known = [abs(float(v)) for v in (first, second) if not f.missing(v)]
    return max(known) if known else None


def kpi_figures(kpis: pd.DataFrame, lang: f.Language) -> pd.DataFrame:
    """compare's KPIs for people: A, B and the signed difference by each row's kind, and the change in %.

    The one table of the CLI's and the app's compare (every engine's `kpis` has metric, kind, a, b,
    difference, relative_difference); the faces add the metric's name in their words.
    """
    rows = list(kpis.itertuples(index=False))
    return pd.DataFrame({
        "A": [f.format_value(row_kind(row.kind), row.a, lang) for row in rows],
        "B": [f.format_value(row_kind(row.kind), row.b, lang) for row in rows],
        "difference": [f.format_value(row_kind(row.kind), row.difference, lang, signed=True,
                                      like=larger(row.a, row.b)) for row in rows],
        "change": [f.format_signed_percent(row.relative_difference, lang) for row in rows]})


def with_interval(kind: Kind, value, low, high, lang: f.Language, *, signed: bool = False,
                  between: str = "–") -> str:
    """A figure with its interval, each by its kind: "3.7 (0.9–10.2)"; a dash when the figure is missing."""
    if f.missing(value):
        return f.DASH
    low_shown, high_shown = (f.format_value(kind, v, lang, signed=signed) for v in (low, high))
    return f"{f.format_value(kind, value, lang, signed=signed)} ({low_shown}{between}{high_shown})"


def pair(kind: Kind, first, second, lang: f.Language) -> str:
    """Two figures of a kind side by side: "46 / 743", "0.0 % / 89.7 %"."""
    return f"{f.format_value(kind, first, lang)} / {f.format_value(kind, second, lang)}"


def for_machines(frame: pd.DataFrame, timezone: str = DEFAULT_TIMEZONE) -> pd.DataFrame:
    """The frame for CSV: numbers as they are, sequences joined by " → ", times ISO 8601 with the zone's offset."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if values.map(lambda v: isinstance(v, tuple)).any():
            frame[column] = values.map(lambda v: " → ".join(map(str, v)) if isinstance(v, tuple) else v)
        elif pd.api.types.is_datetime64_any_dtype(values) or \
                values.map(lambda v: isinstance(v, (dt.date, dt.datetime))).any():
            frame[column] = values.map(lambda v: f.iso_instant(v, timezone)
                                       if isinstance(v, (dt.date, dt.datetime)) or f.missing(v) else v)
    return frame
