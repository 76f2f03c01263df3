"""write_dataset: a bad case table fails before anything is in place; what is written reads back."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from procmine.dataset import read_dataset, write_dataset
from procmine.errors import LogValidationError

_UTC = dt.UTC


def _events() -> pa.Table:
    return pa.table({
        "case_id": ["b", "a", "b", "a"],
        "activity": ["x", "x", "y", "y"],
        "timestamp": pa.array([dt.datetime(2024, 1, day, tzinfo=_UTC) for day in (1, 2, 3, 4)],
                              pa.timestamp("us", tz="UTC")),
        "resource": ["r1", None, "r2", "r1"],
    })


def test_a_case_table_with_a_case_twice_leaves_the_existing_dataset_untouched(tmp_path):
    target = tmp_path / "ds"
    write_dataset(target, _events(), pa.table({"case_id": ["a", "b"], "kind": ["k1", "k2"]}))
    before = {path.name: path.read_bytes() for path in target.iterdir()}
    twice = pa.table({"case_id": ["a", "b", "a"], "kind": ["k1", "k2", "k3"]})
    with pytest.raises(LogValidationError, match="more than one row for a case id"):
        write_dataset(target, _events(), twice)
    assert {path.name: path.read_bytes() for path in target.iterdir()} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ds"]


def test_written_dataset_reads_back_sorted_with_its_case_table(tmp_path):
    cases = pa.table({"case_id": ["b", "a", "gone"], "kind": ["k2", "k1", "k0"]})
    written = write_dataset(tmp_path / "ds", _events(), cases)
    read = read_dataset(tmp_path / "ds")
    assert read.events.equals(written.events)
    assert read.events.column("case_id").to_pylist() == ["a", "a", "b", "b"]
    assert read.events.column("case_index").to_pylist() == [0, 0, 1, 1]
    assert read.cases.to_pylist() == [{"case_id": "a", "kind": "k1"}, {"case_id": "b", "kind": "k2"}]
