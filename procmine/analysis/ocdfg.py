"""Object-centric directly-follows graph (OC-DFG): one directly-follows graph per object type over
the same activities, drawn as one map with a colour per object type.

The measures are pm4py's (`discover_ocdfg`): per edge of an object type, the distinct event
couples, the distinct objects and the total (couple, object) occurrences; per activity and
type, the distinct events, objects and (event, object) pairs; start and end activities per
type counted by objects. Vectorised over the relations, one pass per object type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.analysis import kernels as k
from procmine.ocel.flatten import ordered_pairs, relation_rows
from procmine.ocel.model import ObjectCentricLog

EDGE_COLUMNS = ("object_type", "source", "target", "event_couples", "unique_objects", "total_objects",
                "median_seconds", "mean_seconds")
ACTIVITY_COLUMNS = ("object_type", "activity", "events", "unique_objects", "total_objects")
ENDPOINT_COLUMNS = ("object_type", "activity", "objects")


@dataclass(frozen=True)
class OcDfg:
    """Edges and activities per object type; start and end activities per type (counted by objects)."""

    edges: pd.DataFrame
    activities: pd.DataFrame
    start_activities: pd.DataFrame
    end_activities: pd.DataFrame
    object_types: tuple[str, ...]
    activity_events: dict[str, int]     # activity -> events, over all types

    def to_pandas(self) -> pd.DataFrame:
        return self.edges.copy()


def ocdfg(log: ObjectCentricLog) -> OcDfg:
    """The OC-DFG of an object-centric log."""
    rel = relation_rows(log)
    activity = pc.dictionary_encode(log.events.column(s.ACTIVITY).combine_chunks())
    codes = activity.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    names = activity.dictionary.to_pylist()
    timestamps = log.events.column(s.TIMESTAMP).cast(pa.int64()).to_numpy()
    parts = [_one_type(log, rel, type_code, codes, names, timestamps)
             for type_code in range(len(rel.type_names))]
    types = list(rel.type_names)
    tables = [pd.concat([p[i] for p in parts], ignore_index=True) if parts else pd.DataFrame(columns=c)
              for i, c in enumerate((EDGE_COLUMNS, ACTIVITY_COLUMNS, ENDPOINT_COLUMNS, ENDPOINT_COLUMNS))]
    events = np.bincount(codes, minlength=len(names))
    return OcDfg(edges=_sorted(tables[0], "total_objects"), activities=_sorted(tables[1], "events"),
                 start_activities=_sorted(tables[2], "objects"), end_activities=_sorted(tables[3], "objects"),
                 object_types=tuple(sorted(types)),
                 activity_events={names[c]: int(events[c]) for c in np.flatnonzero(events)})


def _sorted(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    keys = [c for c in ("object_type", "source", "target", "activity") if c in table.columns]
    return table.sort_values(["object_type", measure, *keys[1:]], ascending=[True, False] + [True] * (len(keys) - 1),
                             kind="stable", ignore_index=True)


def _one_type(log, rel, type_code: int, codes: np.ndarray, names: list[str], timestamps: np.ndarray):
    type_name = rel.type_names[type_code]
    event_rows, object_rows = ordered_pairs(log, rel, rel.object_type == type_code, timestamps)
    same = object_rows[1:] == object_rows[:-1]
    source, target = event_rows[:-1][same], event_rows[1:][same]
    objects = object_rows[1:][same]
    width = len(names)
    edge = codes[source] * width + codes[target]
    edges = _edge_table(type_name, edge, source, target, objects, timestamps, names, log.events.num_rows)
    activities = _activity_table(type_name, codes[event_rows], event_rows, object_rows, names)
    starts = np.flatnonzero(np.diff(object_rows, prepend=-1)) if len(object_rows) else np.zeros(0, np.int64)
    ends = np.append(starts[1:] - 1, len(object_rows) - 1) if len(starts) else starts
    return edges, activities, _endpoints(type_name, codes[event_rows[starts]], names), \
        _endpoints(type_name, codes[event_rows[ends]], names)


def _edge_table(type_name, edge, source, target, objects, timestamps, names, num_events) -> pd.DataFrame:
    if len(edge) == 0:
        return pd.DataFrame(columns=list(EDGE_COLUMNS))
    known = k.sorted_unique(edge)
    dense = k.dense_codes(edge, known)
    couples = _distinct(dense, source * num_events + target, len(known))
    unique_objects = _distinct(dense, objects, len(known))
    stats = k.group_stats(dense, timestamps[target] - timestamps[source], len(known))
    width = len(names)
    return pd.DataFrame({"object_type": type_name, "source": [names[c] for c in (known // width).tolist()],
                         "target": [names[c] for c in (known % width).tolist()], "event_couples": couples,
                         "unique_objects": unique_objects, "total_objects": stats.count,
                         "median_seconds": k.seconds(stats.median), "mean_seconds": k.seconds(stats.mean)},
                        columns=list(EDGE_COLUMNS))


def _distinct(groups: np.ndarray, values: np.ndarray, num_groups: int) -> np.ndarray:
    """Number of distinct values per group."""
    values = np.asarray(values, np.int64)
    if len(values) == 0:
        return np.zeros(num_groups, np.int64)
    width = int(values.max()) + 1
    if width * num_groups < 2 ** 62:
        pairs = k.sorted_unique(groups.astype(np.int64) * width + values)
        return np.bincount(pairs // width, minlength=num_groups)
    frame = pd.DataFrame({"g": groups, "v": values}).drop_duplicates()
    return np.bincount(frame["g"].to_numpy(), minlength=num_groups)


def _activity_table(type_name, activity, event_rows, object_rows, names) -> pd.DataFrame:
    if len(activity) == 0:
        return pd.DataFrame(columns=list(ACTIVITY_COLUMNS))
    present = k.sorted_unique(activity)
    dense = k.dense_codes(activity, present)
    return pd.DataFrame({"object_type": type_name, "activity": [names[c] for c in present.tolist()],
                         "events": _distinct(dense, event_rows, len(present)),
                         "unique_objects": _distinct(dense, object_rows, len(present)),
                         "total_objects": np.bincount(dense, minlength=len(present))}, columns=list(ACTIVITY_COLUMNS))


def _endpoints(type_name, activity, names) -> pd.DataFrame:
    counts = np.bincount(activity, minlength=len(names)) if len(activity) else np.zeros(len(names), np.int64)
    present = np.flatnonzero(counts)
    return pd.DataFrame({"object_type": type_name, "activity": [names[c] for c in present.tolist()],
                         "objects": counts[present]}, columns=list(ENDPOINT_COLUMNS))
