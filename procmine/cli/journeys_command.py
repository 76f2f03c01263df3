"""`procmine journeys`: citizen journeys across cases, departments and caseworkers; and the
municipality mode of `procmine simulate` (called from simulate_command)."""

from __future__ import annotations

from pathlib import Path

import typer

from procmine.cli.analysis_commands import FilterOption, FormatOption, check_format, open_filtered, records
from procmine.cli.app import app
from procmine.cli.case_notion import CaseNotionOption
from procmine.cli.output import Part, Shown, render

_PARTS = ("citizens", "variants", "transitions", "department_handovers", "caseworker_handovers", "continuity",
          "citizen_continuity")


@app.command("journeys")
def journeys_command(dataset: Path = typer.Argument(..., help="Dataset folder."),
                     rules: Path = typer.Option(None, "--rules", help="Deadline rules (YAML/JSON); default: "
                                                "the five sample workflows' deadlines."),
                     top: int = typer.Option(15, "--top", help="Rows shown per table."),
                     filters: list[Path] = FilterOption, fmt: str = FormatOption,
                     case_notion: str = CaseNotionOption) -> None:
    """Citizen journeys: parallel cases, departments, journey variants, time between cases,
    hand-overs and caseworker continuity against throughput and deadlines."""
    from procmine import analysis
    from procmine.analysis.journeys import journeys
    from procmine.ocel.notion import journey_notion

    check_format(fmt)
    log = open_filtered(dataset, filters, journey_notion(dataset, case_notion))
    result = journeys(log, analysis.load_rules(rules) if rules else None)
    parts = {name: getattr(result, name) for name in _PARTS}
    render(fmt, Shown((Part(_summary_frame(result.summary), "Citizen journeys"), *(
        Part(frame.drop(columns=[c for c in ("first", "last") if c in frame.columns]),
             name.replace("_", " ").capitalize(), rows=top) for name, frame in parts.items())),
        lambda: {"summary": result.summary, **{name: records(frame) for name, frame in parts.items()}},
        result.citizens))


def _summary_frame(summary: dict):
    """The journeys' figures for people, one row a figure, each formatted by its declared kind."""
    import pandas as pd

    from procmine.cli.output import cell
    from procmine.result_tables import JOURNEY_SUMMARY
    return pd.DataFrame({"metric": list(summary),
                         "value": [cell(key, value, declared=JOURNEY_SUMMARY) for key, value in summary.items()]})


def simulate_municipality_command(out: Path, cases: int, seed: int, ocel: Path | None,
                                  case_centric: Path | None) -> None:
    """Simulate the municipality (citizens with overlapping cases) into OUT (object-centric)."""
    from procmine.simulation.municipality import MunicipalityOptions, write_municipality

    meta = write_municipality(out, MunicipalityOptions(cases=cases, seed=seed), ocel_file=ocel,
                              case_centric=case_centric)
    if meta.ocel is None:
        raise AssertionError("write_municipality wrote no object-centric facts")  # it always writes them
    also = "".join(f" and {path}" for path in (ocel, case_centric) if path is not None)
    typer.echo(f"Simulated kommune → {out}{also}: {meta.cases:,} cases, {meta.events:,} events, "
               f"{meta.ocel.objects:,} objects (case, citizen, caseworker, department; seed {seed}).")
