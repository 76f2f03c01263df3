"""Model commands: `procmine map`, `procmine discover` and `procmine conformance`."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import typer

from procmine import result_tables as tables
from procmine.cli.app import app
from procmine.cli.case_notion import CaseNotionOption, say_flattening
from procmine.cli.output import Part, Shown, check_format, measures, records, render
from procmine.errors import ModelError


def _open_log(dataset: Path, filter_file: Path | None, case_notion: str | None = None):
    import procmine
    log = procmine.open(dataset, case_notion=case_notion)
    say_flattening(log)
    if filter_file is not None:
        from procmine.filters.io import load_filters
        log = log.filter(*load_filters(filter_file))
    if log.num_cases == 0:
        raise ModelError(f"No case of {dataset} is left after the filters in {filter_file}. "
                         "Loosen the filters.")
    return log


@app.command("map")
def map_command(
    dataset: Path = typer.Argument(..., help="Dataset folder."),
    out: Path = typer.Option(..., "-o", "--out", help="Map file to write: .svg, .png or .dot."),
    metric: str = typer.Option("frequency", "--metric", help="frequency|performance|both"),
    statistic: str = typer.Option("median", "--statistic", help="median|mean|p90|total|max waiting time."),
    activities: float = typer.Option(None, "--activities", help="Share of activities to show, 0..1 "
                                     "(default: the most frequent, at most 60)."),
    paths: float = typer.Option(None, "--paths", help="Share of paths to show, 0..1 "
                                "(default: the most frequent, at most 150)."),
    filter_file: Path = typer.Option(None, "--filter", help="Filter stack file (.json/.yaml)."),
    case_notion: str = CaseNotionOption,
    lang: str = typer.Option("en", "--lang", help="en|da"),
) -> None:
    """Draw the process map (directly-follows graph) of a dataset, with a legend below it."""
    from procmine.atomic import check_output_folder
    from procmine.i18n import text
    from procmine.languages import check_language
    from procmine.render.map_notes import view_notes
    from procmine.render.map_view import default_shares, map_view
    from procmine.render.process_map import MapOptions, Metric, Statistic, write_map

    shown_metric, shown_statistic = cast(Metric, metric), cast(Statistic, statistic)   # MapOptions checks them
    MapOptions(metric=shown_metric, statistic=shown_statistic)   # a wrong choice fails before any work
    language = check_language(lang)
    check_output_folder(out)
    log = _open_log(dataset, filter_file, case_notion)
    if activities is None or paths is None:
        default_activities, default_paths = default_shares(log)
        activities = default_activities if activities is None else activities
        paths = default_paths if paths is None else paths
    options = MapOptions(metric=shown_metric, statistic=shown_statistic, activities=activities, paths=paths,
                         lang=language, legend=True)
    view = map_view(log, activities, paths)
    write_map(view, out, options)
    typer.echo(f"Wrote the process map to {out}.")
    notes = view_notes(view, language)
    if notes:
        typer.echo(" ".join(notes + ([] if view.cut else [text("maps.cli_more", language)])))


@app.command("discover")
def discover_command(
    dataset: Path = typer.Argument(..., help="Dataset folder."),
    out: Path = typer.Option(..., "-o", "--out", help="Model file: .bpmn, .pnml, .svg or .png (dcr: .xml, .svg, "
                             ".png or .dot)."),
    miner: str = typer.Option("inductive", "--miner", help="inductive|heuristics|dcr"),
    noise: float = typer.Option(0.2, "--noise", help="Noise threshold 0..1."),
    filter_file: Path = typer.Option(None, "--filter", help="Filter stack file (.json/.yaml)."),
    time_unit: str = typer.Option("working_days", "--time-unit",
                                  help="dcr: delays and deadlines in working_days or days."),
    deadline_share: float = typer.Option(0.9, "--deadline-share",
                                         help="dcr: share of the waits seen that a deadline covers, (0, 1]."),
    case_notion: str = CaseNotionOption,
) -> None:
    """Discover a process model and write it as BPMN, PNML, DCR XML or a picture."""
    from procmine.atomic import check_output_folder
    from procmine.discovery import DiscoveryOptions, Miner, discover
    from procmine.render.model_files import write_model

    suffix = out.suffix.lower()
    if miner not in ("inductive", "heuristics", "dcr"):
        raise ModelError(f"Unknown miner {miner!r}; use inductive, heuristics or dcr (--miner).")
    check_output_folder(out)   # a missing folder fails before the discovery
    if miner == "dcr":
        from procmine.cli.dcr_commands import discover_dcr_file
        typer.echo(discover_dcr_file(_open_log(dataset, filter_file, case_notion), out, time_unit, deadline_share))
        return
    if suffix not in (".bpmn", ".pnml", ".svg", ".png"):
        raise ModelError(f"Cannot write a model as {out.name!r}: unknown suffix {out.suffix!r}. "
                         "Name the output .bpmn, .pnml, .svg or .png.")
    model = discover(_open_log(dataset, filter_file, case_notion), DiscoveryOptions(miner=cast(Miner, miner), noise=noise))
    write_model(model, out)
    typer.echo(f"Wrote the {miner} model ({len(model.bpmn.of_kind('task'))} activities) to {out}.")


@app.command("conformance")
def conformance_command(
    dataset: Path = typer.Argument(..., help="Dataset folder."),
    model: Path = typer.Option(..., "--model", help="Reference model: .bpmn, .pnml or DCR graph .xml."),
    format: str = typer.Option("table", "--format", help="table|json"),
    filter_file: Path = typer.Option(None, "--filter", help="Filter stack file (.json/.yaml)."),
    case_notion: str = CaseNotionOption,
) -> None:
    """Check a dataset against a reference model: fitness, precision, deviating cases."""
    from procmine.conformance import check_conformance, read_model

    check_format(format, ("table", "json"))
    from procmine.dcr.xml_io import is_dcr_xml
    if is_dcr_xml(model):
        from procmine.cli.dcr_commands import check_dcr_file
        check_dcr_file(_open_log(dataset, filter_file, case_notion), model, format)
        return
    reference = read_model(model)
    result = check_conformance(_open_log(dataset, filter_file, case_notion), reference)
    deviating = result.deviating_cases()
    render(format, Shown((Part(measures(result.summary(), tables.CONFORMANCE), "Conformance"),
                          Part(deviating[["case_id", "alignment_fitness", "skipped", "inserted"]],
                               "Deviating cases", tables.CONFORMANCE, rows=20)),
                         lambda: {**result.summary(), "deviating_cases": records(deviating)}, deviating))
