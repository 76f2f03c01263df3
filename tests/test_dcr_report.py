"""The report's optional DCR section shows the engine's most broken DCR rules."""

from __future__ import annotations

import datetime as dt
import re

from typer.testing import CliRunner

from procmine.analysis import periods as p
from procmine.cli import app
from procmine.dcr import discover_dcr_from_traces
from procmine.dcr.model import check_dcr_against_discovered, check_dcr_against_file
from procmine.dcr.xml_io import write_dcr_xml
from procmine.formatting import format_number
from procmine.opening import open_log
from procmine.report import build_report
from procmine.report.config import ReportSettings, load_config
from procmine.report.html import render_html

SAMPLE = "sample_logs/byggetilladelse"
FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def section(html: str) -> str:
    found = re.search(r'<section id="dcr".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_the_dcr_section_lists_the_rules_the_closed_cases_break_most():
    log = open_log(SAMPLE)
    settings = ReportSettings(period="year", lang="da", dcr=True)
    data = build_report(log, settings, "byggetilladelse", generated_at=FIXED)
    closed = p.closed_in(log, data.window, settings.timezone)
    expected = check_dcr_against_discovered(closed, lang="da").broken_rules().head(settings.top)
    shown = section(render_html(data))
    rules = re.findall(r'<tr data-rule="([^"]*)">', shown)
    assert rules == [r.replace("&", "&amp;") for r in expected["rule"]]
    assert len(rules) > 0 and "arbejdsdage" in shown
    cases = re.findall(r'data-field="cases" data-value="(\d+)">([^<]*)<', shown)
    assert [int(v) for v, _ in cases] == expected["cases"].tolist()
    assert [s for _, s in cases] == [format_number(v, "da") for v in expected["cases"]]


def test_without_the_setting_there_is_no_dcr_section():
    data = build_report(open_log(SAMPLE), ReportSettings(period="year"), "byggetilladelse", generated_at=FIXED)
    assert data.dcr is None and section(render_html(data)) == ""


def test_a_reference_graph_from_report_yaml_is_read_beside_the_config(tmp_path):
    write_dcr_xml(discover_dcr_from_traces([["Ansøgning modtaget", "Kvittering", "Afgørelse"]]),
                  tmp_path / "rules.xml")
    config = tmp_path / "report.yaml"
    dataset = (open_log(SAMPLE).dataset.path).resolve()
    config.write_text(f"reports:\n  - dataset: {dataset}\n    output: out.html\n    dcr_model: rules.xml\n"
                      "    period: year\n", encoding="utf-8")
    job = load_config(config)[0]
    assert job.dcr_model == tmp_path / "rules.xml"
    settings = ReportSettings.model_validate(job.model_dump(include=set(ReportSettings.model_fields)))
    data = build_report(open_log(SAMPLE), settings, "byggetilladelse", generated_at=FIXED)
    closed = p.closed_in(open_log(SAMPLE), data.window, settings.timezone)
    expected = check_dcr_against_file(closed, tmp_path / "rules.xml")
    assert data.dcr.fitting_cases_share == expected.fitting_cases_share < 1.0


def test_cli_report_with_dcr(tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", SAMPLE, "-o", str(out), "--period", "year", "--dcr"])
    assert result.exit_code == 0, result.output
    assert 'data-table="dcr"' in section(out.read_text(encoding="utf-8"))
