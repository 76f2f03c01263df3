"""Flatten an object-centric log by one object type into a case-centric event table, vectorised.

Every object of the chosen type becomes a case holding the events related to it (as pm4py's
`ocel_flattening`). Flattening is lossy in two ways, and the report counts both:
divergence, an event related to several objects of the type is copied into each of their
cases; convergence, objects of another type whose events end up in one case are merged
there (counted as pairs of objects of one type in one case).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.analysis import kernels as k
from procmine.errors import ConfigError
from procmine.memory_pages import ordinary_pages
from procmine.ocel import model as m
from procmine.ocel.integer_sort import sorted_distinct, stable_order
from procmine.ocel.merged_closing import CLOSED_AT, merged_closed_at

FLAT_EVENT_ID = "event_id"


class FlatSource(Protocol):
    """What flattening reads of a log: an ObjectCentricLog, or a dataset's stored tables
    (procmine.ocel.store.StoredTables, where the relations may be there as rows only)."""

    @property
    def events(self) -> pa.Table: ...
    @property
    def objects(self) -> pa.Table: ...
    @property
    def object_attributes(self) -> pa.Table: ...
    @property
    def object_relations(self) -> pa.Table: ...
    @property
    def object_types(self) -> dict[str, dict[str, str]]: ...
    @property
    def relation_positions(self) -> tuple[np.ndarray, np.ndarray] | None: ...
    @property
    def event_objects(self) -> pa.Table | None: ...


@dataclass(frozen=True)
class FlatteningReport:
    """What flattening by `case_notion` did to the log."""

    case_notion: str
    events: int                 # events of the object-centric log
    cases: int                  # objects of the type that have events
    rows: int                   # events in the flattened view (copies included)
    duplicated_events: int      # events copied into more than one case (divergence)
    extra_copies: int           # rows beyond one per kept event
    merged_object_pairs: int    # pairs of objects of one other type merged into one case (convergence)
    cases_with_merges: int      # cases where such a merge happened
    dropped_events: int         # events related to no object of the type

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FlatRelations:
    """The event-object relations of the log as integer rows (computed once per log)."""

    event: np.ndarray       # row in log.events of each relation
    obj: np.ndarray         # row in log.objects
    object_type: np.ndarray  # code into type_names of the object
    type_names: tuple[str, ...]
    rank: np.ndarray        # position of each object in id order
    by_rank: np.ndarray     # the object rows in id order (the inverse of rank)


def relation_rows(log: FlatSource) -> FlatRelations:
    """Integer codes of the log's relations: which event row, which object row, which type."""
    objects = log.objects
    types = pc.dictionary_encode(objects.column(m.OBJECT_TYPE).combine_chunks())
    if log.relation_positions is not None:      # found while the log was checked at the door
        event, obj = log.relation_positions
    else:
        if log.event_objects is None:
            raise ValueError("a flattening source needs its relations as rows or as a table")
        event = pc.index_in(log.event_objects.column(m.EVENT_ID), value_set=log.events.column(m.EVENT_ID))
        event = event.to_numpy(zero_copy_only=False).astype(np.int64)
        obj = pc.index_in(log.event_objects.column(m.OBJECT_ID), value_set=objects.column(m.OBJECT_ID))
        obj = obj.to_numpy(zero_copy_only=False).astype(np.int64)
    order = pc.sort_indices(objects.column(m.OBJECT_ID)).to_numpy()
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    type_codes = types.indices.to_numpy(zero_copy_only=False)
    return FlatRelations(event, obj,
                         type_codes[obj] if len(obj) else np.zeros(0, np.int64),
                         tuple(types.dictionary.to_pylist()), rank, order.astype(np.int64))


def flatten(log: FlatSource, object_type: str,
            relations: FlatRelations | None = None) -> tuple[pa.Table, pa.Table, FlatteningReport]:
    """(events, cases, report) of the log seen with the objects of `object_type` as cases.

    The events are in canonical order (case id, time, event order as read) with case_index and
    event_index, so they form a dataset as `procmine.dataset.normalise_events` would give it.
    """
    if object_type not in log.object_types:
        raise ConfigError(f"{object_type!r} is not an object type of this log; choose one of "
                          f"{', '.join(sorted(log.object_types))}.")
    with ordinary_pages():  # many large temporaries: see procmine.memory_pages
        rel = relations or relation_rows(log)
        chosen = rel.object_type == (rel.type_names.index(object_type) if object_type in rel.type_names else -1)
        event_rows, object_rows = ordered_pairs(log, rel, chosen)
        events = _flat_events(log, event_rows, object_rows)
        related = np.bincount(event_rows, minlength=log.events.num_rows)
        # which other objects each case merges: counted in the report, their closing gives the case's own
        merged = merged_objects(rel, chosen, event_rows, object_rows, related)
        cases = _with_merged_closing(log, rel, merged, event_rows, object_rows, _cases(log, object_rows, object_type))
        return events, cases, _report(log, rel, merged, event_rows, related, object_type, cases.num_rows)


def ordered_pairs(log: FlatSource, rel: FlatRelations, chosen: np.ndarray,
                  timestamps: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (event row, object row) of the chosen relations, by object id, then time, then event order."""
    if timestamps is None:
        timestamps = log.events.column(s.TIMESTAMP).cast(pa.int64()).to_numpy()
    num_events = log.events.num_rows
    # One sort of one integer key (object rank, place of the event in time order) both orders and
    # removes repeated pairs: a lexsort of three keys took four times as long.
    by_time = stable_order(timestamps)
    place = np.empty(num_events, np.int64)
    place[by_time] = np.arange(num_events)
    keys = sorted_distinct(rel.rank[rel.obj[chosen]] * num_events + place[rel.event[chosen]])
    return by_time[keys % num_events], rel.by_rank[keys // num_events]


def _flat_events(log: FlatSource, event_rows: np.ndarray, object_rows: np.ndarray) -> pa.Table:
    n = len(event_rows)
    changes = np.empty(n, bool)
    if n:
        changes[0] = False
        np.not_equal(object_rows[1:], object_rows[:-1], out=changes[1:])
    case_index = np.cumsum(changes, dtype=np.int32)
    source = log.events
    take = pa.array(event_rows)
    activity = pc.dictionary_encode(source.column(s.ACTIVITY).combine_chunks()).take(take)
    columns = {s.CASE_INDEX: pa.array(case_index), s.EVENT_INDEX: pa.array(np.arange(n, dtype=np.int64)),
               s.CASE_ID: log.objects.column(m.OBJECT_ID).take(pa.array(object_rows)).combine_chunks(),
               s.ACTIVITY: activity.cast(s.ACTIVITY_TYPE), s.TIMESTAMP: source.column(s.TIMESTAMP).take(take)}
    for name in source.column_names:
        if name not in (m.EVENT_ID, s.ACTIVITY, s.TIMESTAMP):
            column = source.column(name).take(take)
            if name in (s.RESOURCE, s.LIFECYCLE) and not pa.types.is_string(column.type):
                column = column.cast(pa.string())
            columns[name] = column
    columns[FLAT_EVENT_ID] = source.column(m.EVENT_ID).take(take)
    core = [c for c in s.CORE_EVENT_COLUMNS if c in columns]
    return pa.table({c: columns[c] for c in core + [c for c in columns if c not in core]})


def _cases(log: FlatSource, object_rows: np.ndarray, object_type: str) -> pa.Table:
    """One row per case: its id, the first value of each attribute, and linked objects of other types."""
    firsts = np.flatnonzero(np.diff(object_rows, prepend=-1)) if len(object_rows) else np.zeros(0, np.int64)
    case_ids = log.objects.column(m.OBJECT_ID).take(pa.array(object_rows[firsts])).combine_chunks()
    columns = {s.CASE_ID: case_ids}
    values = log.object_attributes
    for name, kind in log.object_types.get(object_type, {}).items():
        if name in (s.CASE_ID, s.CASE_INDEX):
            continue
        of_name = values.filter(pc.and_(pc.equal(values.column(m.ATTRIBUTE), name),
                                        pc.is_in(values.column(m.OBJECT_ID), value_set=case_ids)))
        if of_name.num_rows:    # earliest first (a stable sort: equal times keep the order read)
            of_name = of_name.take(pc.sort_indices(of_name, [(m.TIME, "ascending")]))
        position = pc.index_in(case_ids, value_set=of_name.column(m.OBJECT_ID))  # first match = earliest
        columns[name] = m.from_text(of_name.column(m.VALUE).take(position), kind)
    columns.update(linked_objects(log, case_ids, object_type, set(columns)))
    return pa.table(columns)


def _with_merged_closing(log: FlatSource, rel: FlatRelations, merged: np.ndarray, event_rows: np.ndarray,
                         object_rows: np.ndarray, cases: pa.Table) -> pa.Table:
    """The cases with a `closed_at` from the objects each one merges that have one (see merged_closing),
    unless the cases have their own or no other object type declares one."""
    closing = [rel.type_names.index(t) for t, declared in log.object_types.items()
               if declared.get(CLOSED_AT) == "time" and t in rel.type_names]
    if CLOSED_AT in cases.column_names or not closing:
        return cases
    num_objects = log.objects.num_rows
    # the merged objects of the closing types (the chosen type is not one: its own closed_at is in cases)
    of_closing = np.isin(merged // num_objects % len(rel.type_names), closing)
    cases_of, members = merged[of_closing] // num_objects // len(rel.type_names), merged[of_closing] % num_objects
    position = np.full(num_objects, -1, np.int64)
    lasts = np.flatnonzero(np.diff(object_rows, append=-1)) if len(object_rows) else np.zeros(0, np.int64)
    position[object_rows[lasts]] = np.arange(len(lasts))
    member_ids = log.objects.column(m.OBJECT_ID).take(pa.array(members))
    last_event = log.events.column(s.TIMESTAMP).cast(pa.int64()).to_numpy()[event_rows[lasts]]
    closed_at = merged_closed_at(position[cases_of], initial_values(log, member_ids, CLOSED_AT, "time"),
                                 cases.num_rows, last_event)
    return cases.append_column(CLOSED_AT, closed_at)


def initial_values(log: FlatSource, object_ids, name: str, kind: str) -> pa.Array:
    """Per object id the earliest value of its attribute `name` (null when it has none), typed."""
    values = log.object_attributes
    of_name = values.filter(pc.equal(values.column(m.ATTRIBUTE), name))
    if of_name.num_rows:    # earliest first (a stable sort: equal times keep the order read)
        of_name = of_name.take(pc.sort_indices(of_name, [(m.OBJECT_ID, "ascending"), (m.TIME, "ascending")]))
    position = pc.index_in(object_ids, value_set=of_name.column(m.OBJECT_ID))  # first match = earliest
    return m.from_text(of_name.column(m.VALUE).take(position), kind)


def linked_objects(log: FlatSource, case_ids: pa.Array, object_type: str,
                   taken: set[str]) -> dict[str, pa.Array]:
    """For each other object type whose objects the cases link to (object-object relations, either
    way) at most one each: a column named after that type with the linked object's id."""
    links = log.object_relations
    if links.num_rows == 0:
        return {}
    ids = log.objects.column(m.OBJECT_ID).combine_chunks()
    num_objects = len(ids)

    # every id is known (the log was checked at the door); one lookup builds one hash table of the ids
    together = pa.chunked_array([*links.column(m.SOURCE_ID).chunks, *links.column(m.TARGET_ID).chunks, case_ids],
                                pa.string())
    found = pc.index_in(together, value_set=ids).to_numpy().astype(np.int64)
    source, target, case_rows = np.split(found, [links.num_rows, 2 * links.num_rows])
    is_case = np.zeros(num_objects, bool)
    is_case[case_rows] = True
    case = np.where(is_case[source], source, target)
    other = np.where(is_case[source], target, source)
    pairs = k.sorted_unique(case[is_case[case]] * num_objects + other[is_case[case]])   # by case, distinct
    case, other = pairs // num_objects, pairs % num_objects
    types = pc.dictionary_encode(log.objects.column(m.OBJECT_TYPE).combine_chunks())
    type_codes = types.indices.to_numpy(zero_copy_only=False)[other]
    names = types.dictionary.to_pylist()
    result = {}
    for code in sorted(set(type_codes.tolist()), key=lambda c: names[c]):
        if names[code] == object_type or names[code] in taken:
            continue
        of_type = type_codes == code
        linked_case, linked = case[of_type], other[of_type]
        if len(linked_case) and (linked_case[1:] != linked_case[:-1]).all():     # at most one per case
            where = np.full(num_objects, -1, np.int64)
            where[linked_case] = linked
            picked = where[case_rows]
            result[names[code]] = ids.take(pa.array(picked, mask=picked < 0))
    return result


def _report(log, rel: FlatRelations, merged: np.ndarray, event_rows: np.ndarray, related: np.ndarray,
            object_type: str, cases: int) -> FlatteningReport:
    merged_pairs, merged_cases = _convergence(rel, merged)
    return FlatteningReport(
        case_notion=object_type, events=log.events.num_rows, cases=cases, rows=len(event_rows),
        duplicated_events=int((related > 1).sum()), extra_copies=int(np.maximum(related - 1, 0).sum()),
        merged_object_pairs=merged_pairs, cases_with_merges=merged_cases, dropped_events=int((related == 0).sum()))


def merged_objects(rel: FlatRelations, chosen: np.ndarray, event_rows: np.ndarray, object_rows: np.ndarray,
                   related: np.ndarray) -> np.ndarray:
    """The objects of other types each case merges, as sorted distinct keys
    (case object row * type count + type code) * object count + other object row.

    (event_rows, object_rows) are the distinct chosen pairs (the flattened rows); `related` counts
    them per event."""
    num_objects = len(rel.rank)
    other = ~chosen
    other_event, other_obj, other_type = rel.event[other], rel.obj[other], rel.object_type[other]
    if not len(event_rows) or not len(other_event):
        return np.zeros(0, np.int64)
    if related.max() == 1:          # no event in two cases: each other-relation lands in at most one
        case_of = np.full(len(related), -1, np.int64)
        case_of[event_rows] = object_rows
        cases_of = case_of[other_event]
        kept = cases_of >= 0
        cases_of, objects_of, types_of = cases_of[kept], other_obj[kept], other_type[kept]
    else:                           # copy each other-relation into every case of its event
        by_event = np.argsort(event_rows, kind="stable")
        case_obj = object_rows[by_event]
        starts = np.concatenate(([0], np.cumsum(related)))
        per_event = related[other_event]
        repeated = np.repeat(np.arange(len(other_event)), per_event)
        within = np.arange(len(repeated)) - np.repeat(np.cumsum(per_event) - per_event, per_event)
        cases_of = case_obj[starts[other_event[repeated]] + within]
        objects_of, types_of = other_obj[repeated], other_type[repeated]
    return sorted_distinct((cases_of * len(rel.type_names) + types_of) * num_objects + objects_of)


def _convergence(rel: FlatRelations, merged: np.ndarray) -> tuple[int, int]:
    """Pairs of same-type other objects that share a case, and the cases where that happens."""
    width = len(rel.type_names)
    held = merged // len(rel.rank)     # (case, type) of each merged object; its runs are the counts
    starts = np.flatnonzero(np.diff(held, prepend=-1))
    counts = np.diff(np.append(starts, len(held)))
    several = counts > 1
    cases_hit = k.sorted_unique(held[starts[several]] // width)
    return int((counts[several] * (counts[several] - 1) // 2).sum()), len(cases_hit)
