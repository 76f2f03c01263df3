"""Data quality: open cases, cases without a known end, tied and out-of-order events, rare activities."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from procmine import schema as s
from procmine.analysis import kernels as k
from procmine.analysis.dfg import dfg
from procmine.analysis.overview import open_case_count
from procmine.eventlog import EventLog

OPENED_AT, CLOSED_AT = "opened_at", "closed_at"
COMMON_END_SHARE = 0.05   # without declared end activities: those that end at least 5 % of the cases
RARE_SHARE = 0.01         # an activity is rare when it occurs in fewer than 1 % of the cases


@dataclass(frozen=True)
class DataQuality:
    """Notes on how trustworthy a log is.

    end_activities are the dataset's declared end activities (procmine.json) or, when
    none are declared, those that end at least COMMON_END_SHARE of the cases
    (`end_rule` says which). out_of_order counts events before their case's
    `opened_at`, after its `closed_at`, or with a start time after their time;
    `out_of_order_checks` names the checks the log's columns allowed.
    """

    cases: int
    events: int
    open_cases: int | None
    open_rule: str
    end_activities: tuple[str, ...]
    end_rule: str
    cases_without_end: int
    identical_timestamps: int
    out_of_order: int
    out_of_order_checks: tuple[str, ...]
    rare_activities: pd.DataFrame
    rare_share: float


def data_quality(log: EventLog, rare_share: float = RARE_SHARE) -> DataQuality:
    """The data-quality notes of the (filtered) log."""
    arrays = log.arrays
    open_cases, open_rule = open_case_count(log)
    ends, end_rule = known_end_activities(log)
    last = np.asarray(arrays.activity_names, dtype=object)[arrays.activity[arrays.case_starts[1:] - 1]] \
        if arrays.num_cases else np.zeros(0, object)
    out_of_order, checks = events_out_of_order(log)
    return DataQuality(
        cases=arrays.num_cases, events=arrays.num_events, open_cases=open_cases, open_rule=open_rule,
        end_activities=ends, end_rule=end_rule,
        cases_without_end=int(np.count_nonzero(~np.isin(last, np.asarray(ends, dtype=object)))),
        identical_timestamps=identical_timestamps(log), out_of_order=out_of_order,
        out_of_order_checks=checks, rare_activities=rare_activities(log, rare_share), rare_share=rare_share)


def known_end_activities(log: EventLog) -> tuple[tuple[str, ...], str]:
    """The declared end activities, else those ending at least COMMON_END_SHARE of the cases."""
    declared = log.dataset.meta.end_activities
    if declared:
        return tuple(declared), "declared"
    ends = dfg(log, ("count",)).end_activities
    return tuple(a for a, n in ends.items() if n >= COMMON_END_SHARE * max(log.num_cases, 1)), "common"


def identical_timestamps(log: EventLog) -> int:
    """Events with the same timestamp as the previous event of their case (their order is a guess)."""
    arrays = log.arrays
    follows = k.follows_mask(arrays)
    return int(np.count_nonzero(follows & (np.diff(arrays.timestamp) == 0))) if len(follows) else 0


def events_out_of_order(log: EventLog) -> tuple[int, tuple[str, ...]]:
    """Events before their case opened, after it closed, or starting after they end; and the checks made."""
    arrays = log.arrays
    cases = log.cases_table()
    wrong = np.zeros(arrays.num_events, bool)
    checks = []
    for column, before in ((OPENED_AT, True), (CLOSED_AT, False)):
        if column in cases.column_names and pc.is_valid(cases.column(column)).to_numpy(zero_copy_only=False).any():
            bound = _micros(cases.column(column))[arrays.case]
            known = bound != np.iinfo(np.int64).min
            wrong |= known & ((arrays.timestamp < bound) if before else (arrays.timestamp > bound))
            checks.append(column)
    if arrays.start_timestamp is not None:
        start = np.asarray(arrays.start_timestamp, dtype=np.float64)
        wrong |= ~np.isnan(start) & (start > arrays.timestamp)
        checks.append(s.START_TIMESTAMP)
    return int(np.count_nonzero(wrong)), tuple(checks)


def rare_activities(log: EventLog, share: float = RARE_SHARE) -> pd.DataFrame:
    """Activities that occur in fewer than `share` of the cases: activity, events, cases, case share."""
    table = dfg(log, ("count", "cases")).activities[["activity", "events", "cases"]]
    table = table.assign(case_share=table["cases"] / max(log.num_cases, 1))
    rare = table[table["case_share"] < share]
    return rare.sort_values(["cases", "activity"], kind="stable", ignore_index=True)


def _micros(column) -> np.ndarray:
    """A timestamp column as µs since the epoch; missing values as the smallest int64."""
    values = pc.fill_null(column.cast(s.TIMESTAMP_TYPE).cast("int64"), np.iinfo(np.int64).min)
    return values.to_numpy(zero_copy_only=False)
