"""AppTest: the frame, the data page, the filter stack, the overview page and the language switch."""

from __future__ import annotations

import pytest
from app_testing import assert_no_exception, go, metrics, start_app, texts

from procmine.analysis.overview import overview
from procmine.filters import EndpointsFilter, VariantsFilter
from procmine.formatting import format_date, format_duration, format_number, format_percent
from procmine.i18n import LANGUAGES, all_texts
from procmine.opening import open_log
from procmine.ui import state

LOG = "WABO_receipt.xes.gz"


@pytest.fixture(scope="module")
def wabo(imported_dataset):
    return imported_dataset(LOG)


def _expected_cards(log, lang: str) -> dict[str, str]:
    facts = overview(log)
    return {
        "cases": format_number(facts.cases, lang), "events": format_number(facts.events, lang),
        "variants": format_number(facts.variants, lang),
        "median": format_duration(facts.median_throughput_seconds, lang),
        "p90": format_duration(facts.p90_throughput_seconds, lang),
        # the dates' own spaces do not break (a narrow card wraps after the dash)
        "period": " – ".join(format_date(moment, lang).replace(" ", "\u00a0")
                             for moment in (facts.first_timestamp, facts.last_timestamp)),
    }


def test_every_text_has_both_languages_and_placeholders_agree():
    import string
    for key, translations in all_texts().items():
        assert set(LANGUAGES) <= set(translations), key
        fields = [{name for _, name, _, _ in string.Formatter().parse(translations[lang]) if name}
                  for lang in LANGUAGES]
        assert fields[0] == fields[1], key


def test_danish_number_and_date_formats():
    import datetime as dt
    assert format_number(1234.5, "da", 1) == "1.234,5"
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_percent(0.125, "da") == "12,5 %"
    assert format_date(dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC), "da") == "28. nov. 2026"
    assert format_date(dt.datetime(2026, 5, 3, 23, 30, tzinfo=dt.UTC), "da") == "4. maj 2026"


def test_overview_shows_the_engines_figures_for_the_filter_stack(wabo):
    stack = [VariantsFilter(top=3)]
    at = start_app(wabo, "overview", filters=stack)
    expected = _expected_cards(open_log(wabo).filter(*stack), "en")
    shown = metrics(at)
    assert shown["Cases"] == expected["cases"]
    assert shown["Events"] == expected["events"]
    assert shown["Variants"] == "3" == expected["variants"]
    assert shown["Median throughput"] == expected["median"]
    assert shown["P90 throughput"] == expected["p90"]
    assert shown["Period"] == expected["period"]
    full = open_log(wabo).num_cases
    kept = open_log(wabo).filter(*stack).num_cases
    share = format_percent(kept / full, "en")
    assert f"{format_number(kept, 'en')} of {format_number(full, 'en')} cases ({share})" in texts(at)


def test_adding_a_filter_in_the_sidebar_changes_every_figure(wabo):
    at = start_app(wabo, "overview")
    before = metrics(at)["Cases"]
    at.sidebar.selectbox(key="filter_kind").set_value("variants").run()
    at.sidebar.number_input(key="filter_top").set_value(2).run()
    at.sidebar.button(key="filter_add").click().run()
    assert_no_exception(at)
    assert at.session_state[state.FILTERS_KEY] == [VariantsFilter(top=2)]
    expected = _expected_cards(open_log(wabo).filter(VariantsFilter(top=2)), "en")
    assert metrics(at)["Cases"] == expected["cases"] != before
    assert "the 2 most frequent variants" in texts(at) or "2" in texts(at)
    at.sidebar.button(key="filter_remove_0").click().run()
    assert at.session_state[state.FILTERS_KEY] == []
    assert metrics(at)["Cases"] == before


def test_a_filter_that_does_not_fit_shows_its_message_and_keeps_the_stack(wabo):
    at = start_app(wabo, "overview", filters=[VariantsFilter(top=3)])
    at.sidebar.selectbox(key="filter_kind").set_value("endpoints").run()
    at.sidebar.button(key="filter_add").click().run()   # no start or end activity chosen
    assert_no_exception(at)
    assert any("endpoints filter" in e.value for e in at.sidebar.error)
    assert at.session_state[state.FILTERS_KEY] == [VariantsFilter(top=3)]


def test_reset_empties_the_stack(wabo):
    first = open_log(wabo).base.activity_names[0]
    at = start_app(wabo, "overview", filters=[VariantsFilter(top=3), EndpointsFilter(start=(first,))])
    at.sidebar.button(key="filters_reset").click().run()
    assert at.session_state[state.FILTERS_KEY] == []


def test_switching_to_danish_changes_labels_and_number_formats(wabo):
    at = start_app(wabo, "overview")
    at.sidebar.radio(key=state.LANG_KEY).set_value("da").run()
    assert_no_exception(at)
    expected = _expected_cards(open_log(wabo), "da")
    shown = metrics(at)
    assert shown["Sager"] == expected["cases"]
    assert shown["Hændelser"] == expected["events"]
    assert shown["Median gennemløbstid"] == expected["median"]
    assert shown["Periode"] == expected["period"]
    page_text = texts(at)
    for danish in ("Filtre", "Sider", "Sprog", "Tilføj et filter", "Gennemløbstid"):
        assert danish in page_text
    for english in ("Cases", "Add a filter", "Language", "Median throughput"):
        assert english not in page_text


def test_data_page_shows_the_facts_of_the_dataset(wabo):
    at = start_app(wabo, "data")
    facts = overview(open_log(wabo))
    shown = metrics(at)
    assert shown["Cases"] == format_number(facts.cases, "en") == "1,434"
    assert shown["Events"] == format_number(facts.events, "en") == "8,577"
    assert shown["Activities"] == format_number(facts.activities, "en")
    assert "xes" in texts(at)


def test_opening_a_folder_that_is_no_dataset_keeps_the_data(wabo, tmp_path):
    at = start_app(wabo, "data")
    at.radio(key="data_source").set_value("folder").run()
    at.text_input(key="data_folder").input(str(tmp_path)).run()
    at.button(key="data_open_folder").click().run()
    assert_no_exception(at)
    assert "is not a procmine dataset" in at.error[0].value
    assert at.session_state[state.DATASET_KEY] == str(wabo)
    go(at, "overview")
    assert metrics(at)["Cases"] == "1,434"


def test_sample_logs_are_offered_and_opened(wabo, imported_dataset, monkeypatch, tmp_path):
    import shutil
    samples = tmp_path / "samples"
    shutil.copytree(wabo, samples / "wabo")
    shutil.copytree(imported_dataset("Sepsis_Cases.xes.gz"), samples / "sepsis")
    monkeypatch.setenv(state.SAMPLES_ENV, str(samples))
    at = start_app(wabo, "data")
    assert at.selectbox(key="data_sample").options == ["sepsis", "wabo"]
    at.selectbox(key="data_sample").set_value("sepsis").run()
    at.button(key="data_open_sample").click().run()
    assert_no_exception(at)
    assert at.session_state[state.DATASET_KEY] == str(samples / "sepsis")
    assert metrics(at)["Cases"] == "1,050"


def test_a_dataset_deleted_while_open_sends_the_user_to_the_data_page(wabo, tmp_path):
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(wabo, copy)
    at = start_app(copy, "overview")
    shutil.rmtree(copy)
    at.run()
    assert_no_exception(at)
    assert "No dataset is open yet" in at.info[0].value
    assert at.header[0].value == "Data"


def test_a_saved_stack_is_loaded_from_a_file_and_a_bad_one_is_refused(wabo):
    from procmine.filters import filters_to_json
    at = start_app(wabo, "overview")
    stack = [VariantsFilter(top=4)]
    at.sidebar.file_uploader(key="filters_file").upload("view.json", filters_to_json(stack).encode()).run()
    assert_no_exception(at)
    assert at.session_state[state.FILTERS_KEY] == stack
    assert metrics(at)["Cases"] == format_number(open_log(wabo).filter(*stack).num_cases, "en")
    at = start_app(wabo, "overview")
    bad = b'[{"kind": "endpoints", "start": ["No such activity"]}]'
    at.sidebar.file_uploader(key="filters_file").upload("bad.json", bad).run()
    assert_no_exception(at)
    assert "No such activity" in at.sidebar.error[0].value
    assert at.session_state[state.FILTERS_KEY] == []
