"""Flattening by any object type equals pm4py's ocel_flattening; the case-notion switch opens
object-centric and case-centric datasets; divergence and convergence are counted."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from ocel_logs import EXAMPLE_JSON, random_logs, read_with_pm4py, written

import procmine
from procmine.errors import ConfigError
from procmine.ocel import flatten, read_ocel, write_ocel_dataset
from procmine.ocel.assemble import OcelRows, assemble

SAMPLES = Path(__file__).resolve().parent.parent / "sample_logs"


def _pm4py_flat(path: Path, object_type: str) -> list[tuple]:
    import pm4py
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ocel = read_with_pm4py(path)
        if not (ocel.relations["ocel:type"] == object_type).any():
            return []        # pm4py fails to merge empty frames; nothing is related to that type
        flat = pm4py.ocel_flattening(ocel, object_type)
    if flat.empty:
        return []
    stamps = pd.to_datetime(flat["time:timestamp"], utc=True)
    return sorted(zip(flat["case:concept:name"], flat["concept:name"], stamps.dt.as_unit("us").astype("int64"),
                      flat["ocel:eid"]))


def _our_flat(log, object_type: str) -> list[tuple]:
    events, _, _ = flatten(log, object_type)
    return sorted(zip(events.column("case_id").to_pylist(), events.column("activity").cast("string").to_pylist(),
                      events.column("timestamp").cast("int64").to_pylist(), events.column("event_id").to_pylist()))


@pytest.mark.parametrize("object_type", ["Invoice", "Payment", "Purchase Order", "Purchase Requisition"])
def test_flattening_the_example_equals_pm4py(object_type):
    assert _our_flat(read_ocel(EXAMPLE_JSON), object_type) == _pm4py_flat(EXAMPLE_JSON, object_type)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=random_logs())
def test_flattening_random_logs_equals_pm4py(log):
    with written(log, "log.jsonocel") as path:
        for object_type in log.object_types:
            assert _our_flat(log, object_type) == _pm4py_flat(path, object_type)


def test_flattened_events_are_in_canonical_order():
    events, cases, _ = flatten(read_ocel(EXAMPLE_JSON), "Invoice")
    frame = events.to_pandas()
    assert list(frame["event_index"]) == list(range(len(frame)))
    assert frame.sort_values(["case_id", "timestamp", "event_index"]).index.tolist() == list(range(len(frame)))
    assert cases.column("case_id").to_pylist() == ["R1", "R2", "R3"]
    assert cases.column("is_blocked").to_pylist() == ["No", "No", "No"]      # the initial value
    assert cases.column("Payment").to_pylist() == ["P1", "P2", "P3"]         # linked object per case


def _tiny_log():
    """e1 concerns two citizens (copied); citizen c1's events concern two cases (merged)."""
    rows = OcelRows(event_types={"a": {}, "b": {}}, object_types={"citizen": {}, "case": {}})
    for oid, otype in (("c1", "citizen"), ("c2", "citizen"), ("s1", "case"), ("s2", "case")):
        rows.object_ids.append(oid)
        rows.object_type_of.append(otype)
    for eid, activity, time, related in (("e1", "a", "2024-01-01T10:00:00Z", ["c1", "c2", "s1"]),
                                         ("e2", "b", "2024-01-02T10:00:00Z", ["c1", "s2"]),
                                         ("e3", "b", "2024-01-03T10:00:00Z", ["s2"])):
        rows.event_ids.append(eid)
        rows.event_activities.append(activity)
        rows.event_times.append(time)
        for oid in related:
            rows.relation_events.append(eid)
            rows.relation_objects.append(oid)
            rows.relation_qualifiers.append(None)
    return assemble(rows, "tiny")


def test_divergence_and_convergence_are_counted():
    _, _, report = flatten(_tiny_log(), "citizen")
    assert (report.rows, report.duplicated_events, report.extra_copies, report.dropped_events) == (3, 1, 1, 1)
    assert (report.merged_object_pairs, report.cases_with_merges) == (1, 1)    # s1 and s2 in c1
    _, _, by_case = flatten(_tiny_log(), "case")
    assert (by_case.duplicated_events, by_case.merged_object_pairs, by_case.dropped_events) == (0, 1, 0)


def test_procmine_open_switches_the_case_notion_of_an_object_centric_dataset(tmp_path):
    write_ocel_dataset(tmp_path / "ds", read_ocel(EXAMPLE_JSON), case_notion="Purchase Order")
    default = procmine.open(tmp_path / "ds")
    assert default.dataset.meta.case_notion == "Purchase Order"
    invoices = procmine.open(tmp_path / "ds", case_notion="Invoice")
    assert (invoices.num_cases, invoices.num_events) == (3, 9)
    assert invoices.dataset.meta.flattening["dropped_events"] == 4
    with pytest.raises(ConfigError, match="choose one of Invoice, Payment"):
        procmine.open(tmp_path / "ds", case_notion="nope")


def test_a_case_centric_dataset_with_citizens_switches_without_ocel():
    path = SAMPLES / "aktindsigt"
    by_case = procmine.open(path)
    by_citizen = procmine.open(path, case_notion="citizen")
    cases = by_case.base.cases.to_pandas()
    assert by_citizen.num_cases == cases["citizen_id"].nunique()
    assert by_citizen.num_events == by_case.num_events
    flat = by_citizen.base.events.to_pandas()
    owner = dict(zip(cases["case_id"], cases["citizen_id"]))
    assert (flat["source_case_id"].map(owner) == flat["case_id"]).all()
    per_citizen = cases.groupby("citizen_id").size()
    report = by_citizen.dataset.meta.flattening
    assert report["merged_object_pairs"] == int((per_citizen * (per_citizen - 1) // 2).sum())
    assert np.all(np.diff(by_citizen.arrays.case) >= 0)


def test_an_unknown_case_attribute_names_the_choices():
    with pytest.raises(ConfigError, match="no case attribute 'borger'.*choose one of case"):
        procmine.open(SAMPLES / "aktindsigt", case_notion="borger")


def test_case_notion_option_on_analysis_commands(tmp_path):
    from typer.testing import CliRunner

    from procmine.cli import app

    write_ocel_dataset(tmp_path / "ds", read_ocel(EXAMPLE_JSON))
    runner = CliRunner()
    result = runner.invoke(app, ["info", str(tmp_path / "ds"), "--case-notion", "Purchase Order", "--json"])
    assert result.exit_code == 0, result.output
    assert '"cases": 2' in result.output
    for command in ("variants", "dfg", "throughput", "bottlenecks"):
        result = runner.invoke(app, [command, str(tmp_path / "ds"), "--case-notion", "Invoice", "--format", "csv"])
        assert result.exit_code == 0, (command, result.output)
    bad = runner.invoke(app, ["variants", str(tmp_path / "ds"), "--case-notion", "Unicorn"])
    assert bad.exit_code == 2 and "Unicorn" in bad.output


def _counted_by_hand(log, object_type: str) -> tuple:
    """Divergence and convergence of flattening by `object_type`, counted in plain Python."""
    type_of = dict(zip(log.objects.column("object_id").to_pylist(), log.objects.column("object_type").to_pylist()))
    objects_of: dict[str, set] = {}
    for event, obj in zip(log.event_objects.column("event_id").to_pylist(),
                          log.event_objects.column("object_id").to_pylist()):
        objects_of.setdefault(event, set()).add(obj)
    cases_of = {e: {o for o in objs if type_of[o] == object_type} for e, objs in objects_of.items()}
    copies = [len(cases_of.get(e, ())) for e in log.events.column("event_id").to_pylist()]
    merged, hit = 0, 0
    for case in sorted({c for cs in cases_of.values() for c in cs}):
        others: dict[str, set] = {}
        for event, cases in cases_of.items():
            if case in cases:
                for obj in objects_of[event]:
                    if type_of[obj] != object_type:
                        others.setdefault(type_of[obj], set()).add(obj)
        pairs = sum(len(objs) * (len(objs) - 1) // 2 for objs in others.values())
        merged, hit = merged + pairs, hit + (pairs > 0)
    return (sum(copies), sum(c > 1 for c in copies), sum(max(c - 1, 0) for c in copies),
            sum(c == 0 for c in copies), merged, hit)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=random_logs())
def test_divergence_and_convergence_of_random_logs_equal_a_count_by_hand(log):
    for object_type in log.object_types:
        report = flatten(log, object_type)[2]
        assert (report.rows, report.duplicated_events, report.extra_copies, report.dropped_events,
                report.merged_object_pairs, report.cases_with_merges) == _counted_by_hand(log, object_type)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=random_logs())
def test_case_attributes_are_each_objects_earliest_value(log):
    values = log.object_attributes.to_pylist()
    for object_type, declared in log.object_types.items():
        _, cases, _ = flatten(log, object_type)
        for name in declared:
            expected = []
            for case in cases.column("case_id").to_pylist():
                mine = [v for v in values if v["object_id"] == case and v["attribute"] == name]
                first = min(mine, key=lambda v: v["time"]) if mine else None    # min keeps the first of ties
                expected.append(None if first is None else first["value"])
            got = cases.column(name)
            texts = [None if v is None else str(v) for v in got.to_pylist()]
            if declared[name] in ("string", "integer"):
                assert texts == expected
            else:
                assert [v is None for v in got.to_pylist()] == [v is None for v in expected]
