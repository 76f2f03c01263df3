"""The `--case-notion` option every analysis command shares, and OCEL 2.0 import/export for the
data commands (`procmine import log.jsonocel OUT`, `procmine export OUT log.sqlite`)."""

from __future__ import annotations

from pathlib import Path

import typer

CaseNotionOption = typer.Option(
    None, "--case-notion",
    help="What a case is: an object type of an object-centric dataset (e.g. citizen, case, caseworker), "
         "or a case attribute such as citizen of a case-centric one. Default: the dataset's own cases.")

_OCEL_SUFFIXES = (".jsonocel", ".xmlocel", ".sqlite", ".sqlite3", ".db")


def say_flattening(log) -> None:
    """On stderr (stdout stays the result), what seeing the log by its case notion did: divergence,
    convergence and events left out."""
    from procmine.ocel.wording import flattening_lines

    report = log.dataset.meta.flattening
    if report:
        typer.echo(" ".join(flattening_lines(report, "en")), err=True)


def is_ocel_file(path: Path, fmt: str | None) -> bool:
    """True when `path` should be read or written as OCEL 2.0 (by --format ocel or its name)."""
    if fmt is not None:
        return fmt.lower() in ("ocel", "jsonocel", "xmlocel", "sqlite")
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(_OCEL_SUFFIXES)


def import_ocel_file(source: Path, out: Path, case_notion: str | None) -> str:
    """Import an OCEL 2.0 file as an object-centric dataset; gives the summary line."""
    from procmine.ocel import read_ocel, write_ocel_dataset

    log = read_ocel(source)
    dataset = write_ocel_dataset(out, log, case_notion=case_notion,
                                 source={"path": str(source), "format": "ocel2"})
    ocel = dataset.meta.ocel
    assert ocel is not None, "write_ocel_dataset records the object-centric facts"
    types = ", ".join(f"{name}" for name in sorted(ocel.object_types))
    return (f"Imported {source} → {out}: {dataset.meta.events:,} events, {ocel.objects:,} objects "
            f"({types}), {ocel.event_objects:,} event-object relations; default case notion "
            f"{ocel.default_case_notion}.")


def export_ocel_file(dataset: Path, out: Path) -> str:
    """Export a dataset as OCEL 2.0 (form by the file name); a case-centric one is converted."""
    from procmine.dataset import read_dataset
    from procmine.ocel import is_object_centric, read_ocel_dataset, write_ocel
    from procmine.ocel.from_cases import ocel_from_cases

    data = read_dataset(dataset)
    log = read_ocel_dataset(data) if is_object_centric(data) else ocel_from_cases(data.events, data.cases)
    form = write_ocel(log, out)
    return (f"Exported {dataset} → {out} (OCEL 2.0 {form}): {log.events.num_rows:,} events, "
            f"{log.objects.num_rows:,} objects.")
