"""The Animate part of the Process map page in Streamlit's AppTest: every colour choice runs in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_testing import assert_no_exception, start_app

SAMPLE = Path(__file__).resolve().parents[1] / "sample_logs" / "aktindsigt"


@pytest.mark.parametrize("lang, toggle, deadline", [("en", "Animate", "Deadline status"),
                                                    ("da", "Animér", "Fristens status")])
def test_animate_with_each_colouring(lang, toggle, deadline):
    at = start_app(SAMPLE, page="map", lang=lang)
    assert [t.label for t in at.toggle if t.key == "map_animate"] == [toggle]
    at.toggle(key="map_animate").set_value(True).run()
    assert_no_exception(at)
    colour = at.radio(key="map_animation_colour")
    assert colour.options[1] == deadline
    colour.set_value("deadline").run()
    assert_no_exception(at)
    assert at.number_input(key="map_animation_days").value == 10
    at.radio(key="map_animation_colour").set_value("attribute").run()
    assert_no_exception(at)
    assert "channel" in at.selectbox(key="map_animation_attribute").options
