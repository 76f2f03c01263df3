"""An object-centric log as a dataset folder, beside the usual files:

  events.parquet            one row per event; its case_id is the event id (the case notion is
                            chosen when the dataset is opened: `procmine.open(path, case_notion=...)`)
  objects.parquet           object_id, object_type
  event_objects.parquet     event_id, object_id, qualifier
  object_relations.parquet  source_id, target_id, qualifier
  object_attributes.parquet object_id, attribute, time, value (every value with its change time)
  event_object_rows.parquet event_row, object_row: where each event-object relation's event and object
                            are in events.parquet and objects.parquet (derived, checked when read; a
                            folder without it, or with one that does not fit, has them found by id)
  procmine.json             "ocel": attribute declarations and the default case notion
"""

from __future__ import annotations

import os
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
    need not find them by id: a third of its time on a 1M-event log)."""
    event_rows = pc.index_in(log.event_objects.column(m.EVENT_ID), value_set=stored_event_ids.combine_chunks())
    object_rows = pc.index_in(log.event_objects.column(m.OBJECT_ID),
                              value_set=log.objects.column(m.OBJECT_ID).combine_chunks())
    with atomic_file(folder / EVENT_OBJECT_ROWS_FILE) as tmp:
        pq.write_table(pa.table({"event_row": event_rows.cast(pa.int32()),
                                 "object_row": object_rows.cast(pa.int32())}), tmp)


def _stored_positions(folder: Path, events: pa.Table, tables: dict[str, pa.Table]):
    """The relations' event and object rows from event_object_rows.parquet, when it fits the tables."""
    try:
        stored = pq.read_table(folder / EVENT_OBJECT_ROWS_FILE)
    except (OSError, pa.ArrowException):
        return None
    relations = tables["event_objects"]
    if stored.num_rows != relations.num_rows or stored.column_names != ["event_row", "object_row"]:
        return None
    positions = []
    for rows, ids, known in (("event_row", m.EVENT_ID, events.column(m.EVENT_ID)),
                             ("object_row", m.OBJECT_ID, tables["objects"].column(m.OBJECT_ID))):
        found = stored.column(rows).combine_chunks()
        if found.null_count or (len(found) and pc.max(found).as_py() >= len(known)):
            return None
        if not pc.all(pc.equal(known.take(found), relations.column(ids))).as_py():
            return None
        positions.append(found.to_numpy().astype(np.int64))
    return tuple(positions)


def read_ocel_dataset(dataset: Dataset) -> m.ObjectCentricLog:
    """The object-centric log held by a dataset folder written by `write_ocel_dataset`."""
    ocel = dataset.meta.ocel
    if ocel is None:
        raise DatasetError(f"{dataset.path} is a case-centric dataset, not an object-centric one. "
                           "Import an OCEL 2.0 file with `procmine import` to get one.")
    events = dataset.events.drop_columns([s.CASE_INDEX, s.EVENT_INDEX])
    events = events.set_column(events.column_names.index(s.ACTIVITY), s.ACTIVITY,
                               events.column(s.ACTIVITY).cast(pa.string()))
    events = events.rename_columns([m.EVENT_ID if c == s.CASE_ID else c for c in events.column_names])
    tables = {}
    for name, file in _FILES.items():
        try:
            tables[name] = pq.read_table(Path(dataset.path) / file)
        except (OSError, pa.ArrowException) as exc:
            raise DatasetError(f"{dataset.path}: {file} cannot be read ({exc}). Re-import the OCEL file.") from exc
    return m.ObjectCentricLog(events=events, event_types=ocel.event_types, object_types=ocel.object_types,
                              relation_positions=_stored_positions(Path(dataset.path), events, tables), **tables)
