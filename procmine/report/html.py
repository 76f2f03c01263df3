"""Render ReportData as one self-contained HTML file: inline CSS and inline SVG, no external URL."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import jinja2

from procmine.atomic import atomic_file
from procmine.report.builder import ReportData
from procmine.report.view import report_view

TEMPLATES = Path(__file__).with_name("templates")


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False,
                              keep_trailing_newline=True)


def render_html(data: ReportData) -> str:
    """The report as HTML text."""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("report.html.j2").render(css=css, **report_view(data))


def write_html(data: ReportData, path: str | os.PathLike) -> Path:
    """Write the report to `path` atomically (a failed run leaves no partial file)."""
    path = Path(path)
    page = render_html(data)
    with atomic_file(path) as tmp:
        Path(tmp).write_text(page, encoding="utf-8")
    return path
