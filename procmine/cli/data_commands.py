"""Data commands: `procmine import` (log file → dataset) and `procmine export` (dataset → file)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from procmine.cli.app import app
from procmine.formatting import format_count
from procmine.schema import DEFAULT_TIMEZONE

_stderr = Console(stderr=True)


def _working(description: str) -> Progress:
    """A transient spinner on stderr while a step without a known length runs."""
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=_stderr, transient=True)
    progress.add_task(description, total=None)
    return progress


@app.command("import")
def import_command(
    source: Path = typer.Argument(..., help="Log file: .csv, .xlsx, .xes, .xes.gz or .parquet."),
    out: Path = typer.Argument(..., help="Dataset folder to write (replaced atomically)."),
    case_id: str = typer.Option(None, "--case-id", help="Column holding the case id."),
    activity: str = typer.Option(None, "--activity", help="Column holding the activity name."),
    timestamp: str = typer.Option(None, "--timestamp", help="Column holding the (complete) time."),
    start_timestamp: str = typer.Option(None, "--start-timestamp", help="Column holding the start time."),
    resource: str = typer.Option(None, "--resource", help="Column holding the resource (caseworker)."),
    tz: str = typer.Option(DEFAULT_TIMEZONE, "--tz", help="Time zone of times written without one."),
    sheet: str = typer.Option(None, "--sheet", help="Excel sheet to read (default: the first)."),
    format: str = typer.Option(None, "--format", help="csv|xlsx|xes|parquet|ocel (default: from the name)."),
    strict: bool = typer.Option(False, "--strict", help="Refuse a log with events lacking an activity "
                                "or a timestamp (default: leave them out, with a warning)."),
    case_notion: str = typer.Option(None, "--case-notion", help="OCEL 2.0 only: the object type that is the "
                                    "case when the dataset is opened (default: the most related one)."),
) -> None:
    """Import an event log file (also OCEL 2.0 .jsonocel/.xmlocel/.sqlite) into a dataset folder."""
    from procmine.cli.case_notion import import_ocel_file, is_ocel_file
    from procmine.importing import import_log
    from procmine.importing.options import ImportOptions
    from procmine.importing.quarantine import warning_line

    if is_ocel_file(source, format):
        with _working(f"Importing {source.name}"):
            typer.echo(import_ocel_file(source, out, case_notion))
        return

    options = ImportOptions(case_id=case_id, activity=activity, timestamp=timestamp,
                            start_timestamp=start_timestamp, resource=resource, timezone=tz,
                            sheet=sheet, format=format, strict=strict)
    with _working(f"Importing {source.name}"):
        dataset = import_log(source, out, options)
    meta = dataset.meta
    if meta.quarantine:
        typer.echo(warning_line(meta.quarantine), err=True)
    summary = (f"Imported {source} → {out}: {format_count(meta.cases, 'en')} cases, "
               f"{format_count(meta.events, 'en')} events, {format_count(meta.activities, 'en')} activities.")
    if meta.notes:
        summary += " Notes: " + " ".join(meta.notes)
    typer.echo(summary)


@app.command("export")
def export_command(
    dataset: Path = typer.Argument(..., help="Dataset folder to export."),
    out: Path = typer.Argument(..., help="File to write: .xes, .xes.gz, .csv, .parquet, or OCEL 2.0 "
                                         ".jsonocel, .xmlocel or .sqlite."),
) -> None:
    """Export a dataset as XES, CSV or Parquet with pm4py's column names, or as OCEL 2.0."""
    from procmine.cli.case_notion import export_ocel_file, is_ocel_file
    from procmine.dataset import read_dataset
    from procmine.exporting import export_dataset

    if is_ocel_file(out, None):
        with _working(f"Exporting {dataset.name}"):
            typer.echo(export_ocel_file(dataset, out))
        return

    with _working(f"Exporting {dataset.name}"):
        data = read_dataset(dataset)
        export_dataset(data, out)
    events = data.meta.events
    typer.echo(f"Exported {dataset} → {out}: {format_count(events, 'en')} events.")
