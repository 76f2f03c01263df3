"""`procmine report`: bad input fails with exit 2 and leaves no file; --config renders several; XLSX types."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from procmine.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_logs"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["report", *map(str, args)])


@pytest.mark.parametrize("content, option, message", [
    ("- kind: timeframe\n  between: [2026-01-01\n", "--filter", "not valid YAML"),
    ("- kind: no_such_filter\n", "--filter", "unknown filter kind 'no_such_filter'"),
    ("rules:\n  - {name: svar, start: Anmodning modtaget, end: Svar afsendt, within: 7, unit: working_days}\n",
     "--deadlines", "end activity 'Svar afsendt' does not occur"),
    ("rules: [{name: svar, within: 7}]\n", "--deadlines", "unit"),
])
def test_bad_files_exit_2_without_a_partial_report(tmp_path, content, option, message):
    given = tmp_path / "input.yaml"
    given.write_text(content, encoding="utf-8")
    output = tmp_path / "report.html"
    result = run(SAMPLES / "aktindsigt", "-o", output, option, given)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not output.exists() and not list(tmp_path.glob(".report.html*"))


@pytest.mark.parametrize("args, message", [
    (["--group-by", "afdeling"], "Unknown case attribute 'afdeling'"),
    (["--lang", "de"], "lang"),
    (["--period", "week"], "period"),
    (["--from", "2026-13-01"], "from"),
    (["--compare", "last"], "compare"),
])
def test_bad_options_exit_2(tmp_path, args, message):
    output = tmp_path / "report.html"
    result = run(SAMPLES / "aktindsigt", "-o", output, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and not output.exists()


def test_config_renders_several_reports_and_rejects_unknown_keys(tmp_path):
    config = tmp_path / "report.yaml"
    config.write_text(f"""
defaults: {{lang: da, period: quarter, organisation: Syddjurs Kommune}}
reports:
  - dataset: {SAMPLES / 'aktindsigt'}
    output: out/aktindsigt.html
    xlsx: out/aktindsigt.xlsx
  - dataset: {SAMPLES / 'merudgifter'}
    output: out/merudgifter.html
    title: Merudgifter efter § 100
    filters: [{{kind: case_attribute, attribute: department, values: [Social og Sundhed]}}]
""", encoding="utf-8")
    result = run("--config", config)
    assert result.exit_code == 0, result.output
    first, second = (tmp_path / "out" / f"{name}.html" for name in ("aktindsigt", "merudgifter"))
    assert "Syddjurs Kommune" in first.read_text(encoding="utf-8")
    page = second.read_text(encoding="utf-8")
    assert "Merudgifter efter § 100" in page and "Social og Sundhed" in page
    assert (tmp_path / "out" / "aktindsigt.xlsx").exists()
    config.write_text("reports:\n  - {dataset: x, output: y.html, colour: blue}\n", encoding="utf-8")
    result = run("--config", config)
    assert result.exit_code == 2 and "colour: unknown key" in result.output


def test_xlsx_has_one_typed_sheet_per_table(tmp_path):
    output, workbook_path = tmp_path / "r.html", tmp_path / "r.xlsx"
    result = run(SAMPLES / "byggetilladelse", "-o", output, "--xlsx", workbook_path, "--group-by", "channel")
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(workbook_path)
    assert {"kpis", "trend", "compliance_case_type", "compliance_kle", "compliance_group", "groups", "variants",
            "bottlenecks", "workload"} <= set(workbook.sheetnames)
    trend = workbook["trend"]
    header = [c.value for c in trend[1]]
    first = dict(zip(header, trend[2]))
    assert isinstance(first["start"].value, dt.datetime) and first["start"].number_format == "yyyy-mm-dd"
    assert isinstance(first["cases_closed"].value, (int, float)) and first["median_days"].number_format == "0.0"
    compliance = workbook["compliance_case_type"]
    shares = [c.value for c in compliance["F"][1:]]
    assert compliance["F"][1].number_format == "0.0%" and all(0 <= s <= 1 for s in shares)


def test_the_example_config_is_valid():
    from procmine.report import load_config

    jobs = load_config(ROOT / "procmine" / "report" / "examples" / "report.yaml")
    assert [job.dataset.resolve() for job in jobs] == [SAMPLES / "aktindsigt", SAMPLES / "byggetilladelse"]
    assert jobs[1].period == "quarter" and jobs[1].lang == "da" and jobs[1].filters[0]["kind"] == "case_attribute"
