"""XES → dataset → XES → dataset gives the same dataset; pm4py reads what we write."""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_data import SHARED_DATA as DATA

from procmine.dataset import read_dataset, write_dataset
from procmine.exporting.xes_writer import write_xes
from procmine.importing import import_log


def _plain(table: pa.Table | None) -> pa.Table | None:
    return None if table is None else table.replace_schema_metadata(None)


def _assert_same(first: Path, second: Path) -> None:
    a, b = read_dataset(first), read_dataset(second)
    assert _plain(a.events).schema == _plain(b.events).schema
    assert _plain(a.events).equals(_plain(b.events))
    assert (a.cases is None) == (b.cases is None)
    if a.cases is not None:
        assert _plain(a.cases).equals(_plain(b.cases))


def _round_trip(source: Path, folder: Path, suffix: str = ".xes") -> None:
    import_log(source, folder / "first")
    write_xes(read_dataset(folder / "first"), folder / f"export{suffix}")
    import_log(folder / f"export{suffix}", folder / "second")
    _assert_same(folder / "first", folder / "second")


@pytest.mark.parametrize("name", ["running-example.xes", "Sepsis_Cases.xes.gz", "WABO_receipt.xes.gz",
                                  "interval_event_log.xes"])
def test_real_logs_survive_a_round_trip(tmp_path, name):
    _round_trip(DATA / name, tmp_path, ".xes.gz" if name.endswith(".gz") else ".xes")


@pytest.mark.slow
def test_bpic15_survives_a_round_trip(tmp_path):
    _round_trip(DATA / "BPIC15_1.xes.gz", tmp_path, ".xes.gz")


def test_export_is_gzip_only_when_named_so(tmp_path):
    dataset = import_log(DATA / "running-example.xes", tmp_path / "ds")
    write_xes(dataset, tmp_path / "a.xes")
    write_xes(dataset, tmp_path / "a.xes.gz")
    assert (tmp_path / "a.xes").read_bytes().startswith(b"<?xml")
    assert (tmp_path / "a.xes.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_timestamps_are_iso_with_offset_and_microseconds(tmp_path):
    events = pa.table({"case_id": ["c"], "activity": ["A"],
                       "timestamp": pa.array([dt.datetime(2024, 3, 1, 9, 30, 5, 123456, dt.UTC)],
                                             pa.timestamp("us", "UTC"))})
    dataset = write_dataset(tmp_path / "ds", events)
    write_xes(dataset, tmp_path / "out.xes")
    assert 'value="2024-03-01T09:30:05.123456+00:00"' in (tmp_path / "out.xes").read_text()


def test_pm4py_reads_our_export(tmp_path):
    dataset = import_log(DATA / "Sepsis_Cases.xes.gz", tmp_path / "ds")
    write_xes(dataset, tmp_path / "sepsis.xes")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py
        frame = pm4py.read_xes(str(tmp_path / "sepsis.xes"), variant="iterparse")
    assert len(frame) == 15214
    assert frame["case:concept:name"].nunique() == 1050
    assert frame["concept:name"].nunique() == 16
    assert str(frame["time:timestamp"].dt.tz) == "UTC"


_TEXT = st.text(alphabet=st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co")),
    st.sampled_from("æøåÆØÅ&<>\"'\t\n\r ;=/")), min_size=1, max_size=8)
_MOMENT = st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2100, 1, 1),
                       timezones=st.just(dt.UTC))


@st.composite
def _logs(draw):
    size = draw(st.integers(1, 25))
    cases = draw(st.lists(_TEXT, min_size=1, max_size=5, unique=True))
    def column(values, kind):
        items = draw(st.lists(st.one_of(st.none(), values), min_size=size, max_size=size))
        if all(item is None for item in items):
            items[0] = draw(values)
        return pa.array(items, kind)
    events = {
        "case_id": pa.array(draw(st.lists(st.sampled_from(cases), min_size=size, max_size=size))),
        "activity": pa.array(draw(st.lists(_TEXT, min_size=size, max_size=size))),
        "timestamp": pa.array(draw(st.lists(_MOMENT, min_size=size, max_size=size)), pa.timestamp("us", "UTC")),
        "resource": column(_TEXT, pa.string()),
        "amount": column(st.floats(allow_nan=False, width=64), pa.float64()),
        "count": column(st.integers(-2**63, 2**63 - 1), pa.int64()),
        "due": column(_MOMENT, pa.timestamp("us", "UTC")),
        "note": column(st.text(alphabet=st.sampled_from("aæ&<>\"' \t"), max_size=5), pa.string()),
        "urgent": column(st.booleans(), pa.bool_()),
    }
    case_table = pa.table({"case_id": pa.array(cases),
                           "kle": pa.array([draw(_TEXT) for _ in cases])})
    return pa.table(events), case_table


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_logs())
def test_random_logs_survive_dataset_to_xes_to_dataset(log):
    events, cases = log
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        write_dataset(folder / "first", events, cases)
        write_xes(read_dataset(folder / "first"), folder / "log.xes")
        import_log(folder / "log.xes", folder / "second")
        _assert_same(folder / "first", folder / "second")
