"""Property tests on small random logs: idempotence, inverse partitions, commuting, SQL == NumPy."""

from __future__ import annotations

import datetime as dt

import pytest
from filter_logs import T0, kept_cases, kept_events, make_log
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procmine.eventlog import EventLog
from procmine.filters import (
    CaseAttributeFilter,
    CaseSizeFilter,
    EndpointsFilter,
    EventAttributeFilter,
    FollowerFilter,
    ResourcesFilter,
    ReworkFilter,
    ThroughputFilter,
    TimeframeFilter,
    VariantsFilter,
)

pytestmark = pytest.mark.slow  # about a minute in all: hypothesis runs each filter on many logs

ACTIVITIES = ("A", "B", "C")
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

random_events = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(ACTIVITIES), st.integers(0, 60 * 24 * 6),
              st.sampled_from(("r1", "r2")), st.sampled_from(("u1", "u2"))),
    min_size=1, max_size=30)


def random_log(rows) -> EventLog:
    # Every activity occurs once in a case of its own so that every filter value is known.
    rows = list(rows) + [(10 + i, a, 0, "r1", "u1") for i, a in enumerate(ACTIVITIES)]
    rows += [(20, "A", 0, "r2", "u2")]
    events = [(f"k{c}", a, T0 + dt.timedelta(minutes=m), r, u) for c, a, m, r, u in rows]
    ids = sorted({e[0] for e in events})
    return make_log(events, {"case_id": ids, "size": [len(i) * 3 % 7 for i in ids]})


case_filters = st.one_of(
    st.builds(EndpointsFilter, start=st.just(("A",)), end=st.sampled_from(((), ("B",), ("A", "C")))),
    st.builds(TimeframeFilter, between=st.just((T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=4))),
              mode=st.sampled_from(("contained", "intersecting", "started", "completed"))),
    st.builds(CaseAttributeFilter, attribute=st.just("size"), between=st.just((2, 5))),
    st.builds(EventAttributeFilter, values=st.sampled_from((("A",), ("A", "C"))),
              mode=st.sampled_from(("any", "all", "none"))),
    st.builds(VariantsFilter, top=st.integers(1, 4)),
    st.builds(VariantsFilter, share=st.floats(0, 1)),
    st.builds(ThroughputFilter, between=st.tuples(st.none() | st.floats(0, 2), st.just(4.0)),
              unit=st.sampled_from(("days", "hours"))),
    st.builds(CaseSizeFilter, between=st.just((2, 4))),
    st.builds(FollowerFilter, activity=st.sampled_from(ACTIVITIES), followed_by=st.sampled_from(ACTIVITIES),
              relation=st.sampled_from(("directly", "eventually")), never=st.booleans(),
              between=st.none() | st.tuples(st.floats(0, 24), st.none() | st.floats(24, 72)),
              unit=st.just("hours")),
    st.builds(ReworkFilter, activity=st.sampled_from(ACTIVITIES), at_least=st.integers(0, 3)),
    st.builds(ResourcesFilter, resources=st.just(("r2",)), org_units=st.sampled_from(((), ("u2",)))),
)
event_filters = st.one_of(
    st.builds(TimeframeFilter, between=st.just((T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=3))),
              mode=st.just("trim")),
    st.builds(EventAttributeFilter, values=st.sampled_from((("A",), ("B", "C"))), mode=st.just("keep")),
)
any_filter = st.one_of(case_filters, event_filters)


@SETTINGS
@given(random_events, any_filter, st.booleans())
def test_sql_path_and_numpy_path_agree(rows, f, invert):
    f = f.model_copy(update={"invert": invert})
    log = random_log(rows)
    assert kept_events(log.filter(f)) == kept_events(log.filter_sql(f))


@SETTINGS
@given(random_events, any_filter, any_filter)
def test_sql_path_agrees_on_a_filtered_selection(rows, first, second):
    log = random_log(rows).filter(first)
    assert kept_events(log.filter(second)) == kept_events(log.filter_sql(second))


@SETTINGS
@given(random_events, st.one_of(
    case_filters.filter(lambda f: not isinstance(f, VariantsFilter) or (f.top is None and f.share is None)),
    event_filters))
def test_applying_a_filter_twice_equals_once(rows, f):
    # (Variant top k / share rank within the selection, so they need not be idempotent: the
    # share is of the cases left, so 50 % of a log, and 50 % of that, may keep fewer variants;
    # top k and share are tested below.)
    once = random_log(rows).filter(f)
    assert kept_events(once.filter(f)) == kept_events(once)


@SETTINGS
@given(random_events, st.integers(1, 4))
def test_variant_top_k_twice_equals_once(rows, k):
    once = random_log(rows).filter(VariantsFilter(top=k))
    assert kept_cases(once.filter(VariantsFilter(top=k))) == kept_cases(once)


@SETTINGS
@given(random_events, st.floats(0.05, 1.0))
def test_variant_share_twice_keeps_the_top_variants_of_once(rows, share):
    """A second share filter keeps a prefix of the variants the first kept (the most frequent)."""
    from procmine.analysis.variants import variants

    once = random_log(rows).filter(VariantsFilter(share=share))
    twice = once.filter(VariantsFilter(share=share))
    ranked_once = variants(once).sequences
    assert variants(twice).sequences == ranked_once[:len(variants(twice))]
    assert len(variants(twice)) >= 1


@SETTINGS
@given(random_events, case_filters)
def test_a_case_filter_and_its_inverse_partition_the_cases(rows, f):
    log = random_log(rows)
    kept = set(kept_cases(log.filter(f)))
    dropped = set(kept_cases(log.filter(f.model_copy(update={"invert": True}))))
    assert kept.isdisjoint(dropped)
    assert kept | dropped == set(kept_cases(log))


commuting = case_filters.filter(lambda f: not isinstance(f, VariantsFilter))


@SETTINGS
@given(random_events, commuting, commuting)
def test_two_case_filters_commute(rows, first, second):
    log = random_log(rows)
    assert kept_cases(log.filter(first, second)) == kept_cases(log.filter(second, first))


# Mask composition is the EventLog's: it stacks a filter's answer on the selection it was given.

def rows_of(view: EventLog) -> set[int]:
    """The dataset rows of the view's events (each event once, unlike kept_events' pairs)."""
    return set(view.arrays.event_index.tolist())

@SETTINGS
@given(random_events, any_filter, any_filter)
def test_a_filter_and_its_inverse_split_a_filtered_selection(rows, first, f):
    selection = random_log(rows).filter(first)
    kept = rows_of(selection.filter(f))
    dropped = rows_of(selection.filter(f.model_copy(update={"invert": True})))
    assert kept.isdisjoint(dropped)
    assert kept | dropped == rows_of(selection)


@SETTINGS
@given(random_events, any_filter, any_filter)
def test_stacking_never_adds_and_keeps_the_stack(rows, first, second):
    one = random_log(rows).filter(first)
    both = one.filter(second)
    assert rows_of(both) <= rows_of(one)
    assert both.filters == (first, second) and one.filter(second).filters == random_log(rows).filter(first, second).filters


@SETTINGS
@given(random_events, st.lists(commuting, min_size=2, max_size=4), st.randoms(use_true_random=False))
def test_the_order_of_a_stack_of_case_filters_does_not_matter(rows, stack, random):
    log = random_log(rows)
    shuffled = list(stack)
    random.shuffle(shuffled)
    assert kept_cases(log.filter(*stack)) == kept_cases(log.filter(*shuffled))
    assert kept_cases(log.filter_sql(*shuffled)) == kept_cases(log.filter(*stack))
