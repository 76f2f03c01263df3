"""The batch management report: engine results gathered into ReportData, rendered as HTML and XLSX."""

from __future__ import annotations

from procmine.report.builder import STEPS, ReportData, build_report
from procmine.report.config import ReportJob, ReportSettings, load_config, make_job
from procmine.report.html import render_html, write_html

__all__ = ["STEPS", "ReportData", "ReportJob", "ReportSettings", "build_report", "load_config", "make_job",
           "render_html", "write_html"]
