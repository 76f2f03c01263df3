"""Differential tests: our variants, DFG and case durations equal pm4py's on the same real logs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import procmine
from procmine.analysis.dfg import dfg
from procmine.analysis.kernels import case_durations, seconds
from procmine.analysis.variants import variants

pm4py = pytest.importorskip("pm4py")

LOGS = [
    "running-example.xes",
    "running-example.csv",
    "interval_event_log.xes",
    "WABO_receipt.xes.gz",
    "Sepsis_Cases.xes.gz",
    "BPIC15_1.xes.gz",
    pytest.param("Road_Traffic_Fine_Management_Process.xes.gz", marks=pytest.mark.slow),
]
TOLERANCE_SECONDS = 0.001


def _pm4py_frame(log) -> pd.DataFrame:
    """The log's events in dataset order, with pm4py's column names."""
    events = log.events_table().select(["case_id", "activity", "timestamp"]).to_pandas()
    frame = events.rename(columns={"case_id": "case:concept:name", "activity": "concept:name",
                                   "timestamp": "time:timestamp"})
    frame["concept:name"] = frame["concept:name"].astype(str)
    return frame


@pytest.fixture(scope="module", params=LOGS)
def both(request, imported_dataset):
    log = procmine.open(imported_dataset(request.param))
    return log, _pm4py_frame(log)


def test_variants_equal_pm4py(both):
    log, frame = both
    expected = pm4py.get_variants(frame)
    expected = {tuple(v): (c if isinstance(c, int) else len(c)) for v, c in expected.items()}
    found = variants(log)
    assert found.counts() == expected
    assert list(found.cases) == sorted(found.cases, reverse=True)


def test_dfg_counts_and_endpoints_equal_pm4py(both):
    log, frame = both
    expected, starts, ends = pm4py.discover_dfg(frame)
    graph = dfg(log)
    ours = {(r.source, r.target): r.count for r in graph.edges.itertuples()}
    assert ours == dict(expected)
    assert graph.start_activities == dict(starts)
    assert graph.end_activities == dict(ends)


def test_waiting_times_equal_pm4py(both):
    log, frame = both
    expected, _, _ = pm4py.discover_performance_dfg(frame)
    graph = dfg(log).edges.set_index(["source", "target"])
    assert set(graph.index) == set(expected)
    for edge, stats in expected.items():
        row = graph.loc[edge]
        for ours, theirs in ((row.mean_seconds, stats["mean"]), (row.median_seconds, stats["median"]),
                             (row.min_seconds, stats["min"]), (row.max_seconds, stats["max"])):
            assert math.isclose(ours, theirs, abs_tol=TOLERANCE_SECONDS), (edge, ours, theirs)


def test_case_durations_equal_pm4py(both):
    log, frame = both
    expected = sorted(pm4py.get_all_case_durations(frame))
    ours = sorted(seconds(case_durations(log.arrays)).tolist())
    assert len(ours) == len(expected)
    assert max((abs(a - b) for a, b in zip(ours, expected)), default=0.0) <= TOLERANCE_SECONDS


PUBLISHED = {  # ../shared/data/README.md: cases, events, activities (and variants where given)
    "WABO_receipt.xes.gz": (1434, 8577, 27, None),
    "BPIC15_1.xes.gz": (1199, 52217, 398, 1170),
    "Sepsis_Cases.xes.gz": (1050, 15214, 16, None),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_overview_matches_published_counts(name, imported_dataset):
    from procmine.analysis.overview import overview

    result = overview(procmine.open(imported_dataset(name)))
    cases, events, activities, variant_count = PUBLISHED[name]
    assert (result.cases, result.events, result.activities) == (cases, events, activities)
    if variant_count is not None:
        assert result.variants == variant_count
