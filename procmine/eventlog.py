"""EventLog: a dataset seen through a stack of filters; the one owner of the selection masks.

The base arrays are built once per dataset (procmine.eventbase); a filtered log only holds
two masks (cases kept, events kept) over them, so stacking filters is cheap. A filter is a
`Criterion`: it answers which of the view's cases (or events) match, and what its SQL is;
the log stacks that answer on its selection, inverts it within the selection, and keeps
whole cases or trims events. The faces read the log through its public surface
(activities, columns, case ids, events of given cases, time span), never through `base`.
"""

from __future__ import annotations

import functools
from typing import Literal, Protocol

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.dataset import Dataset
from procmine.eventbase import Base, EventArrays, arrays_of

__all__ = ["Base", "Criterion", "EventArrays", "EventLog"]


class Criterion(Protocol):
    """What the log needs of a filter (procmine.filters.Filter is one)."""

    invert: bool

    @property
    def keeps_whole_cases(self) -> bool: ...

    def check(self, log: EventLog) -> None:
        """Raise FilterError when a value does not fit the log."""

    def matches(self, log: EventLog) -> np.ndarray:
        """Bool per selected case (keeps_whole_cases) or per selected event: it matches (invert ignored)."""
        ...

    def to_sql(self) -> tuple[str, list]:
        """SQL over the views `events` and `cases` selecting the kept case_index or event_index values."""
        ...


class EventLog:
    """A dataset seen through a stack of filters. Build one with `procmine.open(path)`."""

    def __init__(self, base: Base, case_mask: np.ndarray | None = None,
                 event_mask: np.ndarray | None = None, filters: tuple = ()):
        self.base = base
        self.case_mask = case_mask      # bool per dataset case, None = all
        self.event_mask = event_mask    # bool per dataset event, None = all
        self.filters: tuple[Criterion, ...] = filters

    @classmethod
    def from_dataset(cls, dataset: Dataset, access: Criterion | None = None) -> EventLog:
        """The unfiltered log of `dataset`; `access` is the access rule it was cut down to, if any."""
        base = Base(dataset)
        base.access = access
        return cls(base)

    @property
    def dataset(self) -> Dataset:
        return self.base.dataset

    @property
    def access(self) -> Criterion | None:
        """The access rule the dataset was cut down to (procmine.access), or None."""
        return self.base.access

    # -- the selection -------------------------------------------------------------------------

    def filter(self, *filters: Criterion) -> EventLog:
        """A new log with `filters` stacked on this one's, applied in order (by NumPy)."""
        log = self
        for f in filters:
            f.check(log)
            matches = f.matches(log)
            if f.invert:
                matches = ~matches
            arrays = log.arrays
            log = log._stacked(f, (arrays.case_index if f.keeps_whole_cases else arrays.event_index)[matches])
        return log

    def filter_sql(self, *filters: Criterion) -> EventLog:
        """Like `filter`, but each filter through its `to_sql()` on DuckDB (the reference path)."""
        log = self
        for f in filters:
            f.check(log)
            sql, params = f.to_sql()
            column = s.CASE_INDEX if f.keeps_whole_cases else s.EVENT_INDEX
            with log.sql() as con:
                kept = con.execute(sql, params).fetchnumpy()[column]
            log = log._stacked(f, np.asarray(kept, dtype=np.int64))
        return log

    def _stacked(self, f: Criterion, kept: np.ndarray) -> EventLog:
        """This view with `f` on its stack, keeping the dataset cases (or events) coded in `kept`."""
        if f.keeps_whole_cases:
            return EventLog(self.base, _mask(self.base.num_cases, kept), self.event_mask, self.filters + (f,))
        return EventLog(self.base, self.case_mask, _mask(self.base.num_events, kept), self.filters + (f,))

    def unfiltered(self) -> EventLog:
        return EventLog(self.base)

    def cases_where(self, keep_selected: np.ndarray) -> EventLog:
        """The view keeping those of this view's cases where `keep_selected` (one bool per
        selected case, in case order) is True; the filter stack is kept as it is."""
        mask = _mask(self.base.num_cases, self.arrays.case_index[keep_selected])
        if self.case_mask is not None:
            mask &= self.case_mask
        return EventLog(self.base, mask, self.event_mask, self.filters)

    @property
    def whole_cases(self) -> bool:
        """True when every selected case has all its events (no filter trimmed events)."""
        return self.event_mask is None

    def selected_events(self) -> np.ndarray:
        """Boolean mask over the dataset's events of those in this view."""
        return self._selection

    @functools.cached_property
    def _selection(self) -> np.ndarray:
        keep = np.ones(self.base.num_events, dtype=bool) if self.event_mask is None \
            else self.event_mask.copy()
        if self.case_mask is not None:
            keep &= self.case_mask[self.base.case_index]
        return keep

    @functools.cached_property
    def arrays(self) -> EventArrays:
        """The selected events as sorted NumPy arrays (computed once per view)."""
        everything = self.case_mask is None and self.event_mask is None
        return arrays_of(self.base, None if everything else self._selection)

    @property
    def num_cases(self) -> int:
        return self.arrays.num_cases

    @property
    def num_events(self) -> int:
        return self.arrays.num_events

    # -- the schema and values, for filters and faces ------------------------------------------

    @property
    def activities(self) -> tuple[str, ...]:
        """The dataset's activity names; position i is the activity coded i in `arrays.activity`."""
        return self.base.activity_names

    def activity_code(self, name: str) -> int | None:
        """The integer code of an activity name, or None when the log has no such activity."""
        return self.base.activity_code(name)

    @property
    def case_columns(self) -> tuple[str, ...]:
        """The columns of `cases_table()`: case_index, case_id and the case attributes."""
        return tuple(self.base.cases.column_names)

    @property
    def event_columns(self) -> tuple[str, ...]:
        """The columns of `events_table()` (case_id, activity, timestamp, ... and event attributes)."""
        return tuple(self.dataset.event_columns)

    def attribute_kind(self, name: str) -> Literal["case", "event"] | None:
        """Whether `name` is a case attribute, an event column, or (None) neither."""
        if name in self.case_columns and name not in (s.CASE_INDEX, s.CASE_ID):
            return "case"
        return "event" if name in self.event_columns else None

    def time_span(self) -> tuple[int, int] | None:
        """The first and the last selected event's time in µs since the epoch (UTC, as in `arrays`),
        or None when nothing is selected."""
        times = self.arrays.timestamp
        return (int(times.min()), int(times.max())) if len(times) else None

    def case_ids(self, positions: np.ndarray | None = None) -> pa.Array:
        """The case id of each selected case (or of the selected cases at `positions`)."""
        codes = self.arrays.case_index if positions is None else self.arrays.case_index[positions]
        return self.base.case_ids.take(pa.array(codes))

    def case_column(self, name: str) -> pa.Array:
        """The case table's column `name`, one value per selected case in case order."""
        column = self.base.cases.column(name).combine_chunks()
        if self.case_mask is None and self.event_mask is None:
            return column
        return column.take(pa.array(self.arrays.case_index))

    def event_codes(self, name: str) -> tuple[np.ndarray, pa.Array]:
        """(code per selected event, -1 when missing; the distinct values) of event column `name`."""
        codes, values = self.base.coded(name)
        index = self.arrays.event_index
        return (codes if len(index) == len(codes) else codes[index]), values

    def events_of(self, case_ids: list[str], columns: list[str] | None = None) -> pa.Table:
        """The selected events of the cases `case_ids` (all columns, or `columns`)."""
        events = self.base.events
        wanted = pc.is_in(events.column(s.CASE_ID), value_set=pa.array(case_ids, pa.string()))
        keep = wanted.to_numpy(zero_copy_only=False) & self.selected_events()
        return (events if columns is None else events.select(columns)).filter(pa.array(keep))

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
        zone = self.dataset.meta.timezone.replace("'", "''")
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


def _mask(size: int, kept: np.ndarray) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[kept] = True
    return mask
