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
        assert f'<tr data-caseworkers="{bucket.caseworkers}"><th>{bucket.caseworkers}</th>' \
               f'<td data-field="cases" data-value="{int(bucket.cases)}"' in section


def test_single_case_citizens_get_no_journeys_section():
    page = render_html(build_report(procmine.open(SAMPLES / "aktindsigt"), ReportSettings(period="year"), "akt"))
    assert 'id="journeys"' not in page
