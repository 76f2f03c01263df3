"""Export a dataset as CSV/Parquet and read it back: nothing lost; pm4py reads the CSV too."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_data import SHARED_DATA as DATA

from procmine import schema as s
from procmine.dataset import read_dataset, write_dataset
from procmine.exporting import export_dataset
from procmine.importing import import_log

IGNORED_META = ("source", "created_at")


def assert_same_dataset(left, right) -> None:
    assert left.events.equals(right.events), (left.events.schema, right.events.schema)
    assert (left.cases is None) == (right.cases is None)
    if left.cases is not None:
        assert left.cases.equals(right.cases)
    strip = lambda meta: meta.model_dump(exclude=set(IGNORED_META))  # noqa: E731
    assert strip(left.meta) == strip(right.meta)


def roundtrip(dataset, folder: Path, suffix: str = ".csv"):
    export_dataset(dataset, folder / f"log{suffix}")
    import_log(folder / f"log{suffix}", folder / "again")
    return read_dataset(folder / "again")


def test_running_example_csv_roundtrip_is_lossless(tmp_path):
    original = import_log(DATA / "running-example.csv", tmp_path / "ds")
    assert_same_dataset(read_dataset(tmp_path / "ds"), roundtrip(original, tmp_path))


def test_parquet_export_reads_back(tmp_path):
    original = import_log(DATA / "running-example.csv", tmp_path / "ds")
    again = roundtrip(original, tmp_path, ".parquet")
    assert again.events.equals(original.events)
    assert again.cases.equals(original.cases)


def test_csv_export_uses_pm4py_names_and_iso_utc(tmp_path):
    original = import_log(DATA / "running-example.csv", tmp_path / "ds")
    export_dataset(original, tmp_path / "log.csv")
    text = (tmp_path / "log.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0]
    assert header.split(",")[:4] == ['"case:concept:name"', '"concept:name"', '"time:timestamp"',
                                     '"org:resource"']
    assert '"case:creator"' in header
    assert '"3","register request","2010-12-30T13:32:00.000000Z","Pete"' in text


def test_pm4py_reads_our_csv(tmp_path):
    import pm4py
    original = import_log(DATA / "running-example.csv", tmp_path / "ds")
    export_dataset(original, tmp_path / "log.csv")
    frame = pm4py.format_dataframe(pd.read_csv(tmp_path / "log.csv"), case_id="case:concept:name",
                                   activity_key="concept:name", timestamp_key="time:timestamp")
    assert frame["case:concept:name"].nunique() == 6 and len(frame) == 42
    variants = pm4py.get_variants(frame)
    assert sum(variants.values()) == 6
    ours = original.events.column("timestamp").to_pandas()
    assert sorted(frame["time:timestamp"]) == sorted(ours)


def test_export_rejects_unknown_suffix(tmp_path):
    from procmine.errors import ProcmineError
    original = import_log(DATA / "running-example.csv", tmp_path / "ds")
    with pytest.raises(ProcmineError, match=r"log\.json.*\.csv"):
        export_dataset(original, tmp_path / "log.json")


# Text that CSV must carry: Danish letters, delimiters, quotes, newlines, spaces.
_TEXT = st.text(alphabet=st.sampled_from(list("abcæøåÆØÅ ,;\"'\n|\t-")), min_size=1, max_size=12)
_NAME = _TEXT.filter(lambda v: v.strip() != "")
# Around the 2024 DST changes in Copenhagen, with microseconds.
_TIME = st.datetimes(min_value=dt.datetime(2024, 3, 30), max_value=dt.datetime(2024, 10, 28),
                     timezones=st.just(dt.UTC))


@st.composite
def small_logs(draw):
    cases = draw(st.lists(st.text(alphabet="0123456789SK-æ", min_size=1, max_size=5),
                          min_size=1, max_size=4, unique=True))
    rows = draw(st.lists(st.tuples(st.sampled_from(cases), _NAME, _TIME,
                                   st.one_of(st.none(), _NAME),
                                   st.one_of(st.none(), st.integers(-10**12, 10**12)),
                                   st.floats(allow_nan=False, allow_infinity=False, width=64),
                                   st.booleans(),
                                   st.one_of(st.none(), _TEXT.map(lambda v: "x" + v))),
                         min_size=1, max_size=15))
    events = pa.table({
        s.CASE_ID: [r[0] for r in rows], s.ACTIVITY: [r[1] for r in rows],
        s.TIMESTAMP: pa.array([r[2] for r in rows], s.TIMESTAMP_TYPE),
        s.RESOURCE: pa.array([r[3] for r in rows], pa.string()),
        # A column without any value has no type a CSV could carry: keep one value.
        "antal": pa.array([r[4] if i else (r[4] or 0) for i, r in enumerate(rows)], pa.int64()), "beløb": [r[5] for r in rows],
        "haster": [r[6] for r in rows], "note": pa.array([r[7] for r in rows], pa.string())})
    case_ids = sorted({r[0] for r in rows})
    with_cases = draw(st.booleans())
    cases = pa.table({s.CASE_ID: case_ids, "afdeling": [draw(_NAME) for _ in case_ids]}) if with_cases else None
    return events, cases


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_logs())
def test_random_logs_survive_csv_roundtrip(log):
    events, cases = log
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        write_dataset(folder / "ds", events, cases)
        original = read_dataset(folder / "ds")
        assert_same_dataset(original, roundtrip(original, folder))
