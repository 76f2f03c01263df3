"""`procmine extract`, `procmine extract sbsys` / `extract-sbsys` and `procmine simulate-sbsys`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors.generic import load_extraction
from connectors.runner import Extraction, RunResult, count_rows, run_extraction
from connectors.sbsys import SbsysOptions, sbsys_extraction
from connectors.sbsys_demo import fill_sbsys_demo
from procmine.cli.app import app
from procmine.errors import ConfigError

_err = Console(stderr=True)
_out = Console()
PRESET = "sbsys"


@app.command("extract")
def extract(
    config: str = typer.Argument(..., metavar="CONFIG|sbsys",
                                 help="A connector config YAML, or `sbsys` with --url and --out."),
    full: bool = typer.Option(False, "--full", help="Rebuild the dataset from all rows."),
    check: bool = typer.Option(False, "--check",
                               help="Connect, check the mapping and count rows; write nothing."),
    url: str = typer.Option(None, "--url", help="sbsys only: the database URL."),
    out: Path = typer.Option(None, "--out", help="sbsys only: the dataset folder."),
    schema: str = typer.Option(None, "--schema", help="sbsys only: the tables' schema (e.g. dbo)."),
    include_protected: bool = typer.Option(False, "--include-protected",
                                           help="sbsys only: keep protected cases (ErBeskyttet)."),
    wait: float = typer.Option(0.0, "--wait", help="Seconds to wait for another run on the dataset."),
) -> None:
    """Extract events from a database into a dataset, incrementally and pseudonymised."""
    if config == PRESET:
        if not url or out is None:
            raise ConfigError("`procmine extract sbsys` needs --url URL and --out DATASET.")
        job = sbsys_extraction(url, out, SbsysOptions(schema=schema,
                                                      include_protected=include_protected))
    else:
        if url or out is not None or schema or include_protected:
            raise ConfigError(f"--url, --out, --schema and --include-protected belong to "
                              f"`procmine extract sbsys`; for {config} set them in the config file.")
        job = load_extraction(config)
    _run(job, full=full, check=check, wait=wait)


@app.command("extract-sbsys")
def extract_sbsys(
    url: str = typer.Option(..., "--url", help="SQLAlchemy URL of the SBSYS database."),
    out: Path = typer.Option(..., "--out", help="The dataset folder."),
    full: bool = typer.Option(False, "--full", help="Rebuild the dataset from all rows."),
    check: bool = typer.Option(False, "--check", help="Count rows per source; write nothing."),
    schema: str = typer.Option(None, "--schema", help="The tables' schema (e.g. dbo)."),
    include_protected: bool = typer.Option(False, "--include-protected",
                                           help="Keep protected cases (ErBeskyttet)."),
    wait: float = typer.Option(0.0, "--wait", help="Seconds to wait for another run on the dataset."),
) -> None:
    """Extract an SBSYS database with the SBSYS preset (same as `procmine extract sbsys`)."""
    job = sbsys_extraction(url, out, SbsysOptions(schema=schema, include_protected=include_protected))
    _run(job, full=full, check=check, wait=wait)


@app.command("simulate-sbsys")
def simulate_sbsys(
    db: str = typer.Option(..., "--db", help="SQLAlchemy URL of an empty database, "
                                             "e.g. sqlite:///sbsys-demo.db"),
    cases: int = typer.Option(200, "--cases", min=1, help="How many cases to simulate."),
    seed: int = typer.Option(1, "--seed", help="Random seed."),
) -> None:
    """Fill an empty database with SBSYS tables and a simulated workflow (names and CPRs included)."""
    with _err.status("Filling the SBSYS demo database"):
        content = fill_sbsys_demo(db, cases=cases, seed=seed)
    table = Table("table", "rows", title="SBSYS demo database")
    for name, rows in content.rows.items():
        table.add_row(name, f"{rows:,}")
    _out.print(table)
    citizens = {c for c in content.case_citizen.values() if c is not None}
    _out.print(f"{len(content.protected_cases)} protected cases, {len(content.deleted_registrations)} "
               f"deleted document registrations, {len(citizens)} citizens with cases. "
               f"Next: procmine extract sbsys --url {db} --out DATASET")


def _run(job: Extraction, *, full: bool, check: bool, wait: float) -> None:
    if check:
        counts = count_rows(job)
        table = Table("source", "rows to read", title=f"Check of {job.output}")
        for name, rows in counts.items():
            table.add_row(name, f"{rows:,}")
        _out.print(table)
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"),
               TextColumn("{task.completed:,.0f} rows"), TimeElapsedColumn())
    with Progress(*columns, console=_err, transient=True) as progress:
        tasks = {plan.name: progress.add_task(plan.name, total=None) for plan in job.plans}
        result = run_extraction(job, full=full, wait_seconds=wait,
                                progress=lambda name, rows: progress.advance(tasks[name], rows))
    _report(job, result)


def _report(job: Extraction, result: RunResult) -> None:
    table = Table("source", "new events", title=f"{'Rebuilt' if result.full else 'Updated'} "
                                                f"{job.output}")
    for name, added in result.new_events.items():
        table.add_row(name, f"{added:,}")
    table.add_row("[bold]total", f"[bold]{result.total:,}")
    for name, removed in result.retracted.items():
        table.add_row(f"{name}: removed (deleted at the source)", f"{removed:,}")
    _out.print(table)
    _out.print(f"{result.cases:,} cases; "
               + (f"new part {result.part}." if result.part else "no new events, no new part."))
