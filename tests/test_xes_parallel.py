"""XES read in worker threads equals the one-by-one read; the fast tag path reads like XML."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from shared_data import SHARED_DATA as DATA

from procmine.errors import LogValidationError
from procmine.importing.options import ImportOptions
from procmine.importing.xes_chunks import AFTER_TRACE, Chunk, ChunkStart, iter_chunks
from procmine.importing.xes_pipeline import parse_in_order, read_chunks
from procmine.importing.xes_reader import read_xes_log
from procmine.importing.xes_safety import XesByteSource, XesLimits

SMALL_BLOCKS = XesLimits(block_bytes=1 << 15)


def _read(path: Path, workers: int, limits: XesLimits = SMALL_BLOCKS):
    return read_xes_log(path, ImportOptions(), limits=limits, workers=workers)


def _same(first, second) -> None:
    assert first.events.equals(second.events)
    assert first.cases.equals(second.cases)
    assert first.notes == second.notes
    assert first.source_info == second.source_info


@pytest.mark.parametrize("name", ["Sepsis_Cases.xes.gz", "WABO_receipt.xes.gz", "interval_event_log.xes"])
def test_workers_give_the_same_log_as_one_by_one(name):
    path = DATA / name
    with XesByteSource(path, SMALL_BLOCKS) as source:
        starts = [chunk.start for chunk in iter_chunks(source, path, SMALL_BLOCKS.block_bytes)]
    assert len(starts) > 10 and starts[0] == ChunkStart()
    assert sum(start == AFTER_TRACE for start in starts) > 0.9 * len(starts)  # not in the log's header
    _same(_read(path, workers=2), _read(path, workers=1))
    _same(_read(path, workers=3), _read(path, workers=1, limits=XesLimits()))


def _log(traces: int, broken: str = "", at: int = -1) -> bytes:
    body = []
    for number in range(traces):
        events = "".join(f'\n  <event>\n   <string key="concept:name" value="A{step}"/>\n'
                         f'   <date key="time:timestamp" value="2024-01-0{1 + step}T08:00:00+01:00"/>\n  </event>'
                         for step in range(3))
        body.append(f'<trace>\n  <string key="concept:name" value="case {number}"/>{events}\n</trace>')
        if number == at:
            body.append(broken)
    return ("<?xml version='1.0' encoding='UTF-8'?>\n<log>\n" + "\n".join(body) + "\n</log>\n").encode()


@pytest.mark.parametrize("broken, fragment", [
    ('<trace><event></trace>', "does not match"),
    ('<event><string key="concept:name" value="x"/></event>', "outside a <trace>"),
    ('<trace><string key="concept:name" value="&bad;"/></trace>', "other entities are not accepted"),
    ('<trace><string key="concept:name" value="c\x01"/></trace>', "control character"),
    ("</log><log>", "after the end"),
    ('<trace><string key="concept:name" value="c"/>  text</trace>', "text stands where only tags"),
])
def test_an_error_late_in_the_file_is_the_same_with_workers(tmp_path, broken, fragment):
    path = tmp_path / "late.xes"
    path.write_bytes(_log(2000, broken, at=1700))
    messages = []
    for workers in (1, 2):
        with pytest.raises(LogValidationError, match=fragment) as caught:
            _read(path, workers)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "line " in messages[0]


def test_a_wrongly_assumed_start_is_parsed_again():
    head = b'<log><trace><string key="concept:name" value="c1"/>'
    tail = (b'<event><string key="concept:name" value="A"/>'
            b'<date key="time:timestamp" value="2024-01-01T00:00:00Z"/></event></trace></log>')
    chunks = [Chunk(head, 1, ChunkStart()), Chunk(tail, 1, AFTER_TRACE)]  # the second is inside <trace>
    path = Path("made-up.xes")
    parts = read_chunks(iter(chunks), path, workers=2)
    assert (parts.traces, parts.events, parts.end) == (1, 1, ChunkStart((), True))
    one_by_one = list(parse_in_order(iter(chunks), path, workers=1))
    assert [r.end for r in one_by_one] == [ChunkStart(("log", "trace"), True), ChunkStart((), True)]


def test_chunks_without_trace_boundaries_are_read_in_order(tmp_path):
    path = tmp_path / "spaced.xes"
    path.write_bytes(_log(3000).replace(b"</trace>", b"</trace >"))
    with XesByteSource(path, SMALL_BLOCKS) as source:
        starts = [chunk.start for chunk in iter_chunks(source, path, SMALL_BLOCKS.block_bytes)]
    assert len(starts) > 5 and all(start is None for start in starts[1:])
    raw = _read(path, workers=2)
    assert raw.cases.num_rows == 3000 and raw.events.num_rows == 9000
    _same(raw, _read(path, workers=1))


def test_workers_read_the_same_when_called_from_a_thread(tmp_path):
    path = tmp_path / "threaded.xes"
    path.write_bytes(_log(3000))
    found = {}
    reader = threading.Thread(target=lambda: found.setdefault("raw", _read(path, workers=2)))
    reader.start()
    reader.join()
    _same(found["raw"], _read(path, workers=1))


def _quoted(text: str, escape_breaks: bool) -> str:
    """An XML attribute value: '>' and white space left raw unless asked, quotes chosen to fit."""
    body = text.replace("&", "&amp;").replace("<", "&lt;")
    if escape_breaks:
        body = body.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
    if '"' not in body:
        return f'"{body}"'
    return f"'{body}'" if "'" not in body else '"' + body.replace('"', "&quot;") + '"'


_TEXT = st.text(alphabet=st.sampled_from("aZ9 æ€😀&<>\"'\t\n\r;=/"), max_size=12)
_GAP = st.text(alphabet=st.sampled_from(" \t\n\r"), max_size=80)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TEXT, _TEXT, _GAP), min_size=1, max_size=30), st.booleans())
def test_fast_path_values_equal_what_an_xml_parser_reads(tmp_path_factory, attributes, escape_breaks):
    events = []
    for number, (key, value, gap) in enumerate(attributes):
        events.append(f'<event>{gap}<string key={_quoted(f"k{number}" + key, escape_breaks)} '
                      f'value={_quoted(value, escape_breaks)}/>{gap}<string key="concept:name" value="A"/>'
                      f'<date key="time:timestamp" value="2024-01-01T00:00:00Z"/></event>{gap}')
    text = f'<log><trace><string key="concept:name" value="c"/>{"".join(events)}</trace></log>'
    path = tmp_path_factory.mktemp("fast") / "values.xes"
    path.write_bytes(text.encode("utf-8"))
    expected = [{element.get("key"): element.get("value") for element in event.iter("string")}
                for event in etree.fromstring(text.encode("utf-8")).iter("event")]
    events_read = _read(path, workers=1, limits=XesLimits()).events
    for number, row in enumerate(events_read.to_pylist()):
        key = next(k for k in expected[number] if k.startswith(f"k{number}"))
        assert row[key] == expected[number][key]


def test_invalid_utf8_is_refused_outside_trace_attributes_too(tmp_path):
    path = tmp_path / "latin.xes"
    path.write_bytes(b'<log><string key="source" value="s\xf8g"/>' + _log(1)[_log(1).index(b"<trace>"):])
    with pytest.raises(LogValidationError, match="not valid UTF-8 text at line 1"):
        _read(path, workers=1)


def test_escaped_text_in_a_plain_looking_tag_is_resolved(tmp_path):
    path = tmp_path / "amp.xes"
    path.write_bytes(_log(1).replace(b'value="A1"', b'value="R&amp;D &#x2603;"'))
    assert _read(path, workers=1).events.column("activity").to_pylist() == ["A0", "R&D \u2603", "A2"]


def test_long_white_space_is_read_past_with_lines_counted(tmp_path):
    path, small = tmp_path / "spaces.xes", XesLimits(block_bytes=1 << 12)
    text = _log(2).replace(b"<trace>", b"\n" * 5 + b" " * 300_000 + b"<trace>", 1)
    path.write_bytes(text)
    assert _read(path, workers=1, limits=small).events.num_rows == 6
    broken_line = text[:text.index(b'value="A1"')].count(b"\n") + 1
    path.write_bytes(text.replace(b'value="A1"', b'value="A1" x=>', 1))
    with pytest.raises(LogValidationError, match=f"line {broken_line}:"):
        _read(path, workers=1, limits=small)
    path.write_bytes(text.replace(b" <trace>", b" oops<trace>", 1))
    with pytest.raises(LogValidationError, match="line 8: text stands where only tags are allowed"):
        _read(path, workers=1, limits=small)


_OPEN_SPELLINGS = st.sampled_from(["<{}>", "<{} >", "<{}\t>", "<{}\n\n>", "<{}\r\n >"])
_CLOSE_SPELLINGS = st.sampled_from(["</{}>", "</{} >", "</{}\n>"])
_GAP_OR_TEXT = st.one_of(_GAP, st.sampled_from(["x", " \x01 ", "\x0b", "&#10;"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_OPEN_SPELLINGS, _CLOSE_SPELLINGS, _GAP_OR_TEXT, _GAP_OR_TEXT), min_size=2, max_size=12),
       st.sampled_from([1 << 9, 1 << 15]))
@example([("<{}>", "</{}>", "x", ""), ("<{}>", "</{}>", "", "")], 1 << 15)
@example([("<{}>", "</{}>", "", " \x01 "), ("<{}>", "</{}>", "", "")], 1 << 15)
def test_bare_trace_and_event_tags_read_like_xml_or_are_refused(tmp_path_factory, spellings, block):
    """<trace>, <event> and their closing tags take the NumPy fast path when written plainly;
    other spellings take the strict parser; text or controls after them are always refused.
    (The gaps stand only after these tags, so no other check can catch what follows them.)"""
    traces = []
    for number, (opening, closing, after_open, after_close) in enumerate(spellings):
        event = (f'{opening.format("event")}{after_open}<string key="concept:name" value="A{number}"/>'
                 f'<date key="time:timestamp" value="2024-01-01T00:00:00Z"/>{closing.format("event")}{after_close}')
        traces.append(f'{opening.format("trace")}{after_open}<string key="concept:name" value="c{number}"/>'
                      f'{event}{closing.format("trace")}{after_close}')
    text = "<log>" + "".join(traces) + "</log>\n"
    path = tmp_path_factory.mktemp("bare") / "bare.xes"
    path.write_bytes(text.encode("utf-8"))
    if any(gap.strip(" \t\r\n") for _, _, *gaps in spellings for gap in gaps):
        with pytest.raises(LogValidationError):
            _read(path, workers=1, limits=XesLimits(block_bytes=block))
        return
    parsed = etree.fromstring(text.encode("utf-8"))
    raw = _read(path, workers=2, limits=XesLimits(block_bytes=block))
    assert raw.events.column("activity").to_pylist() == [
        event.find("string").get("value") for event in parsed.iter("event")]
    assert raw.cases.column("case_id").to_pylist() == [
        trace.find("string").get("value") for trace in parsed.iter("trace")]


def test_a_key_twice_in_one_event_keeps_the_last_value_in_a_sparse_column(tmp_path):
    text = _log(1).replace(b'value="A0"/>', b'value="A0"/><string key="note" value="first"/>'
                           b'<string key="note" value="second"/>', 1)
    text = text.replace(b'value="A2"/>', b'value="A2"/><string key="note" value="third"/>', 1)
    path = tmp_path / "twice.xes"
    path.write_bytes(text)
    assert _read(path, workers=1).events.column("note").to_pylist() == ["second", None, "third"]
    path.write_bytes(text.replace(b'<string key="note" value="first"/>', b""))
    assert _read(path, workers=1).events.column("note").to_pylist() == ["second", None, "third"]
