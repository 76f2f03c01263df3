"""A case-centric log as an object-centric one: cases, citizens, caseworkers and departments as objects.

Every event is related to its case ("case"), the case's citizen ("citizen"), its caseworker
(the resource, "caseworker") and the caseworker's department ("department", from org_unit,
else the case's department). A case is linked to its citizen ("concerns"), a caseworker to
each department they worked for ("works in"). Case attributes become attributes of the case.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.ocel import model as m
from procmine.ocel.assemble import check

CASE, CITIZEN, CASEWORKER, DEPARTMENT = "case", "citizen", "caseworker", "department"
_CITIZEN_COLUMNS = ("citizen", "citizen_id")
_SKIPPED_EVENT_COLUMNS = {s.CASE_INDEX, s.EVENT_INDEX, s.CASE_ID, s.ACTIVITY, s.TIMESTAMP, "source_case_id"}


def kind_of(arrow_type: pa.DataType) -> str:
    """The OCEL type that holds values of an Arrow type."""
    if pa.types.is_timestamp(arrow_type):
        return "time"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type):
        return "float"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    return "string"


def ocel_from_cases(events: pa.Table, cases: pa.Table | None) -> m.ObjectCentricLog:
    """The object-centric log of a canonical case-centric dataset (events sorted, cases optional)."""
    cases = cases if cases is not None else pa.table({s.CASE_ID: pc.unique(events.column(s.CASE_ID))})
    event_ids = pc.binary_join_element_wise("e", events.column(s.EVENT_INDEX).cast(pa.string()), "")
    citizen_column = next((c for c in _CITIZEN_COLUMNS if c in cases.column_names), None)
    case_position = pc.index_in(events.column(s.CASE_ID), value_set=cases.column(s.CASE_ID))
    related = {CASE: events.column(s.CASE_ID)}
    if citizen_column:
        related[CITIZEN] = cases.column(citizen_column).cast(pa.string()).take(case_position)
    if s.RESOURCE in events.column_names:
        related[CASEWORKER] = events.column(s.RESOURCE)
    if "org_unit" in events.column_names:
        related[DEPARTMENT] = events.column("org_unit").cast(pa.string())
    elif "department" in cases.column_names:
        related[DEPARTMENT] = cases.column("department").cast(pa.string()).take(case_position)
    relations = pa.concat_tables([
        pa.table({m.EVENT_ID: event_ids, m.OBJECT_ID: _object_ids(kind, ids), m.QUALIFIER: pa.array(
            [kind] * len(ids), pa.string())}).filter(pc.is_valid(ids)) for kind, ids in related.items()])
    objects = pa.concat_tables([
        pa.table({m.OBJECT_ID: _object_ids(kind, pc.unique(pc.drop_null(ids))), m.OBJECT_TYPE: pa.array(
            [kind] * len(pc.unique(pc.drop_null(ids))), pa.string())}) for kind, ids in related.items()])
    links = _links(related, citizen_column is not None)
    attributes, case_types = _case_attributes(cases, {citizen_column, s.CASE_ID, s.CASE_INDEX})
    flat = {name: _plain(events.column(name)) for name in events.column_names if name not in _SKIPPED_EVENT_COLUMNS}
    event_table = pa.table({m.EVENT_ID: event_ids, s.ACTIVITY: events.column(s.ACTIVITY).cast(pa.string()),
                            s.TIMESTAMP: events.column(s.TIMESTAMP), **flat})
    declared = {name: kind_of(column.type) for name, column in flat.items()}
    activities = pc.unique(event_table.column(s.ACTIVITY)).to_pylist()
    log = m.ObjectCentricLog(
        events=event_table, objects=objects, event_objects=relations, object_relations=links,
        object_attributes=attributes, event_types={a: dict(declared) for a in activities},
        object_types={kind: (case_types if kind == CASE else {}) for kind in related})
    return replace(log, relation_positions=check(log, "the case-centric dataset"))


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column


def _object_ids(kind: str, ids) -> pa.Array:
    """Object ids are the source ids; citizens, caseworkers and departments are prefixed by their
    type so that two kinds never share an id."""
    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    ids = ids.cast(pa.string())
    return ids if kind == CASE else pc.binary_join_element_wise(f"{kind}:", ids, "")


def _links(related: dict, has_citizen: bool) -> pa.Table:
    parts = []
    pairs = [(CASE, CITIZEN, "concerns")] if has_citizen else []
    if CASEWORKER in related and DEPARTMENT in related:
        pairs.append((CASEWORKER, DEPARTMENT, "works in"))
    for source, target, qualifier in pairs:
        table = pa.table({"s": related[source], "t": related[target]})
        table = table.filter(pc.and_(pc.is_valid(table.column("s")), pc.is_valid(table.column("t"))))
        table = table.group_by(["s", "t"]).aggregate([])
        parts.append(pa.table({m.SOURCE_ID: _object_ids(source, table.column("s")),
                               m.TARGET_ID: _object_ids(target, table.column("t")),
                               m.QUALIFIER: pa.array([qualifier] * table.num_rows, pa.string())}))
    return pa.concat_tables(parts) if parts else m.empty_table("object_relations")


def _case_attributes(cases: pa.Table, skipped: set) -> tuple[pa.Table, dict[str, str]]:
    """Case attributes as initial (epoch) values of the case objects, and their declared types."""
    parts, declared = [], {}
    ids = cases.column(s.CASE_ID).cast(pa.string()).combine_chunks()
    for name in cases.column_names:
        if name in skipped:
            continue
        column = cases.column(name).combine_chunks()
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        kind = declared[name] = kind_of(column.type)
        text = m.canonical_text(column, kind)
        present = pc.is_valid(text)
        count = int(pc.sum(present).as_py() or 0)
        parts.append(pa.table({m.OBJECT_ID: ids.filter(present), m.ATTRIBUTE: pa.array([name] * count, pa.string()),
                               m.TIME: pa.array(np.zeros(count, np.int64), s.TIMESTAMP_TYPE),
                               m.VALUE: text.filter(present)}))
    return (pa.concat_tables(parts) if parts else m.empty_table("object_attributes")), declared
