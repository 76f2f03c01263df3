"""Overview: the headline figures of a (filtered) log."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from procmine.analysis import kernels as k
from procmine.analysis.variants import variants
from procmine.eventlog import EventLog

CLOSED_AT = "closed_at"


@dataclass(frozen=True)
class Overview:
    """Cases, events, activities, variants, time span, open cases and throughput of a log.

    open_cases: cases with no `closed_at` when the case attributes have that column;
    otherwise cases whose last activity is not one of the dataset's declared
    `end_activities` (procmine.json); otherwise None (unknown). `open_cases_rule`
    says which rule was used. Throughput is first to last event of a case.
    """

    cases: int
    events: int
    activities: int
    variants: int
    first_timestamp: dt.datetime | None
    last_timestamp: dt.datetime | None
    open_cases: int | None
    open_cases_rule: str
    median_throughput_seconds: float
    mean_throughput_seconds: float
    p90_throughput_seconds: float

    def as_dict(self) -> dict:
        return asdict(self)

    def to_pandas(self) -> pd.DataFrame:
        """One row per figure: metric, value."""
        return pd.DataFrame({"metric": list(self.as_dict()), "value": list(self.as_dict().values())})


def overview(log: EventLog) -> Overview:
    """The headline figures of the log (one pass, sharing the variant grouping)."""
    arrays = log.arrays
    found = variants(log)
    durations = summary_of_durations(log)
    open_cases, rule = open_case_count(log)
    return Overview(
        cases=arrays.num_cases, events=arrays.num_events,
        activities=int(np.count_nonzero(np.bincount(found.codes))), variants=len(found),
        first_timestamp=_instant(arrays.timestamp.min()) if arrays.num_events else None,
        last_timestamp=_instant(arrays.timestamp.max()) if arrays.num_events else None,
        open_cases=open_cases, open_cases_rule=rule,
        median_throughput_seconds=float(k.seconds(durations.median[0])),
        mean_throughput_seconds=float(k.seconds(durations.mean[0])),
        p90_throughput_seconds=float(k.seconds(durations.p90[0])))


def summary_of_durations(log: EventLog) -> k.GroupStats:
    """Statistics of the case throughput times (µs) of the log, remembered per view."""
    return k.remembered(log, "duration_summary", lambda view: k.summary(k.case_durations(view.arrays)))


def open_case_count(log: EventLog) -> tuple[int | None, str]:
    """Number of open cases and the rule that decided it (None when it cannot be known)."""
    cases = log.cases_table()
    if CLOSED_AT in cases.column_names:
        return int(cases.column(CLOSED_AT).null_count), "no closed_at"
    declared = log.dataset.meta.end_activities
    if declared:
        found = variants(log)
        last = found.codes[found.offsets[1:] - 1]
        ends = np.isin(np.asarray(found.activity_names, dtype=object)[last], np.asarray(declared, dtype=object))
        return int(found.cases[~ends].sum()), "last activity not an end activity"
    return None, "unknown"


def closed_mask(log: EventLog) -> np.ndarray | None:
    """Per selected case, True when closed (by the same rule as open_cases), or None if unknown."""
    cases = log.cases_table()
    if CLOSED_AT in cases.column_names:
        return pc.is_valid(cases.column(CLOSED_AT)).to_numpy(zero_copy_only=False)
    declared = log.dataset.meta.end_activities
    if declared:
        arrays = log.arrays
        last = arrays.activity[arrays.case_starts[1:] - 1]
        names = np.asarray(arrays.activity_names, dtype=object)
        return np.isin(names[last], np.asarray(declared, dtype=object))
    return None


def _instant(micros) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(micros))
