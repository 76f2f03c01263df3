"""DisCoveR discovery: relations equal hand-derived references on small logs; the model fits its log.

Each expected graph below was derived by hand from the algorithm's definitions in
procmine/dcr/discovery.py (the derivation is in the comment of each case).
"""

from __future__ import annotations

import numpy as np
import pytest
from analysis_helpers import make_log
from hypothesis import given, settings
from hypothesis import strategies as st

from procmine.dcr import DcrOptions, discover_dcr, discover_dcr_from_traces
from procmine.dcr.abstraction import abstract
from procmine.dcr.semantics import Replayer
from procmine.errors import ModelError


def pairs(text: str) -> set[tuple[str, str]]:
    """'AB BC' -> {('A', 'B'), ('B', 'C')}."""
    return {(p[0], p[1]) for p in text.split()}


def relations(condition="", response="", exclude="", include="") -> dict[str, set]:
    return {"condition": pairs(condition), "response": pairs(response), "exclude": pairs(exclude),
            "include": pairs(include)}


CASES = {
    # one trace: A at most once and B too (self-exclusions), A before B (condition), B after A
    # (response), B always right after A (chain precedence: A →+ B, B →% B)
    "sequence of two": (["AB"], relations("AB", "AB", "AA BB", "AB")),
    # both orders: no precedence, no response, no chain; additional condition A →• B fails on BA
    "both orders": (["AB", "BA"], relations("", "", "AA BB", "")),
    # choice of A or B before C: A and B never together (A →% B, B →% A); responses to C; the
    # additional conditions A →• C and B →• C hold because the other one is excluded when C happens
    "exclusive choice": (["AC", "BC"], relations("AC BC", "AC BC", "AA BB CC AB BA", "")),
    # a chain: A →• C and A •→ C are transitively reduced away; chain precedences include B and C
    "chain of three": (["ABC"], relations("AB BC", "AB BC", "AA BB CC", "AB BC")),
    # A repeats: no self-exclusion of A; A occurs before B and never after it and A is not
    # self-excluded, so B →% A
    "repeated start": (["AAB"], relations("AB", "AB", "BB BA", "AB")),
    # split into B or C, join in D: B and C exclude each other; additional B →• D and C →• D make
    # A →• D transitively redundant; A •→ D stays (A •→ B does not hold)
    "split and join": (["ABD", "ACD"], relations("AB AC BD CD", "AD BD CD", "AA BB CC DD BC CB", "AB AC")),
    # B optional after A: condition and chain, no response
    "optional follower": (["AB", "A"], relations("AB", "", "AA BB", "AB")),
    # a loop of A B: nothing occurs at most once; B always right after A (chain: A →+ B, B →% B);
    # B →• A fails on the first A, which comes before any B
    "loop": (["ABAB", "AB"], relations("AB", "AB", "BB", "AB")),
    # T never with A or B: exclusions both ways, but B →% T is redundant as A always precedes B
    # and A →% T already
    "redundant exclusion": (["AB", "T"], relations("AB", "AB", "AA BB TT AT TA TB", "AB")),
    # C alone in one trace: the additional conditions A →• C, B →• C fail there
    "optional causes": (["AC", "BC", "C"], relations("", "AC BC", "AA BB CC AB BA", "")),
    # repeated A before C: C →% A (A only before C and not self-excluded)
    "repeated cause": (["AAC", "AC"], relations("AC", "AC", "CC CA", "AC")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_discovered_relations_equal_the_hand_derived_ones(name):
    traces, expected = CASES[name]
    assert discover_dcr_from_traces(traces).relation_sets() == expected


def test_refinements_can_be_switched_off():
    plain = DcrOptions(redundant_exclusions=False, transitive_reduction=False, additional_conditions=False)
    assert discover_dcr_from_traces(["ABC"], plain).relation_sets() == \
        relations("AB AC BC", "AB AC BC", "AA BB CC", "AB BC")
    assert discover_dcr_from_traces(["AB", "T"], DcrOptions(redundant_exclusions=False)).relation_sets()[
        "exclude"] == pairs("AA BB TT AT TA TB BT")
    no_extra = DcrOptions(additional_conditions=False)
    assert discover_dcr_from_traces(["ABD", "ACD"], no_extra).relation_sets()["condition"] == pairs("AB AC AD")


def test_the_abstraction_marks_repeats_chains_and_predecessors():
    activities = ("A", "B", "C")
    codes = np.array([0, 1, 0, 2, 0, 2])   # variants ABAC and AC
    found = abstract(codes, np.array([0, 4, 6]), activities)
    assert found.at_most_once.tolist() == [False, True, True]
    assert found.chain_precedence[0].tolist() == [False, True, True]   # B and C always right after A
    assert found.predecessor[0, 0] and found.predecessor[1, 0] and not found.predecessor[2, 0]
    assert found.precedence[0, 2] and not found.precedence[1, 2]
    assert found.response[0, 2] and found.response[1, 0] and not found.response[2, 0]   # B is followed by A


def test_discovery_from_an_event_log_counts_each_variant_once_and_ignores_order_of_cases():
    rows = [(f"c{i}", a, 60 * i + k) for i, trace in enumerate(["AB", "AB", "AB", "AC", "AC"])
            for k, a in enumerate(trace)]
    reversed_rows = [(f"c{9 - int(c[1:])}", a, s) for c, a, s in rows]
    expected = discover_dcr_from_traces(["AB", "AC"])
    assert discover_dcr(make_log(rows)).same_as(expected)
    assert discover_dcr(make_log(reversed_rows)).same_as(expected)


def test_no_traces_is_a_clear_error():
    with pytest.raises(ModelError, match="no events"):
        discover_dcr_from_traces([])
    with pytest.raises(ModelError, match="true or false"):
        DcrOptions(additional_conditions="yes")


traces_strategy = st.lists(st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=7), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(traces_strategy)
def test_the_discovered_graph_accepts_every_trace_of_its_log(traces):
    graph = discover_dcr_from_traces(traces)
    replayer = Replayer(graph)
    index = {a: i for i, a in enumerate(graph.activities)}
    for trace in traces:
        assert replayer.violations([index[a] for a in trace]) == ()


@settings(max_examples=60, deadline=None)
@given(traces_strategy)
def test_discovery_does_not_depend_on_the_order_of_traces(traces):
    assert discover_dcr_from_traces(traces).same_as(discover_dcr_from_traces(list(reversed(traces))))


def reference_abstraction(traces):
    """The abstraction by the definitions, trace by trace with Python sets (as the paper's parseTrace)."""
    events = sorted({a for t in traces for a in t})
    precedence = {b: set(events) - {b} for b in events}
    response = {a: set(events) - {a} for a in events}
    predecessor = {b: set() for b in events}
    chain = {b: set(events) - {b} for b in events}
    at_most_once = set(events)
    for trace in traces:
        seen: set = set()
        for position, event in enumerate(trace):
            predecessor[event] |= seen
            if event in seen:
                at_most_once.discard(event)
            seen.add(event)
            precedence[event] &= seen
            chain[event] &= {trace[position - 1]} if position else set()
        for event in set(trace):
            last = max(i for i, e in enumerate(trace) if e == event)
            response[event] &= set(trace[last + 1:]) - {event}
    return events, precedence, response, predecessor, chain, at_most_once


@settings(max_examples=120, deadline=None)
@given(traces_strategy)
def test_the_vectorised_abstraction_equals_the_set_definitions_also_in_tiny_chunks(traces):
    import procmine.dcr.abstraction as abstraction_module

    traces = list(dict.fromkeys(tuple(t) for t in traces))
    events, precedence, response, predecessor, chain, at_most_once = reference_abstraction(traces)
    index = {a: i for i, a in enumerate(events)}
    codes = np.array([index[a] for t in traces for a in t])
    offsets = np.concatenate([[0], np.cumsum([len(t) for t in traces])])
    saved = abstraction_module.CHUNK_CELLS
    try:
        for cells in (1, 7, saved):
            abstraction_module.CHUNK_CELLS = cells
            found = abstract(codes, offsets, tuple(events))
            as_sets = lambda matrix: {events[b]: {events[a] for a in np.flatnonzero(matrix[:, b])}  # noqa: E731
                                      for b in range(len(events))}
            assert as_sets(found.precedence) == precedence
            assert as_sets(found.predecessor) == predecessor
            assert as_sets(found.chain_precedence) == chain
            assert {events[a]: {events[b] for b in np.flatnonzero(found.response[a])}
                    for a in range(len(events))} == response
            assert {events[a] for a in np.flatnonzero(found.at_most_once)} == at_most_once
    finally:
        abstraction_module.CHUNK_CELLS = saved
