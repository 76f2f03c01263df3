"""Cases that close without a rule's end event (issue #13): one rule in the analysis, its SQL form and the radar.

A case that closes without the end event stops its clock: met when it closed by its due time,
breached otherwise, its days counted to the closing. Closed is what the log says: `closed_at`,
else the declared end activities (at the last event). The SQL form on DuckDB must count as the
kernels do, and the radar's clock must give every case the outcome the analysis gives it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from analysis_helpers import make_log
from closing_logs import DAY, FINES, RULE, at, closed_at_log, declared_end_log
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlforms_checks import check_deadlines

from procmine.analysis import DeadlineRule, deadlines
from procmine.analysis.journey_parts import case_deadline_met
from procmine.prediction.clock import rule_clock
from procmine.prediction.drivers import _closed_cases
from procmine.sqlforms import DuckDBEngine
from procmine.workcalendar import WorkCalendar

CALENDAR = WorkCalendar()


def test_declared_end_activities_close_a_case_without_its_end_event():
    log = declared_end_log()
    row = deadlines(log, (RULE,), CALENDAR).rules.iloc[0]
    assert (row.cases, row.met, row.closed_without_end, row.open_cases, row.open_overdue) == (5, 3, 3, 2, 1)
    breaches = deadlines(log, (RULE,), CALENDAR).breaches.set_index("case_id")
    assert sorted(breaches.index) == ["last", "paid late"]
    assert breaches.loc["paid late", "days"] == 20
    assert breaches.loc["paid late", "end"] == at(20)          # the clock stopped when the fine was paid
    assert breaches.loc["last", "due"] == dt.date(2024, 1, 11)


def test_closed_at_closes_a_case_at_that_time_even_after_the_last_event():
    report = deadlines(closed_at_log(), (RULE,), CALENDAR)
    row = report.rules.iloc[0]
    # sent, sent then paid: by the end event; paid (met), paid late, waiting, last: closed without it.
    assert (row.cases, row.met, row.closed_without_end, row.open_cases, row.open_overdue) == (6, 3, 4, 1, 0)
    late = report.breaches.set_index("case_id")
    assert sorted(late.index) == ["last", "paid late", "waiting"]
    assert late.loc["waiting", "days"] == 45 and late.loc["waiting", "end"] == at(45)


def test_a_log_that_cannot_say_keeps_the_cases_open():
    row = deadlines(make_log(FINES), (RULE,), CALENDAR).rules.iloc[0]
    assert (row.cases, row.met, row.closed_without_end, row.open_cases, row.open_overdue) == (2, 2, 0, 5, 4)


WHOLE = DeadlineRule(name="whole", start="Create", within=10, unit="calendar_days")      # to "case end"


def test_a_rule_to_case_end_ends_only_the_closed_cases():
    # A log that cannot say: every case ended at its last event (sent, paid and new within 10 days).
    row = deadlines(make_log(FINES), (WHOLE,), CALENDAR).rules.iloc[0]
    assert (row.cases, row.met, row.closed_without_end, row.open_cases, row.open_overdue) == (7, 3, 0, 0, 0)
    # "Pay" closes: paid (met), paid late, sent then paid, last ended; sent and waiting run overdue, new is open.
    report = deadlines(declared_end_log(), (WHOLE,), CALENDAR)
    row = report.rules.iloc[0]
    assert (row.cases, row.met, row.closed_without_end, row.open_cases, row.open_overdue) == (4, 1, 0, 3, 2)
    assert sorted(report.breaches["case_id"]) == ["last", "paid late", "sent then paid"]
    # closed_at: all but new closed; waiting ended at its last event (25 days), not at its closed_at.
    report = deadlines(closed_at_log(), (WHOLE,), CALENDAR)
    row = report.rules.iloc[0]
    assert (row.cases, row.met, row.closed_without_end, row.open_cases, row.open_overdue) == (6, 2, 0, 1, 0)
    late = report.breaches.set_index("case_id")
    assert sorted(late.index) == ["last", "paid late", "sent then paid", "waiting"]
    assert late.loc["waiting", "days"] == 25 and late.loc["waiting", "end"] == at(25)


@pytest.mark.parametrize("make", [closed_at_log, declared_end_log, lambda: make_log(FINES)],
                         ids=["closed_at", "end_activities", "unknown"])
def test_a_rule_to_case_end_agrees_in_duckdb_and_the_radar(make):
    log = make()
    check_deadlines(DuckDBEngine.for_log(log), log, (WHOLE,))
    _same_outcomes(log, WHOLE)


@pytest.mark.parametrize("make", [closed_at_log, declared_end_log],
                         ids=["closed_at", "end_activities"])
def test_duckdb_counts_the_closed_cases_as_the_kernels(make):
    log = make()
    check_deadlines(DuckDBEngine.for_log(log), log, (RULE,))


@pytest.mark.parametrize("make", [closed_at_log, declared_end_log,
                                  lambda: make_log(FINES)], ids=["closed_at", "end_activities", "unknown"])
def test_the_radar_clock_gives_each_case_the_analysis_outcome(make):
    log = make()
    _same_outcomes(log, RULE)


def _same_outcomes(log, rule) -> None:
    """The radar's clock and the analysis agree on every case: measured, met, breached, open, overdue."""
    report = deadlines(log, (rule,), CALENDAR)
    row = report.rules.iloc[0]
    clock = rule_clock(log, rule, CALENDAR)
    stopped = clock.stopped
    assert int(stopped.sum()) == row.cases
    assert int((clock.breached[stopped] == 0).sum()) == row.met
    assert int(clock.closed_without_end.sum()) == row.closed_without_end
    assert int((~stopped).sum()) == row.open_cases and int(clock.overdue.sum()) == row.open_overdue
    ids = log.base.case_ids.take(log.arrays.case_index[clock.case]).to_pylist()
    assert {i for i, late in zip(ids, stopped & (clock.breached == 1)) if late} == set(report.breaches["case_id"])
    met = case_deadline_met(log, (rule,))        # the journeys' per-case outcome
    assert np.array_equal(met[clock.case[stopped]], 1.0 - clock.breached[stopped])


def test_drivers_count_closed_cases_as_the_overview_does():
    declared = declared_end_log()
    assert _closed_cases(declared).sum() == 4                 # paid, paid late, sent then paid, last
    assert _closed_cases(closed_at_log()).sum() == 6
    assert _closed_cases(make_log(FINES)).all()               # a log that cannot say: every case


# Random small logs: a case starts with A, may reach B, and ends with any activity; times spread
# over weekends so that working-day deadlines meet days off.
ACTIVITIES = ("A", "B", "C", "Z")


@st.composite
def closing_logs(draw):
    rows, closing = [], []
    cases = draw(st.integers(1, 8))
    for number in range(cases):
        case = f"c{number}"
        begin = draw(st.integers(0, 20 * DAY))
        steps = draw(st.lists(st.tuples(st.sampled_from(ACTIVITIES), st.integers(0, 6 * DAY)), max_size=4,
                              min_size=1 if number == 0 else 0))
        if number == 0:             # the rule's end activity occurs in the log
            steps[0] = ("B", steps[0][1])
        rows.append((case, "A", begin))
        moment = begin
        for activity, wait in steps:
            moment += wait
            rows.append((case, activity, moment))
        closing.append(draw(st.one_of(st.none(), st.integers(-DAY, 30 * DAY).map(lambda d, m=moment: m + d))))
    how = draw(st.sampled_from(["closed_at", "end_activities", "unknown"]))
    if how == "closed_at":
        ids = [f"c{n}" for n in range(cases)]
        return make_log(rows, {"case_id": ids, "closed_at": [at(None if c is None else c / DAY) for c in closing]})
    return make_log(rows, meta={"end_activities": ["Z"]} if how == "end_activities" else None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=closing_logs(), within=st.integers(1, 6), unit=st.sampled_from(["working_days", "calendar_days"]),
       end=st.sampled_from(["B", "case end"]))
def test_property_duckdb_kernels_and_clock_agree_on_random_closing_logs(log, within, unit, end):
    rule = DeadlineRule(name="r", start="A", end=end, within=within, unit=unit)
    check_deadlines(DuckDBEngine.for_log(log), log, (rule,))
    _same_outcomes(log, rule)


def test_a_clock_stopping_on_the_weekend_after_its_due_day_is_late():
    """Within 1 working day of a Thursday: due Friday; a Saturday closing counts 1 working day but is late."""
    thursday = 3 * DAY + 10 * 3600                        # 2024-01-04 10:00 UTC
    rows = [("friday", "A", thursday), ("friday", "B", thursday + DAY),
            ("saturday", "A", thursday), ("saturday", "Z", thursday + 2 * DAY),
            ("monday", "A", thursday), ("monday", "B", thursday + 4 * DAY)]
    log = make_log(rows, meta={"end_activities": ["Z"]})
    rule = DeadlineRule(name="one day", start="A", end="B", within=1, unit="working_days")
    report = deadlines(log, (rule,), CALENDAR)
    late = report.breaches.set_index("case_id")
    assert sorted(late.index) == ["monday", "saturday"]
    assert late.loc["saturday", "days"] == 1 and late.loc["saturday", "due"] == dt.date(2024, 1, 5)
    check_deadlines(DuckDBEngine.for_log(log), log, (rule,))
    _same_outcomes(log, rule)
