"""The municipal benchmark as HTML: a report section (tables with localised headings and numbers)
and a self-contained page around it, written atomically."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from procmine.atomic import atomic_file
from procmine.benchmarking import Benchmark
from procmine.i18n import text
from procmine.languages import Language
from procmine.report.figures import Figures
from procmine.result_tables import BENCHMARK_DEADLINES, BENCHMARK_KPIS, BENCHMARK_THROUGHPUT, ResultTable

_STYLE = ("body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2933}table{border-collapse:collapse;"
          "margin:.5rem 0 1.5rem}th,td{padding:.3rem .7rem;border-bottom:1px solid #d9dee3;text-align:right}"
          "th:first-child,td:first-child,td.text{text-align:left}td.hidden{color:#8a94a0}")
_TEXT_COLUMNS = {"municipality", "case_type", "rule"}
_DECLARED = (BENCHMARK_KPIS, BENCHMARK_THROUGHPUT, BENCHMARK_DEADLINES)


def declaration(columns) -> ResultTable:
    """The declaration of the benchmark table with these columns (the three tables' columns differ)."""
    names = set(map(str, columns))
    for declared in _DECLARED:
        if names <= set(declared.kinds()):
            return declared
    raise ValueError(f"no benchmark table has the columns {sorted(names)}")


def cell(column: str, value, lang: Language, min_cases: int, hidden: bool = False,
         declared: ResultTable = BENCHMARK_KPIS) -> str:
    """One value as shown: "<5" when hidden, else by its column's kind in `declared` (counts, days, shares)."""
    if hidden:
        return f"<{min_cases}"
    return Figures(lang).column(column, value, declared)


def display_table(frame: pd.DataFrame, lang: Language, min_cases: int,
                  hidden: pd.DataFrame | None = None) -> pd.DataFrame:
    """The table with localised column names and formatted cells (hidden cells as "<5", unknown as "–")."""
    hidden = frame.isna() & False if hidden is None else hidden
    declared = declaration(frame.columns)
    return pd.DataFrame({text(f"benchmark.col.{c}", lang): [cell(c, v, lang, min_cases, h, declared)
                                                            for v, h in zip(frame[c], hidden[c])]
                         for c in frame.columns})


def benchmark_section(result: Benchmark, lang: Language) -> str:
    """The benchmark's <section>: intro, the three tables and the note on hidden figures."""
    parts = [f"<section id='benchmark' class='benchmark' data-section='benchmark'><h2>{html.escape(text('benchmark.title', lang))}</h2>",
             f"<p>{html.escape(text('benchmark.intro', lang))}</p>"]
    for name, frame in result.tables().items():
        shown = display_table(frame, lang, result.min_cases, result.hidden_cells[name])
        head = "".join(f"<th>{html.escape(c)}</th>" for c in shown.columns)
        rows = "".join("<tr>" + "".join(_td(column, value) for column, value in zip(frame.columns, row)) + "</tr>"
                       for row in shown.itertuples(index=False))
        parts.append(f"<h3>{html.escape(text(f'benchmark.{name}', lang))}</h3>"
                     f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    note = text("benchmark.hidden", lang, n=result.min_cases, hidden=result.hidden)
    parts.append(f"<p class='note'>{html.escape(note)}</p></section>")
    return "".join(parts)


def write_benchmark_html(result: Benchmark, path: str | os.PathLike, lang: Language) -> Path:
    """A self-contained HTML page holding the benchmark section."""
    title = html.escape(text("benchmark.title", lang))
    page = (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{_STYLE}</style></head><body>{benchmark_section(result, lang)}</body></html>")
    path = Path(path)
    with atomic_file(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


def _td(column: str, value: str) -> str:
    kind = "text" if column in _TEXT_COLUMNS else ("hidden" if value.startswith("<") else "")
    return f"<td class='{kind}'>{html.escape(value)}</td>"
