"""Write a dataset as XES 1.0 (or .xes.gz), atomically, with typed attributes.

Text is built column by column with Arrow string kernels, a batch of events at a
time: each column becomes one line per event (`<int key="k" value="3"/>`, or nothing
where the value is null), and the lines are joined per event. Timestamps are written
in UTC as ISO 8601 with microseconds and the offset `+00:00`; floats in their shortest
exact form, so reading the file back gives the same values.
"""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.atomic import atomic_file
from procmine.dataset import Dataset
from procmine.errors import DatasetError

BATCH_EVENTS = 100_000
XES_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="" xmlns="http://www.xes-standard.org/">
\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
\t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
\t<classifier name="Activity" keys="concept:name"/>
"""
EVENT_KEYS = {s.ACTIVITY: "concept:name", s.TIMESTAMP: "time:timestamp", s.RESOURCE: "org:resource",
              s.LIFECYCLE: "lifecycle:transition", s.START_TIMESTAMP: "start_timestamp"}
_SKIPPED = {s.CASE_INDEX, s.EVENT_INDEX, s.CASE_ID}
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
            ("\t", "&#9;"), ("\n", "&#10;"), ("\r", "&#13;"))
_NOT_XML = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x{FFFE}\\x{FFFF}]"


def write_xes(dataset: Dataset, out: str | os.PathLike) -> None:
    """Write `dataset` as XES at `out`; gzip-compressed when the name ends in .xes.gz."""
    out = Path(out)
    events = dataset.events
    headers = _trace_headers(events, dataset.cases)
    with atomic_file(out) as tmp, _opened(tmp, gz=out.name.lower().endswith(".gz")) as stream:
        stream.write(XES_HEADER.encode())
        case_index = events.column(s.CASE_INDEX).to_numpy()
        opens = np.diff(case_index, prepend=-1) != 0
        for start in range(0, events.num_rows, BATCH_EVENTS):
            batch = events.slice(start, BATCH_EVENTS)
            text = _event_texts(batch, headers, opens[start:start + BATCH_EVENTS], start)
            stream.write(_joined_bytes(text))
        if events.num_rows:
            stream.write(b"\t</trace>\n")
        stream.write(b"</log>\n")


def _opened(path: Path, gz: bool) -> io.BufferedIOBase:
    """`path` opened for writing bytes, through gzip when `gz`; the caller closes it (with)."""
    return gzip.open(path, "wb", compresslevel=5) if gz else open(path, "wb")


def _trace_headers(events: pa.Table, cases: pa.Table | None) -> pa.Array:
    """The opening of every trace, in case_index order: <trace> and its attributes."""
    case_index = events.column(s.CASE_INDEX).to_numpy()
    firsts = np.flatnonzero(np.diff(case_index, prepend=-1) != 0)
    case_ids = events.column(s.CASE_ID).combine_chunks().take(pa.array(firsts))
    columns = {s.CASE_ID: case_ids}
    if cases is not None:
        row = pc.index_in(case_ids, value_set=cases.column(s.CASE_ID).combine_chunks())
        for name in cases.column_names:
            if name != s.CASE_ID:
                columns[name] = cases.column(name).combine_chunks().take(row)
    lines = [_attribute_lines(column, "concept:name" if name == s.CASE_ID else _key_for(name), "\t\t")
             for name, column in columns.items()]
    return pc.binary_join_element_wise("\t<trace>\n", *lines, "")


def _event_texts(batch: pa.Table, headers: pa.Array, opens: np.ndarray, first_row: int) -> pa.Array:
    """The text of a batch of events, with trace openings (and closings) where cases change."""
    case_index = batch.column(s.CASE_INDEX).combine_chunks()
    closing = opens.copy()
    if first_row == 0:
        closing[0] = False
    prefix = pc.if_else(pa.array(opens), headers.take(case_index), "")
    lines = [_attribute_lines(batch.column(name).combine_chunks(), _event_key(name), "\t\t\t")
             for name in batch.column_names if name not in _SKIPPED]
    return pc.binary_join_element_wise(pc.if_else(pa.array(closing), "\t</trace>\n", ""), prefix,
                                       "\t\t<event>\n", *lines, "\t\t</event>\n", "")


def _event_key(name: str) -> str:
    if name in EVENT_KEYS:
        return EVENT_KEYS[name]
    key = _key_for(name)
    return f"attribute:{key}" if key in EVENT_KEYS.values() else key


def _key_for(name: str) -> str:
    """Columns renamed on import to avoid a canonical name get their XES key back."""
    prefix = "attribute:"
    if name.startswith(prefix) and name[len(prefix):] in s.CORE_EVENT_COLUMNS:
        return name[len(prefix):]
    return name


def _attribute_lines(column: pa.Array, key: str, indent: str) -> pa.Array:
    """One XES attribute line per value; '' where the value is null."""
    kind, text = _xes_text(column, key)
    opening = f'{indent}<{kind} key="{_escape_text(key)}" value="'
    return pc.fill_null(pc.binary_join_element_wise(opening, text, '"/>\n', ""), "")


def _xes_text(column: pa.Array, key: str) -> tuple[str, pa.Array]:
    kind = column.type
    if pa.types.is_dictionary(kind):
        return _xes_text(column.cast(kind.value_type), key)
    if pa.types.is_boolean(kind):
        return "boolean", column.cast(pa.string())
    if pa.types.is_integer(kind):
        return "int", column.cast(pa.string())
    if pa.types.is_floating(kind):
        text = column.cast(pa.float64()).cast(pa.string())
        for arrow_text, xes_text in (("-inf", "-INF"), ("inf", "INF"), ("nan", "NaN")):
            text = pc.if_else(pc.equal(text, arrow_text), xes_text, text)
        return "float", text
    if pa.types.is_timestamp(kind):
        utc = column if kind.tz is not None else pc.assume_timezone(column, "UTC")
        return "date", pc.binary_join_element_wise(
            pc.strftime(utc.cast(s.TIMESTAMP_TYPE), format="%Y-%m-%dT%H:%M:%S"), "+00:00", "")
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "string", _escape(column.cast(pa.string()), key)
    try:
        return "string", _escape(column.cast(pa.string()), key)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise DatasetError(f"The column {key!r} holds {kind}, which XES cannot express. "
                           "Drop or convert the column before exporting.") from exc


def _escape(text: pa.Array, key: str) -> pa.Array:
    bad = pc.match_substring_regex(text, _NOT_XML)
    if pc.any(bad).as_py():
        value = text.filter(bad)[0].as_py()
        raise DatasetError(f"The column {key!r} holds {value!r}, with a control character that XML "
                           "cannot carry. Clean the value before exporting to XES.")
    for plain, escaped in _ESCAPES:
        text = pc.replace_substring(text, plain, escaped)
    return text


def _escape_text(text: str) -> str:
    for plain, escaped in _ESCAPES:
        text = text.replace(plain, escaped)
    return text


def _joined_bytes(texts: pa.Array) -> memoryview:
    """All strings of an array back to back, straight from its data buffer."""
    _, offsets_buffer, data_buffer = texts.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int32)[texts.offset:texts.offset + len(texts) + 1]
    if data_buffer is None:
        return memoryview(b"")
    return memoryview(data_buffer)[offsets[0]:offsets[-1]]
