"""Kernels and the variant/DFG analyses against plain-Python references on small random logs."""

from __future__ import annotations

import contextlib
import importlib
import itertools
import statistics
from collections import Counter

import numpy as np
import pytest
from analysis_helpers import make_log, sequences_by_case
from hypothesis import given, settings
from hypothesis import strategies as st

from procmine import variant_grouping
from procmine.analysis import kernels as k
from procmine.analysis.dfg import dfg
from procmine.analysis.variants import case_variants, variants
from procmine.variant_grouping import group_case_sequences

event = st.tuples(st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]),
                  st.sampled_from(["A", "B", "C", "D"]),
                  st.integers(min_value=0, max_value=10_000))
event_logs = st.lists(event, min_size=1, max_size=60)


@contextlib.contextmanager
def small_blocks(events: int):
    """The block-by-block passes of the grouping and the DFG with blocks of `events` events."""
    modules = (variant_grouping, importlib.import_module("procmine.analysis.dfg"))
    before = [module.BLOCK_EVENTS for module in modules]
    for module in modules:
        module.BLOCK_EVENTS = events
    try:
        yield
    finally:
        for module, value in zip(modules, before):
            module.BLOCK_EVENTS = value


@settings(max_examples=60, deadline=None)
@given(event_logs)
def test_variant_counts_sum_to_cases_and_match_reference(rows):
    log = make_log(rows)
    found = variants(log)
    reference = Counter(tuple(a for a, _ in seq) for seq in sequences_by_case(rows).values())
    assert int(found.cases.sum()) == log.num_cases
    assert found.counts() == dict(reference)
    assert list(found.cases) == sorted(found.cases, reverse=True)
    assert found.cumulative_share[-1] == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(event_logs)
def test_dfg_transitions_sum_to_events_minus_cases_and_match_reference(rows):
    log = make_log(rows)
    graph = dfg(log)
    assert int(graph.edges["count"].sum()) == log.num_events - log.num_cases
    waits: dict[tuple, list] = {}
    cases: dict[tuple, set] = {}
    for case, seq in sequences_by_case(rows).items():
        for (a, ta), (b, tb) in itertools.pairwise(seq):
            waits.setdefault((a, b), []).append(tb - ta)
            cases.setdefault((a, b), set()).add(case)
    table = graph.edges.set_index(["source", "target"])
    assert set(table.index) == set(waits)
    for edge, values in waits.items():
        row = table.loc[edge]
        assert row["count"] == len(values)
        assert row["cases"] == len(cases[edge])
        assert row["median_seconds"] == pytest.approx(statistics.median(values))
        assert row["mean_seconds"] == pytest.approx(statistics.fmean(values))
        assert row["p90_seconds"] == pytest.approx(float(np.quantile(values, 0.9)))
        assert row["total_seconds"] == pytest.approx(sum(values))
    starts = Counter(seq[0][0] for seq in sequences_by_case(rows).values())
    assert graph.start_activities == dict(starts)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(-2**40, 2**40)), min_size=1, max_size=50),
       st.booleans())
def test_group_stats_match_numpy(pairs, huge):
    groups = np.array([g for g, _ in pairs])
    values = np.array([v * (2**20 if huge else 1) for _, v in pairs], dtype=np.int64)  # huge: rank path
    stats = k.group_stats(groups, values, 6)
    for group in range(6):
        chosen = values[groups == group]
        if len(chosen) == 0:
            assert stats.count[group] == 0 and np.isnan(stats.median[group])
            continue
        assert stats.count[group] == len(chosen)
        assert stats.median[group] == pytest.approx(float(np.median(chosen)), rel=1e-12)
        assert stats.p90[group] == pytest.approx(float(np.quantile(chosen, 0.9)), rel=1e-12)
        assert stats.minimum[group] == chosen.min() and stats.maximum[group] == chosen.max()
        assert stats.total[group] == pytest.approx(float(chosen.sum()), rel=1e-12)


def test_hash_collisions_fall_back_to_exact_grouping():
    # A multiplier of 1 makes every permutation of the same activities collide.
    rows = [("c1", "A", 0), ("c1", "B", 1), ("c2", "B", 0), ("c2", "A", 1), ("c3", "A", 0), ("c3", "B", 5)]
    log = make_log(rows)
    weak = group_case_sequences(log.arrays, multiplier=1)
    strong = group_case_sequences(log.arrays)
    assert list(weak.cases) == [2, 1]
    assert np.array_equal(weak.variant_of_case, strong.variant_of_case)
    assert np.array_equal(weak.variant_of_case, [0, 1, 0])


def test_ties_keep_the_order_read_and_variant_ids_are_per_case():
    rows = [("b", "X", 5), ("b", "Y", 5), ("a", "Y", 0), ("a", "X", 0), ("c", "X", 1), ("c", "Y", 2)]
    ids, found = case_variants(make_log(rows))
    assert found.sequences == (("X", "Y"), ("Y", "X"))   # two cases first; ties by first case id
    assert ids.tolist() == [1, 0, 0]                      # cases a, b, c in id order


def test_filtered_view_equals_a_log_of_only_those_cases():
    rows = [(f"c{i % 7}", "ABCD"[(i * 5) % 4], i * 13 % 97) for i in range(80)]
    log = make_log(rows)
    keep = np.zeros(log.base.num_cases, bool)
    keep[[0, 2, 5]] = True
    view = type(log)(log.base, keep)
    kept_ids = {log.base.case_ids[i].as_py() for i in (0, 2, 5)}
    alone = make_log([r for r in rows if r[0] in kept_ids])
    assert variants(view).counts() == variants(alone).counts()
    assert dfg(view).edges.equals(dfg(alone).edges)


@settings(max_examples=40, deadline=None)
@given(event_logs, st.lists(st.booleans(), min_size=6, max_size=6), st.booleans())
def test_case_filtered_views_reuse_the_dataset_grouping_exactly(rows, keep, trim):
    log = make_log(rows)
    variants(log)                                   # the dataset's grouping is now remembered
    case_mask = np.array(keep[:log.base.num_cases])
    event_mask = None
    if trim:                                        # an event filter forces a fresh grouping
        event_mask = np.arange(log.num_events) % 3 != 1
    view = type(log)(log.base, case_mask, event_mask)
    fresh = group_case_sequences(view.arrays)
    ids, found = case_variants(view)
    assert np.array_equal(ids, fresh.variant_of_case)
    assert np.array_equal(found.cases, fresh.cases)
    assert int(found.cases.sum()) == view.num_cases


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=30), st.integers(1, 12))
def test_case_blocks_cover_every_case_once_and_never_split_one(lengths, events):
    case_starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    blocks = variant_grouping.case_blocks(case_starts, events)
    assert blocks[0][0] == 0 and blocks[-1][1] == len(lengths)
    assert all(end == next_first for (_, end), (next_first, _) in itertools.pairwise(blocks))
    assert all(first < end for first, end in blocks)
    # A block holds more events than asked only when a single case is that long.
    assert all(case_starts[end] - case_starts[first] < events + max(lengths) for first, end in blocks)


@settings(max_examples=40, deadline=None)
@given(event_logs, st.integers(1, 7))
def test_block_by_block_passes_give_what_one_pass_gives(rows, block):
    # Real logs are far larger than a block; tiny blocks make small logs cross block edges too.
    dfg_module = importlib.import_module("procmine.analysis.dfg")
    whole = group_case_sequences(make_log(rows).arrays)
    log = make_log(rows)
    with small_blocks(block):
        blocked = group_case_sequences(log.arrays)
        edges = k.sorted_unique(log.arrays.activity[:-1].astype(np.int64) * len(log.activities)
                                + log.arrays.activity[1:])
        inside = dfg_module._waiting_stats(log.arrays, edges) if log.num_events > 1 else None
    assert np.array_equal(blocked.variant_of_case, whole.variant_of_case)
    assert np.array_equal(blocked.cases, whole.cases)
    if inside is not None:
        reference = dfg_module._waiting_stats_unpacked(log.arrays, edges)
        for mine, theirs in zip(vars(inside).values(), vars(reference).values()):
            assert np.array_equal(mine, theirs, equal_nan=True)


def test_group_stats_pack_keys_of_exactly_64_bits():
    # 3 group bits + 61 value bits: one unsigned 64-bit key, where a signed one would not do.
    rng = np.random.default_rng(7)
    groups = rng.integers(0, 8, 500)
    values = rng.integers(-2**60, 2**60, 500)
    stats = k.group_stats(groups, values, 8)
    for group in range(8):
        chosen = np.sort(values[groups == group])
        assert stats.count[group] == len(chosen)
        assert stats.minimum[group] == chosen[0] and stats.maximum[group] == chosen[-1]
        middle = (len(chosen) - 1) / 2
        low, high = chosen[int(np.floor(middle))], chosen[int(np.ceil(middle))]
        assert stats.median[group] == float(low) + (float(high) - float(low)) * (middle - np.floor(middle))
