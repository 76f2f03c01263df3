"""What every view of one dataset shares: the event table and its sorted, integer-coded arrays.

`Base` is built once per dataset; `EventArrays` are the arrays of one selection of its
events (procmine.eventlog.EventLog holds the selection and builds them with `arrays_of`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.dataset import Dataset


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

    access: Any = None   # the access rule the dataset was cut down to (procmine.access), or None

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
        self._coded: dict[str, tuple[np.ndarray, pa.Array]] = {}

    @property
    def num_events(self) -> int:
        return len(self.case_index)

    @functools.cached_property
    def all_arrays(self) -> EventArrays:
        """The arrays of every event, built once per dataset: unfiltered views all share them."""
        return _select(self, None)

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

    def coded(self, column: str) -> tuple[np.ndarray, pa.Array]:
        """(code per dataset event, -1 when missing; the distinct values) of an event column, once."""
        if column == s.ACTIVITY:
            return self.activity, pa.array(self.activity_names, pa.string())
        if column not in self._coded:
            values = self.dataset.read_columns([column]).column(column).combine_chunks()
            if not pa.types.is_dictionary(values.type):
                values = pc.dictionary_encode(values)
            codes = pc.fill_null(values.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
            self._coded[column] = (codes, values.dictionary)
        return self._coded[column]


def arrays_of(base: Base, selection: np.ndarray | None) -> EventArrays:
    """The arrays of the dataset events where `selection` (bool per dataset event) is True; None: all."""
    return base.all_arrays if selection is None else _select(base, selection)


def _select(base: Base, selection: np.ndarray | None) -> EventArrays:
    if selection is None and base.num_events and bool((np.diff(base.case_starts) > 0).all()):
        # Every case code has events: the dataset's own codes are the positions (no pass over events).
        return EventArrays(
            event_index=np.arange(base.num_events, dtype=np.int64), case=base.case_index,
            activity=base.activity, timestamp=base.timestamp, start_timestamp=base.start_timestamp,
            case_starts=base.case_starts, case_index=np.arange(base.num_cases, dtype=np.int32),
            activity_names=base.activity_names)
    if selection is None:
        index = np.arange(base.num_events, dtype=np.int64)
        case_of_event = base.case_index
    else:
        index = np.flatnonzero(selection)
        case_of_event = base.case_index[index]
    boundaries = np.flatnonzero(np.diff(case_of_event)) + 1 if len(index) else np.array([], np.int64)
    case_starts = np.concatenate(([0], boundaries, [len(index)])).astype(np.int64) \
        if len(index) else np.zeros(1, np.int64)
    case_index = case_of_event[case_starts[:-1]].astype(np.int32)
    case = np.repeat(np.arange(len(case_index), dtype=np.int32), np.diff(case_starts))
    take = (lambda a: a) if len(index) == base.num_events else (lambda a: a[index])
    return EventArrays(
        event_index=index, case=case, activity=take(base.activity), timestamp=take(base.timestamp),
        start_timestamp=None if base.start_timestamp is None else take(base.start_timestamp),
        case_starts=case_starts, case_index=case_index, activity_names=base.activity_names)


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
