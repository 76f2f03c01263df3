"""Read an XES or XES.gz event log into canonical Arrow tables, streaming and safely.

`concept:name` of a trace becomes `case_id`, of an event `activity`; `time:timestamp`
→ `timestamp`, `org:resource` → `resource`, `lifecycle:transition` → `lifecycle`
(start/complete events stay one row each, unpaired). Other trace attributes go to the
cases table, other event attributes become typed event columns, sorted by name. A
trace without `concept:name` is an error: a generated id would make the dataset
disagree with every other tool reading the same file. Nested, list and container
attributes are skipped, with a note. An event without an activity or a time is left out
and counted (procmine.importing.quarantine), or refused with `strict`. How the bytes are
made safe is in xes_safety.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.dataset_meta import Place
from procmine.errors import LogValidationError, located
from procmine.importing.options import ImportOptions, RawLog
from procmine.importing.quarantine import Quarantine, find_left_out, refuse_if_nothing_left
from procmine.importing.xes_chunks import iter_chunks
from procmine.importing.xes_columns import ColumnRules, typed_columns
from procmine.importing.xes_pipeline import LogParts, read_chunks
from procmine.importing.xes_safety import XesByteSource, XesLimits

LIFECYCLE_KEY = "lifecycle:transition"
_RESERVED = frozenset(s.CORE_EVENT_COLUMNS)


def read_xes_log(path: Path, options: ImportOptions = ImportOptions(), *,
                 limits: XesLimits = XesLimits(), workers: int | None = None) -> RawLog:
    """Read a .xes or .xes.gz file; RawLog.events is unsorted, RawLog.cases has `case_id`.

    `workers` threads parse the chunks (None: one per core, at most four; 1: this thread
    alone).
    """
    path = Path(path)
    with XesByteSource(path, limits) as source:
        parts = read_chunks(iter_chunks(source, path, limits.block_bytes), path, workers)
    if parts.end.stack:
        raise LogValidationError(located(
            f"The XES ends inside <{' > '.join(parts.end.stack)}>: the file is cut short",
            file=path, hint="Download or export the log again"))
    case_ids, cases, notes = _cases(parts, path, options)
    events, event_notes, quarantine = _events(parts, path, options, case_ids)
    return RawLog(events=events, cases=cases, notes=notes + event_notes + _skip_notes(parts),
                  source_info={"xes_traces": parts.traces, "xes_events": parts.events},
                  quarantine=quarantine)


def _cases(parts: LogParts, path: Path, options: ImportOptions) -> tuple[pa.Array, pa.Table, list[str]]:
    case_key = options.case_id or "concept:name"
    rules = ColumnRules(frozenset({case_key}), frozenset(), options.timezone,
                        lambda row: f"trace {row + 1}", str(path))
    columns, notes = typed_columns(parts.trace_attributes, parts.traces, rules)
    case_ids = columns.pop(case_key, pa.nulls(parts.traces, pa.string()))
    if case_ids.null_count:
        first = pc.index(pc.is_null(case_ids), True).as_py()
        raise LogValidationError(located(
            f"Trace {first + 1} has no {case_key!r} attribute, so it has no case id",
            file=path, hint="Give every trace a concept:name, or name the case id attribute "
            "with --case-id"))
    if len(pc.unique(case_ids)) != len(case_ids):
        counts = pc.value_counts(case_ids)
        twice = counts.filter(pc.greater(counts.field("counts"), 1))[0]["values"].as_py()
        raise LogValidationError(located(
            f"The case id {twice!r} names more than one trace", file=path,
            hint="Give every trace its own concept:name"))
    table = {s.CASE_ID: case_ids}
    for key in sorted(columns):
        table[_column_name(key, {s.CASE_ID})] = columns[key]
    return case_ids, pa.table(table), notes


def _events(parts: LogParts, path: Path, options: ImportOptions,
            case_ids: pa.Array) -> tuple[pa.Table, list[str], Quarantine | None]:
    """The events as a table; those without an activity or a time are left out unless strict."""
    if parts.events == 0:
        raise LogValidationError(located("The XES log holds no events", file=path,
                                         hint="Export a log with at least one event"))
    trace_of = np.concatenate(parts.event_trace)
    keys = {s.ACTIVITY: options.activity or "concept:name",
            s.TIMESTAMP: options.timestamp or "time:timestamp",
            s.RESOURCE: options.resource or "org:resource",
            s.LIFECYCLE: LIFECYCLE_KEY,
            s.START_TIMESTAMP: options.start_timestamp or "start_timestamp"}
    describe = _event_describer(trace_of, case_ids)
    rules = ColumnRules(frozenset({keys[s.ACTIVITY], keys[s.RESOURCE], keys[s.LIFECYCLE]}),
                        frozenset({keys[s.TIMESTAMP], keys[s.START_TIMESTAMP]}), options.timezone,
                        describe, str(path))
    columns, notes = typed_columns(parts.event_attributes, parts.events, rules)
    for column in (s.ACTIVITY, s.TIMESTAMP):
        found = columns.get(keys[column])
        if found is None or (options.strict and found.null_count):
            first = 0 if found is None else pc.index(pc.is_null(found), True).as_py()
            where = describe(first)
            raise LogValidationError(located(
                f"{where[0].upper()}{where[1:]} has no {keys[column]!r} attribute ({column})",
                file=path, hint="Every event needs an activity and a timestamp; fix the export"
                + ("" if found is None else ", or import without --strict to leave such events out")))
    keep, quarantine = find_left_out(columns[keys[s.ACTIVITY]], columns[keys[s.TIMESTAMP]],
                                     parts.events, trace_of, _event_place(trace_of, case_ids))
    table = {s.CASE_ID: case_ids.take(pa.array(trace_of))}
    for column in (s.ACTIVITY, s.TIMESTAMP, s.START_TIMESTAMP, s.RESOURCE, s.LIFECYCLE):
        if keys[column] in columns:
            table[column] = columns.pop(keys[column])
    for key in sorted(columns):
        table[_column_name(key, _RESERVED)] = columns[key]
    empty = parts.traces - 1 - int(np.count_nonzero(np.diff(trace_of)))  # trace_of never decreases
    if empty:
        notes.append(f"{empty} trace(s) without events were left out.")
    events = pa.table(table)
    if quarantine is not None:
        refuse_if_nothing_left(keep, quarantine, str(path))
        events = events.filter(pa.array(keep))
    return events, notes, quarantine


def _event_describer(trace_of: np.ndarray, case_ids: pa.Array):
    def describe(event: int) -> str:
        trace = int(trace_of[event])
        position = event - int(np.searchsorted(trace_of, trace)) + 1
        return f"event {position} of trace {trace + 1} (case {case_ids[trace].as_py()!r})"
    return describe


def _event_place(trace_of: np.ndarray, case_ids: pa.Array):
    def place(event: int) -> Place:
        trace = int(trace_of[event])
        position = event - int(np.searchsorted(trace_of, trace)) + 1
        return Place(trace=trace + 1, event=position, case=case_ids[trace].as_py())
    return place


def _column_name(key: str, reserved: frozenset[str] | set[str]) -> str:
    """The column for an XES key; keys that clash with canonical column names get a prefix."""
    return f"attribute:{key}" if key in reserved else key


def _skip_notes(parts: LogParts) -> list[str]:
    notes = []
    if parts.skipped["container"]:
        notes.append(f"{parts.skipped['container']} list or container attribute(s) of traces and "
                     "events were skipped: they have no single value.")
    if parts.skipped["nested"]:
        notes.append(f"{parts.skipped['nested']} nested attribute(s) inside trace or event "
                     "attributes were skipped; the outer attribute keeps its own value.")
    return notes
