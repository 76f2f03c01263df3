"""The case notion switch: see a dataset with any object type (or a case attribute) as its cases.

An object-centric dataset is flattened by the chosen object type (its default one when none
is given). A case-centric dataset keeps its cases, or, given the name of a case attribute
such as `citizen`, groups the events of all cases with the same value into one case; the
original case id stays with each event as `source_case_id`. A case that merges cases is open
while any of them is (its `closed_at`, see procmine.ocel.merged_closing).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.dataset import Dataset
from procmine.errors import ConfigError
from procmine.ocel.flatten import FlatteningReport, flatten
from procmine.ocel.merged_closing import CLOSED_AT, merged_closed_at
from procmine.ocel.store import read_stored_tables

SOURCE_CASE_ID = "source_case_id"
CASE = "case"
# The attribute a case-centric dataset names its citizen with (connectors write `citizen`;
# the simulated samples wrote `citizen_id` before the switch existed).
CITIZEN_ATTRIBUTES = ("citizen", "citizen_id")


def case_notions(dataset: Dataset) -> list[str]:
    """The case notions a dataset can be seen with (the first is the one used by default)."""
    ocel = dataset.meta.ocel
    if ocel is not None:
        default = ocel.default_case_notion
        return [default] + sorted(t for t in ocel.object_types if t != default)
    notions = [CASE]
    if dataset.cases is not None:
        names = dataset.cases.column_names
        if any(name in names for name in CITIZEN_ATTRIBUTES):
            notions.append("citizen")
    return notions


def with_case_notion(dataset: Dataset, case_notion: str | None) -> Dataset:
    """The dataset seen with `case_notion` as its cases; its meta says how it was flattened."""
    if dataset.meta.ocel is not None:
        notion = case_notion or dataset.meta.ocel.default_case_notion
        events, cases, report = flatten(read_stored_tables(dataset), notion)
        return _view(dataset, events, cases, report)
    if case_notion in (None, CASE):
        return dataset
    attribute = _case_attribute(dataset, case_notion)
    events, cases, report = group_cases_by(dataset, attribute, case_notion)
    return _view(dataset, events, cases, report)


def _view(dataset: Dataset, events: pa.Table, cases: pa.Table, report: FlatteningReport) -> Dataset:
    meta = dataset.meta.replaced(case_notion=report.case_notion, flattening=report.as_dict(),
                                 events=events.num_rows, cases=cases.num_rows)
    return Dataset(dataset.path, events, cases, meta)


def _case_attribute(dataset: Dataset, notion: str) -> str:
    names = dataset.cases.column_names if dataset.cases is not None else []
    candidates = CITIZEN_ATTRIBUTES if notion == "citizen" else (notion,)
    for name in candidates:
        if name in names and name != s.CASE_ID:
            return name
    choices = [CASE] + [n for n in names if n not in (s.CASE_ID, s.CASE_INDEX)]
    raise ConfigError(f"{dataset.path} has no case attribute {notion!r} to use as the case notion; "
                      f"choose one of {', '.join(choices)}.")


def group_cases_by(dataset: Dataset, attribute: str, notion: str) -> tuple[pa.Table, pa.Table, FlatteningReport]:
    """Events re-keyed by a case attribute: one case per distinct value, sorted canonically."""
    events = dataset.events
    cases = dataset.cases
    if cases is None:  # _case_attribute found the attribute among the case table's columns
        raise ConfigError(f"{dataset.path} has no case table, so no case attribute {attribute!r}.")
    position = pc.index_in(events.column(s.CASE_ID), value_set=cases.column(s.CASE_ID))
    key = cases.column(attribute).cast(pa.string()).take(position)
    kept = pc.is_valid(key)
    events, key = events.filter(kept), key.filter(kept)
    dropped = len(kept) - events.num_rows
    order = pc.sort_indices(pa.table({"k": key, "t": events.column(s.TIMESTAMP),
                                      "i": events.column(s.EVENT_INDEX)}),
                            [("k", "ascending"), ("t", "ascending"), ("i", "ascending")])
    events, key = events.take(order), key.take(order).combine_chunks()
    n = events.num_rows
    changes = np.zeros(n, bool)
    if n:
        changes[1:] = pc.not_equal(key[1:], key[:-1]).to_numpy(zero_copy_only=False)
    columns = {s.CASE_INDEX: pa.array(np.cumsum(changes, dtype=np.int32)),
               s.EVENT_INDEX: pa.array(np.arange(n, dtype=np.int64)), s.CASE_ID: key}
    for name in events.column_names:
        if name not in columns:
            columns[name] = events.column(name)
    columns[SOURCE_CASE_ID] = events.column(s.CASE_ID)
    grouped = pa.table(columns)
    with_events = pc.take(cases.column(attribute).cast(pa.string()),
                          pc.indices_nonzero(pc.is_in(cases.column(s.CASE_ID), value_set=events.column(s.CASE_ID))))
    per_group = pc.value_counts(pc.drop_null(with_events))
    counts = per_group.field("counts").to_numpy().astype(np.int64)
    group_cases = pa.table({s.CASE_ID: per_group.field("values"), "cases": pa.array(counts)})
    group_cases = group_cases.take(pc.sort_indices(group_cases, [(s.CASE_ID, "ascending")]))
    closed_at = _group_closed_at(dataset, attribute, group_cases.column(s.CASE_ID))
    if closed_at is not None:
        group_cases = group_cases.append_column(CLOSED_AT, closed_at)
    report = FlatteningReport(case_notion=notion, events=len(kept), cases=group_cases.num_rows, rows=n,
                              duplicated_events=0, extra_copies=0,
                              merged_object_pairs=int((counts * (counts - 1) // 2).sum()),
                              cases_with_merges=int((counts > 1).sum()), dropped_events=dropped)
    return grouped, group_cases, report


def _group_closed_at(dataset: Dataset, attribute: str, groups: pa.ChunkedArray) -> pa.Array | None:
    """Per group (sorted ids): open while any of its cases is open, by the dataset's own open-cases rule
    (`analysis.overview.closed_mask`); None when that rule cannot say."""
    from procmine.analysis.kernels import case_first_last
    from procmine.analysis.overview import closed_mask
    from procmine.eventlog import EventLog
    log = EventLog.from_dataset(dataset)
    closed = closed_mask(log)
    if closed is None:
        return None
    cases = log.cases_table()
    if CLOSED_AT in cases.column_names:
        member_closed_at = cases.column(CLOSED_AT)
    else:   # closed by a declared end activity: at its last event
        member_closed_at = pa.array(case_first_last(log.arrays)[1], s.TIMESTAMP_TYPE, mask=~closed)
    group = pc.index_in(cases.column(attribute).cast(pa.string()), value_set=groups)
    named = pc.is_valid(group)
    return merged_closed_at(group.filter(named).to_numpy(zero_copy_only=False),
                            pc.filter(member_closed_at, named), len(groups), np.zeros(len(groups), np.int64))


CASE_OBJECT_TYPES = ("case", "sag")


def journey_notion(path, case_notion: str | None) -> str | None:
    """The case notion journeys are followed with: the one asked for, else an object-centric
    dataset's case object type (case or sag), else the dataset's own cases."""
    if case_notion is not None:
        return case_notion
    from procmine.dataset import read_dataset
    dataset = read_dataset(path)
    if dataset.meta.ocel is not None:
        for name in CASE_OBJECT_TYPES:
            if name in dataset.meta.ocel.object_types:
                return name
    return None
