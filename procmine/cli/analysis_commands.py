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
from procmine import result_tables as tables
from procmine.cli.app import app
from procmine.cli.case_notion import CaseNotionOption, say_flattening
from procmine.cli.engine_option import EngineOption, analyse, compare_stacks, open_on
from procmine.cli.output import TABLE_ROWS, Part, Shown, cell, check_format, header, records, render
from procmine.errors import ConfigError, FilterError
from procmine.languages import Language
from procmine.table_format import kpi_figures

FilterOption = typer.Option(None, "--filter", help="Filter file (JSON/YAML); repeat to stack filters.")
FormatOption = typer.Option("table", "--format", help="Output: table (for people), csv or json (for machines).")


def open_filtered(dataset: Path, filters: list[Path] | None, case_notion: str | None = None,
                  engine: str = "numpy"):
    """The dataset as an EventLog (seen with `case_notion`) with the filter files stacked in order
    (a SqlLog on another engine)."""
    from procmine.filters import load_filters

    log = open_on(dataset, engine, case_notion)
    if engine == "numpy":
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
    return meta.timezone


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
    figures = result.as_dict()
    shown = pd.DataFrame({"figure": [header(name) for name in figures],
                          "value": [cell(name, value, timezone=zone, declared=tables.OVERVIEW)
                                    for name, value in figures.items()]})
    render(fmt, Shown((Part(shown, "Overview"),), lambda: figures, result.to_pandas(), zone))


@app.command("variants")
def variants_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                     top: int = typer.Option(None, "--top", help="Show only the N most frequent."),
                     filters: list[Path] = FilterOption, fmt: str = FormatOption,
                 case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Variants (distinct activity sequences), most frequent first."""
    check_format(fmt)
    frame = analyse("variants", open_filtered(dataset, filters, case_notion, engine)).to_pandas()
    frame = frame.head(top) if top else frame
    render(fmt, Shown((Part(frame, "Variants", tables.VARIANTS, top or TABLE_ROWS),),
                      lambda: records(frame.drop(columns="variant")), frame))


@app.command("dfg")
def dfg_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                filters: list[Path] = FilterOption, fmt: str = FormatOption,
                 case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Directly-follows graph: edge frequencies and waiting times, start and end activities."""
    check_format(fmt)
    graph = analyse("dfg", open_filtered(dataset, filters, case_notion, engine))
    edges = graph.edges[["source", "target", "count", "cases", "mean_seconds", "median_seconds",
                         "p90_seconds", "total_seconds"]]
    render(fmt, Shown((Part(graph.edges, "Directly-follows edges", tables.DFG_EDGES),
                       Part(graph.activities, "Activities", tables.DFG_ACTIVITIES)),
                      lambda: {"edges": records(edges), "start_activities": graph.start_activities,
                               "end_activities": graph.end_activities}, graph.edges))


@app.command("throughput")
def throughput_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                       by: str = typer.Option(None, "--by", help="Group by this case attribute."),
                       period: str = typer.Option(None, "--period", help="Trend per week, month, quarter or year."),
                       filters: list[Path] = FilterOption, fmt: str = FormatOption,
                 case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Throughput times (calendar and working days), by group and as a trend per period."""
    check_format(fmt)
    log = open_filtered(dataset, filters, case_notion, engine)
    zone, result = zone_of(log), analyse("throughput", log, by=by, period=period)
    parts: list[Part | str] = [Part(result.summary, "Throughput", tables.THROUGHPUT)]
    if result.trend is not None:
        parts.append(Part(result.trend, f"Trend per {period} (by the month of the case's last event)"
                          if period == "month" else f"Trend per {period} (by the case's last event)",
                          tables.THROUGHPUT, rows=200))
    render(fmt, Shown((*parts, result.calendar), lambda: {
        "calendar": result.calendar, "summary": records(result.summary, zone),
        "trend": None if result.trend is None else records(result.trend, zone)},
        result.summary if result.trend is None else result.trend, zone))


@app.command("bottlenecks")
def bottlenecks_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                        filters: list[Path] = FilterOption, fmt: str = FormatOption,
                        case_notion: str = CaseNotionOption,
                 engine: str = EngineOption) -> None:
    """Transitions and activities ranked by total waiting (calendar and working days), workload, handovers."""
    check_format(fmt)
    result = analyse("bottlenecks", open_filtered(dataset, filters, case_notion, engine))
    parts = {"transitions": (result.transitions, tables.TRANSITIONS),
             "activities": (result.activities, tables.WAITS), "resources": (result.resources, tables.WORKLOAD),
             "handovers": (result.handovers, tables.HANDOVERS),
             "org_unit_handovers": (result.org_unit_handovers, tables.HANDOVERS)}
    render(fmt, Shown(tuple(Part(frame, name.replace("_", " ").capitalize(), declared, rows=15)
                            for name, (frame, declared) in parts.items() if frame is not None),
                      lambda: {name: None if frame is None else records(frame)
                               for name, (frame, _) in parts.items()}, result.transitions))


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
    check_format(fmt)
    if rules is not None and old_rules is not None:
        raise ConfigError("Give the deadline rules once, with --deadlines FILE (--rules is its old name).")
    rules = rules or old_rules
    log = open_filtered(dataset, filters, case_notion, engine)
    zone = zone_of(log)
    report = analyse("deadlines", log, analysis.load_rules(rules) if rules else None)
    parts = (Part(report.rules.drop(columns="description"), "Deadlines", tables.DEADLINE_RULES),
             Part(report.breaches, "Breaches", tables.BREACHES), report.calendar)
    render(fmt, Shown((no_rules_hint(report, rules),) if report.rules.empty else parts, lambda: {
        "calendar": report.calendar, "skipped": list(report.skipped), "rules": records(report.rules, zone),
        "breaches": records(report.breaches, zone)}, report.rules, zone))


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
    check_format(fmt)
    if (by is None) == (a is None or b is None) or (by is not None and (a or b)):
        raise ConfigError("compare needs either --by ATTRIBUTE or both --a FILTER and --b FILTER.")
    log = open_filtered(dataset, filters, case_notion, engine)
    if by is not None:
        result = analyse("compare_by", log, by)
    else:
        from procmine.filters import load_filters
        result = compare_stacks(log, load_filters(a), load_filters(b), labels=(a.stem, b.stem))
    parts = {"kpis": result.kpis, "edges": result.edges, "edges_by_waiting": result.edges_by_waiting,
             "variants": result.variants}
    declared = {"edges": tables.COMPARE_EDGES, "edges_by_waiting": tables.COMPARE_EDGES,
                "variants": tables.COMPARE_VARIANTS}
    render(fmt, Shown((f"A = {result.labels[0]}, B = {result.labels[1]} (differences are B − A)",
                       Part(kpi_table(result.kpis), "KPIs"), *(
        Part(parts[name], name.replace("_", " ").capitalize(), declared[name], rows=15) for name in declared)),
        lambda: {"labels": list(result.labels), **{n: records(f) for n, f in parts.items()}}, result.kpis))


def kpi_table(kpis: pd.DataFrame, lang: Language = "en") -> pd.DataFrame:
    """The compare KPIs for people: counts and durations by kind, signed differences, change in %."""
    metric = [name.removesuffix("_seconds").replace("_", " ") for name in kpis["metric"]]
    return kpi_figures(kpis, lang).assign(metric=metric)[["metric", "A", "B", "difference", "change"]]
