"""An object-centric log as a dataset folder, beside the usual files:

  events.parquet            one row per event; its case_id is the event id (the case notion is
                            chosen when the dataset is opened: `procmine.open(path, case_notion=...)`)
  objects.parquet           object_id, object_type
  event_objects.parquet     event_id, object_id, qualifier
  object_relations.parquet  source_id, target_id, qualifier
  object_attributes.parquet object_id, attribute, time, value (every value with its change time)
  event_object_rows.parquet event_row, object_row: where each event-object relation's event and object
                            are in events.parquet and objects.parquet (derived, checked when read by a
                            digest of those files, of event_objects.parquet and of the rows; a folder
                            without it, or with one that does not fit, has them found by id)
  procmine.json             "ocel": attribute declarations and the default case notion
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from procmine import schema as s
from procmine.atomic import atomic_file
from procmine.dataset import Dataset, write_dataset
from procmine.dataset_meta import OcelFacts
from procmine.errors import ConfigError, DatasetError
from procmine.ocel import model as m

OBJECTS_FILE = "objects.parquet"
EVENT_OBJECTS_FILE = "event_objects.parquet"
OBJECT_RELATIONS_FILE = "object_relations.parquet"
OBJECT_ATTRIBUTES_FILE = "object_attributes.parquet"
EVENT_OBJECT_ROWS_FILE = "event_object_rows.parquet"
_DIGEST_KEY = "procmine.digest"
_FILES = {"objects": OBJECTS_FILE, "event_objects": EVENT_OBJECTS_FILE,
          "object_relations": OBJECT_RELATIONS_FILE, "object_attributes": OBJECT_ATTRIBUTES_FILE}


def is_object_centric(dataset: Dataset) -> bool:
    return dataset.meta.object_centric


def busiest_object_type(log: m.ObjectCentricLog) -> str:
    """The object type with the most event-object relations (the default case notion)."""
    types = pc.take(log.objects.column(m.OBJECT_TYPE),
                    pc.index_in(log.event_objects.column(m.OBJECT_ID), value_set=log.objects.column(m.OBJECT_ID)))
    counts = pc.value_counts(types)
    if len(counts) == 0:
        return log.object_type_names[0] if log.object_types else ""
    order = np.lexsort((counts.field("values").to_numpy(zero_copy_only=False),
                        -counts.field("counts").to_numpy()))
    return counts.field("values")[int(order[0])].as_py()


def write_ocel_dataset(target: str | os.PathLike, log: m.ObjectCentricLog, *, case_notion: str | None = None,
                       source: dict | None = None, notes: list[str] | None = None) -> Dataset:
    """Write an object-centric log as a dataset folder, atomically."""
    notion = case_notion or busiest_object_type(log)
    if notion not in log.object_types:
        raise ConfigError(f"The case notion {notion!r} is not an object type of the log; choose one of "
                          f"{', '.join(log.object_type_names)}.")
    events = log.events.rename_columns([s.CASE_ID if c == m.EVENT_ID else c for c in log.events.column_names])
    of_notion = pc.equal(log.objects.column(m.OBJECT_TYPE), notion)
    meta = {"cases": int(pc.sum(of_notion).as_py() or 0),
            "ocel": OcelFacts(event_types=log.event_types, object_types=log.object_types,
                              default_case_notion=notion, objects=log.objects.num_rows,
                              event_objects=log.event_objects.num_rows)}
    tables = {_FILES[name]: getattr(log, name) for name in _FILES}
    dataset = write_dataset(target, events, source=source, notes=notes, extra_meta=meta, extra_tables=tables)
    _write_relation_rows(Path(dataset.path), dataset.events.column(s.CASE_ID), log)
    return dataset


def _write_relation_rows(folder: Path, stored_event_ids: pa.ChunkedArray, log: m.ObjectCentricLog) -> None:
    """Where each relation's event and object are in the stored tables (opening by a case notion then
    need not find them by id: a third of its time on a 1M-event log), with a digest of the files they
    were found in."""
    event_rows = pc.index_in(log.event_objects.column(m.EVENT_ID), value_set=stored_event_ids.combine_chunks())
    object_rows = pc.index_in(log.event_objects.column(m.OBJECT_ID),
                              value_set=log.objects.column(m.OBJECT_ID).combine_chunks())
    rows = pa.table({"event_row": event_rows.cast(pa.int32()), "object_row": object_rows.cast(pa.int32())})
    digest = _digest(folder, rows)
    if digest is not None:
        rows = rows.replace_schema_metadata({_DIGEST_KEY: digest})
    with atomic_file(folder / EVENT_OBJECT_ROWS_FILE) as tmp:
        pq.write_table(rows, tmp)


def _digest(folder: Path, rows: pa.Table) -> str | None:
    """A digest of the files the rows point into and of the rows themselves (None when the events are
    not one file): while it holds, the rows fit without looking at a single id."""
    files = [folder / name for name in (s.EVENTS_FILE, OBJECTS_FILE, EVENT_OBJECTS_FILE)]
    if not all(file.is_file() for file in files):
        return None
    digest = hashlib.sha256()    # hardware-accelerated on current x86: 0.05 s for the 80 MB of a 1M-event log
    for file in files:
        digest.update(file.read_bytes())
    for name in ("event_row", "object_row"):
        digest.update(np.ascontiguousarray(rows.column(name).combine_chunks().to_numpy(zero_copy_only=False)).tobytes())
    return digest.hexdigest()


def _stored_positions(folder: Path, events: pa.Table, objects: pa.Table,
                      relations: Callable[[], pa.Table]) -> tuple[np.ndarray, np.ndarray] | None:
    """The relations' event and object rows from event_object_rows.parquet, when it fits the tables:
    by its digest of the files, else (no digest, or another one) by comparing the ids."""
    try:
        stored = pq.read_table(folder / EVENT_OBJECT_ROWS_FILE)
    except (OSError, pa.ArrowException):
        return None
    if stored.column_names != ["event_row", "object_row"]:
        return None
    found = [stored.column(name).combine_chunks() for name in ("event_row", "object_row")]
    positions = tuple(rows.to_numpy(zero_copy_only=False).astype(np.int64) for rows in found)
    recorded = (stored.schema.metadata or {}).get(_DIGEST_KEY.encode())
    if recorded is not None and _digest(folder, stored) == recorded.decode():
        return positions[0], positions[1]
    table = relations()
    if stored.num_rows != table.num_rows:
        return None
    for rows, ids, known in ((found[0], m.EVENT_ID, events.column(m.EVENT_ID)),
                             (found[1], m.OBJECT_ID, objects.column(m.OBJECT_ID))):
        if rows.null_count or (len(rows) and pc.max(rows).as_py() >= len(known)):
            return None
        if not pc.all(pc.equal(known.take(rows), table.column(ids))).as_py():
            return None
    return positions[0], positions[1]


@dataclass(frozen=True)
class StoredTables:
    """The tables of an object-centric dataset as flattening reads them (a `flatten.FlatSource`): the
    event-object relations only as rows when the stored rows fit, else as their table."""

    events: pa.Table
    objects: pa.Table
    object_attributes: pa.Table
    object_relations: pa.Table
    object_types: dict[str, dict[str, str]]
    relation_positions: tuple[np.ndarray, np.ndarray] | None
    event_objects: pa.Table | None


def read_ocel_dataset(dataset: Dataset) -> m.ObjectCentricLog:
    """The object-centric log held by a dataset folder written by `write_ocel_dataset`."""
    ocel = _facts(dataset)
    events = _events(dataset)
    tables = {name: _table(dataset, name) for name in _FILES}
    positions = _stored_positions(Path(dataset.path), events, tables["objects"], lambda: tables["event_objects"])
    return m.ObjectCentricLog(events=events, event_types=ocel.event_types, object_types=ocel.object_types,
                              relation_positions=positions, **tables)


def read_stored_tables(dataset: Dataset) -> StoredTables:
    """What flattening a dataset folder needs, read without the event-object relations' ids when
    event_object_rows.parquet fits (opening by a case notion: a third of its time at 1M events)."""
    ocel = _facts(dataset)
    events = _events(dataset)
    tables = {name: _table(dataset, name) for name in ("objects", "object_attributes", "object_relations")}
    read: dict[str, pa.Table] = {}

    def relations() -> pa.Table:
        read.setdefault("event_objects", _table(dataset, "event_objects"))
        return read["event_objects"]

    positions = _stored_positions(Path(dataset.path), events, tables["objects"], relations)
    return StoredTables(events=events, object_types=ocel.object_types, relation_positions=positions,
                        event_objects=relations() if positions is None else read.get("event_objects"), **tables)


def _facts(dataset: Dataset) -> OcelFacts:
    ocel = dataset.meta.ocel
    if ocel is None:
        raise DatasetError(f"{dataset.path} is a case-centric dataset, not an object-centric one. "
                           "Import an OCEL 2.0 file with `procmine import` to get one.")
    return ocel


def _events(dataset: Dataset) -> pa.Table:
    events = dataset.events.drop_columns([s.CASE_INDEX, s.EVENT_INDEX])
    events = events.set_column(events.column_names.index(s.ACTIVITY), s.ACTIVITY,
                               events.column(s.ACTIVITY).cast(pa.string()))
    return events.rename_columns([m.EVENT_ID if c == s.CASE_ID else c for c in events.column_names])


def _table(dataset: Dataset, name: str) -> pa.Table:
    file = _FILES[name]
    try:
        return pq.read_table(Path(dataset.path) / file)
    except (OSError, pa.ArrowException) as exc:
        raise DatasetError(f"{dataset.path}: {file} cannot be read ({exc}). Re-import the OCEL file.") from exc
