"""AppTest: the DCR tab of the Model page shows the engine's DCR graph and rule violations."""

from __future__ import annotations

from app_testing import assert_no_exception, metrics, start_app, texts

from procmine.dcr import discover_dcr_from_traces
from procmine.dcr.model import check_dcr_against_discovered, check_dcr_against_file
from procmine.dcr.timing import TimingOptions
from procmine.dcr.xml_io import write_dcr_xml
from procmine.formatting import format_number, format_percent
from procmine.opening import open_log

SAMPLE = "sample_logs/byggetilladelse"


def test_dcr_tab_draws_the_graph_offers_its_files_and_lists_broken_rules():
    at = start_app(SAMPLE, "model")
    keys = {button.key for button in at.download_button}
    assert {"dcr_download_svg", "dcr_download_png", "dcr_download_xml"} <= keys
    assert any("data:image/svg+xml;base64," in h.value and 'id="dcr_graph"' in h.value for h in at.html)
    expected = check_dcr_against_discovered(open_log(SAMPLE), TimingOptions())
    shown = metrics(at)
    assert shown["Cases that keep every rule"] == format_percent(expected.fitting_cases_share, "en")
    assert shown["Rules broken"] == format_number(len(expected.broken_rules()), "en")
    assert len(expected.broken_rules()) > 0          # deadlines at 90 %: the slowest cases are late
    tables = [frame.value for frame in at.dataframe]
    assert any(list(frame.iloc[:, 0]) == list(expected.broken_rules()["rule"]) for frame in tables)
    at.slider(key="dcr_deadline_share").set_value(1.0).run()
    assert_no_exception(at)
    assert "Every case keeps every rule of the graph." in texts(at)


def test_dcr_tab_in_danish_and_against_an_uploaded_graph(tmp_path):
    reference = write_dcr_xml(discover_dcr_from_traces([["Ansøgning modtaget", "Kvittering", "Afgørelse"]]),
                              tmp_path / "reference.xml")
    at = start_app(SAMPLE, "model", lang="da")
    assert "DCR-graf" in [tab.label for tab in at.tabs]
    at.file_uploader(key="dcr_reference").upload("reference.xml", reference.read_bytes()).run()
    assert_no_exception(at)
    expected = check_dcr_against_file(open_log(SAMPLE), reference)
    assert metrics(at)["Sager der overholder alle regler"] == format_percent(expected.fitting_cases_share, "da")
    at.file_uploader(key="dcr_reference").upload("broken.xml", b"<dcrgraph><spec").run()
    assert_no_exception(at)
    assert any("not well-formed" in e.value for e in at.error)
