"""Prefix features and deadline clocks: equal to a plain per-case reference, equal to the deadline engine,
and blind to the future (a log cut at the moment gives the same features)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analysis_helpers import make_log
from closing_logs import FINES
from closing_logs import RULE as FINE_RULE

import procmine
from procmine.analysis import deadlines
from procmine.analysis.deadlines import DEFAULT_RULES
from procmine.filters import TimeframeFilter
from procmine.prediction.clock import rule_clock
from procmine.prediction.features import LogFacts, prefixes_at
from procmine.prediction.samples import labelled_prefixes
from procmine.workcalendar import WorkCalendar

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"
CALENDAR = WorkCalendar()


def _rule(name: str):
    return next(r for r in DEFAULT_RULES if r.case_type == name)


@pytest.fixture(scope="module")
def aktindsigt():
    return procmine.open(SAMPLES / "aktindsigt")


def _events(log) -> pd.DataFrame:
    table = log.events_table().select(["case_id", "activity", "timestamp", "resource"]).to_pandas()
    table["micros"] = log.arrays.timestamp
    return table


def _reference(events: pd.DataFrame, case_id: str, moment: int) -> dict:
    """The prefix counts of one case at one moment, by a plain loop over its events."""
    seen = events[(events["case_id"] == case_id) & (events["micros"] // 1_000_000 <= moment // 1_000_000)]
    activities, resources = list(seen["activity"]), [r for r in seen["resource"] if pd.notna(r)]
    handovers = sum(1 for a, b in itertools.pairwise(resources) if a != b)
    return {"events_so_far": len(seen), "rework_so_far": len(activities) - len(set(activities)),
            "caseworkers_so_far": len(set(resources)), "handovers_so_far": handovers,
            "activity": activities[-1]}


def test_prefix_counts_equal_a_per_case_reference(aktindsigt):
    clock = rule_clock(aktindsigt, _rule("aktindsigt"), CALENDAR)
    facts = LogFacts(aktindsigt, CALENDAR)
    rng = np.random.default_rng(3)
    entry = rng.integers(0, len(clock.case), 300)
    span = np.maximum(clock.due[entry] - clock.start[entry], 1)
    moment = clock.start[entry] + (rng.random(300) * span).astype(np.int64) + 1
    prefixes = prefixes_at(facts, clock, entry, moment)
    events = _events(aktindsigt)
    case_ids = aktindsigt.base.case_ids.take(aktindsigt.arrays.case_index[clock.case[entry]]).to_pylist()
    names = prefixes.names
    for row, (case_id, at) in enumerate(zip(case_ids, moment)):
        expected = _reference(events, case_id, int(at))
        got = prefixes.features[row]
        for key in ("events_so_far", "rework_so_far", "caseworkers_so_far", "handovers_so_far"):
            assert got[names.index(key)] == expected[key], (case_id, key)
        assert prefixes.levels["activity"][int(got[names.index("activity")])] == expected["activity"]
    elapsed = prefixes.features[:, names.index("elapsed_working_days")]
    assert np.allclose(elapsed, CALENDAR.working_days_between(clock.start[entry], moment), atol=1e-4)


def test_rework_and_handovers_occur_in_the_sample_logs():
    log = procmine.open(SAMPLES / "byggetilladelse")
    facts = LogFacts(log, CALENDAR)
    assert facts.rework_so_far.max() >= 1        # repeated Mangelbrev rounds
    assert facts.handovers_so_far.max() >= 1


@pytest.mark.parametrize("workflow", ["aktindsigt", "borgerhenvendelse", "merudgifter"])
def test_clock_outcomes_equal_the_deadline_engine(workflow):
    log = procmine.open(SAMPLES / workflow)
    rule = _rule(workflow)
    clock = rule_clock(log, rule, CALENDAR)
    report = deadlines(log, (rule,), CALENDAR)
    row = report.rules.iloc[0]
    ended = clock.ended
    assert int(ended.sum()) == row["cases"]
    assert int((clock.breached[ended] == 0).sum()) == row["met"]
    breached_ids = set(log.base.case_ids.take(log.arrays.case_index[clock.case[ended & (clock.breached == 1)]])
                       .to_pylist())
    assert breached_ids == set(report.breaches["case_id"])
    assert int((~ended).sum()) == row["open_cases"]
    assert int(clock.overdue.sum()) == row["open_overdue"]


@pytest.mark.parametrize("day", [dt.date(2025, 11, 4), dt.date(2026, 3, 2), dt.date(2026, 6, 15)])
def test_features_do_not_see_the_future(day):
    """The features of a case at moment M are the same when every event after M is cut from the log."""
    log = procmine.open(SAMPLES / "merudgifter")
    rule = _rule("merudgifter")
    moment_dt = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    moment = int(moment_dt.timestamp() * 1_000_000)
    cut = log.filter(TimeframeFilter(between=(None, moment_dt + dt.timedelta(seconds=1)), mode="trim"))
    features = {}
    for view in (log, cut):
        clock = rule_clock(view, rule, CALENDAR)
        running = np.flatnonzero((clock.start < moment) & (~clock.ended | (clock.end > moment))
                                 & (clock.due > moment))
        prefixes = prefixes_at(LogFacts(view, CALENDAR), clock, running, np.full(len(running), moment))
        ids = view.base.case_ids.take(view.arrays.case_index[clock.case[running]]).to_pylist()
        features[view is cut] = pd.DataFrame(prefixes.features, columns=prefixes.names, index=ids)
    full, seen = features[False], features[True]
    assert len(seen) > 10
    assert sorted(seen.index) == sorted(full.index)
    pd.testing.assert_frame_equal(full.loc[seen.index], seen)




def _fine_clock(**meta):
    log = make_log(FINES, meta=meta)
    clock = rule_clock(log, FINE_RULE, CALENDAR)
    ids = log.base.case_ids.take(log.arrays.case_index[clock.case]).to_pylist()
    return log, clock, {case: position for position, case in enumerate(ids)}


def test_the_clock_stops_when_a_case_closes_without_the_end_event():
    log, clock, at = _fine_clock(end_activities=["Pay"])
    day = 86_400_000_000
    start = int(clock.start[at["paid"]])
    assert clock.stop[at["paid"]] == start + 2 * day and not clock.ended[at["paid"]]
    assert clock.stop[at["sent then paid"]] == start + 5 * day     # the end event, not the later closing
    assert clock.breached[[at["sent"], at["paid"], at["paid late"], at["sent then paid"], at["waiting"]]].tolist() \
        == [0.0, 0.0, 1.0, 0.0, 1.0]
    assert np.isnan(clock.breached[at["new"]])
    assert clock.open[at["new"]] and clock.overdue[at["waiting"]] and not clock.overdue[at["paid late"]]
    assert clock.overdue.sum() == 1
    known = np.flatnonzero(clock.settled)
    data = labelled_prefixes(LogFacts(log, CALENDAR), clock, known)
    entry = data.prefixes.entry
    paid = entry == at["paid"]
    assert paid.any() and np.all(~np.isnan(data.remaining[paid]))   # the time until the clock stopped exists
    expected = CALENDAR.working_days_between(data.prefixes.moment[paid], np.full(paid.sum(), clock.stop[at["paid"]]))
    np.testing.assert_allclose(data.remaining[paid], expected)
    assert np.all(np.isnan(data.remaining[entry == at["waiting"]]))   # still running at the log's end: unseen


def test_a_log_that_cannot_say_a_case_closed_keeps_its_clock_running():
    _, clock, at = _fine_clock()
    assert clock.closed is None
    assert not clock.stopped[at["paid"]] and clock.breached[at["paid"]] == 1.0 and clock.overdue[at["paid"]]
    assert clock.overdue.sum() == 4   # paid, paid late, waiting, last: as the deadline engine counts them open
