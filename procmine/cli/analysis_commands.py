"""Analysis commands: info, variants, dfg, throughput, bottlenecks, deadlines, compare.

Each command opens a dataset, stacks the `--filter` files, runs one analysis from
procmine.analysis and renders its result as a Rich table, CSV or JSON.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

import procmine
from procmine import analysis
from procmine.cli.app import app
from procmine.cli.case_notion import CaseNotionOption, say_flattening
from procmine.cli.engine_option import EngineOption, analyse, open_on
from procmine.cli.output import TABLE_ROWS, cell, check_format, header, records, show_csv, show_json, show_table
from procmine.errors import ConfigError, FilterError
from procmine.formatting import Language, format_signed_percent, format_value
from procmine.schema import DEFAULT_TIMEZONE

FilterOption = typer.Option(None, "--filter", help="Filter file (JSON/YAML); repeat to stack filters.")
FormatOption = typer.Option("table", "--format", help="Output: table (for people), csv or json (for machines).")


def open_filtered(dataset: Path, filters: list[Path] | None, case_notion: str | None = None,
                  engine: str = "numpy"):
    """The dataset as an EventLog (seen with `case_notion`) with the filter files stacked in order
    (a SqlLog on another engine)."""
    from procmine.filters import load_filters

    if engine != "numpy":
        if case_notion is not None:
            raise ConfigError("--case-notion works with --engine numpy only; drop one of them.")
        return open_on(dataset, engine, filters)
    log = procmine.open(dataset, case_notion=case_notion)
    say_flattening(log)
    stacks = [(path, load_filters(path)) for path in (filters or [])]
    for path, stack in stacks:
        try:
            log = log.filter(*stack) if stack else log
        except FilterError as exc:   # a value that does not fit this log: say which file holds it
            raise FilterError(f"{path}: {exc}") from None
    return log


def zone_of(log: procmine.EventLog) -> str:
    """The dataset's time zone: times are shown and written in it."""
    meta = log.meta if hasattr(log, "meta") else log.dataset.meta   # a SqlLog, or an EventLog
    return str(meta.get("timezone") or DEFAULT_TIMEZONE)


@app.command("info")
def info_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                 as_json: bool = typer.Option(False, "--json", help="Print a JSON object."),
                 filters: list[Path] = FilterOption, fmt: str = FormatOption,
                 case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Cases, events, activities, variants, time span and throughput of a dataset."""
    fmt = "json" if as_json else check_format(fmt)
    log = open_filtered(dataset, filters, case_notion, engine)
    zone, result = zone_of(log), analyse("overview", log)
    if fmt == "json":
        show_json(result.as_dict(), zone)
    elif fmt == "csv":
        show_csv(result.to_pandas(), zone)
    else:
        figures = result.as_dict()
        show_table(pd.DataFrame({"figure": [header(name) for name in figures],
                                 "value": [cell(name, value, timezone=zone) for name, value in figures.items()]}),
                   "Overview", timezone=zone)


@app.command("variants")
def variants_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                     top: int = typer.Option(None, "--top", help="Show only the N most frequent."),
                     filters: list[Path] = FilterOption, fmt: str = FormatOption,
                 case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Variants (distinct activity sequences), most frequent first."""
    fmt = check_format(fmt)
    frame = analyse("variants", open_filtered(dataset, filters, case_notion, engine)).to_pandas()
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
                 case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Directly-follows graph: edge frequencies and waiting times, start and end activities."""
    fmt = check_format(fmt)
    graph = analyse("dfg", open_filtered(dataset, filters, case_notion, engine))
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
                 case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Throughput times (calendar and working days), by group and as a trend per period."""
    fmt = check_format(fmt)
    log = open_filtered(dataset, filters, case_notion, engine)
    zone, result = zone_of(log), analyse("throughput", log, by=by, period=period)
    if fmt == "json":
        show_json({"calendar": result.calendar, "summary": records(result.summary, zone),
                   "trend": None if result.trend is None else records(result.trend, zone)}, zone)
    elif fmt == "csv":
        show_csv(result.summary if result.trend is None else result.trend, zone)
    else:
        show_table(result.summary, "Throughput", timezone=zone)
        if result.trend is not None:
            show_table(result.trend, f"Trend per {period} (by the month of the case's last event)"
                       if period == "month" else f"Trend per {period} (by the case's last event)", rows=200,
                       timezone=zone)
        typer.echo(result.calendar)


@app.command("bottlenecks")
def bottlenecks_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                        filters: list[Path] = FilterOption, fmt: str = FormatOption,
                        case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Transitions and activities ranked by total waiting (calendar and working days), workload, handovers."""
    fmt = check_format(fmt)
    result = analyse("bottlenecks", open_filtered(dataset, filters, case_notion, engine))
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
                      rules: Path = typer.Option(None, "--deadlines",
                                                 help="Deadline rules (YAML/JSON), as in `procmine report "
                                                      "--deadlines`; default: the five sample workflows' rules."),
                      old_rules: Path = typer.Option(None, "--rules", hidden=True,
                                                     help="The old name of --deadlines, kept for scripts."),
                      filters: list[Path] = FilterOption, fmt: str = FormatOption,
                      case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Deadline compliance in Danish working days or calendar days, with every breach."""
    fmt = check_format(fmt)
    if rules is not None and old_rules is not None:
        raise ConfigError("Give the deadline rules once, with --deadlines FILE (--rules is its old name).")
    rules = rules or old_rules
    log = open_filtered(dataset, filters, case_notion, engine)
    zone = zone_of(log)
    report = analyse("deadlines", log, analysis.load_rules(rules) if rules else None)
    if fmt == "json":
        show_json({"calendar": report.calendar, "skipped": list(report.skipped),
                   "rules": records(report.rules, zone), "breaches": records(report.breaches, zone)}, zone)
    elif fmt == "csv":
        show_csv(report.rules, zone)
    elif report.rules.empty:
        typer.echo(no_rules_hint(report, rules))
    else:
        show_table(report.rules.drop(columns="description"), "Deadlines", timezone=zone)
        show_table(report.breaches, "Breaches", timezone=zone)
        typer.echo(report.calendar)


def no_rules_hint(report, rules: Path | None) -> str:
    """What to do when no deadline rule applies to the log (instead of two empty tables)."""
    given = f"the rules in {rules}" if rules else "the built-in rules (the five sample workflows)"
    skipped = f" Skipped: {', '.join(report.skipped)}." if report.skipped else ""
    return (f"No deadline rule applies to this log: {given} name case types or activities it does not "
            f"have.{skipped} Write your own rules (name, case_type, start, end, within, unit) in a YAML "
            "file and give it with --deadlines rules.yaml.")


@app.command("compare")
def compare_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                    by: str = typer.Option(None, "--by", help="Compare the two largest groups of this case attribute."),
                    a: Path = typer.Option(None, "--a", help="Filter file selecting group A."),
                    b: Path = typer.Option(None, "--b", help="Filter file selecting group B."),
                    filters: list[Path] = FilterOption, fmt: str = FormatOption,
                 case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Compare two groups of cases: KPIs, and the edges and variants that differ most."""
    fmt = check_format(fmt)
    if (by is None) == (a is None or b is None) or (by is not None and (a or b)):
        raise ConfigError("compare needs either --by ATTRIBUTE or both --a FILTER and --b FILTER.")
    if engine != "numpy" and by is None:
        raise ConfigError(f"compare --a/--b are filters, which need --engine numpy; "
                          f"on {engine!r} use --by ATTRIBUTE.")
    log = open_filtered(dataset, filters, case_notion, engine)
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
        typer.echo(f"A = {result.labels[0]}, B = {result.labels[1]} (differences are B − A)")
        show_table(kpi_table(result.kpis), "KPIs")
        for name, frame in list(parts.items())[1:]:
            show_table(frame, name.replace("_", " ").capitalize(), rows=15)


def larger(first, second) -> float | None:
    """The larger size of two compared values (None when both are missing)."""
    known = [abs(float(v)) for v in (first, second) if v is not None and v == v]
    return max(known) if known else None


def kpi_table(kpis: pd.DataFrame, lang: Language = "en") -> pd.DataFrame:
    """The compare KPIs for people: counts and durations by kind, signed differences, change in %."""
    rows = list(kpis.itertuples(index=False))
    return pd.DataFrame({
        "metric": [row.metric.removesuffix("_seconds").replace("_", " ") for row in rows],
        "A": [format_value(row.kind, row.a, lang) for row in rows],
        "B": [format_value(row.kind, row.b, lang) for row in rows],
        "difference": [format_value(row.kind, row.difference, lang, signed=True, like=larger(row.a, row.b))
                       for row in rows],
        "change": [format_signed_percent(row.relative_difference, lang) for row in rows]})
