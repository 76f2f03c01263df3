"""Analysis commands: info, variants, dfg, throughput, bottlenecks, deadlines, compare.

Each command opens a dataset, stacks the `--filter` files, runs one analysis from
procmine.analysis and renders its result as a Rich table, CSV or JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

import procmine
from procmine import analysis
from procmine.cli.app import app
from procmine.cli.engine_option import EngineOption, analyse, open_on
from procmine.errors import ConfigError
from procmine.render.formatting import format_duration

FORMATS = ("table", "csv", "json")
TABLE_ROWS = 25

FilterOption = typer.Option(None, "--filter", help="Filter file (JSON/YAML); repeat to stack filters.")
FormatOption = typer.Option("table", "--format", help="Output: table, csv or json.")


def open_filtered(dataset: Path, filters: list[Path] | None, engine: str = "numpy"):
    """The dataset as an EventLog with the filter files stacked in order (a SqlLog on another engine)."""
    from procmine.filters import load_filters

    if engine != "numpy":
        return open_on(dataset, engine, filters)
    log = procmine.open(dataset)
    stack = [f for path in (filters or []) for f in load_filters(path)]
    return log.filter(*stack) if stack else log


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ConfigError(f"Unknown --format {fmt!r}; use one of {', '.join(FORMATS)}.")
    return fmt


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NaN → null, times → ISO 8601, tuples → lists."""
    return [{key: plain(value) for key, value in row.items()} for row in frame.to_dict(orient="records")]


def plain(value):
    """A JSON-ready form of one value."""
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.isoformat() if not pd.isna(value) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (tuple, list, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return None if value is pd.NaT or value is None else value


def show_json(payload) -> None:
    typer.echo(json.dumps(plain(payload), ensure_ascii=False, indent=2))


def show_csv(frame: pd.DataFrame) -> None:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].map(lambda v: isinstance(v, tuple)).any():
            frame[column] = frame[column].map(" → ".join)
    typer.echo(frame.to_csv(index=False), nl=False)


def show_table(frame: pd.DataFrame, title: str, rows: int = TABLE_ROWS) -> None:
    """A Rich table of the first `rows` rows; *_seconds columns as durations."""
    table = Table(title=f"{title} ({len(frame):,} rows)" if len(frame) > rows else title)
    for column in frame.columns:
        table.add_column(str(column).removesuffix("_seconds"),
                         justify="right" if pd.api.types.is_numeric_dtype(frame[column]) else "left")
    for row in frame.head(rows).itertuples(index=False):
        table.add_row(*(cell(column, value) for column, value in zip(frame.columns, row)))
    Console(width=200).print(table)


def cell(column: str, value) -> str:
    if isinstance(value, tuple):
        return " → ".join(value)
    if str(column).endswith("_seconds") and isinstance(value, (int, float, np.number)):
        return format_duration(float(value), "en")
    if isinstance(value, (float, np.floating)):
        return "–" if math.isnan(value) else (f"{value:.1%}" if "share" in str(column) else f"{value:,.2f}")
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    return "–" if value is None else str(value)


@app.command("info")
def info_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                 as_json: bool = typer.Option(False, "--json", help="Print a JSON object."),
                 filters: list[Path] = FilterOption, fmt: str = FormatOption,
                 engine: str = EngineOption) -> None:
    """Cases, events, activities, variants, time span and throughput of a dataset."""
    fmt = "json" if as_json else check_format(fmt)
    result = analyse("overview", open_filtered(dataset, filters, engine))
    if fmt == "json":
        show_json(result.as_dict())
    elif fmt == "csv":
        show_csv(result.to_pandas())
    else:
        show_table(result.to_pandas().assign(value=lambda f: f["value"].map(plain).astype(str)), "Overview")


@app.command("variants")
def variants_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                     top: int = typer.Option(None, "--top", help="Show only the N most frequent."),
                     filters: list[Path] = FilterOption, fmt: str = FormatOption,
                     engine: str = EngineOption) -> None:
    """Variants (distinct activity sequences), most frequent first."""
    fmt = check_format(fmt)
    frame = analyse("variants", open_filtered(dataset, filters, engine)).to_pandas()
    frame = frame.head(top) if top else frame
    if fmt == "json":
        show_json(records(frame.drop(columns="variant")))
    elif fmt == "csv":
        show_csv(frame)
    else:
        show_table(frame, "Variants", rows=top or TABLE_ROWS)


@app.command("dfg")
def dfg_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                filters: list[Path] = FilterOption, fmt: str = FormatOption,
                engine: str = EngineOption) -> None:
    """Directly-follows graph: edge frequencies and waiting times, start and end activities."""
    fmt = check_format(fmt)
    graph = analyse("dfg", open_filtered(dataset, filters, engine))
    if fmt == "json":
        edges = graph.edges[["source", "target", "count", "cases", "mean_seconds", "median_seconds",
                             "p90_seconds", "total_seconds"]]
        show_json({"edges": records(edges), "start_activities": graph.start_activities,
                   "end_activities": graph.end_activities})
    elif fmt == "csv":
        show_csv(graph.edges)
    else:
        show_table(graph.edges, "Directly-follows edges")
        show_table(graph.activities, "Activities")


@app.command("throughput")
def throughput_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                       by: str = typer.Option(None, "--by", help="Group by this case attribute."),
                       period: str = typer.Option(None, "--period", help="Trend per week, month, quarter or year."),
                       filters: list[Path] = FilterOption, fmt: str = FormatOption,
                       engine: str = EngineOption) -> None:
    """Throughput times (calendar and working days), by group and as a trend per period."""
    fmt = check_format(fmt)
    result = analyse("throughput", open_filtered(dataset, filters, engine), by=by, period=period)
    if fmt == "json":
        show_json({"calendar": result.calendar, "summary": records(result.summary),
                   "trend": None if result.trend is None else records(result.trend)})
    elif fmt == "csv":
        show_csv(result.summary if result.trend is None else result.trend)
    else:
        show_table(result.summary, "Throughput")
        if result.trend is not None:
            show_table(result.trend, f"Trend per {period} (by the month of the case's last event)"
                       if period == "month" else f"Trend per {period} (by the case's last event)", rows=200)
        typer.echo(result.calendar)


@app.command("bottlenecks")
def bottlenecks_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                        filters: list[Path] = FilterOption, fmt: str = FormatOption,
                        engine: str = EngineOption) -> None:
    """Transitions and activities ranked by total waiting, resource workload and handovers."""
    fmt = check_format(fmt)
    result = analyse("bottlenecks", open_filtered(dataset, filters, engine))
    parts = {"transitions": result.transitions, "activities": result.activities,
             "resources": result.resources, "handovers": result.handovers,
             "org_unit_handovers": result.org_unit_handovers}
    if fmt == "json":
        show_json({name: None if frame is None else records(frame) for name, frame in parts.items()})
    elif fmt == "csv":
        show_csv(result.transitions)
    else:
        for name, frame in parts.items():
            if frame is not None:
                show_table(frame, name.replace("_", " ").capitalize(), rows=15)


@app.command("deadlines")
def deadlines_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                      rules: Path = typer.Option(None, "--rules", help="Deadline rules (YAML/JSON); "
                                                 "default: the five sample workflows' deadlines."),
                      filters: list[Path] = FilterOption, fmt: str = FormatOption,
                      engine: str = EngineOption) -> None:
    """Deadline compliance in Danish working days or calendar days, with every breach."""
    fmt = check_format(fmt)
    report = analyse("deadlines", open_filtered(dataset, filters, engine),
                     analysis.load_rules(rules) if rules else None)
    if fmt == "json":
        show_json({"calendar": report.calendar, "skipped": list(report.skipped),
                   "rules": records(report.rules), "breaches": records(report.breaches)})
    elif fmt == "csv":
        show_csv(report.rules)
    else:
        show_table(report.rules.drop(columns="description"), "Deadlines")
        show_table(report.breaches, "Breaches")
        typer.echo(report.calendar)


@app.command("compare")
def compare_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                    by: str = typer.Option(None, "--by", help="Compare the two largest groups of this case attribute."),
                    a: Path = typer.Option(None, "--a", help="Filter file selecting group A."),
                    b: Path = typer.Option(None, "--b", help="Filter file selecting group B."),
                    filters: list[Path] = FilterOption, fmt: str = FormatOption,
                    engine: str = EngineOption) -> None:
    """Compare two groups of cases: KPIs, and the edges and variants that differ most."""
    fmt = check_format(fmt)
    if (by is None) == (a is None or b is None) or (by is not None and (a or b)):
        raise ConfigError("compare needs either --by ATTRIBUTE or both --a FILTER and --b FILTER.")
    if engine != "numpy" and by is None:
        raise ConfigError(f"compare --a/--b are filters, which need --engine numpy; "
                          f"on {engine!r} use --by ATTRIBUTE.")
    log = open_filtered(dataset, filters, engine)
    if by is not None:
        result = analyse("compare_by", log, by)
    else:
        from procmine.filters import load_filters
        result = analysis.compare(log.filter(*load_filters(a)), log.filter(*load_filters(b)),
                                  labels=(a.stem, b.stem))
    parts = {"kpis": result.kpis, "edges": result.edges, "edges_by_waiting": result.edges_by_waiting,
             "variants": result.variants}
    if fmt == "json":
        show_json({"labels": list(result.labels), **{n: records(f) for n, f in parts.items()}})
    elif fmt == "csv":
        show_csv(result.kpis)
    else:
        typer.echo(f"A = {result.labels[0]}, B = {result.labels[1]} (differences are B - A)")
        for name, frame in parts.items():
            show_table(frame, name.replace("_", " ").capitalize(), rows=15)
