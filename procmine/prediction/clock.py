"""The deadline clock of every case a rule covers: when it started, when it is due, how it ended.

A case is measured as procmine.analysis.deadlines measures it: from the first start
activity to the first end activity at or after it. Its outcome is known when it reached
the end (met or breached) or when the deadline passed before the log's last event
(breached); otherwise it is open and not yet overdue, the cases the radar scores.
For a rule that ends at "case end" a case counts as ended only where the log says so
(a `closed_at` case attribute); a log without one has no open cases for such a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from procmine.analysis import kernels as k
from procmine.analysis.deadlines import CASE_END, DeadlineRule, rule_scope
from procmine.daytable import DAY_US, NOT_A_TIME
from procmine.eventlog import EventLog
from procmine.workcalendar import WorkCalendar

CLOSED_AT = "closed_at"


@dataclass(frozen=True)
class RuleClock:
    """Per case the rule covers and that has started (arrays aligned, one entry per such case)."""

    rule: DeadlineRule
    case: np.ndarray        # position of the case in log.arrays
    start: np.ndarray       # µs UTC: the rule's start event
    end: np.ndarray         # µs UTC: the end event, NOT_A_TIME when not reached
    due: np.ndarray         # µs UTC: the last instant at which the deadline is still met
    log_end: int            # µs UTC: the log's last event ("now" for open cases)

    @property
    def ended(self) -> np.ndarray:
        return self.end != NOT_A_TIME

    @property
    def breached(self) -> np.ndarray:
        """1.0 breached, 0.0 met, NaN open and not yet due."""
        late = np.where(self.ended, self.end > self.due, self.log_end > self.due)
        return np.where(self.ended | (self.log_end > self.due), late.astype(float), np.nan)

    @property
    def settled(self) -> np.ndarray:
        """Cases whose deadline passed before the log's end: their outcome is known and unbiased.

        (A case that met its deadline early but is not yet due is left out too: keeping it while
        its slower siblings are still open would make the latest cases look faster than they are.)
        """
        return self.due < self.log_end

    @property
    def open(self) -> np.ndarray:
        """Cases not ended and not yet overdue at the log's end: the ones a prediction is for."""
        return ~self.ended & (self.due >= self.log_end)

    @property
    def overdue(self) -> np.ndarray:
        """Cases not ended whose deadline passed before the log's end."""
        return ~self.ended & (self.due < self.log_end)


def rule_clock(log: EventLog, rule: DeadlineRule, calendar: WorkCalendar, *, strict: bool = True) -> RuleClock | None:
    """The clock of `rule` over the log's cases; None when a built-in rule (strict=False) does not fit."""
    scope = rule_scope(log, rule, strict)
    if scope is None or log.num_events == 0:
        return None
    arrays = log.arrays
    covered, (start_code, end_code) = scope
    n = arrays.num_events
    start_pos = arrays.case_starts[:-1] if start_code is None else k.first_position(arrays, start_code)
    end_pos = arrays.case_starts[1:] - 1 if end_code is None else k.first_position(arrays, end_code, start_pos)
    case = np.flatnonzero(covered & (start_pos < n))
    start = arrays.timestamp[start_pos[case]]
    reached = end_pos[case] < n
    if rule.end == CASE_END:
        reached &= _closed(log)[case]
    end = np.where(reached, arrays.timestamp[np.minimum(end_pos[case], n - 1)], NOT_A_TIME)
    return RuleClock(rule=rule, case=case, start=start, end=end, due=due_instants(rule, start, calendar),
                     log_end=int(arrays.timestamp.max()))


def due_instants(rule: DeadlineRule, start: np.ndarray, calendar: WorkCalendar) -> np.ndarray:
    """The last instant (µs UTC) at which a case started at `start` still meets `rule`."""
    if len(start) == 0:
        return np.zeros(0, np.int64)
    if rule.unit == "working_days":
        return calendar.add_working_days(start, rule.within).view(np.int64)
    next_midnight = (k.local_days(start, calendar.timezone) + rule.limit_days + 1) * DAY_US
    return calendar.localize(next_midnight) - 1


def _closed(log: EventLog) -> np.ndarray:
    """Per selected case whether the log says it is closed (every case when there is no closed_at)."""
    table = log.cases_table()
    if CLOSED_AT not in table.column_names:
        return np.ones(log.num_cases, bool)
    return table.column(CLOSED_AT).is_valid().to_numpy(zero_copy_only=False)
