"""Filters on a small hand-made log: the cases (or events) each kind keeps, by both engines."""

from __future__ import annotations

import pytest
from filter_logs import hand_log, kept_cases, kept_events

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

# Hand log: c1 ABC, c2 ABC (C two days after B), c3 ACBB, c4 BC, c5 ABCAB (c5's last B by r4 in u3).
CASES = [
    (EndpointsFilter(start=("A",), end=("C",)), ["c1", "c2"]),
    (EndpointsFilter(end=("B",)), ["c3", "c5"]),
    (EndpointsFilter(start=("A",), invert=True), ["c4"]),
    (TimeframeFilter(between=("2024-01-02", "2024-01-20")), ["c1", "c2", "c3"]),
    (TimeframeFilter(between=("2024-01-02", "2024-01-21"), mode="contained"), ["c2", "c3"]),
    (TimeframeFilter(between=("2024-01-02", "2024-01-20"), mode="started"), ["c2", "c3"]),
    (TimeframeFilter(between=("2024-01-02", None), mode="completed"), ["c1", "c2", "c3", "c4", "c5"]),
    # The end is included (a Between): c1 completes at exactly 2024-01-02 09:00 UTC.
    (TimeframeFilter(between=(None, "2024-01-02T09:00:00+00:00"), mode="completed"), ["c1"]),
    (TimeframeFilter(between=(None, "2024-01-02T08:59:59.999999+00:00"), mode="completed"), []),
    (TimeframeFilter(between=(None, "2024-01-02T10:00:01+01:00"), mode="completed"), ["c1"]),
    (CaseAttributeFilter(attribute="case_type", values=("x", "z")), ["c1", "c3", "c4"]),
    (CaseAttributeFilter(attribute="case_type", values=("x",), invert=True), ["c2", "c4", "c5"]),
    (CaseAttributeFilter(attribute="amount", between=(20, 40)), ["c2", "c3", "c4"]),
    (CaseAttributeFilter(attribute="amount", between=(None, 15.5)), ["c1"]),
    (CaseAttributeFilter(attribute="opened", between=("2024-01-03", "2024-01-20")), ["c2", "c3", "c4"]),
    (EventAttributeFilter(values=("A", "C")), ["c1", "c2", "c3", "c4", "c5"]),
    (EventAttributeFilter(values=("A", "C"), mode="all"), ["c1", "c2", "c3", "c5"]),
    (EventAttributeFilter(values=("A",), mode="none"), ["c4"]),
    (EventAttributeFilter(attribute="resource", values=("r3", "r4")), ["c2", "c4", "c5"]),
    (VariantsFilter(top=1), ["c1", "c2"]),
    (VariantsFilter(top=2), ["c1", "c2", "c3"]),
    (VariantsFilter(share=0.5), ["c1", "c2", "c3"]),
    (VariantsFilter(share=0.4), ["c1", "c2"]),
    (VariantsFilter(share=0.0), []),
    (VariantsFilter(variants=(("B", "C"), ("A", "C", "B", "B"))), ["c3", "c4"]),
    (ThroughputFilter(between=(None, 2)), ["c1", "c2", "c4", "c5"]),
    (ThroughputFilter(between=(25, None), unit="hours"), ["c2", "c3"]),
    (CaseSizeFilter(between=(4, None)), ["c3", "c5"]),
    (CaseSizeFilter(between=(2, 3)), ["c1", "c2", "c4"]),
    (FollowerFilter(activity="A", followed_by="B", relation="directly"), ["c1", "c2", "c5"]),
    (FollowerFilter(activity="B", followed_by="B", relation="directly"), ["c3"]),
    (FollowerFilter(activity="A", followed_by="B"), ["c1", "c2", "c3", "c5"]),
    (FollowerFilter(activity="A", followed_by="A"), ["c5"]),
    (FollowerFilter(activity="C", followed_by="B", between=(1.5, None)), ["c3"]),
    (FollowerFilter(activity="A", followed_by="C", between=(None, 1), unit="days"), ["c1", "c3", "c5"]),
    (FollowerFilter(activity="A", followed_by="C", between=(1.5, 3)), ["c2"]),
    (FollowerFilter(activity="B", followed_by="C", relation="directly", between=(2, None), unit="hours"),
     ["c1", "c2", "c4", "c5"]),
    (FollowerFilter(activity="C", followed_by="A", never=True), ["c1", "c2", "c3", "c4"]),
    (FollowerFilter(activity="C", followed_by="B", relation="directly", never=True), ["c1", "c2", "c4", "c5"]),
    (FollowerFilter(activity="A", followed_by="B", relation="directly", never=True), ["c3"]),
    (ReworkFilter(activity="B"), ["c3", "c5"]),
    (ReworkFilter(activity="A", at_least=0), ["c1", "c2", "c3", "c4", "c5"]),
    (ResourcesFilter(resources=("r3",)), ["c2", "c4"]),
    (ResourcesFilter(org_units=("u3",)), ["c5"]),
    (ResourcesFilter(resources=("r3",), org_units=("u3",)), ["c2", "c4", "c5"]),
]


@pytest.mark.parametrize("f, expected", CASES, ids=lambda v: v.describe() if hasattr(v, "kind") else "")
def test_case_filter_keeps_expected_cases(f, expected):
    log = hand_log()
    assert kept_cases(log.filter(f)) == expected
    assert kept_cases(log.filter_sql(f)) == expected


def test_keep_selected_activities_trims_events():
    log = hand_log().filter(EventAttributeFilter(values=("B", "C"), mode="keep"))
    assert kept_events(log)[:4] == [("c1", "B"), ("c1", "C"), ("c2", "B"), ("c2", "C")]
    assert log.num_events == 12
    assert log.num_cases == 5


def test_trim_to_period_keeps_events_inside_and_drops_empty_cases():
    f = TimeframeFilter(between=("2024-01-02", "2024-01-20"), mode="trim")
    log = hand_log().filter(f)
    assert kept_events(log) == [("c1", "C"), ("c2", "A"), ("c2", "B"), ("c2", "C"),
                                ("c3", "A"), ("c3", "C"), ("c3", "B"), ("c3", "B")]
    assert kept_events(hand_log().filter_sql(f)) == kept_events(log)


def test_filters_stack_on_the_trimmed_selection():
    # After trimming to events B and C, c3 (ACBB) starts with C and c5 (ABCAB) with B.
    log = hand_log().filter(EventAttributeFilter(values=("B", "C"), mode="keep"),
                            EndpointsFilter(start=("C",)))
    assert kept_cases(log) == ["c3"]
    assert len(log.filters) == 2


def test_variants_filter_follows_the_variant_table_ranking():
    from procmine.analysis.variants import variants

    log = hand_log()
    top = variants(log).sequences[:2]
    assert kept_cases(log.filter(VariantsFilter(top=2))) == \
        kept_cases(log.filter(VariantsFilter(variants=top)))


def test_working_day_throughput_uses_the_calendar():
    # c1 runs Mon 1 Jan 2024 (New Year's Day, closed) 10:00 to Tue 2 Jan 10:00: 2 office hours.
    log = hand_log()
    kept = kept_cases(log.filter(ThroughputFilter(between=(None, 0.5), unit="working_days")))
    assert "c1" in kept
    assert "c3" not in kept
