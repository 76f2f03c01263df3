"""How the commands print a result: one renderer per `--format` (a human table, CSV or JSON for machines).

A command describes its result once as `Shown` (its tables, the JSON document, the table
CSV writes, lines to print around the tables); `render(fmt, shown)` picks the renderer
from `RENDERERS`, so no command writes its own json/csv/table switch.

Tables format every value through procmine.formatting (durations "7.8 d", signed
differences "−0.1 d", shares "52.3 %", counts "5,004", times in the dataset's
zone). CSV and JSON keep numbers as numbers, counts as integers and times as
ISO 8601 with the dataset zone's offset.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from procmine import formatting as f
from procmine.errors import ConfigError
from procmine.result_tables import ResultTable
from procmine.schema import DEFAULT_TIMEZONE
from procmine.table_format import for_machines, format_cell

TABLE_ROWS = 25


@dataclass(frozen=True)
class Part:
    """One table people read: the frame, its title, its declaration, how many rows to show."""

    frame: pd.DataFrame
    title: str
    declared: ResultTable | None = None
    rows: int = TABLE_ROWS


@dataclass(frozen=True)
class Shown:
    """One command's result for every --format: tables for people, a JSON document, the table CSV writes."""

    parts: tuple[Part | str, ...]   # tables, and lines printed between them ("A = post, B = digital")
    payload: Callable[[], object]
    csv: pd.DataFrame
    timezone: str = DEFAULT_TIMEZONE
    lang: f.Language = "en"


def _as_table(shown: Shown) -> None:
    for part in shown.parts:
        if isinstance(part, str):
            typer.echo(part)
        else:
            show_table(part.frame, part.title, part.rows, lang=shown.lang, timezone=shown.timezone,
                       declared=part.declared)


def _as_csv(shown: Shown) -> None:
    show_csv(shown.csv, shown.timezone)


def _as_json(shown: Shown) -> None:
    show_json(shown.payload(), shown.timezone)


RENDERERS: dict[str, Callable[[Shown], None]] = {"table": _as_table, "csv": _as_csv, "json": _as_json}
FORMATS = tuple(RENDERERS)


def check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """`fmt` when it is one of the `allowed` --format values, else a ConfigError naming them."""
    if fmt not in allowed:
        raise ConfigError(f"Unknown --format {fmt!r}; use one of {', '.join(allowed)}.")
    return fmt


def render(fmt: str, shown: Shown) -> None:
    """Print `shown` as --format `fmt` asks (table, csv or json)."""
    RENDERERS[check_format(fmt)](shown)


def plain(value, timezone: str = DEFAULT_TIMEZONE):
    """A JSON-ready form of one value: integers stay integers, times ISO 8601 with their offset."""
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if isinstance(value, (float, np.floating)):   # JSON has no NaN or infinity (an interval without a top): null
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return f.iso_instant(value, timezone)
    if isinstance(value, (tuple, list, np.ndarray)):
        return [plain(v, timezone) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v, timezone) for k, v in value.items()}
    return None if f.missing(value) else value


def records(frame: pd.DataFrame, timezone: str = DEFAULT_TIMEZONE) -> list[dict]:
    """Rows as JSON-ready dicts: NaN → null, times → ISO 8601 with offset, tuples → lists."""
    return [{key: plain(value, timezone) for key, value in row.items()}
            for row in frame.to_dict(orient="records")]


def show_json(payload, timezone: str = DEFAULT_TIMEZONE) -> None:
    typer.echo(json.dumps(plain(payload, timezone), ensure_ascii=False, indent=2))


def show_csv(frame: pd.DataFrame, timezone: str = DEFAULT_TIMEZONE) -> None:
    """The frame as CSV: sequences joined by " → ", times as ISO 8601 with the zone's offset."""
    typer.echo(for_machines(frame, timezone).to_csv(index=False), nl=False)


def show_table(frame: pd.DataFrame, title: str, rows: int = TABLE_ROWS, *, lang: f.Language = "en",
               timezone: str = DEFAULT_TIMEZONE, declared: ResultTable | None = None) -> None:
    """A Rich table of the first `rows` rows, each value formatted for people by its column's kind."""
    table = Table(title=f"{title} ({f.format_count(len(frame), lang)} rows)" if len(frame) > rows else title)
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])
        table.add_column(header(str(column)), justify="right" if numeric else "left")
    for row in frame.head(rows).itertuples(index=False):
        table.add_row(*(format_cell(str(column), value, lang, timezone, declared)
                        for column, value in zip(frame.columns, row)))
    Console(width=200).print(table)


def header(column: str) -> str:
    """A column name for a table header: units dropped, underscores as spaces."""
    return column.removesuffix("_seconds").replace("_", " ")


def cell(column: str, value, lang: f.Language = "en", timezone: str = DEFAULT_TIMEZONE,
         declared: ResultTable | None = None) -> str:
    """One value as people read it, by its column's kind (procmine.table_format)."""
    return format_cell(column, value, lang, timezone, declared)


def measures(summary: dict, declared: ResultTable | None = None) -> pd.DataFrame:
    """A summary's figures for people, one row a measure, each formatted by its kind (fitness as a percentage)."""
    return pd.DataFrame({"measure": [header(key) for key in summary],
                         "value": [cell(key, value, declared=declared) for key, value in summary.items()]})
