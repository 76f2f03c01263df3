"""The deadline clock of every case a rule covers, as the radar reads it: when it started, when it is due,
when it stopped.

The clock and its outcome are procmine.analysis.deadline_clock's, the definition the deadline
analysis uses too: the clock stops at the rule's end event, or when the case closes without it
(closed as the log says: a `closed_at` case attribute, else the dataset's declared end activities);
met if it stopped by its due time, breached otherwise. The remaining time the radar predicts is the
time until the clock stops, so it exists for every case that is no longer running. A case whose
clock still runs is open (the cases the radar scores) or, once its deadline passed before the log's
last event, overdue.

For a rule that ends at "case end" a case ends only where the log says it closed, so a case still
open is open (or overdue), not met or breached at its last event; a log that cannot say closes every
case at its last event (deadline_clock.clock_of, for the analysis too).
"""

from __future__ import annotations

from procmine.analysis.deadline_clock import RuleClock, clock_of, closing_instants, due_instants
from procmine.analysis.deadlines import DeadlineRule, rule_scope
from procmine.analysis.overview import CLOSED_AT
from procmine.eventlog import EventLog
from procmine.workcalendar import WorkCalendar

__all__ = ["CLOSED_AT", "RuleClock", "closing_instants", "due_instants", "rule_clock"]


def rule_clock(log: EventLog, rule: DeadlineRule, calendar: WorkCalendar, *, strict: bool = True) -> RuleClock | None:
    """The clock of `rule` over the log's cases; None when a built-in rule (strict=False) does not fit."""
    scope = rule_scope(log, rule, strict)
    if scope is None or log.num_events == 0:
        return None
    return clock_of(log, rule, *scope, calendar)
