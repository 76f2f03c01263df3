"""Lenient import: events without an activity or a timestamp are left out, counted exactly and placed.

The XES case is a copy of the real WABO_receipt log with `concept:name` / `time:timestamp`
removed from known events; the counts kept are compared with pm4py reading the same file.
"""

from __future__ import annotations

import gzip
import json
import re
import warnings
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from shared_data import SHARED_DATA as DATA
from typer.testing import CliRunner

from procmine.cli import app
from procmine.dataset import read_dataset
from procmine.dataset_meta import Place
from procmine.errors import LogValidationError
from procmine.importing import import_log, read_log
from procmine.importing.options import ImportOptions
from procmine.importing.quarantine import describe_place

WABO_EVENTS, WABO_CASES = 8577, 1434
NO_NAME = (0, 17, 4000, 8576)        # event numbers in file order, 0-based
NO_TIME = (17, 250, 6001)
_EVENT = re.compile(r"<event>.*?</event>", re.DOTALL)


def _strip(event: str, key: str) -> str:
    stripped = re.sub(rf'\s*<(string|date) key="{re.escape(key)}" value="[^"]*"\s*/>', "", event, count=1)
    assert stripped != event
    return stripped


def wabo_with_holes(path: Path, no_name=NO_NAME, no_time=NO_TIME) -> Path:
    """A copy of WABO_receipt.xes.gz whose given events lack concept:name or time:timestamp."""
    with gzip.open(DATA / "WABO_receipt.xes.gz", "rb") as packed:
        text = packed.read().decode("utf-8")
    counter = iter(range(10**9))

    def edit(match: re.Match) -> str:
        number, event = next(counter), match.group(0)
        if number in no_name:
            event = _strip(event, "concept:name")
        if number in no_time:
            event = _strip(event, "time:timestamp")
        return event

    path.write_bytes(gzip.compress(_EVENT.sub(edit, text).encode("utf-8")))
    return path


@pytest.fixture(scope="module")
def holed(tmp_path_factory) -> Path:
    return wabo_with_holes(tmp_path_factory.mktemp("wabo") / "wabo_holes.xes.gz")


def test_xes_events_without_name_or_time_are_left_out_exactly(holed, tmp_path):
    dataset = import_log(holed, tmp_path / "ds")
    left_out = set(NO_NAME) | set(NO_TIME)
    assert dataset.meta.events == WABO_EVENTS - len(left_out)
    record = json.loads((tmp_path / "ds" / "procmine.json").read_text(encoding="utf-8"))["quarantine"]
    assert record == {"events": len(left_out), "without_activity": len(NO_NAME),
                      "without_timestamp": len(NO_TIME), "cases_left_out": record["cases_left_out"],
                      "first": record["first"]}
    assert record["first"][0] == {"trace": 1, "event": 1, "case": record["first"][0]["case"]}
    assert len(record["first"]) == 5
    assert read_dataset(tmp_path / "ds").events.num_rows == WABO_EVENTS - len(left_out)


def test_the_kept_events_equal_pm4pys_complete_events(holed, tmp_path):
    pm4py = pytest.importorskip("pm4py")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # pm4py's Python importer, named: its default can be the Rust one, which fills the log's
        # <global> defaults (activity "UNKNOWN", time 1970-01-01) into the events that lack them
        frame = pm4py.read_xes(str(holed), variant="iterparse")
    assert frame["concept:name"].isna().sum() == len(NO_NAME)
    complete = frame[frame["concept:name"].notna() & frame["time:timestamp"].notna()]
    dataset = import_log(holed, tmp_path / "ds")
    assert dataset.meta.events == len(complete)
    assert dataset.meta.cases == complete["case:concept:name"].nunique()
    ours = dataset.events.column("activity").cast(pa.string()).to_pylist()
    assert sorted(ours) == sorted(complete["concept:name"].tolist())


def test_a_trace_whose_every_event_is_left_out_is_counted(tmp_path):
    raw = read_log(DATA / "running-example.xes")
    first_case = raw.events.column("case_id")[0].as_py()
    source = tmp_path / "two_cases_holed.xes"
    text = (DATA / "running-example.xes").read_text(encoding="utf-8")
    traces = re.findall(r"<trace>.*?</trace>", text, re.DOTALL)
    emptied = _EVENT.sub(lambda m: _strip(m.group(0), "concept:name"), traces[0])
    source.write_text(text.replace(traces[0], emptied), encoding="utf-8")
    lenient = read_log(source)
    assert lenient.quarantine.cases == 1
    assert first_case not in lenient.events.column("case_id").to_pylist()
    assert lenient.events.num_rows == 42 - lenient.quarantine.events


def test_strict_refuses_and_names_the_event(holed, tmp_path):
    with pytest.raises(LogValidationError, match=r"Event 1 of trace 1 \(case .*has no 'concept:name'"):
        import_log(holed, tmp_path / "ds", ImportOptions(strict=True))
    assert not (tmp_path / "ds").exists()


def test_cli_prints_one_warning_line_and_strict_exits_2(holed, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(holed), str(tmp_path / "ds")])
    assert result.exit_code == 0, result.output
    warning = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warning) == 1
    assert "left out 6 event(s) (4 without an activity, 3 without a timestamp)" in warning[0]
    assert "event 1 of trace 1" in warning[0] and "--strict" in warning[0]
    strict = runner.invoke(app, ["import", str(holed), str(tmp_path / "strict"), "--strict"])
    assert strict.exit_code == 2 and "Traceback" not in strict.output
    assert "wabo_holes.xes.gz" in strict.stderr and not (tmp_path / "strict").exists()


CSV = ("Sag,Aktivitet,Tidspunkt,Afdeling\n1,a,2024-01-01 10:00,X\n1,,2024-01-02 10:00,X\n"
       "2,a,,Y\n2,b,2024-01-03 10:00,Y\n3,,,Z\n")


def _check_tabular(raw) -> None:
    assert raw.events.num_rows == 2
    assert (raw.quarantine.events, raw.quarantine.without_activity, raw.quarantine.without_timestamp,
            raw.quarantine.cases) == (3, 2, 2, 1)


def test_csv_rows_without_activity_or_time_are_left_out(tmp_path):
    source = tmp_path / "holes.csv"
    source.write_text(CSV, encoding="utf-8")
    raw = read_log(source)
    _check_tabular(raw)
    assert raw.quarantine.first == (Place(row=3), Place(row=4), Place(row=6))
    assert sorted(raw.cases.column("case_id").to_pylist()) == ["1", "2"]  # case 3 had no complete event
    with pytest.raises(LogValidationError, match=r"row 3.*'Aktivitet'"):
        read_log(source, ImportOptions(strict=True))


def test_excel_rows_are_left_out_with_sheet_places(tmp_path):
    source = tmp_path / "holes.xlsx"
    book = openpyxl.Workbook()
    for line in CSV.splitlines():
        book.active.append([cell or None for cell in line.split(",")])
    book.save(source)
    raw = read_log(source)
    _check_tabular(raw)
    assert [describe_place(p) for p in raw.quarantine.first] == [
        "row 3 in sheet 'Sheet'", "row 4 in sheet 'Sheet'", "row 6 in sheet 'Sheet'"]
    assert describe_place(raw.quarantine.first[0], "da") == "række 3 i arket 'Sheet'"


def test_parquet_rows_are_left_out(tmp_path):
    source = tmp_path / "holes.parquet"
    pq.write_table(pa.table({"case_id": ["1", "1", "2"], "activity": ["a", None, "b"],
                             "timestamp": pa.array([0, 1, None], pa.timestamp("us", "UTC"))}), source)
    raw = read_log(source)
    assert raw.events.num_rows == 1 and raw.quarantine.first == (Place(row=2), Place(row=3))
    assert raw.quarantine.cases == 1


def test_a_log_of_only_incomplete_events_is_refused(tmp_path):
    source = tmp_path / "nothing.csv"
    source.write_text("Sag,Aktivitet,Tidspunkt\n1,,2024-01-01\n2,,2024-01-02\n", encoding="utf-8")
    with pytest.raises(LogValidationError, match=r"Every event \(2\) lacks.*nothing.csv"):
        read_log(source)


def test_the_report_and_the_app_data_page_show_what_was_left_out(holed, tmp_path):
    import lxml.html
    from app_testing import start_app, texts

    import procmine
    from procmine.report import ReportSettings, build_report, render_html

    import_log(holed, tmp_path / "ds")
    log = procmine.open(tmp_path / "ds")
    for lang, label, place in (("en", "Events left out at import", "event 1 of trace 1"),
                               ("da", "Hændelser udeladt ved importen", "hændelse 1 i spor 1")):
        page = render_html(build_report(log, ReportSettings(lang=lang), "wabo"))
        row = lxml.html.fromstring(page).xpath("//tr[@data-quality='left_out_at_import']")
        assert len(row) == 1 and row[0].get("data-value") == "6"
        assert label in row[0].text_content() and place in row[0].text_content()
    shown = texts(start_app(tmp_path / "ds", page="data", lang="da"))
    assert "6 hændelse(r) uden aktivitet eller tidspunkt blev udeladt" in shown
    assert "hændelse 1 i spor 1 (sag " in shown and "event 1 of trace" not in shown


def test_a_pandas_frame_records_what_was_left_out(tmp_path):
    import pandas as pd

    import procmine
    frame = pd.DataFrame({"case": ["1", "1", "2"], "activity": ["a", None, "b"],
                          "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])})
    for target in (None, tmp_path / "ds"):
        dataset = procmine.from_pandas(frame, target, case_id="case")
        assert dataset.meta.events == 2
        assert dataset.meta.quarantine.without_activity == 1
        assert dataset.meta.quarantine.first == [Place(row=1)]


def test_an_app_upload_takes_the_same_lenient_path(holed, tmp_path):
    from app_testing import assert_no_exception, start_app, texts

    from procmine.ui import state

    import_log(DATA / "running-example.csv", tmp_path / "open")
    at = start_app(tmp_path / "open", page="data")
    at.radio(key="data_source").set_value("upload").run()
    at.file_uploader(key="data_upload").upload("wabo_holes.xes.gz", holed.read_bytes()).run()
    at.button(key="data_import").click().run()
    assert_no_exception(at)
    uploaded = read_dataset(at.session_state[state.DATASET_KEY])
    assert uploaded.meta.events == WABO_EVENTS - 6 and uploaded.meta.quarantine.events == 6
    assert uploaded.meta.quarantine == import_log(holed, tmp_path / "cli").meta.quarantine
    assert "6 event(s) without an activity or a timestamp were left out" in texts(at)
