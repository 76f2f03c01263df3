"""The SQL compiler (table-driven), injection safety, serialisation round trips, errors, descriptions."""

from __future__ import annotations

import datetime as dt

import pytest
from filter_logs import at, hand_log, kept_cases, make_log
from pydantic import ValidationError

from procmine.errors import FilterError
from procmine.filters import (
    REGISTRY,
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
    filters_from_json,
    filters_from_yaml,
    filters_to_json,
    filters_to_yaml,
    load_filters,
    save_filters,
)

JAN = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

# filter -> (fragments the SQL must contain, parameters)
COMPILED = [
    (EndpointsFilter(start=("a",), end=("b", "c")),
     ["arg_min(activity, event_index)", ("list_contains(?::VARCHAR[], first_activity) AND "
      "list_contains(?::VARCHAR[], last_activity)")], [["a"], ["b", "c"]]),
    (EndpointsFilter(end=("b",), invert=True),
     ["SELECT case_index FROM cases WHERE case_index NOT IN (", "last_activity)"], [["b"]]),
    (TimeframeFilter(between=(JAN, None), mode="started"), ["first_time >= ?"], [JAN]),
    (TimeframeFilter(between=(JAN, JAN + dt.timedelta(days=1)), mode="trim"),
     ["SELECT event_index FROM events WHERE timestamp >= ? AND timestamp <= ?"],
     [JAN, JAN + dt.timedelta(days=1)]),
    (CaseAttributeFilter(attribute="kle", values=("02.34.02",)),
     ['SELECT case_index FROM cases WHERE list_contains(?, "kle")'], [["02.34.02"]]),
    (CaseAttributeFilter(attribute="amount", between=(1, None)), ['"amount" >= ?'], [1]),
    (EventAttributeFilter(values=("a", "b"), mode="all"),
     ['HAVING count(DISTINCT "activity") = ?'], [["a", "b"], 2]),
    (EventAttributeFilter(attribute="resource", values=("r",), mode="keep"),
     ['SELECT event_index FROM events WHERE list_contains(?, "resource")'], [["r"]]),
    (VariantsFilter(top=3), ["ORDER BY cases DESC, first_case", "ranked.rank <= ?"], [3]),
    (VariantsFilter(share=0.8), ["ranked.before < ? * (SELECT count(*) FROM sequences)"], [0.8]),
    (VariantsFilter(variants=(("a", "b"),)), ["list_sort(list(struct_pack(i := event_index",
                                              "list_contains(?::VARCHAR[], ranked.variant)"], [["a\x1fb"]]),
    (ThroughputFilter(between=(1, 2.5), unit="hours"),
     ["HAVING epoch_us(max(timestamp)) - epoch_us(min(timestamp)) >= ? AND"],
     [3_600_000_000, 9_000_000_000]),
    (CaseSizeFilter(between=(None, 7)), ["HAVING count(*) <= ?"], [7]),
    (FollowerFilter(activity="a", followed_by="b", relation="directly"), ["lead(activity::VARCHAR)",
     "WHERE here = ? AND next = ?"], ["a", "b"]),
    (FollowerFilter(activity="a", followed_by="b", between=(None, 1), never=True),
     ["WHERE activity = ? AND case_index NOT IN (", "earlier.event_index < later.event_index",
      "epoch_us(later.timestamp) - epoch_us(earlier.timestamp) <= ?"], ["a", "a", "b", 86_400_000_000]),
    (ReworkFilter(activity="a", at_least=3), ["coalesce(counted.hits, 0) >= ?"], ["a", 3]),
    (ResourcesFilter(resources=("r",), org_units=("u",)),
     ["list_contains(?::VARCHAR[], resource) OR list_contains(?::VARCHAR[], org_unit)"], [["r"], ["u"]]),
]

EVERY_KIND = [f for f, _, _ in COMPILED] + [
    ThroughputFilter(between=(0, 3), unit="working_days"),
    TimeframeFilter(between=("2024-03-01T12:00:00", "2024-04-01"), mode="contained", invert=True),
    CaseAttributeFilter(attribute="opened", between=("2024-01-01", None)),
]


@pytest.mark.parametrize("f, fragments, params", COMPILED, ids=lambda v: getattr(v, "kind", ""))
def test_compiler_gives_sql_and_bound_parameters(f, fragments, params):
    sql, bound = f.to_sql()
    for fragment in fragments:
        assert fragment in sql
    assert bound == params


def test_every_kind_is_in_the_tables():
    assert {f.kind for f in EVERY_KIND} == set(REGISTRY)


NASTY = ["x'; DROP TABLE events; --", 'a"b', "--", "1); SELECT 1; (", "Ansøgning modtaget ' OR '1'='1"]


@pytest.mark.parametrize("nasty", NASTY)
def test_a_value_never_changes_the_sql_text(nasty):
    pairs = [
        (EndpointsFilter(start=("A",)), EndpointsFilter(start=(nasty,))),
        (EventAttributeFilter(attribute="resource", values=("r1",)),
         EventAttributeFilter(attribute="resource", values=(nasty,))),
        (CaseAttributeFilter(attribute="case_type", values=("x",)),
         CaseAttributeFilter(attribute="case_type", values=(nasty,))),
        (FollowerFilter(activity="A", followed_by="B"), FollowerFilter(activity=nasty, followed_by=nasty)),
        (ReworkFilter(activity="A"), ReworkFilter(activity=nasty)),
        (ResourcesFilter(resources=("r1",)), ResourcesFilter(resources=(nasty,))),
        (VariantsFilter(variants=(("A",),)), VariantsFilter(variants=((nasty, "A"),))),
    ]
    for plain, evil in pairs:
        assert plain.to_sql()[0] == evil.to_sql()[0]
        assert nasty not in evil.to_sql()[0]


@pytest.mark.parametrize("nasty", NASTY)
def test_nasty_values_are_matched_as_plain_text(nasty):
    events = [("k1", nasty, at(0), nasty, "u"), ("k1", "B", at(1), "r", "u"),
              ("k2", "B", at(2), "r", "u"), ("k2", nasty, at(3), "r", "u")]
    log = make_log(events, {"case_id": ["k1", "k2"], "kind": [nasty, "plain"]})
    for f, expected in [(EndpointsFilter(start=(nasty,)), ["k1"]), (ReworkFilter(activity=nasty, at_least=1),
                        ["k1", "k2"]), (ResourcesFilter(resources=(nasty,)), ["k1"]),
                        (CaseAttributeFilter(attribute="kind", values=(nasty,)), ["k1"]),
                        (FollowerFilter(activity="B", followed_by=nasty), ["k2"])]:
        assert kept_cases(log.filter(f)) == expected
        assert kept_cases(log.filter_sql(f)) == expected


def test_a_strange_attribute_name_is_a_quoted_identifier():
    events = [("k1", "A", at(0), "r", "u")]
    log = make_log(events, {"case_id": ["k1"], 'odd "name"; --': ["v"]})
    f = CaseAttributeFilter(attribute='odd "name"; --', values=("v",))
    assert kept_cases(log.filter_sql(f)) == ["k1"]


@pytest.mark.parametrize("f", EVERY_KIND, ids=lambda f: f.kind)
def test_json_and_yaml_round_trip(f):
    assert filters_from_json(filters_to_json([f])) == [f]
    assert filters_from_yaml(filters_to_yaml([f])) == [f]
    data = f.to_dict()
    assert next(iter(data)) == "kind" and "invert" in data


def test_save_and_load_files(tmp_path):
    stack = EVERY_KIND[:5]
    for name in ("view.json", "view.yaml"):
        save_filters(stack, tmp_path / name)
        assert load_filters(tmp_path / name) == stack


def test_filters_are_frozen_and_hashable():
    f = EndpointsFilter(start=("A",))
    with pytest.raises(ValidationError, match="frozen"):
        f.start = ("B",)
    assert len({f, EndpointsFilter(start=("A",))}) == 1


@pytest.mark.parametrize("spec, words", [
    ({"kind": "endpoints", "start": ["A"], "colour": "red"}, ["colour", "unknown key"]),
    ({"kind": "sorcery"}, ["unknown filter kind", "sorcery"]),
    ({"kind": "variants", "share": 1.5}, ["variants filter", "1.5"]),
    ({"kind": "variants", "top": 0}, ["variants filter", "top"]),
    ({"kind": "rework", "activity": "A", "at_least": -1}, ["rework filter", "at_least", "-1"]),
    ({"kind": "timeframe", "between": ["2024-02-01", "2024-01-01"]}, ["timeframe filter", "2024-01-01"]),
    ({"kind": "case_size", "between": [5, 2]}, ["case_size filter", "5"]),
    ({"kind": "throughput", "between": [-1, None]}, ["throughput filter", "-1"]),
    ({"kind": "endpoints"}, ["endpoints filter", "start or end"]),
])
def test_wrong_values_give_a_filter_error_naming_filter_and_value(spec, words):
    with pytest.raises(FilterError) as caught:
        filters_from_json(filters_json_text(spec))
    for word in words:
        assert word in str(caught.value)


def filters_json_text(spec: dict) -> str:
    import json
    return json.dumps([spec])


@pytest.mark.parametrize("f, words", [
    (EndpointsFilter(start=("Nope",)), ["endpoints filter", "unknown activity 'Nope'", "'A'"]),
    (CaseAttributeFilter(attribute="colour", values=("red",)), ["unknown case attribute 'colour'"]),
    (EventAttributeFilter(attribute="colour", values=("red",)), ["unknown event attribute 'colour'"]),
    (CaseAttributeFilter(attribute="case_type", between=(1, 2)), ["holds string"]),
    (ResourcesFilter(resources=("Nobody",)), ["unknown resource 'Nobody'"]),
    (VariantsFilter(variants=(("A", "Nope"),)), ["unknown activity 'Nope' in variant 1"]),
    (FollowerFilter(activity="A", followed_by="Nope"), ["followed_by"]),
])
def test_values_that_do_not_fit_the_log_fail_in_apply(f, words):
    with pytest.raises(FilterError) as caught:
        hand_log().filter(f)
    for word in words:
        assert word in str(caught.value)


def test_working_days_have_no_sql_form():
    with pytest.raises(FilterError, match="working days"):
        ThroughputFilter(between=(0, 3), unit="working_days").to_sql()


@pytest.mark.parametrize("f, english, danish", [
    (EndpointsFilter(start=("Ansøgning modtaget",)), "cases that start with Ansøgning modtaget",
     "sager der starter med Ansøgning modtaget"),
    (EndpointsFilter(start=("A",), invert=True), "all cases except cases that start with A",
     "alle sager undtagen sager der starter med A"),
    (ThroughputFilter(between=(None, 7), unit="working_days"),
     "cases with a throughput time of at most 7 working days",
     "sager med en gennemløbstid på højst 7 arbejdsdage"),
    (FollowerFilter(activity="A", followed_by="B", relation="directly", never=True),
     "cases where A is never directly followed by B", "sager hvor A aldrig er direkte efterfulgt af B"),
    (ReworkFilter(activity="Mangelbrev", at_least=2), "cases in which Mangelbrev occurs at least 2 times",
     "sager hvor Mangelbrev forekommer mindst 2 gange"),
    (VariantsFilter(share=0.8), "cases of the most frequent variants covering 80% of the cases",
     "sager i de hyppigste varianter, der dækker 80% af sagerne"),
])
def test_descriptions_in_english_and_danish(f, english, danish):
    assert f.describe() == english
    assert f.describe("da") == danish


@pytest.mark.parametrize("f", EVERY_KIND, ids=lambda f: f.kind)
def test_every_kind_describes_itself_in_both_languages(f):
    assert f.describe("en") != f.describe("da")
    assert f.keeps_whole_cases == (f.describe().startswith(("cases", "all cases")))
