"""Build an ObjectCentricLog from the plain rows a reader collected, and check it.

Every reader (JSON, XML, SQLite) fills one `OcelRows`; `assemble` types the values by
their declarations and refuses what OCEL 2.0 forbids: duplicate ids, relations to
events or objects that do not exist, types that are not declared, cycles between objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine.analysis import kernels as k
from procmine.errors import LogValidationError, located
from procmine.ocel import model as m


@dataclass
class OcelRows:
    """What a reader found, as Python lists (one entry per row)."""

    event_types: dict[str, dict[str, str]] = field(default_factory=dict)
    object_types: dict[str, dict[str, str]] = field(default_factory=dict)
    event_ids: list = field(default_factory=list)
    event_activities: list = field(default_factory=list)
    event_times: list = field(default_factory=list)
    # per attribute: {event position: value}, or a whole column (an Arrow array, one value per event)
    event_attributes: dict[str, dict[int, object] | pa.Array] = field(default_factory=dict)
    object_ids: list = field(default_factory=list)
    object_type_of: list = field(default_factory=list)
    relation_events: list = field(default_factory=list)
    relation_objects: list = field(default_factory=list)
    relation_qualifiers: list = field(default_factory=list)
    link_sources: list = field(default_factory=list)
    link_targets: list = field(default_factory=list)
    link_qualifiers: list = field(default_factory=list)
    attribute_objects: list = field(default_factory=list)
    attribute_names: list = field(default_factory=list)
    attribute_times: list = field(default_factory=list)
    attribute_values: list = field(default_factory=list)

    def add_event_attribute(self, name: str, value) -> None:
        """Set attribute `name` of the event added last."""
        self.event_attributes.setdefault(name, {})[len(self.event_ids) - 1] = value


def spread_event_attributes(rows: OcelRows, positions: np.ndarray, names, texts: pa.Array, count: int) -> bool:
    """Event attribute values in long form (event position, name, text) as one whole column per
    attribute (null where an event lacks it); False, and nothing set, when an event has one name twice."""
    positions = np.asarray(positions, np.int64)
    names = pc.dictionary_encode(names.combine_chunks() if isinstance(names, pa.ChunkedArray) else names)
    codes = names.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    keys = np.sort(codes * count + positions)
    if (keys[1:] == keys[:-1]).any():
        return False
    for code, name in enumerate(names.dictionary.to_pylist()):
        chosen = np.flatnonzero(codes == code)
        where = np.full(count, -1, np.int64)
        where[positions[chosen]] = chosen
        rows.event_attributes[name] = texts.take(pa.array(where, mask=where < 0))
    return True


def assemble(rows: OcelRows, origin: object) -> m.ObjectCentricLog:
    """The checked, typed log of what a reader collected from `origin`."""
    events = _events(rows, origin)
    objects = pa.table({m.OBJECT_ID: _ids(rows.object_ids), m.OBJECT_TYPE: _ids(rows.object_type_of)})
    # OCEL 2.0 requires a qualifier on every relation: a missing one is the empty qualifier
    event_objects = pa.table({m.EVENT_ID: _ids(rows.relation_events), m.OBJECT_ID: _ids(rows.relation_objects),
                              m.QUALIFIER: _ids(rows.relation_qualifiers).fill_null("")})
    links = pa.table({m.SOURCE_ID: _ids(rows.link_sources), m.TARGET_ID: _ids(rows.link_targets),
                      m.QUALIFIER: _ids(rows.link_qualifiers).fill_null("")})
    attributes = _object_attributes(rows, objects, origin)
    log = m.ObjectCentricLog(events, objects, event_objects, links, attributes,
                             rows.event_types, rows.object_types)
    return replace(log, relation_positions=check(log, origin))


def _ids(values) -> pa.Array:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        return values.cast(pa.string())
    try:
        return pa.array(values, pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):   # numbers as ids (SQLite, JSON): their text
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def _events(rows: OcelRows, origin: object) -> pa.Table:
    n = len(rows.event_ids)
    columns = {m.EVENT_ID: _ids(rows.event_ids), "activity": _ids(rows.event_activities),
               "timestamp": m.parse_times(rows.event_times, f"{origin}: event time")}
    kinds = m.event_column_types(rows.event_types)
    for name, values in rows.event_attributes.items():
        if name in m.RESERVED_EVENT_COLUMNS:
            raise LogValidationError(located(
                f"An event attribute is named {name!r}, a name procmine uses for its own columns",
                file=origin, hint="Rename the attribute in the source"))
        if isinstance(values, dict):
            listed: list[object] = [None] * n
            for position, value in values.items():
                listed[position] = value
        else:
            listed = values      # a whole column (length n) read in bulk
        columns[name] = m.typed_array(listed, kinds.get(name, "string"), f"{origin}: event attribute {name!r}")
    return pa.table(columns)


def _object_attributes(rows: OcelRows, objects: pa.Table, origin: object) -> pa.Table:
    """Long table of attribute values, each as canonical text of its declared type (typed per kind,
    in bulk: one conversion per attribute type, not per value)."""
    object_ids = _ids(rows.attribute_objects)
    names = _ids(rows.attribute_names)
    listed_times = rows.attribute_times
    listed_times = (listed_times.fill_null(m.EPOCH_TEXT) if isinstance(listed_times, pa.Array)
                    else [m.EPOCH_TEXT if t is None else t for t in listed_times])
    times = m.parse_times(listed_times, f"{origin}: object attribute time")
    type_of = objects.column(m.OBJECT_TYPE).take(pc.index_in(object_ids, value_set=objects.column(m.OBJECT_ID)))
    keys = pc.binary_join_element_wise(type_of.combine_chunks().fill_null(""), names, "\x1f")
    distinct = pc.unique(keys)
    kind_of_key = np.array([rows.object_types.get(key.split("\x1f")[0], {}).get(key.split("\x1f")[1], "string")
                            for key in distinct.to_pylist()], dtype=object)
    kinds = kind_of_key[pc.index_in(keys, value_set=distinct).to_numpy(zero_copy_only=False).astype(np.int64)] \
        if len(keys) else np.zeros(0, dtype=object)
    values = rows.attribute_values
    bulk = values if isinstance(values, pa.Array) else None        # text read in bulk (SQLite)
    listed = np.empty(0 if bulk is not None else len(values), dtype=object)
    if bulk is None:
        listed[:] = values
    texts = np.empty(len(values), dtype=object)
    for kind in set(kinds.tolist()):
        chosen = kinds == kind
        picked = bulk.filter(pa.array(chosen)) if bulk is not None else listed[chosen].tolist()
        typed = m.typed_array(picked, kind, f"{origin}: object attribute of type {kind}")
        texts[chosen] = m.canonical_text(typed, kind).to_numpy(zero_copy_only=False)
    return pa.table({m.OBJECT_ID: object_ids, m.ATTRIBUTE: names, m.TIME: times,
                     m.VALUE: pa.array(texts, pa.string())})


def check(log: m.ObjectCentricLog, origin: object) -> tuple[np.ndarray, np.ndarray]:
    """Refuse a log OCEL 2.0 does not allow, naming the first offending id; gives the rows in `events`
    and in `objects` of each event-object relation (found on the way, kept for flattening)."""
    _unique(log.events.column(m.EVENT_ID), "event", origin)
    _unique(log.objects.column(m.OBJECT_ID), "object", origin)
    _no_nulls(log, origin)
    _declared(log.events.column("activity"), log.event_types, "event", origin)
    _declared(log.objects.column(m.OBJECT_TYPE), log.object_types, "object", origin)
    objects = log.objects.column(m.OBJECT_ID)
    positions = (_positions(log.event_objects.column(m.EVENT_ID), log.events.column(m.EVENT_ID),
                            "an event-object relation", "event", origin),
                 _positions(log.event_objects.column(m.OBJECT_ID), objects, "an event-object relation", "object",
                            origin))
    _known(log.object_relations.column(m.SOURCE_ID), objects, "an object-object relation", "object", origin)
    _known(log.object_relations.column(m.TARGET_ID), objects, "an object-object relation", "object", origin)
    _known(log.object_attributes.column(m.OBJECT_ID), objects, "an object attribute", "object", origin)
    _acyclic(log, origin)
    return positions


def _unique(ids: pa.ChunkedArray, kind: str, origin: object) -> None:
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated):
        raise LogValidationError(located(
            f"The {kind} id {repeated[0].as_py()!r} is used by more than one {kind}", file=origin,
            hint=f"Give every {kind} its own id"))


def _no_nulls(log: m.ObjectCentricLog, origin: object) -> None:
    for table, columns in ((log.events, (m.EVENT_ID, "activity", "timestamp")),
                           (log.objects, (m.OBJECT_ID, m.OBJECT_TYPE)),
                           (log.event_objects, (m.EVENT_ID, m.OBJECT_ID)),
                           (log.object_relations, (m.SOURCE_ID, m.TARGET_ID))):
        for name in columns:
            nulls = table.column(name).null_count
            if nulls:
                first = m.where_first(pc.is_null(table.column(name)).to_numpy(zero_copy_only=False))
                raise LogValidationError(located(f"{nulls} row(s) have no {name}", file=origin,
                                                 row=first + 1, hint=f"Every row needs a {name}"))


def _declared(types: pa.ChunkedArray, declared: dict, kind: str, origin: object) -> None:
    unknown = pc.filter(types, pc.invert(pc.is_in(types, value_set=pa.array(list(declared), pa.string()))))
    if len(unknown):
        raise LogValidationError(located(
            f"The {kind} type {unknown[0].as_py()!r} is used but not declared "
            f"(declared: {', '.join(sorted(declared)) or 'none'})", file=origin,
            hint=f"Declare it in the log's {kind} types"))


def _known(ids: pa.ChunkedArray, known: pa.ChunkedArray, where: str, kind: str, origin: object) -> None:
    _positions(ids, known, where, kind, origin)


def _positions(ids: pa.ChunkedArray, known: pa.ChunkedArray, where: str, kind: str, origin: object) -> np.ndarray:
    """The row in `known` of each id; an id `known` does not hold is an error."""
    found = pc.index_in(ids, value_set=known.combine_chunks() if isinstance(known, pa.ChunkedArray) else known)
    if found.null_count:
        missing = pc.filter(ids, pc.is_null(found))
        raise LogValidationError(located(
            f"{where.capitalize()} names the {kind} id {missing[0].as_py()!r}, which the log does not hold "
            f"({len(missing)} such reference(s))", file=origin,
            hint=f"Add the {kind} or remove the relation"))
    if isinstance(found, pa.ChunkedArray):
        found = found.combine_chunks()
    return found.to_numpy(zero_copy_only=False).astype(np.int64)


def _acyclic(log: m.ObjectCentricLog, origin: object) -> None:
    """Refuse object-object relations that lead from an object back to itself."""
    links = log.object_relations
    if links.num_rows == 0:
        return
    known = log.objects.column(m.OBJECT_ID).combine_chunks()
    source = pc.index_in(links.column(m.SOURCE_ID), value_set=known).to_numpy(zero_copy_only=False)
    target = pc.index_in(links.column(m.TARGET_ID), value_set=known).to_numpy(zero_copy_only=False)
    edges = k.sorted_unique(source.astype(np.int64) * len(known) + target)
    source, target = edges // len(known), edges % len(known)
    alive = np.ones(len(source), bool)
    while alive.any():
        # peel the objects nothing points to; what is left after no more peel is a cycle
        indegree = np.bincount(target[alive], minlength=len(known))
        removable = alive & (indegree[source] == 0)
        if not removable.any():
            start = int(source[alive][0])
            raise LogValidationError(located(
                f"The object-object relations form a cycle through object {known[start].as_py()!r}",
                file=origin, hint="Remove the relation that leads back to an object it starts from"))
        alive &= ~removable
