"""The compiled JSON splitter (procmine.ocel.json_spans) and the JSON reader built on it: the lines it
makes parse to the elements it split, every document it splits reads as the exact reader reads it,
and what it cannot split goes to the exact reader."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ocel_logs import EXAMPLE_JSON, random_logs

from procmine.errors import LogValidationError
from procmine.ocel.json_columns import read_json_columns
from procmine.ocel.json_io import _declarations, ocel_document, read_ocel_json, read_ocel_json_objects
from procmine.ocel.json_spans import MAX_MEMBERS, members

LINES = ("objects", "events")
# strings full of what the splitter must not take for structure
_texts = st.text(st.sampled_from([*'[]{}",:\\/ \n\t\raæ€😀', "\u2028", "\x00", "\x7f"]), max_size=8)
_values = st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1)
                       | st.floats(allow_nan=False, allow_infinity=False) | _texts,
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_texts, inner, max_size=3),
                       max_leaves=10)
_elements = st.lists(st.dictionaries(_texts, _values, max_size=4), max_size=5)


def _split(text: bytes) -> tuple[np.ndarray, dict | None]:
    data = np.frombuffer(text, np.uint8).copy()
    return data, members(data, LINES)


@settings(max_examples=150, deadline=None)
@given(objects=_elements, events=_elements, other=_values, indent=st.sampled_from([None, 0, 2, "\t", "\r\n"]),
       ascii_only=st.booleans(), order=st.permutations(["objectTypes", "objects", "events"]))
def test_the_lines_parse_to_the_elements_and_the_other_members_stay_as_they_were(objects, events, other, indent,
                                                                                  ascii_only, order):
    members_by_key = {"objectTypes": other, "objects": objects, "events": events}
    text = json.dumps({key: members_by_key[key] for key in order}, indent=indent, ensure_ascii=ascii_only)
    data, spans = _split(text.encode())
    assert spans is not None and list(spans) == order
    for name, elements in (("objects", objects), ("events", events)):
        start, end = spans[name]
        lines = data[start + 1:end - 1].tobytes().split(b"\n")
        assert [orjson.loads(line) for line in lines if line.strip()] == elements
        assert len(lines) == len(elements) or not elements
    assert orjson.loads(data[slice(*spans["objectTypes"])].tobytes()) == other


@pytest.mark.parametrize("text", [
    b"", b"   ", b"[]", b"null", b'{"objects": [], "events": []} x', b'{"objects": [], "events": []',
    b'{"objects": [{},], "events": []}', b'{"objects": [1], "events": []}', b'{"objects": [{}] [{}], "events": []}',
    b'{"objects": {}, "events": []}', b'{"obj\\u0065cts": [], "events": []}', b'{"objects": [], "objects": []}',
    b'{"objects": [{"a": "x}], "events": []}', b'{"objects" [], "events": []}', b'{"objects": [] "events": []}',
    b'{"objects": []', b'{"objects": [{"a": "\\"}], "events": []}', b'{"a": 1,}', b'{"a"}',
    ("{" + ",".join(f'"k{i}": {i}' for i in range(MAX_MEMBERS + 1)) + "}").encode()])
def test_what_is_not_an_object_of_distinct_plain_keys_and_arrays_of_objects_is_not_split(text):
    assert _split(text)[1] is None


def test_an_empty_object_and_unknown_members_are_split():
    assert _split(b" {\n} ")[1] == {}
    data, spans = _split(b'{"x": [1, {"y": "]"}], "objects": [\r\n], "events": [{"a": [[]]}\n , {}]}')
    assert spans == {"x": (6, 21), "objects": (34, 38), "events": (50, 69)}
    assert data[51:68].tobytes() == b'{"a": [[]]}  \n {}'


def _reads_as_the_exact_reader(path: Path, *, split: bool) -> None:
    found = read_json_columns(path, lambda types, key: _declarations(types, key, path))
    assert (found is not None) == split
    assert read_ocel_json(path).equals(read_ocel_json_objects(path))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=random_logs(), indent=st.sampled_from([None, 2]), ascii_only=st.booleans(), reverse=st.booleans())
def test_random_logs_written_with_whitespace_escapes_and_keys_in_another_order_read_the_same(log, indent, ascii_only,
                                                                                             reverse):
    document = ocel_document(log)
    if reverse:     # the members and the keys of every element in the reverse order
        document = {key: ([dict(reversed(e.items())) for e in value] if key in LINES else value)
                    for key, value in reversed(document.items())}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.jsonocel"
        path.write_text(json.dumps(document, indent=indent, ensure_ascii=ascii_only), encoding="utf-8")
        _reads_as_the_exact_reader(path, split=True)


def _written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "changed.jsonocel"
    path.write_text(text, encoding="utf-8")
    return path


def _example() -> dict:
    return json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def test_values_holding_brackets_quotes_and_backslashes_read_the_same(tmp_path):
    document = _example()
    document["objects"][0]["attributes"][0]["value"] = '"]},{"id": "x\\'
    document["events"][0]["attributes"][0]["value"] = "\\\"[{\u2028}]\\"
    document["events"][1]["relationships"][0]["qualifier"] = "}],\n\"events\": ["
    _reads_as_the_exact_reader(_written(tmp_path, json.dumps(document)), split=True)


def test_an_empty_log_and_unknown_members_read_the_same(tmp_path):
    empty = {"objectTypes": [], "eventTypes": [], "objects": [], "events": [], "note": {"made by": ["a", "]"]}}
    _reads_as_the_exact_reader(_written(tmp_path, json.dumps(empty)), split=True)
    _reads_as_the_exact_reader(_written(tmp_path, '{"objects": [], "events": []}'), split=True)


def _nested_value(document):
    document["objects"][0]["attributes"][0]["value"] = {"a": [1, {"b": "]"}]}


def _escaped_key(document):
    return json.dumps(document).replace('"objects"', '"obj\\u0065cts"', 1)


def _twice(document):     # the exact reader (orjson) keeps the last of two members of one name
    return json.dumps(document)[:-1] + ', "events": ' + json.dumps(document["events"][:3]) + "}"


@pytest.mark.parametrize("change", [_nested_value, _escaped_key, _twice])
def test_documents_the_splitter_or_duckdb_does_not_take_are_read_by_the_exact_reader(tmp_path, change):
    document = _example()
    text = change(document)
    _reads_as_the_exact_reader(_written(tmp_path, text or json.dumps(document)), split=False)


@pytest.mark.parametrize("text", [
    '{"objects": [], "events": [{"id": "e1", "type": "a\nb", "time": "2022-01-09T14:00:00Z"}]}',
    '{"objects": [], "events": [{"id": "e1"},]}', '{"objects": [], "events": [{"id": "e1"}]',
    '{"objects": [], "events": [{"id": "e1", "id": "e2"}]}', '{"eventTypes": null, "objects": [], "events": []}'])
def test_broken_documents_get_the_exact_readers_error(tmp_path, text):
    path = _written(tmp_path, text)
    with pytest.raises(LogValidationError) as exact:
        read_ocel_json_objects(path)
    with pytest.raises(LogValidationError) as read:
        read_ocel_json(path)
    assert str(read.value) == str(exact.value)


def test_the_temporary_lines_are_removed_after_a_read_and_after_a_fallback(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    read_ocel_json(EXAMPLE_JSON)
    document = _example()
    _nested_value(document)
    read_ocel_json(_written(tmp_path, json.dumps(document)))
    assert list(scratch.iterdir()) == []
