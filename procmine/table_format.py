"""A table's values for people, by what each column holds: the CLI's tables and the app's plain tables.

Columns are recognised by the engine's naming: `*_seconds` durations (signed when
the name says "difference"), shares 0..1 as percentages, `*_days` measured days with
one decimal, counts as whole numbers, times in the dataset's zone. Every value goes
through procmine.formatting.

>>> format_cell("median_difference_seconds", -8640.0, "da")
'−2 t 24 m'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from procmine import formatting as f
from procmine.schema import DEFAULT_TIMEZONE

# Shares kept as fractions 0..1 in the data, shown as percentages.
SHARE_COLUMNS = {"share", "share_a", "share_b", "share_met", "cumulative_share", "case_share",
                 "deadline_compliance", "fitness", "token_fitness", "alignment_fitness", "precision"}


def format_cell(column: str, value, lang: f.Language = "en", timezone: str = DEFAULT_TIMEZONE) -> str:
    """One value as people read it, by what its column holds."""
    if isinstance(value, tuple):
        return " → ".join(map(str, value))
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return f.format_datetime(value, lang, timezone)
    if isinstance(value, dt.date):
        return f.format_date(value, lang)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        return f.DASH if f.missing(value) else str(value)
    return _number(column, value, lang)


def _number(column: str, value, lang: f.Language) -> str:
    difference = "difference" in column
    if column.endswith("_seconds"):
        return f.format_signed_duration(value, lang) if difference else f.format_duration(value, lang)
    if column == "relative_difference":
        return f.format_signed_percent(value, lang)
    if column == "share_difference":
        return f.format_share_difference(value, lang)
    if column in SHARE_COLUMNS or column.endswith("_share"):
        return f.format_percent(value, lang)
    if (column.endswith("_days") or column == "days") and not isinstance(value, (int, np.integer)):
        return f.format_number(value, lang, 1)   # measured days: one decimal, always
    if f.missing(value) or isinstance(value, (int, np.integer)) or float(value).is_integer():
        return f.format_signed_number(value, lang) if difference else f.format_count(value, lang)
    return f.format_signed_number(value, lang, 2) if difference else f.format_number(value, lang, 2)


def readable(frame: pd.DataFrame, lang: f.Language, timezone: str = DEFAULT_TIMEZONE,
             header: Callable[[str], str] | None = None) -> pd.DataFrame:
    """The frame with every value formatted (strings) and, with `header`, its columns renamed."""
    shown = pd.DataFrame({column: [format_cell(str(column), value, lang, timezone) for value in frame[column]]
                          for column in frame.columns}, index=frame.index)
    return shown.rename(columns=lambda column: header(str(column))) if header else shown


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
