"""EventLog: a dataset plus a stack of filters, with the sorted integer-coded arrays kernels use.

The base arrays are built once per dataset; a filtered log only holds two masks
(cases kept, events kept) over them, so stacking filters is cheap.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.dataset import Dataset, read_dataset

if TYPE_CHECKING:
    from procmine.filters import Filter


@dataclass(frozen=True)
class EventArrays:
    """The selected events as NumPy arrays, sorted by case then time (ties as read).

    `case_starts[i]:case_starts[i+1]` are the events of the i-th selected case;
    `case_index[i]` is that case's code in the dataset (row of `Base.case_ids`).
    """

    event_index: np.ndarray      # int64, row of each event in the dataset
    case: np.ndarray             # int32, 0..cases-1 position of the event's case in this selection
    activity: np.ndarray         # int32 code into activity_names
    timestamp: np.ndarray        # int64 microseconds since the epoch, UTC
    start_timestamp: np.ndarray | None  # int64 µs, or None when the log has no start times
    case_starts: np.ndarray      # int64 offsets, length cases + 1
    case_index: np.ndarray       # int32 dataset case code of each selected case
    activity_names: tuple[str, ...]

    @property
    def num_cases(self) -> int:
        return len(self.case_index)

    @property
    def num_events(self) -> int:
        return len(self.activity)


_KERNEL_COLUMNS = (s.CASE_INDEX, s.ACTIVITY, s.TIMESTAMP, s.START_TIMESTAMP)


class Base:
    """What every filtered view of one dataset shares: the table and its coded arrays."""

    access: Filter | None = None   # the access rule the dataset was cut down to (procmine.access)

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        events = dataset.read_columns(_KERNEL_COLUMNS)
        self.case_index = _numpy(events.column(s.CASE_INDEX)).astype(np.int32, copy=False)
        activity = events.column(s.ACTIVITY).combine_chunks()
        if not pa.types.is_dictionary(activity.type):
            activity = pc.dictionary_encode(activity)
        self.activity = _numpy(activity.indices).astype(np.int32, copy=False)
        self.activity_names = tuple(activity.dictionary.to_pylist())
        self.timestamp = _timestamps(events.column(s.TIMESTAMP))
        self.start_timestamp = (_timestamps(events.column(s.START_TIMESTAMP))
                                if s.START_TIMESTAMP in events.column_names else None)
        self.num_cases = int(self.case_index[-1]) + 1 if len(self.case_index) else 0
        self.case_starts = np.searchsorted(self.case_index, np.arange(self.num_cases + 1)).astype(np.int64)

    @functools.cached_property
    def events(self) -> pa.Table:
        """All event columns of the dataset (loaded on first use)."""
        return self.dataset.events

    @functools.cached_property
    def case_ids(self) -> pa.Array:
        """The case id of each dataset case code."""
        column = self.dataset.read_columns([s.CASE_ID]).column(s.CASE_ID)
        return column.take(pa.array(self.case_starts[:-1]))

    @functools.cached_property
    def cases(self) -> pa.Table:
        """One row per dataset case: case_index, case_id and the case attributes."""
        return _case_table(self.dataset, self.case_ids)

    def activity_code(self, name: str) -> int | None:
        """The integer code of an activity name, or None when the log has no such activity."""
        return self._activity_lookup.get(name)

    @functools.cached_property
    def _activity_lookup(self) -> dict[str, int]:
        return {name: code for code, name in enumerate(self.activity_names)}


class EventLog:
    """A dataset seen through a stack of filters. Build one with `procmine.open(path)`."""

    def __init__(self, base: Base, case_mask: np.ndarray | None = None,
                 event_mask: np.ndarray | None = None, filters: tuple = ()):
        self.base = base
        self.case_mask = case_mask      # bool per dataset case, None = all
        self.event_mask = event_mask    # bool per dataset event, None = all
        self.filters: tuple[Filter, ...] = filters

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> EventLog:
        return cls(Base(dataset))

    @property
    def dataset(self) -> Dataset:
        return self.base.dataset

    def filter(self, *filters: Filter) -> EventLog:
        """A new log with `filters` stacked on this one's, applied in order."""
        log = self
        for f in filters:
            case_mask, event_mask = f.apply(log)
            log = EventLog(self.base, case_mask, event_mask, log.filters + (f,))
        return log

    def unfiltered(self) -> EventLog:
        return EventLog(self.base)

    def cases_where(self, keep_selected: np.ndarray) -> EventLog:
        """The view keeping those of this view's cases where `keep_selected` (one bool per
        selected case, in case order) is True; the filter stack is kept as it is."""
        mask = np.zeros(self.base.num_cases, bool)
        mask[self.arrays.case_index[keep_selected]] = True
        if self.case_mask is not None:
            mask &= self.case_mask
        return EventLog(self.base, mask, self.event_mask, self.filters)

    def selected_events(self) -> np.ndarray:
        """Boolean mask over the dataset's events of those in this view."""
        return self._selection

    @functools.cached_property
    def _selection(self) -> np.ndarray:
        keep = np.ones(len(self.base.case_index), dtype=bool) if self.event_mask is None \
            else self.event_mask.copy()
        if self.case_mask is not None:
            keep &= self.case_mask[self.base.case_index]
        return keep

    @functools.cached_property
    def arrays(self) -> EventArrays:
        """The selected events as sorted NumPy arrays (computed once per view)."""
        base = self.base
        if self.case_mask is None and self.event_mask is None:
            index = np.arange(len(base.case_index), dtype=np.int64)
            case_of_event = base.case_index
        else:
            index = np.flatnonzero(self._selection)
            case_of_event = base.case_index[index]
        boundaries = np.flatnonzero(np.diff(case_of_event)) + 1 if len(index) else np.array([], np.int64)
        case_starts = np.concatenate(([0], boundaries, [len(index)])).astype(np.int64) \
            if len(index) else np.zeros(1, np.int64)
        case_index = case_of_event[case_starts[:-1]].astype(np.int32)
        case = np.repeat(np.arange(len(case_index), dtype=np.int32), np.diff(case_starts))
        take = (lambda a: a) if len(index) == len(base.case_index) else (lambda a: a[index])
        return EventArrays(
            event_index=index, case=case, activity=take(base.activity),
            timestamp=take(base.timestamp),
            start_timestamp=None if base.start_timestamp is None else take(base.start_timestamp),
            case_starts=case_starts, case_index=case_index, activity_names=base.activity_names)

    @property
    def num_cases(self) -> int:
        return self.arrays.num_cases

    @property
    def num_events(self) -> int:
        return self.arrays.num_events

    def events_table(self) -> pa.Table:
        """The selected events with all their columns, as an Arrow table."""
        if self.case_mask is None and self.event_mask is None:
            return self.base.events
        return self.base.events.take(pa.array(self.arrays.event_index))

    def cases_table(self) -> pa.Table:
        """One row per selected case: case_index, case_id and the case attributes."""
        cases = self.base.cases
        if self.case_mask is None and self.event_mask is None:
            return cases
        return cases.take(pa.array(self.arrays.case_index))

    def sql(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with views `events` and `cases` over this selection."""
        con = duckdb.connect()
        # Dates and naive times compare in the dataset's local time, as everywhere else.
        zone = str(self.dataset.meta.get("timezone", s.DEFAULT_TIMEZONE)).replace("'", "''")
        con.execute(f"SET TimeZone = '{zone}'")
        # The dataset tables are registered zero-copy; a selection is a semi-join on its indices,
        # so no column of the dataset is copied per filtered view.
        con.register("dataset_events", self.base.events)
        con.register("dataset_cases", self.base.cases)
        if self.case_mask is None and self.event_mask is None:
            con.execute("CREATE VIEW events AS SELECT * FROM dataset_events")
            con.execute("CREATE VIEW cases AS SELECT * FROM dataset_cases")
            return con
        arrays = self.arrays
        con.register("selected_events", pa.table({s.EVENT_INDEX: arrays.event_index}))
        con.register("selected_cases", pa.table({s.CASE_INDEX: arrays.case_index}))
        con.execute("CREATE VIEW events AS SELECT * FROM dataset_events "
                    "SEMI JOIN selected_events USING (event_index)")
        con.execute("CREATE VIEW cases AS SELECT * FROM dataset_cases "
                    "SEMI JOIN selected_cases USING (case_index)")
        return con


def open_log(path: str | os.PathLike, case_notion: str | None = None, engine: str = "numpy"):
    """Open a dataset folder as an EventLog (`procmine.open`).

    `case_notion` picks what a case is: an object type of an object-centric dataset
    (default: the one it was imported with), or a case attribute such as "citizen" of
    a case-centric one (default: its cases). See procmine.ocel.notion.
    engine="duckdb" or "spark" gives a `procmine.sqlforms.log.SqlLog` instead: the same analyses
    through their SQL forms, over the dataset (or a folder of `municipality=NAME/` datasets).
    """
    if engine != "numpy":
        from procmine.errors import ConfigError
        from procmine.sqlforms.log import check_engine, open_sql_log
        if case_notion is not None:
            raise ConfigError("A case notion other than the dataset's own works on the numpy engine only; "
                              "leave out --case-notion or use --engine numpy.")
        return open_sql_log(path, check_engine(engine))
    dataset = read_dataset(Path(path))
    if case_notion is not None or "ocel" in dataset.meta:
        from procmine.ocel.notion import with_case_notion
        dataset = with_case_notion(dataset, case_notion)
    return EventLog.from_dataset(dataset)


def _numpy(column) -> np.ndarray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return column.to_numpy(zero_copy_only=False)


def _timestamps(column) -> np.ndarray:
    return _numpy(column.cast(pa.int64()))


def _case_table(dataset: Dataset, case_ids: pa.Array) -> pa.Table:
    frame = pa.table({s.CASE_INDEX: pa.array(np.arange(len(case_ids), dtype=np.int32)),
                      s.CASE_ID: case_ids})
    if dataset.cases is None:
        return frame
    attributes = dataset.cases
    position = pc.index_in(frame.column(s.CASE_ID), value_set=attributes.column(s.CASE_ID))
    columns = {name: frame.column(name) for name in frame.column_names}
    for name in attributes.column_names:
        if name not in (s.CASE_ID, s.CASE_INDEX):
            columns[name] = attributes.column(name).take(position)
    return pa.table(columns)
