"""AppTest: the model page (discovery, conformance) and the compare page show the engine's results."""

from __future__ import annotations

import pytest
from app_testing import assert_no_exception, go, start_app, texts

from procmine.analysis.compare import compare
from procmine.conformance import check_conformance, read_model
from procmine.discovery import DiscoveryOptions, discover
from procmine.filters import CaseAttributeFilter, VariantsFilter, filters_to_json
from procmine.formatting import format_duration, format_number, format_percent
from procmine.opening import open_log
from procmine.render.bpmn_export import bpmn_xml

LOG = "WABO_receipt.xes.gz"
STACK = [VariantsFilter(top=8)]


@pytest.fixture(scope="module")
def wabo(imported_dataset):
    return imported_dataset(LOG)


def test_model_page_draws_the_discovered_bpmn_and_offers_its_files(wabo):
    at = start_app(wabo, "model", filters=STACK)
    at.slider(key="model_noise").set_value(0).run()
    assert_no_exception(at)
    model = discover(open_log(wabo).filter(*STACK), DiscoveryOptions(noise=0.0))
    picture = at.html[0].value
    assert "data:image/svg+xml;base64," in picture
    keys = {button.key for button in at.download_button}
    assert {"model_download_svg", "model_download_png", "model_download_bpmn", "model_download_pnml"} <= keys
    assert any(node.kind == "task" for node in model.bpmn.nodes)
    at.radio(key="model_miner").set_value("heuristics").run()
    assert_no_exception(at)
    assert at.html[0].value != picture


def test_conformance_against_an_uploaded_bpmn_equals_the_engines(wabo, tmp_path):
    reference_log = open_log(wabo).filter(VariantsFilter(top=3))
    reference = tmp_path / "reference.bpmn"
    reference.write_bytes(bpmn_xml(discover(reference_log, DiscoveryOptions(noise=0.0)).bpmn))
    at = start_app(wabo, "model", filters=STACK)
    at.file_uploader(key="model_reference").upload("reference.bpmn", reference.read_bytes()).run()
    assert_no_exception(at)
    expected = check_conformance(open_log(wabo).filter(*STACK), read_model(reference))
    shown = {m.label: m.value for m in at.metric}
    assert shown["Fitness"] == format_percent(expected.alignment_fitness, "en")
    assert shown["Precision"] == format_percent(expected.precision, "en")
    assert shown["Cases that fit"] == format_percent(expected.fitting_cases_share, "en")
    deviating = expected.deviating_cases()
    assert 0 < len(deviating) < expected.num_cases
    assert f"Deviating cases: {format_number(len(deviating), 'en')}" in texts(at)


def test_a_broken_reference_model_shows_its_error(wabo):
    at = start_app(wabo, "model", filters=STACK)
    at.file_uploader(key="model_reference").upload("broken.bpmn", b"<definitions><process>").run()
    assert_no_exception(at)
    assert at.error and "broken.bpmn" in at.error[0].value


def test_compare_two_attribute_values_shows_the_engines_kpis(wabo):
    at = start_app(wabo, "compare", filters=STACK)
    at.selectbox(key="compare_attribute").set_value("department").run()
    assert_no_exception(at)
    values = at.selectbox(key="compare_value_a_department").options
    first, second = values[0], values[1]
    log = open_log(wabo)
    expected = compare(log.filter(*STACK, CaseAttributeFilter(attribute="department", values=(first,))),
                       log.filter(*STACK, CaseAttributeFilter(attribute="department", values=(second,))))
    table = next(d.value for d in at.dataframe if list(d.value.columns[:1]) == ["Figure"])
    kpis = expected.kpis.set_index("metric")
    assert table.iloc[0, 1] == format_number(kpis.loc["cases", "a"], "en")
    assert table.iloc[0, 2] == format_number(kpis.loc["cases", "b"], "en")
    assert table.iloc[5, 1] == format_duration(kpis.loc["median_throughput_seconds", "a"], "en")
    assert sum("data:image/svg+xml" in h.value for h in at.html) == 2


def test_compare_two_saved_stacks_and_two_periods(wabo):
    at = start_app(wabo, "compare")
    at.radio(key="compare_mode").set_value("stacks").run()
    at.file_uploader(key="compare_stack_A").upload("top2.json", filters_to_json([VariantsFilter(top=2)]).encode())
    at.file_uploader(key="compare_stack_B").upload("top5.json", filters_to_json([VariantsFilter(top=5)]).encode())
    at.run()
    assert_no_exception(at)
    log = open_log(wabo)
    expected = compare(log.filter(VariantsFilter(top=2)), log.filter(VariantsFilter(top=5))).kpis
    table = next(d.value for d in at.dataframe if list(d.value.columns[:1]) == ["Figure"])
    assert list(table.columns[1:3]) == ["top2.json", "top5.json"]
    assert table.iloc[0, 1] == format_number(expected["a"][0], "en")
    assert table.iloc[0, 2] == format_number(expected["b"][0], "en")
    at.radio(key="compare_mode").set_value("periods").run()
    assert_no_exception(at)
    assert sum("data:image/svg+xml" in h.value for h in at.html) == 2


def test_model_and_compare_in_danish(wabo):
    at = start_app(wabo, "model", lang="da", filters=STACK)
    assert at.header[0].value == "Model"
    assert "Støjtærskel" in texts(at)
    go(at, "compare")
    assert at.header[0].value == "Sammenlign"
    assert at.radio(key="compare_mode").options[0] == "To værdier af en attribut"
    assert "Overblik" not in texts(at) and "Nøgletal" in list(at.dataframe[0].value.columns)
