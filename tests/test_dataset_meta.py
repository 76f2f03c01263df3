"""procmine.json through its typed model: round trip, every historical version, damaged files, one reader."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procmine import schema as s
from procmine.dataset import read_dataset, write_dataset
from procmine.dataset_meta import (
    DatasetMeta,
    Incremental,
    LeftOut,
    OcelFacts,
    Part,
    Place,
    Pseudonymisation,
    Source,
    read_meta,
    write_meta,
)
from procmine.errors import DatasetError
from tests.dataset_meta_history import HISTORY, as_version_1

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "sample_logs").glob("*/procmine.json"))

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_json = st.recursive(st.none() | st.booleans() | st.integers(-2**53, 2**53) | _text
                     | st.floats(allow_nan=False, allow_infinity=False),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
                     max_leaves=8)
_zones = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5))])
_instants = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=_zones)
_watermarks = st.integers(0, 2**62) | st.datetimes(min_value=dt.datetime(1990, 1, 1)) | _instants
_counts = st.integers(0, 10**9)
_places = st.builds(Place, row=st.none() | st.integers(1, 10**6), sheet=st.none() | _text,
                    trace=st.none() | st.integers(1, 10**6), event=st.none() | st.integers(1, 10**3),
                    case=st.none() | _text)
_parts = st.builds(Part, file=_text, events=_counts, extracted_at=_instants,
                   watermarks=st.dictionaries(_text, _watermarks, max_size=3))
_incremental = st.builds(Incremental, runs=_counts, lookback_hours=st.floats(0, 10**4),
                         watermarks=st.dictionaries(_text, _watermarks, max_size=3),
                         parts=st.lists(_parts, max_size=3),
                         events_per_source=st.dictionaries(_text, st.integers(-10, 10**6), max_size=3),
                         last_run=st.dictionaries(_text, _counts, max_size=3),
                         last_run_retracted=st.dictionaries(_text, _counts, max_size=3))
_attributes = st.dictionaries(_text, st.dictionaries(_text, _text, max_size=3), max_size=3)
_sources = st.builds(lambda known, extra: Source(**known, **extra),
                     st.fixed_dictionaries({}, optional=dict.fromkeys(("format", "kind", "path", "url"), _text)),
                     st.dictionaries(_text.filter(lambda k: k not in Source.model_fields and k.isidentifier()),
                                     _json, max_size=3))
_file_keys = {name for name, field in DatasetMeta.model_fields.items() if not field.exclude}
_metas = st.builds(
    DatasetMeta, source=_sources, created_at=_instants, extracted_at=st.none() | _instants,
    timezone=st.sampled_from(["Europe/Copenhagen", "UTC", "+01:00", "America/Nuuk"]),
    events=_counts, cases=_counts, activities=st.none() | _counts, notes=st.lists(_text, max_size=3),
    organisation=st.none() | _text, end_activities=st.none() | st.lists(_text, max_size=3),
    quarantine=st.none() | st.builds(LeftOut, events=_counts, without_activity=_counts, without_timestamp=_counts,
                                     cases_left_out=_counts, first=st.lists(_places, max_size=3)),
    ocel=st.none() | st.builds(OcelFacts, event_types=_attributes, object_types=_attributes,
                               default_case_notion=_text, objects=_counts, event_objects=_counts),
    pseudonymisation=st.none() | st.builds(Pseudonymisation, enabled=st.booleans(),
                                           key_fingerprint=st.none() | _text, key_id=st.none() | _text),
    incremental=st.none() | _incremental,
    other=st.dictionaries(_text.filter(lambda k: k not in _file_keys), _json, max_size=3))


@settings(max_examples=150, deadline=None)
@given(meta=_metas)
def test_what_is_written_reads_back_equal(tmp_path_factory, meta):
    folder = tmp_path_factory.mktemp("meta")
    write_meta(folder, meta)
    back = read_meta(folder / s.META_FILE)
    assert back == meta
    assert back.to_json() == (folder / s.META_FILE).read_text(encoding="utf-8")


# What early version 1 files wrote as text, as data.
_PLACES_AS_DATA = {
    "lenient-csv-2026-12-02": [Place(row=4), Place(row=8)],
    "lenient-xlsx-2026-12-02": [Place(row=3, sheet="Sager")],
    "lenient-xes-2026-12-02": [Place(trace=2, event=1, case="2")],
}


def _comparable(content: dict) -> dict:
    """Version 1 content without what version 2 writes otherwise on purpose: an empty notes list and
    retraction counts where version 1 had none, an unset key id left out, places as data."""
    content = json.loads(json.dumps(content))
    if content.get("notes") == []:
        del content["notes"]
    if content.get("pseudonymisation", {}).get("key_id", "") is None:
        del content["pseudonymisation"]["key_id"]
    if "counts" in content and not content["counts"].get("last_run_retracted", True):
        del content["counts"]["last_run_retracted"]
    if "quarantine" in content:
        content["quarantine"]["first"] = []
    return content


@pytest.mark.parametrize("name", sorted(HISTORY))
def test_every_historical_procmine_json_migrates_with_all_its_facts(tmp_path, name):
    (tmp_path / s.META_FILE).write_text(HISTORY[name], encoding="utf-8")
    meta = read_meta(tmp_path / s.META_FILE)
    assert meta.schema_version == s.SCHEMA_VERSION == 2
    assert meta.other == {}   # every key an old version wrote has its place in the model
    assert _comparable(as_version_1(meta)) == _comparable(json.loads(HISTORY[name]))
    if name in _PLACES_AS_DATA:
        assert meta.quarantine.first == _PLACES_AS_DATA[name]
    elif meta.quarantine is not None:
        assert meta.quarantine.first == [Place(row=4), Place(row=8)]


def test_a_version_1_connector_folder_keeps_its_state_under_incremental(tmp_path):
    (tmp_path / s.META_FILE).write_text(HISTORY["connector-2026-12-02"], encoding="utf-8")
    meta = read_meta(tmp_path / s.META_FILE)
    assert meta.incremental.runs == 2 and meta.incremental.lookback_hours == 48.0
    assert meta.incremental.watermarks["dokument"] == dt.datetime(2024, 7, 1, 7, 55, 52)   # naive, as the source
    assert [p.file for p in meta.incremental.parts] == ["part-000001.parquet"]
    assert meta.incremental.last_run == {"sag_oprettet": 0, "status": 0, "dokument": 0}
    assert meta.pseudonymisation.key_fingerprint == "a67883ed7e71c61a" and meta.extracted_at is not None
    written = json.loads(meta.to_json())
    assert "counts" not in written and "runs" not in written and written["incremental"]["runs"] == 2


def test_the_place_texts_of_early_version_1_files_are_checked(tmp_path):
    content = json.loads(HISTORY["lenient-csv-2026-12-02"])
    content["quarantine"]["first"] = ["row 4", "somewhere"]
    (tmp_path / s.META_FILE).write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"'quarantine\.first\.1' is 'somewhere', not a place procmine wrote"):
        read_meta(tmp_path / s.META_FILE)


@pytest.mark.parametrize("meta_file", SAMPLES, ids=lambda p: p.parent.name)
def test_shipped_samples_open_unchanged_and_their_file_is_not_rewritten(meta_file):
    before = meta_file.read_bytes()
    assert json.loads(before)["schema_version"] == 1
    dataset = read_dataset(meta_file.parent)
    assert dataset.meta.events == dataset.events.num_rows and dataset.meta.source.kind == "simulation"
    assert meta_file.read_bytes() == before


def test_a_folder_procmine_writes_again_is_written_in_the_current_version(tmp_path):
    sample = read_dataset(ROOT / "sample_logs" / "aktindsigt")
    write_dataset(tmp_path / "again", sample.events, sample.cases, source=sample.meta.source.model_dump(),
                  notes=sample.meta.notes)
    written = json.loads((tmp_path / "again" / s.META_FILE).read_text(encoding="utf-8"))
    assert written["schema_version"] == s.SCHEMA_VERSION
    assert read_dataset(tmp_path / "again").meta.replaced(created_at=sample.meta.created_at) == sample.meta


def test_a_newer_schema_version_is_refused_saying_to_update(tmp_path):
    (tmp_path / s.META_FILE).write_text(json.dumps({**json.loads(HISTORY["import-2026-11-28"]),
                                                    "schema_version": 3}), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"procmine\.json has dataset schema version 3, newer than .*"
                                           r"Update procmine"):
        read_meta(tmp_path / s.META_FILE)


def test_keys_this_version_does_not_know_are_kept_and_written_back(tmp_path):
    content = {**json.loads(HISTORY["import-2026-11-28"]), "owner": "Byggesager", "review": {"due": "2027-01"}}
    (tmp_path / s.META_FILE).write_text(json.dumps(content), encoding="utf-8")
    meta = read_meta(tmp_path / s.META_FILE)
    assert meta.other == {"owner": "Byggesager", "review": {"due": "2027-01"}}
    write_meta(tmp_path, meta.replaced(events=43))
    again = json.loads((tmp_path / s.META_FILE).read_text(encoding="utf-8"))
    assert again["owner"] == "Byggesager" and again["events"] == 43 and again["schema_version"] == 2


def test_the_model_refuses_keys_it_does_not_know_in_code():
    with pytest.raises(ValueError, match="evnets"):
        DatasetMeta(created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), events=1, cases=1, evnets=2)


def _without(key):
    return lambda content: {k: v for k, v in content.items() if k != key}


def _with(**facts):
    return lambda content: {**content, **facts}


_DAMAGED = {
    "not JSON": ('{"schema_version": 2,', r"cannot be read"),
    "a list": ("[1, 2]", r"holds list, not an object"),
    "version missing": (_without("schema_version"), r"the key 'schema_version' is missing"),
    "version text": (_with(schema_version="1"), r"schema version '1', not a version"),
    "version true": (_with(schema_version=True), r"schema version True, not a version"),
    "version NaN": ('{"schema_version": NaN}', r"schema version nan, not a version"),
    "events missing": (_without("events"), r"the key 'events' is missing"),
    "created_at missing": (_without("created_at"), r"the key 'created_at' is missing"),
    "events text": (_with(events="42"), r"'events' is '42'"),
    "cases negative": (_with(cases=-1), r"'cases' is -1"),
    "timezone unknown": (_with(timezone="Mars/Olympus"), r"'timezone' is 'Mars/Olympus'"),
    "timezone number": (_with(timezone=5), r"'timezone' is 5"),
    "source a list": (_with(source=[1]), r"'source' is \[1\]"),
    "notes a number": (_with(notes=5), r"'notes' is 5"),
    "created_at garbage": (_with(created_at="yesterday"), r"'created_at' is 'yesterday': not an ISO 8601 time"),
    "created_at a number": (_with(created_at=1700000000), r"'created_at' is 1700000000: not an ISO 8601 time"),
    "quarantine count": (_with(quarantine={"events": "many"}), r"'quarantine\.events' is 'many'"),
    "ocel incomplete": (_with(ocel={"event_types": {}}), r"the key 'ocel\.object_types' is missing"),
    "counts not an object": (_with(counts=[1]), r"'counts' is list, not an object"),
}


@pytest.mark.parametrize("name", sorted(_DAMAGED))
def test_a_damaged_procmine_json_names_the_file_and_the_key(tmp_path, name):
    change, message = _DAMAGED[name]
    text = change if isinstance(change, str) else json.dumps(change(json.loads(HISTORY["import-2026-11-28"])))
    (tmp_path / s.META_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=message) as caught:
        read_meta(tmp_path / s.META_FILE)
    assert str(tmp_path / s.META_FILE) in str(caught.value) and "\n" not in str(caught.value)


def test_nothing_reads_the_meta_as_a_dict_with_fallbacks():
    """procmine.json is read once, by procmine/dataset_meta.py; everything else uses typed attributes."""
    pattern = re.compile(r"""meta\.get\(|meta\[["']|["']ocel["'] in |json\.loads\(.*META_FILE""")
    found = [f"{path.relative_to(ROOT)}:{number}"
             for folder in ("procmine", "connectors") for path in sorted((ROOT / folder).rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line)]
    assert found == []
