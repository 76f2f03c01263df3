"""The one definition of a deadline rule's clock: when it starts, when it is due, when it stops, the outcome.

A case a rule covers is measured from its first start activity (or its first event) to the first
end activity at or after it. The clock also stops when the case closes without that end activity
(a fine paid before one is sent, an application withdrawn): nobody waits for the end any more.
Closed is what the log says (procmine.analysis.overview.closed_mask: a `closed_at` case attribute,
else the dataset's declared end activities); the clock stops at the `closed_at` instant, else at
the case's last event. A log that cannot say has no closed cases: its cases without the end
activity run on.

A rule that ends at "case end" has reached its end at the case's last event once the case has
closed, as the log says; a case still open has not ended, so its clock runs (open, or overdue),
however long ago its last event was. A log that cannot say closes every case at its last event.

The outcome: met when the clock stopped by its due instant (the end of the last local day still in
time), breached when it stopped later; a clock that still runs at the log's last event is overdue
when the due instant passed before it, else open. procmine.analysis.deadlines (and its SQL form)
and the prediction radar (procmine.prediction.clock) read their outcomes from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from procmine.analysis import kernels as k
from procmine.analysis.deadline_rule import DeadlineRule
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
    def closed_without_end(self) -> np.ndarray:
        """Cases whose clock stopped because the case closed without the rule's end event."""
        return self.stopped & ~self.ended

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


def clock_of(log: EventLog, rule: DeadlineRule, covered: np.ndarray, codes: tuple[int | None, int | None],
             calendar: WorkCalendar) -> RuleClock:
    """The clock of `rule` over the cases `covered` (deadlines.rule_scope gives them and the activity codes).

    For a rule that ends at "case end" (end code None) a started case ends at its last event when it
    has closed (closing_instants; every case when the log cannot say); it never closes "without the end".
    """
    arrays = log.arrays
    start_code, end_code = codes
    n = arrays.num_events
    start_pos = arrays.case_starts[:-1] if start_code is None else k.first_position(arrays, start_code)
    end_pos = arrays.case_starts[1:] - 1 if end_code is None else k.first_position(arrays, end_code, start_pos)
    case = np.flatnonzero(covered & (start_pos < n))
    start = arrays.timestamp[start_pos[case]]
    closing = closing_instants(log)
    reached = end_pos[case] < n
    if end_code is None and closing is not None:
        reached &= closing[case] != NOT_A_TIME
    end = np.where(reached, arrays.timestamp[np.minimum(end_pos[case], n - 1)], NOT_A_TIME) if n \
        else np.zeros(0, np.int64)
    closed = None if closing is None or end_code is None else np.where(reached, NOT_A_TIME, closing[case])
    return RuleClock(rule=rule, case=case, start=start, end=end, due=due_instants(rule, start, calendar),
                     log_end=int(arrays.timestamp.max()) if n else NOT_A_TIME, closed=closed)


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
