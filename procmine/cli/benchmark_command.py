"""`procmine benchmark FOLDER`: municipalities side by side, each analysed alone, small cells hidden."""

from __future__ import annotations

from pathlib import Path

import typer

from procmine.benchmarking import MIN_CASES, benchmark, municipal_datasets
from procmine.cli.analysis_commands import FormatOption, check_format, records
from procmine.cli.app import app
from procmine.cli.engine_option import EngineOption
from procmine.cli.output import Part, Shown, render
from procmine.i18n import check_language, text


@app.command("benchmark")
def benchmark_command(folder: Path = typer.Argument(..., help="Folder of municipal datasets (municipality=NAME/)."),
                      min_cases: int = typer.Option(MIN_CASES, "--min-cases", min=1,
                                                    help="Hide figures behind fewer cases than this."),
                      html_file: Path = typer.Option(None, "--html", help="Also write the benchmark as HTML."),
                      lang: str = typer.Option("en", "--lang", help="en or da (tables and HTML)."),
                      fmt: str = FormatOption, engine: str = EngineOption) -> None:
    """KPIs, throughput and deadline compliance per municipality and case type, side by side."""
    from procmine.report.benchmark_html import display_table, write_benchmark_html

    fmt, lang = check_format(fmt), check_language(lang)
    result = benchmark(municipal_datasets(folder), engine=engine, min_cases=min_cases)
    if html_file is not None:
        write_benchmark_html(result, html_file, lang)
    shown = tuple(Part(display_table(frame, lang, result.min_cases, result.hidden_cells[name]),
                       text(f"benchmark.{name}", lang), rows=200) for name, frame in result.tables().items())
    render(fmt, Shown((*shown, text("benchmark.hidden", lang, n=result.min_cases, hidden=result.hidden)),
                      lambda: {"min_cases": result.min_cases, "hidden": result.hidden,
                               **{name: records(frame) for name, frame in result.tables().items()}},
                      result.throughput, lang=lang))
