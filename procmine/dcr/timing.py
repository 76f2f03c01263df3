"""Timed DCR: condition delays and response deadlines read from the log's waiting times.

For a condition a →• b the waiting time is measured from the latest a before each b;
its delay is the shortest one seen (b never came sooner), whole units rounded down; a
delay of 0 is no delay. For a response a •→ b it is measured from each a to the next b;
its deadline covers `deadline_share` of them (default 0.9, nine in ten responses came
in time, like a service target; 1.0: the longest seen), rounded up.

Units: "working_days" counts Danish working days as legal deadlines do (the working
days after a's day up to and including b's, procmine.workcalendar); "days" counts
calendar days (24 hours each).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from procmine.dcr.graph import TIME_UNITS, DcrGraph, Rule, TimeUnit
from procmine.errors import ModelError
from procmine.workcalendar import DAY_US, WorkCalendar


@dataclass(frozen=True)
class TimingOptions:
    """The unit of delays and deadlines, and the share of observed waits a deadline covers (0..1]."""

    unit: TimeUnit = "working_days"
    deadline_share: float = 0.9

    def __post_init__(self):
        if self.unit not in TIME_UNITS:
            raise ModelError(f"Unknown time unit {self.unit!r}; use working_days or days (--time-unit).")
        if not 0.0 < self.deadline_share <= 1.0:
            raise ModelError(f"The deadline share is {self.deadline_share!r}; give a share above 0 and at most 1 "
                             "(1 = the longest wait seen).")


def timed_graph(log, graph: DcrGraph, options: TimingOptions = TimingOptions(),
                calendar: WorkCalendar | None = None) -> DcrGraph:
    """The graph with delays on its conditions and deadlines on its responses, from the log's times."""
    rules = [rule for rule in graph.rules() if rule.kind in ("condition", "response")]
    delays, deadlines = {}, {}
    for rule, (waits, _) in zip(rules, all_waiting_times(log, rules, options.unit, calendar or WorkCalendar())):
        if not len(waits):
            continue
        if rule.kind == "condition":
            shortest = math.floor(float(waits.min()))
            if shortest > 0:
                delays[(rule.source, rule.target)] = float(shortest)
        else:
            covered = float(np.quantile(waits, options.deadline_share, method="inverted_cdf"))
            deadlines[(rule.source, rule.target)] = float(math.ceil(covered))
    return graph.with_times(delays, deadlines, options.unit)


def waiting_times(log, rule: Rule, unit: TimeUnit, calendar: WorkCalendar) -> tuple[np.ndarray, np.ndarray]:
    """(waits in `unit`, case position of each) for a condition or response rule of the log."""
    return all_waiting_times(log, [rule], unit, calendar)[0]


def all_waiting_times(log, rules: list[Rule], unit: TimeUnit, calendar: WorkCalendar) -> list:
    """(waits, case positions) per rule; the events of each activity are found once, the waits counted at once."""
    arrays = log.arrays
    order = np.argsort(arrays.activity, kind="stable")   # event rows by activity, in log order within each
    bounds = np.searchsorted(arrays.activity[order], np.arange(len(arrays.activity_names) + 1))
    lookup = {name: code for code, name in enumerate(arrays.activity_names)}

    def events_of(name: str) -> np.ndarray:
        code = lookup.get(name)
        return order[bounds[code]:bounds[code + 1]] if code is not None else np.zeros(0, np.int64)

    pairs = [_event_pairs(rule.kind, events_of(rule.source), events_of(rule.target), arrays.case) for rule in rules]
    starts = np.concatenate([start for start, _ in pairs] or [np.zeros(0, np.int64)])
    ends = np.concatenate([end for _, end in pairs] or [np.zeros(0, np.int64)])
    waits = elapsed(arrays.timestamp[starts], arrays.timestamp[ends], unit, calendar) if len(starts) \
        else np.zeros(0)
    cuts = np.cumsum([len(start) for start, _ in pairs])[:-1]
    return list(zip(np.split(waits, cuts), np.split(arrays.case[ends], cuts)))


def _event_pairs(kind: str, sources: np.ndarray, targets: np.ndarray, case: np.ndarray):
    """(start, end) event rows: each a to the next b (response), or the latest a before each b (condition)."""
    if not len(sources) or not len(targets):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if kind == "response":
        nearest = np.searchsorted(targets, sources, side="right")
        valid = nearest < len(targets)
        start, end = sources[valid], targets[nearest[valid]]
    else:
        nearest = np.searchsorted(sources, targets, side="left") - 1
        valid = nearest >= 0
        start, end = sources[nearest[valid]], targets[valid]
    same_case = case[start] == case[end]
    return start[same_case], end[same_case]


def elapsed(start_us: np.ndarray, end_us: np.ndarray, unit: TimeUnit, calendar: WorkCalendar) -> np.ndarray:
    """Time from start to end (int64 µs, UTC) in working days (whole days) or calendar days."""
    if unit == "working_days":
        return calendar.business_days_between(start_us, end_us)
    return (end_us - start_us) / DAY_US


def late_cases(log, graph: DcrGraph, calendar: WorkCalendar | None = None) -> dict[Rule, np.ndarray]:
    """Per timed rule, the case positions that broke its time: b before the delay or after the deadline."""
    rules = [rule for rule in graph.rules() if rule.time is not None]
    broken = {}
    for rule, (waits, cases) in zip(rules, all_waiting_times(log, rules, graph.time_unit,
                                                             calendar or WorkCalendar())):
        late = waits < rule.time if rule.kind == "condition" else waits > rule.time
        broken[rule] = np.unique(cases[late])
    return broken
