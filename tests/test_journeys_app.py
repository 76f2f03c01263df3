"""The Borgerforløb page and the case-notion selector in the app (Streamlit AppTest), in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_testing import assert_no_exception, go, metrics, start_app, texts

import procmine
from procmine.analysis.journeys import journeys
from procmine.formatting import format_number
from procmine.ui import state

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"


@pytest.mark.parametrize("lang, title, citizens", [("en", "Citizen journeys", "Citizens"),
                                                   ("da", "Borgerforløb", "Borgere")])
def test_the_journeys_page_shows_the_citizens_of_the_kommune_sample(lang, title, citizens):
    at = start_app(SAMPLES / "kommune", page="journeys", lang=lang)
    expected = journeys(procmine.open(SAMPLES / "kommune", case_notion="case")).summary
    assert at.header[0].value == title
    assert metrics(at)[citizens] == format_number(expected["citizens"], lang)
    assert len(at.dataframe) >= 6
    assert "svg" in texts(at) or any("data:image/svg+xml" in str(h.proto) for h in at.get("html"))


def test_the_case_notion_selector_switches_the_whole_app_to_citizens():
    at = start_app(SAMPLES / "kommune", page="overview")
    selector = next(s for s in at.selectbox if s.key.startswith("case_notion_choice"))
    assert selector.options[0] == "sag (som i datasættet)" or "case" in selector.options[0]
    selector.select("citizen").run()
    assert_no_exception(at)
    assert at.session_state[state.CASE_NOTION_KEY] == "citizen"
    by_citizen = procmine.open(SAMPLES / "kommune", case_notion="citizen")
    assert metrics(at)["Cases"] == format_number(by_citizen.num_cases, "en")
    assert "Convergence" in texts(at)
    go(at, "journeys")          # journeys still follow the case objects, and say so
    assert "filters of the current case notion do not apply" in texts(at)


def test_a_case_centric_sample_offers_the_citizen_notion():
    at = start_app(SAMPLES / "aktindsigt", page="journeys")
    selector = next(s for s in at.selectbox if s.key.startswith("case_notion_choice"))
    assert list(selector.options)[1] == "citizen"
    assert metrics(at)["Citizens"] == format_number(
        journeys(procmine.open(SAMPLES / "aktindsigt")).summary["citizens"], "en")


def test_switching_the_language_keeps_the_case_notion():
    """The selector's value travels as its label: after a switch to Danish, the English label
    "case (as in the dataset)" must not be taken for an attribute name (every page said so)."""
    at = start_app(SAMPLES / "aktindsigt", page="overview")
    at.radio(key=state.LANG_KEY).set_value("da").run()
    assert_no_exception(at)
    assert not at.error, at.error[0].value
    assert state.CASE_NOTION_KEY not in at.session_state or at.session_state[state.CASE_NOTION_KEY] is None
    assert metrics(at)["Sager"] == format_number(procmine.open(SAMPLES / "aktindsigt").num_cases, "da")
    selector = next(s for s in at.selectbox if s.key.startswith("case_notion_choice"))
    selector.select("citizen").run()
    at.radio(key=state.LANG_KEY).set_value("en").run()
    assert not at.error, at.error[0].value
    assert at.session_state[state.CASE_NOTION_KEY] == "citizen"
