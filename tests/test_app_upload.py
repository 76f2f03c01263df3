"""AppTest: uploading logs on the data page; bad uploads show their error and keep the open data."""

from __future__ import annotations

import gzip

import pytest
from app_testing import assert_no_exception, go, metrics, start_app
from shared_data import SHARED_DATA

from procmine.ui import state

LOG = "WABO_receipt.xes.gz"
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>
<log><trace><string key="concept:name" value="&lol6;"/></trace></log>"""


@pytest.fixture(scope="module")
def wabo(imported_dataset):
    return imported_dataset(LOG)


def _upload(at, name: str, content: bytes):
    at.radio(key="data_source").set_value("upload").run()
    at.file_uploader(key="data_upload").upload(name, content).run()
    assert_no_exception(at)
    if len(at.error) == 0 and any(b.key == "data_import" for b in at.button):
        at.button(key="data_import").click().run()
        assert_no_exception(at)
    return at


@pytest.mark.parametrize("name, content, message", [
    ("garbage.xes", bytes(range(256)) * 40, "garbage.xes"),
    ("garbage.parquet", b"PAR1 this is not parquet at all", "garbage.parquet"),
    ("empty.csv", b"", "empty"),
    ("empty.xes.gz", b"", "empty"),
    ("bomb.xes", BOMB, "bomb.xes"),
    ("bomb.xes.gz", gzip.compress(BOMB), "bomb.xes.gz"),
    ("no-time.csv", b"case,activity,who\n1,a,x\n1,b,y\n2,a,x\n", "timestamp"),
])
def test_a_bad_upload_shows_its_error_and_keeps_the_open_dataset(wabo, name, content, message):
    at = _upload(start_app(wabo, "data"), name, content)
    errors = [e.value for e in at.error]
    assert errors, f"no error shown for {name}"
    assert message.lower() in errors[0].lower()
    assert at.session_state[state.DATASET_KEY] == str(wabo)
    go(at, "overview")
    assert metrics(at)["Cases"] == "1,434"


def test_a_csv_upload_shows_the_mapping_and_imports(wabo):
    content = (SHARED_DATA / "running-example.csv").read_bytes()
    at = start_app(wabo, "data")
    at.radio(key="data_source").set_value("upload").run()
    at.file_uploader(key="data_upload").upload("running-example.csv", content).run()
    assert_no_exception(at)
    roles = {box.key.split("_")[2]: box.value for box in at.selectbox if box.key.startswith("data_role_")}
    assert roles["case"] == "case:concept:name"
    assert roles["activity"] == "concept:name"
    assert roles["timestamp"] == "time:timestamp"
    assert len(at.dataframe[0].value) == 20
    at.button(key="data_import").click().run()
    assert_no_exception(at)
    assert "Imported running-example.csv: 42 events" in at.success[0].value
    assert at.session_state[state.DATASET_KEY] != str(wabo)
    assert metrics(at)["Cases"] == "6"


def test_a_csv_with_odd_headers_is_mapped_by_hand(wabo):
    content = ("Sag;Trin;Hvornår\n1;Modtaget;2026-01-05 09:00\n1;Afgjort;2026-01-07 10:00\n"
               "2;Modtaget;2026-01-06 11:00\n").encode()
    at = start_app(wabo, "data")
    at.radio(key="data_source").set_value("upload").run()
    at.file_uploader(key="data_upload").upload("odd.csv", content).run()
    boxes = {box.key.split("_")[2]: box for box in at.selectbox if box.key.startswith("data_role_")}
    boxes["activity"].set_value("Trin")
    boxes["timestamp"].set_value("Hvornår")
    at.run()
    at.button(key="data_import").click().run()
    assert_no_exception(at)
    assert not at.error, at.error[0].value
    assert metrics(at)["Cases"] == "2"
    assert metrics(at)["Events"] == "3"


def test_an_excel_upload_offers_its_sheets_and_imports_the_chosen_one(wabo, tmp_path):
    from openpyxl import Workbook
    book = Workbook()
    book.active.title = "Noter"
    book.active.append(["Bare en note"])
    sheet = book.create_sheet("Hændelser")
    sheet.append(["Sagsnummer", "Aktivitet", "Tidspunkt", "Sagsbehandler"])
    for case, activity, day in (("S1", "Modtaget", 5), ("S1", "Afgjort", 9), ("S2", "Modtaget", 6)):
        sheet.append([case, activity, f"2026-01-{day:02d} 10:00", "sb-1"])
    path = tmp_path / "log.xlsx"
    book.save(path)
    at = start_app(wabo, "data")
    at.radio(key="data_source").set_value("upload").run()
    at.file_uploader(key="data_upload").upload("log.xlsx", path.read_bytes()).run()
    assert at.selectbox(key="data_sheet").options == ["Noter", "Hændelser"]
    at.selectbox(key="data_sheet").set_value("Hændelser").run()
    roles = {box.key.split("_")[2]: box.value for box in at.selectbox if box.key.startswith("data_role_")}
    assert (roles["case"], roles["activity"], roles["timestamp"]) == ("Sagsnummer", "Aktivitet", "Tidspunkt")
    at.button(key="data_import").click().run()
    assert_no_exception(at)
    assert not at.error, at.error[0].value
    assert metrics(at)["Cases"] == "2" and metrics(at)["Events"] == "3"


def test_a_large_upload_is_imported_in_a_child_process_with_its_progress(wabo):
    """Sepsis (183 KB of gzip, 1.8 MB of XES) is past the in-process size: it goes through the child."""
    from procmine.importing.bounded_import import imports_quickly
    log = SHARED_DATA / "Sepsis_Cases.xes.gz"
    assert not imports_quickly(log)
    at = _upload(start_app(wabo, "data"), log.name, log.read_bytes())
    assert not at.error, at.error[0].value
    assert "Imported Sepsis_Cases.xes.gz: 15,214 events" in at.success[0].value
    assert metrics(at)["Cases"] == "1,050"
