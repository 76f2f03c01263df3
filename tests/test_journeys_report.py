"""The report's citizen journeys section: its figures are the journeys analysis', in both languages,
and it is left out when the cases are not journeys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import procmine
from procmine.analysis.journeys import journeys
from procmine.report import build_report
from procmine.report.config import ReportSettings
from procmine.report.html import render_html

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"


@pytest.mark.parametrize("lang, title", [("en", "Citizen journeys"), ("da", "Borgerforløb")])
def test_the_kommune_report_has_a_journeys_section_with_the_analysis_figures(lang, title):
    log = procmine.open(SAMPLES / "kommune")
    page = render_html(build_report(log, ReportSettings(lang=lang, period="year"), "kommune"))
    section = re.search(r'<section id="journeys".*?</section>', page, re.S).group(0)
    assert f"<h2>{title}</h2>" in section
    expected = journeys(log)
    top = expected.variants.iloc[0]
    row = re.search(rf'<tr data-journey="{re.escape(top.journey)}">(.*?)</tr>', section, re.S).group(1)
    assert f'data-field="citizens" data-value="{int(top.citizens)}"' in row
    for bucket in expected.continuity.itertuples():
        assert (f'<tr data-caseworkers="{bucket.caseworkers}"><th>{bucket.caseworkers}</th>'
                f'<td data-field="cases" data-value="{int(bucket.cases)}"') in section


def test_single_case_citizens_get_no_journeys_section():
    page = render_html(build_report(procmine.open(SAMPLES / "aktindsigt"), ReportSettings(period="year"), "akt"))
    assert 'id="journeys"' not in page


def _header_value(page: str, label: str) -> str:
    return re.search(rf"<dt>{label}</dt><dd>(.*?)</dd>", page, re.S).group(1)


def _quality_counts(page: str, word: str) -> tuple[int, int]:
    lead = re.search(r'<section id="quality".*?<p class="lead">(.*?)</p>', page, re.S).group(1)
    cases, events = re.search(rf"\(([\d,.]+) {word}, ([\d,.]+) ", lead).groups()
    return int(re.sub(r"\D", "", cases)), int(re.sub(r"\D", "", events))


@pytest.mark.parametrize("lang, label, notion, cases_word", [("en", "Case notion", "citizen", "cases"),
                                                            ("da", "Sagsbegreb", "borger", "sager")])
def test_report_case_notion_option_reports_on_the_citizens_and_says_so(tmp_path, lang, label, notion, cases_word):
    from typer.testing import CliRunner

    from procmine.cli import app

    output = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(SAMPLES / "kommune"), "-o", str(output), "--period", "year",
                                      "--lang", lang, "--case-notion", "citizen"])
    assert result.exit_code == 0, result.output
    page = output.read_text(encoding="utf-8")
    citizens = procmine.open(SAMPLES / "kommune", case_notion="citizen")
    own = procmine.open(SAMPLES / "kommune")
    assert citizens.num_cases != own.num_cases
    assert _quality_counts(page, cases_word) == (citizens.num_cases, citizens.num_events)
    said = _header_value(page, label)
    assert said.startswith(f"{notion}. ")
    assert f"{citizens.num_cases:,}".replace(",", "." if lang == "da" else ",") in said


def test_report_without_case_notion_says_it_uses_the_dataset_cases(tmp_path):
    page = render_html(build_report(procmine.open(SAMPLES / "aktindsigt"), ReportSettings(period="year"), "akt"))
    assert _header_value(page, "Case notion") == "case (as in the dataset)"


def test_report_case_notion_in_a_config_and_an_unknown_one_exits_2(tmp_path):
    from typer.testing import CliRunner

    from procmine.cli import app

    config = tmp_path / "report.yaml"
    config.write_text(f"reports:\n  - {{dataset: {SAMPLES / 'kommune'}, output: out.html, period: year, "
                      "case_notion: caseworker}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "--config", str(config)])
    assert result.exit_code == 0, result.output
    caseworkers = procmine.open(SAMPLES / "kommune", case_notion="caseworker")
    assert _quality_counts((tmp_path / "out.html").read_text(encoding="utf-8"), "cases") == \
        (caseworkers.num_cases, caseworkers.num_events)
    output = tmp_path / "bad.html"
    result = CliRunner().invoke(app, ["report", str(SAMPLES / "kommune"), "-o", str(output),
                                      "--case-notion", "dog"])
    assert result.exit_code == 2 and "'dog' is not an object type" in result.output
    assert "Traceback" not in result.output and not output.exists()
