"""`procmine simulate`: write a synthetic municipal event log (one workflow or all five) as a dataset."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from procmine.cli.app import app

_stderr = Console(stderr=True)
# Below this many cases the run takes a moment and a bar would only flicker.
_PROGRESS_FROM_CASES = 50_000


@app.command("simulate")
def simulate_command(
    workflow: str = typer.Argument(..., help="aktindsigt, borgerhenvendelse, byggetilladelse, "
                                             "genoptraening, merudgifter, all (a mix of the five), or "
                                             "kommune (citizens with overlapping cases: object-centric)."),
    out: Path = typer.Argument(..., help="Dataset folder to write (replaced atomically)."),
    cases: int = typer.Option(1_000, "--cases", help="Number of cases (for all: in total)."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same log."),
    chunk_cases: int = typer.Option(50_000, "--chunk-cases",
                                    help="Cases simulated and written at a time (bounds the memory used)."),
    drivers: bool = typer.Option(False, "--drivers", help="Add slow-down drivers: busy spells raise the "
                                 "intake and stretch casework; hand-overs slow a case down."),
    ocel: Path = typer.Option(None, "--ocel", help="kommune only: also write an OCEL 2.0 file "
                                                   "(.jsonocel, .xmlocel or .sqlite)."),
    case_centric: Path = typer.Option(None, "--case-centric", help="kommune only: also write a case-centric "
                                                                   "dataset whose cases carry `citizen`."),
) -> None:
    """Simulate Danish municipal case work (deterministic, seeded) into a dataset folder."""
    from procmine.simulation import SimulationOptions, write_simulated_dataset

    if workflow.strip().lower() in ("kommune", "municipality"):
        from procmine.cli.journeys_command import simulate_municipality_command
        simulate_municipality_command(out, cases, seed, ocel, case_centric)
        return

    options = SimulationOptions(workflow=workflow.strip().lower(), cases=cases, seed=seed, drivers=drivers)
    progress = Progress(TextColumn("Simulating {task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=_stderr, transient=True,
                        disable=cases < _PROGRESS_FROM_CASES)
    with progress:
        task = progress.add_task(options.workflow, total=cases)
        meta = write_simulated_dataset(out, options, chunk_cases=chunk_cases,
                                       progress=lambda done: progress.update(task, completed=done))
    typer.echo(f"Simulated {options.workflow} → {out}: {meta.cases:,} cases, {meta.events:,} events, "
               f"{meta.activities:,} activities (seed {seed}).")
