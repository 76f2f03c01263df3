"""dfg(log, statistics=...): a partial DFG equals the same columns of the full one, and is remembered safely."""

from __future__ import annotations

import importlib
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analysis_helpers import make_log
from hypothesis import given, settings
from hypothesis import strategies as st

import procmine
from procmine.analysis import edge_passes
from procmine.analysis.dfg import EDGE_STATISTICS, dfg
from procmine.errors import ConfigError
from procmine.eventlog import EventLog
from procmine.view_memo import forget

dfg_module = importlib.import_module("procmine.analysis.dfg")
SAMPLE_LOGS = sorted(p for p in (Path(__file__).parent.parent / "sample_logs").iterdir() if p.is_dir())
SHARED_LOGS = ["Sepsis_Cases.xes.gz", "Road_Traffic_Fine_Management_Process.xes.gz", "BPIC15_1.xes.gz"]

event = st.tuples(st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]),
                  st.sampled_from(["A", "B", "C", "D"]),
                  st.integers(min_value=0, max_value=10_000))
# Waits up to ~30 years in µs (about 2**50): the exact sums split each wait into two parts.
long_event = st.tuples(st.sampled_from(["c1", "c2", "c3"]), st.sampled_from(["A", "B", "C"]),
                       st.integers(min_value=0, max_value=10**9))
subsets = st.sets(st.sampled_from(EDGE_STATISTICS), max_size=len(EDGE_STATISTICS))


def fresh(log: EventLog) -> EventLog:
    """A new view of the same dataset with nothing remembered (not even the variants)."""
    forget(log.base)
    return EventLog(log.base)


def assert_part_of(part, whole, asked) -> None:
    kept = [name for name in EDGE_STATISTICS if name in set(asked) | {"count"}]
    assert part.statistics == tuple(kept)
    edge_columns = ["source", "target", *(dfg_module._EDGE_COLUMN[name] for name in kept)]
    pd.testing.assert_frame_equal(part.edges, whole.edges[edge_columns], check_exact=True)
    activity_columns = ["activity", *(c for name in kept for c in dfg_module._ACTIVITY_COLUMNS.get(name, ()))]
    pd.testing.assert_frame_equal(part.activities, whole.activities[activity_columns], check_exact=True)
    assert part.start_activities == whole.start_activities
    assert part.end_activities == whole.end_activities
    assert (part.num_cases, part.num_events) == (whole.num_cases, whole.num_events)


@settings(max_examples=80, deadline=None)
@given(st.lists(event, min_size=1, max_size=60) | st.lists(long_event, min_size=1, max_size=40),
       subsets, st.integers(1, 9), st.booleans())
def test_partial_dfg_equals_the_columns_of_the_full_one(rows, asked, block, variants_known):
    log = make_log(rows)
    whole = dfg(fresh(log))
    view = fresh(log)
    if variants_known:   # counts then come from the remembered variants instead of a pass over events
        dfg_module.variants(view)
    edge_passes.BLOCK_EVENTS, before = block, edge_passes.BLOCK_EVENTS
    try:
        part = dfg(view, tuple(asked))
    finally:
        edge_passes.BLOCK_EVENTS = before
    assert_part_of(part, whole, asked)


@settings(max_examples=40, deadline=None)
@given(st.lists(long_event, min_size=2, max_size=50), st.integers(1, 5))
def test_wait_totals_are_exact_integer_sums(rows, block):
    log = make_log(rows)
    arrays = log.arrays
    edge_passes.BLOCK_EVENTS, before = block, edge_passes.BLOCK_EVENTS
    try:
        totals = edge_passes.pair_wait_totals(arrays, dfg_module._wait_bits(arrays))
        counts = edge_passes.pair_counts(arrays)
    finally:
        edge_passes.BLOCK_EVENTS = before
    names = len(arrays.activity_names)
    expected_totals, expected_counts = [0] * names * names, [0] * names * names
    for i in range(arrays.num_events - 1):
        if arrays.case[i] == arrays.case[i + 1]:
            code = int(arrays.activity[i]) * names + int(arrays.activity[i + 1])
            expected_totals[code] += int(arrays.timestamp[i + 1]) - int(arrays.timestamp[i])
            expected_counts[code] += 1
    assert totals is not None and totals.tolist() == expected_totals
    assert counts.tolist() == expected_counts


@pytest.mark.parametrize("path", SAMPLE_LOGS, ids=lambda p: p.name)
def test_partial_dfg_on_sample_logs(path):
    log = procmine.open(path)
    whole = dfg(fresh(log))
    for size in (1, 2):
        for asked in itertools.combinations(EDGE_STATISTICS, size):
            assert_part_of(dfg(fresh(log), asked), whole, asked)


@pytest.mark.parametrize("name", SHARED_LOGS)
def test_partial_dfg_on_shared_logs(name, imported_dataset):
    log = procmine.open(imported_dataset(name))
    whole = dfg(fresh(log))
    for asked in (("count",), ("mean",), ("median",), ("count", "cases"), ("mean", "total"), ("p90", "max")):
        assert_part_of(dfg(fresh(log), asked), whole, asked)


def test_many_activities_take_the_variants_way(monkeypatch):
    log = make_log([("c1", "A", 0), ("c1", "B", 5), ("c1", "A", 9), ("c2", "B", 1), ("c2", "C", 4)])
    whole = dfg(fresh(log))
    monkeypatch.setattr(edge_passes, "PAIR_TABLE_LIMIT", 4)   # 3 activities: 9 pairs do not fit
    monkeypatch.setattr(edge_passes, "pair_counts", None)     # the event pass must not run
    for asked in (("count",), ("mean",), ("median",)):
        assert_part_of(dfg(fresh(log), asked), whole, asked)


def test_a_fuller_result_serves_a_partial_request_and_never_the_reverse(monkeypatch):
    log = make_log([("c1", "A", 0), ("c1", "B", 5), ("c1", "C", 9), ("c2", "A", 1), ("c2", "C", 4)])
    counts = dfg(fresh(log), ("count",))
    full = dfg(log)                                  # not served by the counts-only result
    assert full.statistics == EDGE_STATISTICS
    assert_part_of(counts, full, ("count",))
    monkeypatch.setattr(dfg_module, "_computed", None)   # from here on nothing may be computed
    assert_part_of(dfg(log, ("median", "cases")), full, ("median", "cases"))
    again = dfg(log)
    pd.testing.assert_frame_equal(again.edges, full.edges)
    again.edges.loc[0, "count"] = -1                 # a caller changing its copy changes nothing remembered
    assert dfg(log).edges.loc[0, "count"] == full.edges.loc[0, "count"]


def test_counts_only_never_reads_the_waits(monkeypatch):
    log = make_log([("c1", "A", 0), ("c1", "B", 5), ("c2", "A", 1), ("c2", "B", 3), ("c2", "A", 7)])
    monkeypatch.setattr(dfg_module, "_waiting_stats", None)
    monkeypatch.setattr(edge_passes, "pair_wait_totals", None)
    monkeypatch.setattr(dfg_module, "variants", None)
    graph = dfg(fresh(log), ("count",))
    assert graph.edges.to_dict("list") == {"source": ["A", "B"], "target": ["B", "A"], "count": [2, 1]}
    assert graph.start_activities == {"A": 2} and graph.end_activities == {"A": 1, "B": 1}
    assert list(graph.activities.columns) == ["activity", "events"]


def test_unknown_statistic_is_refused():
    log = make_log([("c1", "A", 0), ("c1", "B", 5)])
    with pytest.raises(ConfigError, match="'average'.*count, cases, mean"):
        dfg(log, ("count", "average"))


def test_pair_counts_of_a_log_of_one_event():
    arrays = make_log([("c1", "A", 0)]).arrays
    assert np.array_equal(edge_passes.pair_counts(arrays), [0])
    assert dfg(make_log([("c1", "A", 0)]), ("mean",)).edges.empty
