"""XES import: counts of the real logs, types, mapping, interval logs, and pm4py's variants."""

from __future__ import annotations

import gzip
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from shared_data import SHARED_DATA as DATA

from procmine.dataset import write_dataset
from procmine.dataset_meta import Place
from procmine.errors import LogValidationError
from procmine.importing import import_log, read_log
from procmine.importing.options import ImportOptions


def _counts(name: str) -> tuple[int, int, int]:
    raw = read_log(DATA / name)
    events = raw.events
    return (pc.count_distinct(events.column("case_id")).as_py(), events.num_rows,
            pc.count_distinct(events.column("activity")).as_py())


@pytest.mark.parametrize("name, cases, events, activities", [
    ("WABO_receipt.xes.gz", 1434, 8577, 27),
    ("Sepsis_Cases.xes.gz", 1050, 15214, 16),
    ("running-example.xes", 6, 42, 8),
])
def test_real_logs_give_the_published_counts(name, cases, events, activities):
    assert _counts(name) == (cases, events, activities)


@pytest.mark.slow
@pytest.mark.parametrize("name, cases, events, activities", [
    ("BPIC15_1.xes.gz", 1199, 52217, 398),
    ("Road_Traffic_Fine_Management_Process.xes.gz", 150370, 561470, 11),
])
def test_large_real_logs_give_the_published_counts(name, cases, events, activities):
    assert _counts(name) == (cases, events, activities)


def test_attribute_types_follow_the_xes_types():
    raw = read_log(DATA / "Sepsis_Cases.xes.gz")
    types = dict(zip(raw.events.column_names, raw.events.schema.types))
    assert types["Age"] == pa.int64()
    assert types["CRP"] == pa.float64()
    assert types["DiagnosticBlood"] == pa.bool_()
    assert types["timestamp"] == pa.timestamp("us", tz="UTC")
    assert types["lifecycle"] == pa.string()


def test_trace_attributes_go_to_the_case_table():
    raw = read_log(DATA / "WABO_receipt.xes.gz")
    assert raw.cases.num_rows == 1434
    assert raw.cases.column_names[0] == "case_id"
    assert raw.cases.schema.field("startdate").type == pa.timestamp("us", tz="UTC")
    assert "channel" in raw.cases.column_names and "channel" not in raw.events.column_names


def test_interval_log_keeps_start_and_complete_as_they_are():
    text = (DATA / "interval_event_log.xes").read_text(encoding="utf-8")
    raw = read_log(DATA / "interval_event_log.xes")
    assert raw.events.num_rows == text.count("<event>")
    starts = raw.events.column("start_timestamp")
    assert starts.type == pa.timestamp("us", tz="UTC") and starts.null_count == 0
    assert pc.all(pc.less_equal(starts, raw.events.column("timestamp"))).as_py()


def test_lifecycle_pairs_stay_one_row_each(tmp_path):
    path = _write(tmp_path / "pairs.xes", _log(
        _trace("c1", _event("A", "2024-01-02T08:00:00+01:00", lifecycle="start"),
               _event("A", "2024-01-02T09:00:00+01:00", lifecycle="complete"))))
    raw = read_log(path)
    assert raw.events.column("lifecycle").to_pylist() == ["start", "complete"]
    assert raw.events.column("activity").to_pylist() == ["A", "A"]


def test_namespace_bom_and_gzip_are_read(tmp_path):
    body = _log(_trace("c1", _event("Ansøgning & <modtaget>", "2024-03-01T10:00:00.123456Z")),
                namespace=True)
    plain = _write(tmp_path / "ns.xes", body, bom=True)
    packed = tmp_path / "ns.xes.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    for path in (plain, packed):
        raw = read_log(path)
        assert raw.events.column("activity").to_pylist() == ["Ansøgning & <modtaget>"]
        assert raw.events.column("timestamp")[0].value == 1709287200123456


def test_mixed_types_become_text_with_a_note(tmp_path):
    path = _write(tmp_path / "mixed.xes", _log(_trace(
        "c1", _event("A", "2024-01-01T00:00:00Z", extra='<int key="n" value="3"/>'),
        _event("B", "2024-01-02T00:00:00Z", extra='<string key="n" value="three"/>'))))
    raw = read_log(path)
    assert raw.events.column("n").to_pylist() == ["3", "three"]
    assert any("'n'" in note and "several types" in note for note in raw.notes)


def test_nested_and_list_attributes_are_skipped_with_a_note(tmp_path):
    nested = ('<string key="outer" value="kept"><int key="inner" value="1"/></string>'
              '<list key="items"><values><string key="x" value="y"/></values></list>')
    raw = read_log(_write(tmp_path / "nested.xes", _log(_trace(
        "c1", _event("A", "2024-01-01T00:00:00Z", extra=nested)))))
    assert raw.events.column("outer").to_pylist() == ["kept"]
    assert "inner" not in raw.events.column_names and "items" not in raw.events.column_names
    assert any("nested" in note for note in raw.notes)
    assert any("list or container" in note for note in raw.notes)


def test_spacing_quotes_and_references_are_read_like_xml(tmp_path):
    odd = ("<string   value='a&#10;b&apos;c'\n key = \"k\" />"
           '<int key="n" value=" 7 "/><float key="f" value="1.5E3"/><boolean key="b" value="1"/>')
    raw = read_log(_write(tmp_path / "odd.xes", _log(_trace(
        "c1", _event("A", "2024-01-01T00:00:00Z", extra=odd)))))
    row = raw.events.to_pylist()[0]
    assert (row["k"], row["n"], row["f"], row["b"]) == ("a\nb'c", 7, 1500.0, True)


def test_times_without_offset_are_local_copenhagen_time(tmp_path):
    raw = read_log(_write(tmp_path / "local.xes", _log(_trace(
        "c1", _event("A", "2024-07-01T12:00:00"), _event("B", "2024-07-01T12:00:00.5+00:00")))))
    stamps = raw.events.column("timestamp").to_pylist()
    assert (stamps[0].hour, stamps[1].hour) == (10, 12)


def test_options_map_other_keys(tmp_path):
    path = _write(tmp_path / "map.xes", _log(_trace(
        "c1", _event("A", "2024-01-01T00:00:00Z", extra='<string key="label" value="Afgørelse"/>'))))
    raw = read_log(path, ImportOptions(activity="label"))
    assert raw.events.column("activity").to_pylist() == ["Afgørelse"]
    assert raw.events.column("concept:name").to_pylist() == ["A"]


def test_attribute_named_like_a_canonical_column_is_prefixed(tmp_path):
    path = _write(tmp_path / "clash.xes", _log(_trace(
        "c1", _event("A", "2024-01-01T00:00:00Z", extra='<string key="activity" value="x"/>'))))
    assert read_log(path).events.column("attribute:activity").to_pylist() == ["x"]


def test_trace_without_case_id_is_an_error(tmp_path):
    path = _write(tmp_path / "noid.xes", "<log><trace><event>"
                  '<string key="concept:name" value="A"/><date key="time:timestamp" value="2024-01-01T00:00:00Z"/>'
                  "</event></trace></log>")
    with pytest.raises(LogValidationError, match=r"Trace 1 has no 'concept:name'.*noid\.xes"):
        read_log(path)


def test_event_without_timestamp_names_trace_and_event(tmp_path):
    path = _write(tmp_path / "notime.xes", _log(
        _trace("c1", _event("A", "2024-01-01T00:00:00Z")),
        _trace("C2", _event("A", "2024-01-01T00:00:00Z"), '<event><string key="concept:name" value="B"/></event>')))
    with pytest.raises(LogValidationError, match=r"Event 2 of trace 2 \(case 'C2'\).*time:timestamp.*notime\.xes"):
        read_log(path, ImportOptions(strict=True))
    lenient = read_log(path)
    assert lenient.events.num_rows == 2 and lenient.quarantine.first == (Place(trace=2, event=2, case="C2"),)


def test_import_writes_a_sorted_dataset(tmp_path):
    dataset = import_log(DATA / "running-example.xes", tmp_path / "ds")
    assert dataset.meta.cases == 6 and dataset.meta.events == 42
    assert dataset.meta.source.format == "xes"


@pytest.mark.slow
def test_bpic15_variants_equal_pm4py(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py
        frame = pm4py.read_xes(str(DATA / "BPIC15_1.xes.gz"), variant="iterparse")
    frame = frame.reset_index(drop=True)
    frame["order"] = range(len(frame))
    frame = frame.sort_values(["case:concept:name", "time:timestamp", "order"], kind="stable")
    theirs = frame.groupby("case:concept:name", sort=False)["concept:name"].agg(tuple).to_dict()
    raw = read_log(DATA / "BPIC15_1.xes.gz")
    events = write_dataset(tmp_path / "ds", raw.events, raw.cases).events
    ours: dict[str, list[str]] = {}
    for case, activity in zip(events.column("case_id").to_pylist(), events.column("activity").to_pylist()):
        ours.setdefault(case, []).append(activity)
    assert {case: tuple(seq) for case, seq in ours.items()} == theirs
    assert len(set(theirs.values())) == 1170


def _event(activity: str, timestamp: str, *, lifecycle: str | None = None, extra: str = "") -> str:
    life = f'<string key="lifecycle:transition" value="{lifecycle}"/>' if lifecycle else ""
    name = activity.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f'<event><string key="concept:name" value="{name}"/>'
            f'<date key="time:timestamp" value="{timestamp}"/>{life}{extra}</event>')


def _trace(case_id: str, *events: str) -> str:
    return f'<trace><string key="concept:name" value="{case_id}"/>{"".join(events)}</trace>'


def _log(*traces: str, namespace: bool = False) -> str:
    xmlns = ' xmlns="http://www.xes-standard.org/"' if namespace else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0"{xmlns}>\n' + \
        "\n".join(traces) + "\n</log>\n"


def _write(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path
