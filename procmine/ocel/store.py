"""An object-centric log as a dataset folder, beside the usual files:

  events.parquet            one row per event; its case_id is the event id (the case notion is
                            chosen when the dataset is opened: `procmine.open(path, case_notion=...)`)
  objects.parquet           object_id, object_type
  event_objects.parquet     event_id, object_id, qualifier
  object_relations.parquet  source_id, target_id, qualifier
  object_attributes.parquet object_id, attribute, time, value (every value with its change time)
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
from procmine.dataset import Dataset, write_dataset
from procmine.dataset_meta import OcelFacts
from procmine.errors import ConfigError, DatasetError
from procmine.ocel import model as m

OBJECTS_FILE = "objects.parquet"
EVENT_OBJECTS_FILE = "event_objects.parquet"
OBJECT_RELATIONS_FILE = "object_relations.parquet"
OBJECT_ATTRIBUTES_FILE = "object_attributes.parquet"
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
    return write_dataset(target, events, source=source, notes=notes, extra_meta=meta, extra_tables=tables)


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
                              **tables)
