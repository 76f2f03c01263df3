"""AppTest: a choice made in English is kept after a switch to Danish, as a browser switches.

Streamlit 1.67 sends a select box's, radio's, multiselect's or segmented control's value as
its label, and the browser keeps the label it showed until the app sends it another. AppTest
sends labels made afresh, so it never sees a stale one; `switch_as_a_browser` sends, in the
run after the switch, each widget's English label unless the app gave the browser a new
value. Before the worded widgets (procmine.ui.state.worded) that run dropped every choice
to its first option: the page list to Data, the process map to frequencies.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from app_testing import assert_no_exception, start_app
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1.element_tree import Widget

from procmine.ui import state

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"


def switch_as_a_browser(at, lang: str = "da") -> None:
    """Switch the language, then run once more with the labels the browser would send."""
    shown = {w.id: w for w in at._tree.get_widget_states().widgets}   # the English labels
    at.radio(key=state.LANG_KEY).set_value(lang).run()
    assert_no_exception(at)
    renewed = {node.id for node in at._tree if isinstance(node, Widget) and getattr(node.proto, "set_value", False)}
    sent = WidgetStates()
    for widget in at._tree.get_widget_states().widgets:
        stale = widget.id not in renewed and widget.id in shown and widget.id != _language_id(at)
        sent.widgets.append(shown[widget.id] if stale else widget)
    at._run(sent)
    assert_no_exception(at)


def _language_id(at) -> str:
    return at.radio(key=state.LANG_KEY).id


def _pick(at, kind: str, key: str, value) -> None:
    _widget(at, kind, key).set_value(value)
    at.run()
    assert_no_exception(at)


def _widget(at, kind: str, key: str):
    found = [node for node in at._tree if isinstance(node, Widget) and node.type == kind and node.key == key]
    assert found, f"no {kind} {key!r} on the page"
    return found[0]


# (sample, page, the choices to make in order: widget type, key, a value that is not the first)
CHOICES = {
    "pages": ("byggetilladelse", "overview", [("radio", state.PAGE_KEY, "bottlenecks")]),
    "process map": ("byggetilladelse", "map", [("radio", "map_metric", "performance"),
                                               ("selectbox", "map_statistic", "p90")]),
    "animation": ("byggetilladelse", "map", [("toggle", "map_animate", True),
                                             ("radio", "map_animation_colour", "deadline")]),
    "overview": ("byggetilladelse", "overview", [("button_group", "overview_period", "quarter")]),
    "throughput": ("byggetilladelse", "throughput", [("selectbox", "throughput_period", "week"),
                                                     ("selectbox", "throughput_by", "department"),
                                                     ("radio", "throughput_unit", "working_days")]),
    "compare by": ("byggetilladelse", "compare", [("selectbox", "compare_attribute", "case_type")]),
    "compare how": ("byggetilladelse", "compare", [("radio", "compare_mode", "periods")]),
    "model": ("byggetilladelse", "model", [("radio", "model_miner", "heuristics"),
                                           ("radio", "dcr_unit", "days"),
                                           ("multiselect", "dcr_kinds", ["condition", "response"])]),
    "data": ("byggetilladelse", "data", [("radio", "data_source", "folder")]),
    "radar": ("aktindsigt", "radar", [("multiselect", "radar_status", ["overdue"])]),
    "case notion": ("aktindsigt", "overview", [("selectbox", state.CASE_NOTION_WIDGET, "citizen")]),
    "journeys map": ("kommune", "journeys", [("multiselect", "journeys_map_types", ["caseworker", "department"])]),
    "timeframe filter": ("byggetilladelse", "overview", [("selectbox", "filter_kind", "timeframe"),
                                                         ("selectbox", "filter_timeframe_mode", "completed")]),
    "case attribute filter": ("byggetilladelse", "overview", [("selectbox", "filter_case_attribute", "channel")]),
    "event attribute filter": ("byggetilladelse", "overview", [
        ("selectbox", "filter_kind", "event_attribute"), ("selectbox", "filter_event_attribute", "resource"),
        ("selectbox", "filter_event_mode", "none")]),
    "variants filter": ("byggetilladelse", "overview", [("selectbox", "filter_kind", "variants"),
                                                        ("radio", "filter_variants_how", "share")]),
    "throughput filter": ("byggetilladelse", "overview", [("selectbox", "filter_kind", "throughput"),
                                                          ("selectbox", "filter_throughput_unit", "hours")]),
    "follower filter": ("byggetilladelse", "overview", [("selectbox", "filter_kind", "follower"),
                                                        ("radio", "filter_follower_relation", "directly")]),
}


@pytest.mark.parametrize("name", list(CHOICES))
def test_a_choice_is_kept_after_a_switch_to_danish(name, caplog):
    sample, page, choices = CHOICES[name]
    at = start_app(SAMPLES / sample, page)
    for kind, key, value in choices:
        assert _widget(at, kind, key).value != value, f"{key}: {value!r} is already chosen"
        _pick(at, kind, key, value)
    with caplog.at_level(logging.WARNING):
        switch_as_a_browser(at)
    assert not at.error, at.error[0].value
    for kind, key, value in choices:
        assert _widget(at, kind, key).value == value, key
    assert at.session_state[state.LANG_KEY] == "da"
    # A worded widget's first choice is in the session state, not its default=/index=: Streamlit
    # warned of a widget "created with a default value but also had its value set via the Session State API".
    assert not [r.getMessage() for r in caplog.records if "Session State API" in r.getMessage()]


def test_a_choice_is_kept_in_a_form_and_back_in_english():
    """The deadline form: a rule added with its choices, which stay after a switch there and back."""
    at = start_app(SAMPLES / "byggetilladelse", "throughput")
    at.text_input(key="deadline_name").input("weekly")
    for key, value in (("deadline_unit", "weeks"), ("deadline_case_type", "byggetilladelse")):
        _widget(at, "selectbox", key).set_value(value)
    at.button(key="FormSubmitter:deadline_add-Add").click().run()
    assert_no_exception(at)
    assert at.session_state["deadline_rules"][-1].unit == "weeks"
    for lang in ("da", "en"):
        switch_as_a_browser(at, lang)
        assert not at.error, at.error[0].value
        assert _widget(at, "selectbox", "deadline_unit").value == "weeks"
        assert _widget(at, "selectbox", "deadline_case_type").value == "byggetilladelse"


def test_a_column_left_out_of_an_upload_stays_out():
    """The mapping of an upload: "(none)" for the resource stays none, not the guessed column."""
    from shared_data import SHARED_DATA

    from procmine.ui.upload import NO_COLUMN
    at = start_app(SAMPLES / "byggetilladelse", "data")
    _pick(at, "radio", "data_source", "upload")
    at.file_uploader(key="data_upload").upload("running-example.csv",
                                               (SHARED_DATA / "running-example.csv").read_bytes()).run()
    resource = next(box for box in at.selectbox if box.key.startswith("data_role_resource_"))
    assert resource.value == "org:resource"
    _pick(at, "selectbox", resource.key, NO_COLUMN)
    assert _widget(at, "selectbox", resource.key).value == NO_COLUMN
    switch_as_a_browser(at)
    assert not at.error, at.error[0].value
    assert _widget(at, "selectbox", resource.key).value == NO_COLUMN
    assert _widget(at, "selectbox", resource.key).options[0] == "(ingen)"


def test_another_dataset_starts_at_its_own_case_notion():
    """A notion chosen for one dataset is not shown for the next: the box and the log agree again."""
    at = start_app(SAMPLES / "aktindsigt", "data")
    _pick(at, "selectbox", state.CASE_NOTION_WIDGET, "citizen")
    assert at.session_state[state.CASE_NOTION_KEY] == "citizen"
    _pick(at, "selectbox", "data_sample", "kommune")
    at.button(key="data_open_sample").click().run()
    assert_no_exception(at)
    assert at.session_state[state.CASE_NOTION_KEY] is None
    assert _widget(at, "selectbox", state.CASE_NOTION_WIDGET).index == 0
