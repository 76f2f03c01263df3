"""Features of a case's prefix at a moment: what was known about it then, and nothing later.

A prefix is (case, moment): the events of the case up to that moment. Its features are
gathered from per-event running counts computed once over the sorted event arrays
(vectorised, no loop per event or case): current activity, elapsed working days,
days left to the deadline, time since the last event, events, rework and distinct
caseworkers and hand-overs so far, the case attributes known at opening, the open
workload of the case's department at that moment against its own last three months, and
the weekday. Two candidates were measured out by the temporal test: the month (a log of a
year or two holds each month once or twice, so it only learns that year's accidents) and
the absolute open workload (it drifts as a log grows; on Road Traffic Fines and the driven
simulations it made calibration and interval coverage worse on later cases).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine.analysis import kernels as k
from procmine.eventlog import EventLog
from procmine.prediction.clock import CLOSED_AT, RuleClock
from procmine.schema import RESOURCE
from procmine.units import DAY_US
from procmine.workcalendar import WorkCalendar

NUMERIC = ("elapsed_working_days", "days_left", "idle_working_days", "events_so_far", "rework_so_far",
           "caseworkers_so_far", "handovers_so_far", "workload_vs_usual", "weekday")
ATTRIBUTES = ("case_type", "kle", "department", "channel")
MAX_LEVELS = 60            # a case attribute with more values is an identifier, not a feature
DEPARTMENT = "department"
USUAL_LOOKBACK_DAYS = (15, 30, 45, 60, 75, 90)
KEY_ORIGIN_SECONDS = -2_208_988_800          # 1900-01-01 UTC
KEY_SPAN_SECONDS = 12_700_000_000            # to beyond 2300: fits 700 million cases in an int64


@dataclass(frozen=True)
class Prefixes:
    """Prefixes of one rule's cases: which clock entry, at what moment, and their features."""

    entry: np.ndarray        # index into the RuleClock arrays
    moment: np.ndarray       # µs UTC
    features: np.ndarray     # float32, one column per name (categoricals as codes, NaN missing)
    names: tuple[str, ...]
    categorical: tuple[str, ...]
    levels: dict[str, tuple[str, ...]]   # the value of each categorical code


class LogFacts:
    """Running counts per event and attribute codes per case, computed once per filtered log."""

    def __init__(self, log: EventLog, calendar: WorkCalendar) -> None:
        self.log, self.calendar = log, calendar
        arrays = log.arrays
        self.arrays = arrays
        first = arrays.case_starts[arrays.case]
        position = np.arange(arrays.num_events)
        self.events_so_far = (position - first + 1).astype(np.float32)
        self.rework_so_far = _running_count_within_case(_repeat_flags(arrays.case, arrays.activity), first)
        resource = _resource_codes(log)
        known = resource >= 0
        self.caseworkers_so_far = _running_count_within_case(
            known & ~_repeat_flags(arrays.case, resource), first)
        self.handovers_so_far = _running_count_within_case(_handover_flags(arrays.case, resource), first)
        self._keys = _case_time_keys(arrays.case, arrays.timestamp)

    def last_event(self, case: np.ndarray, moment: np.ndarray) -> np.ndarray:
        """Position of the last event of each case at or before each moment."""
        return np.searchsorted(self._keys, _case_time_keys(case, moment), side="right") - 1

    @functools.cached_property
    def attributes(self) -> dict[str, tuple[np.ndarray, tuple[str, ...]]]:
        """Codes per selected case (-1 missing) and values of the attributes known when a case opens.

        Only case type, KLE, department and channel: other case attributes (an outcome, a fee)
        are often filled in at the end and would leak the answer into the prefix.
        """
        table = self.log.cases_table()
        chosen = {}
        for name in ATTRIBUTES:
            coded = _attribute_codes(table.column(name)) if name in table.column_names else None
            if coded is not None:
                chosen[name] = coded
        return chosen

    @functools.cached_property
    def case_span(self) -> tuple[np.ndarray, np.ndarray]:
        """Per selected case, when it opened (first event) and closed (closed_at, else last event)."""
        first, last = k.case_first_last(self.arrays)
        table = self.log.cases_table()
        if CLOSED_AT in table.column_names:
            closed = table.column(CLOSED_AT).cast(pa.int64()).fill_null(np.iinfo(np.int64).max)
            last = closed.to_numpy(zero_copy_only=False)
        return first, last

    @functools.cached_property
    def _department_spans(self) -> tuple[np.ndarray, dict[int, tuple[np.ndarray, np.ndarray]]]:
        """Department code per case, and per department its cases' sorted opening and closing times."""
        first, last = self.case_span
        codes = self.attributes.get(DEPARTMENT, (np.zeros(self.arrays.num_cases, np.int64), ()))[0]
        return codes, {int(group): (np.sort(first[codes == group]), np.sort(last[codes == group]))
                       for group in np.unique(codes)}

    def workload(self, case: np.ndarray, moment: np.ndarray) -> np.ndarray:
        """Cases of the same department open at each moment (of the whole log when it has no departments)."""
        codes, spans = self._department_spans
        result = np.zeros(len(case), np.float32)
        group_of_prefix = codes[case]
        for group in np.unique(group_of_prefix):   # once per department, not per case
            opened, closed = spans[int(group)]
            at = group_of_prefix == group
            result[at] = (np.searchsorted(opened, moment[at], "right")
                          - np.searchsorted(closed, moment[at], "right"))
        return result

    def relative_workload(self, case: np.ndarray, moment: np.ndarray) -> np.ndarray:
        """Open workload now against its mean at USUAL_LOOKBACK_DAYS before (1.0 = as usual), a busy-spell
        measure that stays comparable when a log's overall level drifts."""
        past = np.mean([self.workload(case, moment - days * DAY_US) for days in USUAL_LOOKBACK_DAYS], axis=0)
        return (self.workload(case, moment) / np.maximum(past, 1.0)).astype(np.float32)


def prefixes_at(facts: LogFacts, clock: RuleClock, entry: np.ndarray, moment: np.ndarray) -> Prefixes:
    """The features of clock entries `entry` at `moment` (µs UTC, after each entry's start)."""
    calendar = facts.calendar
    case = clock.case[entry]
    start = clock.start[entry]
    last = facts.last_event(case, moment)
    arrays = facts.arrays
    local_day = k.local_days(moment, calendar.timezone)
    columns = {
        "activity": arrays.activity[last].astype(np.float32),
        "elapsed_working_days": calendar.working_days_between(start, moment),
        "days_left": _days_left(clock, entry, moment, calendar),
        "idle_working_days": calendar.working_days_between(arrays.timestamp[last], moment),
        "events_so_far": facts.events_so_far[last],
        "rework_so_far": facts.rework_so_far[last],
        "caseworkers_so_far": facts.caseworkers_so_far[last],
        "handovers_so_far": facts.handovers_so_far[last],
        "workload_vs_usual": facts.relative_workload(case, moment),
        "weekday": ((local_day + 3) % 7).astype(np.float32),
    }
    levels = {"activity": arrays.activity_names}
    for name, (codes, values) in facts.attributes.items():
        columns[name] = np.where(codes[case] >= 0, codes[case], np.nan)
        levels[name] = values
    names = tuple(columns)
    matrix = np.column_stack([np.asarray(columns[n], dtype=np.float32) for n in names]) if len(entry) \
        else np.zeros((0, len(names)), np.float32)
    return Prefixes(entry=entry, moment=moment, features=matrix, names=names,
                    categorical=tuple(n for n in names if n in levels), levels=levels)


def _case_time_keys(case: np.ndarray, micros: np.ndarray) -> np.ndarray:
    """One sortable int64 per (case, second): cases in order, seconds since 1900 within (up to year 2300)."""
    seconds = np.clip(micros // 1_000_000 - KEY_ORIGIN_SECONDS, 0, KEY_SPAN_SECONDS - 1)
    return case.astype(np.int64) * KEY_SPAN_SECONDS + seconds


def _days_left(clock: RuleClock, entry: np.ndarray, moment: np.ndarray, calendar: WorkCalendar) -> np.ndarray:
    """Working days (working-day rules) or calendar days left until the deadline passes."""
    rule = clock.rule
    start = clock.start[entry]
    if rule.unit == "working_days":
        used = calendar.business_days_between(start, moment)
    else:
        used = k.local_days(moment, calendar.timezone) - k.local_days(start, calendar.timezone)
    return (rule.limit_days - used).astype(np.float32)


def _repeat_flags(case: np.ndarray, values: np.ndarray) -> np.ndarray:
    """True at each event whose value (>= 0) already occurred earlier in the same case."""
    order = np.lexsort((np.arange(len(case)), values, case))
    same = np.zeros(len(case), bool)
    if len(case) > 1:
        sorted_case, sorted_value = case[order], values[order]
        same[1:] = (sorted_case[1:] == sorted_case[:-1]) & (sorted_value[1:] == sorted_value[:-1])
    flags = np.zeros(len(case), bool)
    flags[order] = same
    return flags & (values >= 0)


def _handover_flags(case: np.ndarray, resource: np.ndarray) -> np.ndarray:
    """True at each event whose caseworker differs from the case's previous known caseworker."""
    known = resource >= 0
    last_known = np.maximum.accumulate(np.where(known, np.arange(len(case)), -1))
    previous = np.full(len(case), -1)
    previous[1:] = last_known[:-1]
    previous_resource = np.where(previous >= 0, resource[np.maximum(previous, 0)], -1)
    same_case = (previous >= 0) & (case[np.maximum(previous, 0)] == case)
    return known & same_case & (previous_resource >= 0) & (previous_resource != resource)


def _running_count_within_case(flags: np.ndarray, first: np.ndarray) -> np.ndarray:
    """How many flags are set from the case's first event up to and including each event."""
    total = np.cumsum(flags, dtype=np.int64)
    before = np.concatenate(([0], total))[first]
    return (total - before).astype(np.float32)


def _resource_codes(log: EventLog) -> np.ndarray:
    """Caseworker code per selected event, -1 where the event has none (or the log has no resources)."""
    if RESOURCE not in log.event_columns:
        return np.full(log.num_events, -1, np.int64)
    return log.event_codes(RESOURCE)[0].astype(np.int64)


def _attribute_codes(column) -> tuple[np.ndarray, tuple[str, ...]] | None:
    """Dense codes of a string-like case attribute with at most MAX_LEVELS values, else None."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
            or pa.types.is_boolean(column.type) or pa.types.is_integer(column.type)):
        return None
    column = column.cast(pa.string())
    encoded = pc.dictionary_encode(column)
    values = tuple(encoded.dictionary.to_pylist())
    if not 1 < len(values) <= MAX_LEVELS:
        return None
    order = np.argsort(np.array(values, dtype=object).astype(str))
    rank = np.empty(len(values), np.int64)
    rank[order] = np.arange(len(values))
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.where(codes >= 0, rank[np.maximum(codes, 0)], -1), tuple(sorted(values, key=str))
