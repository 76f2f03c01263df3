"""`procmine report`: the management report as one self-contained HTML file (and XLSX), or many from a config."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

import procmine
from procmine.atomic import check_output_folder
from procmine.cli.app import app
from procmine.cli.case_notion import CaseNotionOption
from procmine.errors import ConfigError
from procmine.filters import filters_from_data, load_filters
from procmine.i18n import text


@app.command("report")
def report_command(
        dataset: Path = typer.Argument(None, help="Dataset folder (omit with --config)."),
        output: Path = typer.Option(None, "-o", "--output", help="HTML file to write."),
        lang: str = typer.Option("en", "--lang", help="Language: en or da."),
        period: str = typer.Option("month", "--period", help="Report period: month, quarter or year."),
        from_date: str = typer.Option(None, "--from", help="First day of the report period (YYYY-MM-DD)."),
        to_date: str = typer.Option(None, "--to", help="Last day of the report period (YYYY-MM-DD)."),
        compare: str = typer.Option("previous", "--compare", help="Compare with: previous, year-ago or none."),
        filters: list[Path] = typer.Option(None, "--filter", help="Filter file (JSON/YAML); repeat to stack."),
        group_by: str = typer.Option(None, "--group-by", help="Case attribute to break the figures down by."),
        deadlines: Path = typer.Option(None, "--deadlines", help="Deadline rules (YAML/JSON), as in "
                                       "`procmine deadlines --deadlines`."),
        xlsx: Path = typer.Option(None, "--xlsx", help="Also write the tables to this .xlsx workbook."),
        title: str = typer.Option(None, "--title", help="Title of the report."),
        organisation: str = typer.Option(None, "--organisation", help="Organisation named in the header."),
        config: Path = typer.Option(None, "--config", help="report.yaml rendering several reports."),
        dcr: bool = typer.Option(False, "--dcr", help="Add the DCR rules the closed cases break most often."),
        dcr_model: Path = typer.Option(None, "--dcr-model", help="Check against this DCR graph (.xml) instead."),
        predict: bool = typer.Option(False, "--predict", help="Add the section on open cases at risk of "
                                     "missing their deadline, with the model card and the drivers."),
        benchmark: Path = typer.Option(None, "--benchmark", help="Folder of municipal datasets "
                                       "(municipality=NAME/): add them side by side, small cells hidden."),
        access_policy: Path = typer.Option(None, "--access-policy", help="Access policy YAML (README, Serving)."),
        roles: list[str] = typer.Option(None, "--role", help="Report only the cases this app role may see."),
        case_notion: str = CaseNotionOption,
) -> None:
    """Management report: KPIs, trend, deadlines, variants, bottlenecks, process map, data quality."""
    from procmine.report import load_config, make_job

    if config is not None:
        if dataset is not None or output is not None:
            raise ConfigError("Give either --config FILE or DATASET with -o FILE, not both.")
        jobs = load_config(config)
        for job in jobs:   # a report.yaml names its output folders: creating them is what it asks for
            for path in (job.output, job.xlsx):
                if path is not None:
                    check_output_folder(path, make_parents=True)
    else:
        if dataset is None or output is None:
            raise ConfigError("procmine report needs DATASET and -o report.html (or --config report.yaml).")
        values = {"dataset": dataset, "output": output, "xlsx": xlsx, "lang": lang, "period": period,
                  "from": from_date, "to": to_date, "compare": compare, "group_by": group_by,
                  "deadlines": deadlines, "title": title, "organisation": organisation,
                  "filter_files": list(filters or []), "dcr": dcr or None, "dcr_model": dcr_model,
                  "predict": predict or None, "case_notion": case_notion, "benchmark": benchmark}
        jobs = [make_job({k: v for k, v in values.items() if v is not None}, "procmine report")]
        for path in (output, xlsx):
            if path is not None:
                check_output_folder(path)   # a missing folder fails before the report is built
    from procmine.access.cli import access_for
    access = access_for(access_policy, roles)
    if access is not None and any(job.benchmark for job in jobs) and not access.sees_everything():
        # The benchmark reads whole folders of datasets, which a department or case-type rule cannot cut.
        raise ConfigError(text("benchmark.restricted", jobs[0].lang) + " Leave out --benchmark for this role.")
    for job in jobs:
        run_job(job, access=access)


def run_job(job, generated_at: dt.datetime | None = None, console: Console | None = None,
            access=None) -> None:
    """Build one report with a progress bar and write its HTML (and XLSX) atomically."""
    from procmine.access.cli import cut, record_report
    from procmine.report import STEPS, build_report, write_html
    from procmine.report.config import ReportSettings
    from procmine.report.xlsx import write_xlsx

    stack = [f for path in job.filter_files for f in load_filters(path)]
    stack += filters_from_data(job.filters, "filters") if job.filters else []
    settings = ReportSettings.model_validate(job.model_dump(include=set(ReportSettings.model_fields)))
    console = console or Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[step]}"),
                  TimeElapsedColumn(), console=console, transient=False) as progress:
        task = progress.add_task(f"{text('report.progress.title', job.lang)}: {job.output.name}",
                                 total=len(STEPS) + 2, step="")
        progress.update(task, step=text("report.step.open", job.lang))
        log = cut(procmine.open(job.dataset, case_notion=job.case_notion), access)
        log = log.filter(*stack) if stack else log
        progress.advance(task)
        data = build_report(log, settings, job.dataset.name, generated_at=generated_at,
                            progress=lambda step: progress.update(task, advance=1,
                                                                  step=text(f"report.step.{step}", job.lang)))
        progress.update(task, step=text("report.step.write", job.lang))
        write_html(data, job.output)
        if job.xlsx is not None:
            write_xlsx(data, job.xlsx)
        record_report(job.dataset, job.output, stack, access)
        progress.advance(task)
    files = str(job.output) if job.xlsx is None else text("report.wrote_and", job.lang, first=job.output,
                                                          second=job.xlsx)
    console.print(text("report.wrote", job.lang, files=files), highlight=False)
