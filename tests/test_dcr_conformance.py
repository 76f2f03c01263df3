"""DCR semantics and conformance: which rules each case breaks, per rule the cases and variants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from analysis_helpers import make_log

from procmine.dcr import DcrGraph, discover_dcr, discover_dcr_from_traces
from procmine.dcr.conformance import check_dcr
from procmine.dcr.semantics import INITIAL, Replayer, Violation
from procmine.dcr.timing import TimingOptions, timed_graph, waiting_times
from procmine.errors import ModelError
from procmine.workcalendar import WorkCalendar

DAY = 86_400


def hand_graph() -> DcrGraph:
    """Høring →• Afgørelse, Mangelbrev •→ Svar, Fristbrev →% Høring, Afgørelse →% Afgørelse."""
    graph = DcrGraph.empty(("Afgørelse", "Fristbrev", "Høring", "Mangelbrev", "Svar"))
    a, f, h, m, s = range(5)
    graph.conditions[h, a] = True
    graph.responses[m, s] = True
    graph.excludes[f, h] = True
    graph.excludes[a, a] = True
    return graph


def broken(trace: str) -> set[tuple[str, str, str]]:
    graph = hand_graph()
    names = {"A": 0, "F": 1, "H": 2, "M": 3, "S": 4}
    found = Replayer(graph).violations([names[c] for c in trace])
    return {(v.kind, "start" if v.source == INITIAL else graph.activities[v.source], graph.activities[v.target])
            for v in found}


def test_replay_names_the_rule_behind_each_violation():
    assert broken("HA") == set()
    assert broken("A") == {("condition", "Høring", "Afgørelse")}
    assert broken("HAA") == {("exclude", "Afgørelse", "Afgørelse")}
    assert broken("FH") == {("exclude", "Fristbrev", "Høring")}
    assert broken("MHA") == {("response", "Mangelbrev", "Svar")}
    assert broken("MSHA") == set()
    # an excluded condition does not block: after Fristbrev the hearing is out, so Afgørelse may happen
    assert broken("FA") == set()


def test_an_event_excluded_by_the_initial_marking_breaks_the_marking():
    graph = hand_graph()
    graph.included[2] = False   # Høring starts excluded
    assert Replayer(graph).violations([2]) == (Violation("exclude", INITIAL, 2),)
    assert Replayer(graph).violations([1, 0]) == ()   # its condition on Afgørelse does not apply


def test_an_excluded_pending_event_does_not_block_acceptance():
    graph = hand_graph()
    graph.excludes[1, 4] = True   # Fristbrev →% Svar
    replayer = Replayer(graph)
    assert replayer.violations([3, 1]) == ()                       # Mangelbrev, Fristbrev: Svar excluded
    assert replayer.violations([3]) == (Violation("response", 3, 4),)


def rows_of(traces: dict[str, str], gap_days: float = 1.0) -> list[tuple]:
    names = {"A": "Afgørelse", "F": "Fristbrev", "H": "Høring", "M": "Mangelbrev", "S": "Svar"}
    return [(case, names[c], int(i * gap_days * DAY)) for case, trace in traces.items() for i, c in enumerate(trace)]


def test_conformance_per_case_and_per_rule():
    log = make_log(rows_of({"c1": "HA", "c2": "A", "c3": "A", "c4": "MHA", "c5": "FH"}))
    result = check_dcr(log, hand_graph())
    cases = result.cases.set_index("case_id")
    assert cases.loc["c1", "fits"] and not cases.loc["c2", "fits"]
    assert cases.loc["c2", "rules"] == "Høring →• Afgørelse"
    assert cases.loc["c4", "rules"] == "Mangelbrev •→ Svar"
    rules = result.broken_rules().set_index("rule")
    assert rules.loc["Høring →• Afgørelse", "cases"] == 2
    assert rules.loc["Høring →• Afgørelse", "share"] == pytest.approx(2 / 5)
    variant_of = dict(zip(result.cases["case_id"], result.cases["variant"]))
    assert rules.loc["Høring →• Afgørelse", "variants"] == str(variant_of["c2"])
    assert result.broken_rules()["rule"].iloc[0] == "Høring →• Afgørelse"   # most broken first
    assert result.fitting_cases_share == pytest.approx(1 / 5)
    assert result.summary()["broken_rules"] == 3


def test_an_activity_outside_the_graph_breaks_its_own_rule():
    log = make_log([("c1", "Høring", 0), ("c1", "Ukendt", 60), ("c1", "Afgørelse", 120)])
    result = check_dcr(log, hand_graph())
    assert result.cases["rules"].tolist() == ["Ukendt ∉ DCR"]


def test_a_graph_sharing_no_activity_with_the_log_is_a_clear_error():
    with pytest.raises(ModelError, match="labels are the log's activity names"):
        check_dcr(make_log([("c1", "X", 0)]), hand_graph())


def test_discovered_graph_fits_every_case_of_its_log_and_conformance_counts_sum_up():
    traces = {f"c{i}": t for i, t in enumerate(["HA", "MSHA", "FA", "MSFA", "HA"])}
    log = make_log(rows_of(traces))
    graph = discover_dcr(log)
    assert check_dcr(log, graph).fitting_cases_share == 1.0
    other = make_log(rows_of({"d1": "AH", "d2": "HA", "d3": "MHA"}))
    result = check_dcr(other, graph)
    per_case = result.cases.set_index("case_id")
    assert per_case.loc["d2", "fits"] and not per_case.loc["d1", "fits"] and not per_case.loc["d3", "fits"]
    broken_rules = result.broken_rules()
    for row in broken_rules.itertuples():
        texts = [r.split(" | ") for r in result.cases["rules"]]
        assert row.cases == sum(row.rule in t for t in texts)


def test_delays_and_deadlines_are_read_from_the_waits_in_working_days():
    # Monday 2024-01-08 08:00 UTC; Mangelbrev then Svar after 3 and after 8 calendar days
    monday = int((dt.datetime(2024, 1, 8, 8, tzinfo=dt.UTC)
                  - dt.datetime(2024, 1, 1, tzinfo=dt.UTC)).total_seconds())
    rows = [("c1", "Mangelbrev", monday), ("c1", "Svar", monday + 3 * DAY),
            ("c2", "Mangelbrev", monday), ("c2", "Svar", monday + 8 * DAY)]
    log = make_log(rows)
    graph = discover_dcr(log)
    rule = next(r for r in graph.rules() if r.kind == "response")
    waits, _cases = waiting_times(log, rule, "working_days", WorkCalendar())
    # Mon -> Thu is 3 working days; Mon -> Tue of the next week is 6 working days
    assert sorted(waits.tolist()) == [3.0, 6.0]
    timed = timed_graph(log, graph, TimingOptions(unit="working_days"))
    assert timed.deadlines == {("Mangelbrev", "Svar"): 6.0}
    assert timed.delays == {("Mangelbrev", "Svar"): 3.0}
    calendar_days = timed_graph(log, graph, TimingOptions(unit="days"))
    assert calendar_days.deadlines == {("Mangelbrev", "Svar"): 8.0}
    half = timed_graph(log, graph, TimingOptions(unit="working_days", deadline_share=0.5))
    assert half.deadlines == {("Mangelbrev", "Svar"): 3.0}
    result = check_dcr(log, half)
    late = result.cases.set_index("case_id")
    assert late.loc["c1", "fits"] and not late.loc["c2", "fits"]
    assert late.loc["c2", "rules"] == "Mangelbrev •→ Svar (≤ 3 working days)"
    timed_row = result.rules[result.rules["timed"]].set_index("kind").loc["response"]
    assert timed_row["cases"] == 1


def test_timing_options_are_checked():
    with pytest.raises(ModelError, match="working_days or days"):
        TimingOptions(unit="hours")
    with pytest.raises(ModelError, match="deadline share"):
        TimingOptions(deadline_share=0.0)


def test_discovered_graph_on_traces_equals_the_graph_on_the_log_of_the_same_traces():
    traces = ["HA", "MSHA", "FA"]
    log = make_log(rows_of({f"c{i}": t for i, t in enumerate(traces)}))
    names = {"A": "Afgørelse", "F": "Fristbrev", "H": "Høring", "M": "Mangelbrev", "S": "Svar"}
    assert discover_dcr(log).same_as(discover_dcr_from_traces([[names[c] for c in t] for t in traces]))
    assert np.all(discover_dcr(log).included)
