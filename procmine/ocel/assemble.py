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
from procmine.ocel.id_codes import IdCodes, encode_ids


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
    # the log's own list of its events and their types, where the form has one beside the events
    # themselves (SQLite's event table): (ids, types), checked to agree with the events
    listed_events: tuple[pa.Array, pa.Array] | None = None

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
    attribute_objects = _ids(rows.attribute_objects)
    # every reference to an object, coded in one pass: the attribute types and the checks share it
    object_codes = encode_ids(objects.column(m.OBJECT_ID), event_objects.column(m.OBJECT_ID),
                              links.column(m.SOURCE_ID), links.column(m.TARGET_ID), attribute_objects)
    attributes = _object_attributes(rows, objects, attribute_objects, object_codes.rows(3), origin)
    log = m.ObjectCentricLog(events, objects, event_objects, links, attributes,
                             rows.event_types, rows.object_types)
    return replace(log, relation_positions=check(log, origin, listed_events=rows.listed_events,
                                                 object_codes=object_codes))


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


def _object_attributes(rows: OcelRows, objects: pa.Table, object_ids: pa.Array, object_rows: np.ndarray,
                       origin: object) -> pa.Table:
    """Long table of attribute values, each as canonical text of its declared type (typed per kind,
    in bulk: one conversion per attribute type, not per value). `object_rows`: the row in `objects` of
    each value's object (-1 when there is none)."""
    names = _ids(rows.attribute_names)
    listed_times = rows.attribute_times
    listed_times = (listed_times.fill_null(m.EPOCH_TEXT) if isinstance(listed_times, pa.Array)
                    else [m.EPOCH_TEXT if t is None else t for t in listed_times])
    times = m.parse_times(listed_times, f"{origin}: object attribute time")
    kinds, kind_names = _attribute_kinds(rows.object_types, objects, names, object_rows)
    values = rows.attribute_values
    bulk = values if isinstance(values, pa.Array) else None        # text read in bulk (SQLite)
    listed = np.empty(0 if bulk is not None else len(values), dtype=object)
    if bulk is None:
        listed[:] = values
    parts, places = [], []
    for code in np.unique(kinds).tolist():
        kind = kind_names[code]
        chosen = np.flatnonzero(kinds == code)
        everything = len(chosen) == len(kinds)
        picked = (values if everything else bulk.take(pa.array(chosen)) if bulk is not None
                  else listed[chosen].tolist())
        typed = m.typed_array(picked, kind, f"{origin}: object attribute of type {kind}")
        parts.append(m.canonical_text(typed, kind))
        places.append(chosen)
    if len(parts) == 1:
        texts = parts[0]
    elif parts:     # back into the order read (Arrow's own take: no Python object per value)
        order = np.concatenate(places)
        inverse = np.empty(len(order), np.int64)
        inverse[order] = np.arange(len(order))
        texts = pa.concat_arrays(parts).take(pa.array(inverse))
    else:
        texts = pa.array([], pa.string())
    return pa.table({m.OBJECT_ID: object_ids, m.ATTRIBUTE: names, m.TIME: times,
                     m.VALUE: texts.cast(pa.string())})


def _attribute_kinds(object_types: dict[str, dict[str, str]], objects: pa.Table, names: pa.Array,
                     object_rows: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The declared kind of each attribute value (as a code into the kinds given), by its object's type
    and its name: a small table of (type, name) looked up in bulk. An unknown object or a type without
    a name reads as the type named "" (nothing, unless a log declares it)."""
    types = pc.dictionary_encode(objects.column(m.OBJECT_TYPE).combine_chunks())
    type_codes = np.append(pc.fill_null(types.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64), -1)
    encoded_names = pc.dictionary_encode(names)
    name_codes = pc.fill_null(encoded_names.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    type_names = [*types.dictionary.to_pylist(), ""]          # code -1: the last
    attribute_names = encoded_names.dictionary.to_pylist()
    kind_names = list(m.OCEL_TYPES)
    table = np.zeros((len(type_names), len(attribute_names) + 1), np.int64)
    for t, type_name in enumerate(type_names):
        declared = object_types.get(type_name, {})
        for n, name in enumerate(attribute_names):
            table[t, n] = kind_names.index(declared.get(name, "string"))
    return table[type_codes[object_rows], name_codes], kind_names


def check(log: m.ObjectCentricLog, origin: object, *, listed_events: tuple[pa.Array, pa.Array] | None = None,
          object_codes: IdCodes | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Refuse a log OCEL 2.0 does not allow, naming the first offending id; gives the rows in `events`
    and in `objects` of each event-object relation (found on the way, kept for flattening).

    `listed_events`: the log's own list of (event ids, types), which must give every event its type;
    `object_codes`: the object ids coded with the relations, links and attribute values that name them."""
    relations, links = log.event_objects, log.object_relations
    event_codes = encode_ids(log.events.column(m.EVENT_ID), relations.column(m.EVENT_ID),
                             *([] if listed_events is None else [listed_events[0]]))
    if object_codes is None:
        object_codes = encode_ids(log.objects.column(m.OBJECT_ID), relations.column(m.OBJECT_ID),
                                  links.column(m.SOURCE_ID), links.column(m.TARGET_ID),
                                  log.object_attributes.column(m.OBJECT_ID))
    if listed_events is not None:
        _agrees_with_listing(log, event_codes, *listed_events, origin)
    _unique(event_codes, "event", origin)
    _unique(object_codes, "object", origin)
    _no_nulls(log, origin)
    _declared(log.events.column("activity"), log.event_types, "event", origin)
    _declared(log.objects.column(m.OBJECT_TYPE), log.object_types, "object", origin)
    positions = (_positions(event_codes, 0, relations.column(m.EVENT_ID), "an event-object relation", "event",
                            origin),
                 _positions(object_codes, 0, relations.column(m.OBJECT_ID), "an event-object relation", "object",
                            origin))
    sources = _positions(object_codes, 1, links.column(m.SOURCE_ID), "an object-object relation", "object", origin)
    targets = _positions(object_codes, 2, links.column(m.TARGET_ID), "an object-object relation", "object", origin)
    _positions(object_codes, 3, log.object_attributes.column(m.OBJECT_ID), "an object attribute", "object", origin)
    _acyclic(log, sources, targets, origin)
    return positions


def _agrees_with_listing(log: m.ObjectCentricLog, codes: IdCodes, listed_ids: pa.Array, listed_types: pa.Array,
                         origin: object) -> None:
    """Each event's type is the one the log's own list of events gives its id (null when it lists
    no such id: an error too)."""
    listed = codes.references[1]
    events = len(codes.first_rows)
    # slots past the events: a null id (`events`) and an id no event has (`events + 1`)
    slots = np.where(listed < 0, events + 1, listed)
    if listed_ids.null_count:
        slots[pc.is_null(listed_ids).to_numpy(zero_copy_only=False)] = events
    first_listed = np.full(events + 2, -1, np.int64)
    first_listed[slots[::-1]] = np.arange(len(slots))[::-1]        # the last assignment wins: the first row
    where = first_listed[np.where(codes.first_rows < 0, events, codes.first_rows)]
    types = listed_types.take(pa.array(where, mask=where < 0))
    activities = log.events.column("activity")
    wrong = pc.invert(pc.fill_null(pc.equal(types, activities), False))
    if pc.any(wrong).as_py():
        first = pc.indices_nonzero(wrong)[0].as_py()
        raise LogValidationError(located(
            f"Event {log.events.column(m.EVENT_ID)[first].as_py()!r} is in the table of type "
            f"{activities[first].as_py()!r} but the event table gives it the type "
            f"{types[first].as_py()!r}", file=origin, hint="Keep the event table and the event type tables consistent"))


def _unique(codes: IdCodes, kind: str, origin: object) -> None:
    if codes.distinct:
        return
    if codes.ids.null_count:        # a null is one more id here (twice: repeated); the null check follows
        counts = pc.value_counts(codes.ids)
        repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        if not len(repeated):
            return
        first = repeated[0].as_py()
    else:
        first = codes.first_repeated()
    raise LogValidationError(located(
        f"The {kind} id {first!r} is used by more than one {kind}", file=origin,
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


def _positions(codes: IdCodes, reference: int, ids: pa.ChunkedArray, where: str, kind: str,
               origin: object) -> np.ndarray:
    """The row of each id of reference column `reference` (its values: `ids`); an id the log does not
    hold is an error."""
    rows = codes.rows(reference)
    missing = rows < 0
    if missing.any():
        first = int(np.flatnonzero(missing)[0])
        raise LogValidationError(located(
            f"{where.capitalize()} names the {kind} id {ids[first].as_py()!r}, which the log does not hold "
            f"({int(missing.sum())} such reference(s))", file=origin,
            hint=f"Add the {kind} or remove the relation"))
    return rows


def _acyclic(log: m.ObjectCentricLog, source: np.ndarray, target: np.ndarray, origin: object) -> None:
    """Refuse object-object relations that lead from an object back to itself (`source`, `target`: the
    rows of their objects)."""
    if len(source) == 0:
        return
    known = log.objects.column(m.OBJECT_ID).combine_chunks()
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
