"""The deadline clock of every case a rule covers: when it started, when it is due, when it stopped.

A case is measured as procmine.analysis.deadlines measures it: from the first start
activity to the first end activity at or after it. The clock also stops when the case
closes without that end activity (a fine paid before one is sent, an application withdrawn):
nobody waits for the end any more, so the deadline is met if it closed by its due time and
breached if it stayed open past it. Closed is what the log says (procmine.analysis.overview:
a `closed_at` case attribute, else the dataset's declared end activities); the clock stops at
the `closed_at` instant, else at the case's last event. A log that cannot say has no closed
cases here: its cases without the end activity run on. The remaining time the radar predicts
is the time until the clock stops, so it exists for every case that is no longer running.
Its outcome is known when the clock stopped (met or breached) or when the deadline passed
before the log's last event (breached); otherwise it is open and not yet overdue, the cases
the radar scores. (procmine.analysis.deadlines counts a case closed without the end activity
as open.) For a rule that ends at "case end" a case ends only where the log says it closed;
a log that cannot say closes every case at its last event, so it has no open cases for such a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from procmine.analysis import kernels as k
from procmine.analysis.deadlines import CASE_END, DeadlineRule, rule_scope
from procmine.analysis.overview import CLOSED_AT, closed_mask
from procmine.daytable import DAY_US, NOT_A_TIME
from procmine.eventlog import EventLog
from procmine.workcalendar import WorkCalendar


@dataclass(frozen=True)
class RuleClock:
    """Per case the rule covers and that has started (arrays aligned, one entry per such case)."""

    rule: DeadlineRule
    case: np.ndarray        # position of the case in log.arrays
    start: np.ndarray       # µs UTC: the rule's start event
    end: np.ndarray         # µs UTC: the end event, NOT_A_TIME when not reached
    due: np.ndarray         # µs UTC: the last instant at which the deadline is still met
    log_end: int            # µs UTC: the log's last event ("now" for open cases)
    closed: np.ndarray | None = None   # µs UTC: when a case without the end event closed, else NOT_A_TIME

    @property
    def ended(self) -> np.ndarray:
        """Cases that reached the rule's end event."""
        return self.end != NOT_A_TIME

    @property
    def stop(self) -> np.ndarray:
        """µs UTC: when the clock stopped (the end event, else the case's closing), NOT_A_TIME while it runs."""
        return self.end if self.closed is None else np.where(self.ended, self.end, self.closed)

    @property
    def stopped(self) -> np.ndarray:
        return self.stop != NOT_A_TIME

    @property
    def breached(self) -> np.ndarray:
        """1.0 breached, 0.0 met, NaN open and not yet due."""
        stop, stopped = self.stop, self.stopped
        late = np.where(stopped, stop > self.due, self.log_end > self.due)
        return np.where(stopped | (self.log_end > self.due), late.astype(float), np.nan)

    @property
    def settled(self) -> np.ndarray:
        """Cases whose deadline passed before the log's end: their outcome is known and unbiased.

        (A case that met its deadline early but is not yet due is left out too: keeping it while
        its slower siblings are still open would make the latest cases look faster than they are.)
        """
        return self.due < self.log_end

    @property
    def open(self) -> np.ndarray:
        """Cases whose clock runs and that are not yet overdue at the log's end: the ones a prediction is for."""
        return ~self.stopped & (self.due >= self.log_end)

    @property
    def overdue(self) -> np.ndarray:
        """Cases whose clock still runs although their deadline passed before the log's end."""
        return ~self.stopped & (self.due < self.log_end)


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
    closing = closing_instants(log)
    if rule.end == CASE_END:
        reached &= closing[case] != NOT_A_TIME if closing is not None else True
    end = np.where(reached, arrays.timestamp[np.minimum(end_pos[case], n - 1)], NOT_A_TIME)
    closed = None if closing is None or rule.end == CASE_END else np.where(reached, NOT_A_TIME, closing[case])
    return RuleClock(rule=rule, case=case, start=start, end=end, due=due_instants(rule, start, calendar),
                     log_end=int(arrays.timestamp.max()), closed=closed)


def due_instants(rule: DeadlineRule, start: np.ndarray, calendar: WorkCalendar) -> np.ndarray:
    """The last instant (µs UTC) at which a case started at `start` still meets `rule`."""
    if len(start) == 0:
        return np.zeros(0, np.int64)
    if rule.unit == "working_days":
        return calendar.add_working_days(start, rule.within).view(np.int64)
    next_midnight = (k.local_days(start, calendar.timezone) + rule.limit_days + 1) * DAY_US
    return calendar.localize(next_midnight) - 1


def closing_instants(log: EventLog) -> np.ndarray | None:
    """Per selected case when it closed (µs UTC; NOT_A_TIME while open), or None when the log cannot say.

    Closed as procmine.analysis.overview.closed_mask says; at `closed_at` when the log has it, else at the
    case's last event.
    """
    closed = closed_mask(log)
    if closed is None:
        return None
    table = log.cases_table()
    if CLOSED_AT in table.column_names:
        at = table.column(CLOSED_AT).cast(pa.int64()).fill_null(NOT_A_TIME).to_numpy(zero_copy_only=False)
    else:
        at = log.arrays.timestamp[log.arrays.case_starts[1:] - 1]
    return np.where(closed, at, NOT_A_TIME).astype(np.int64)
