"""A case notion that merges cases (citizen, caseworker...) keeps them open while any merged case is:
object-centric datasets through flattening, case-centric ones through the case-attribute switch,
and the overview, the periods and the report count open and closed citizens by it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import procmine
from procmine.analysis.overview import overview
from procmine.analysis.periods import Window, case_counts
from procmine.dataset import write_dataset
from procmine.ocel import flatten
from procmine.ocel.assemble import OcelRows, assemble

SAMPLES = Path(__file__).resolve().parent.parent / "sample_logs"
T0 = dt.datetime(2024, 3, 4, 8, tzinfo=dt.UTC)


def _ocel_with_closing():
    """Citizen c1 has an open case (s1) and a closed one (s2); c2 only closed ones (s3, s4);
    c3's one event concerns no case."""
    rows = OcelRows(event_types={"a": {}}, object_types={"citizen": {}, "case": {"closed_at": "time"}})
    for oid, otype in (("c1", "citizen"), ("c2", "citizen"), ("c3", "citizen"),
                       ("s1", "case"), ("s2", "case"), ("s3", "case"), ("s4", "case")):
        rows.object_ids.append(oid)
        rows.object_type_of.append(otype)
    for eid, day, related in (("e1", 1, ["c1", "s1"]), ("e2", 2, ["c1", "s2"]), ("e3", 3, ["c2", "s3"]),
                              ("e4", 4, ["c2", "s4"]), ("e5", 5, ["c3"])):
        rows.event_ids.append(eid)
        rows.event_activities.append("a")
        rows.event_times.append(f"2024-01-0{day}T10:00:00Z")
        for oid in related:
            rows.relation_events.append(eid)
            rows.relation_objects.append(oid)
            rows.relation_qualifiers.append(None)
    for oid, closed in (("s2", "2024-01-09T00:00:00Z"), ("s3", "2024-01-08T00:00:00Z"),
                        ("s4", "2024-01-07T00:00:00Z")):
        rows.attribute_objects.append(oid)
        rows.attribute_names.append("closed_at")
        rows.attribute_times.append("1970-01-01T00:00:00Z")
        rows.attribute_values.append(closed)
    return assemble(rows, "closing")


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_flattening_by_citizen_keeps_a_citizen_open_while_one_of_its_cases_is():
    _, cases, _ = flatten(_ocel_with_closing(), "citizen")
    closed = dict(zip(cases.column("case_id").to_pylist(), cases.column("closed_at").to_pylist()))
    assert closed == {"c1": None,                                   # s1 is open
                      "c2": _instant("2024-01-08T00:00:00Z"),       # the later of s3 and s4
                      "c3": _instant("2024-01-05T10:00:00Z")}       # no case says: closed at its last event


def test_flattening_by_the_case_type_keeps_its_own_closed_at():
    _, cases, _ = flatten(_ocel_with_closing(), "case")
    assert cases.column("closed_at").null_count == 1                # s1 only


def _kommune_citizens() -> pd.DataFrame:
    """Per citizen of the kommune sample, from its raw tables: open (any case without closed_at)."""
    folder = SAMPLES / "kommune"
    links = pd.read_parquet(folder / "object_relations.parquet").query("qualifier == 'concerns'")
    attributes = pd.read_parquet(folder / "object_attributes.parquet")
    closed_cases = set(attributes.loc[attributes["attribute"] == "closed_at", "object_id"])
    links = links.assign(open=~links["source_id"].isin(closed_cases))
    return links.groupby("target_id")["open"].any()


def test_kommune_by_citizen_counts_citizens_with_an_open_case_as_open():
    by_citizen = procmine.open(SAMPLES / "kommune", case_notion="citizen")
    expected = _kommune_citizens()
    figures = overview(by_citizen)
    assert figures.cases == len(expected)
    assert figures.open_cases == int(expected.sum()) > 0
    closed_at = by_citizen.cases_table().to_pandas().set_index("case_id")["closed_at"]
    assert closed_at.isna().reindex(expected.index).equals(expected.rename("closed_at"))


def test_kommune_by_citizen_closes_in_the_last_month_only_citizens_whose_cases_all_closed():
    by_citizen = procmine.open(SAMPLES / "kommune", case_notion="citizen")
    october = Window(dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    _, closed, still_open = case_counts(by_citizen, october)
    events = by_citizen.events_table().to_pandas()
    last = events.groupby("case_id")["timestamp"].max()
    low, high = (pd.Timestamp(d, tz="Europe/Copenhagen") for d in ("2026-10-01", "2026-11-01"))
    open_citizens = _kommune_citizens()
    ended = (last >= low) & (last < high)
    assert closed == int((ended & ~open_citizens.reindex(last.index)).sum())
    assert closed < int(ended.sum())              # before the fix every citizen ending there was closed
    assert still_open == int(open_citizens.sum())  # the data ends in October: open citizens are open at its end


@pytest.fixture()
def citizen_dataset(tmp_path):
    """Cases a (closed day 3), b (open) of citizen p; c (closed day 6), d (closed day 9) of citizen q."""
    rows = [("a", "Modtaget", 0), ("a", "Afgørelse", 3), ("b", "Modtaget", 1), ("b", "Vurdering", 2),
            ("c", "Modtaget", 4), ("c", "Afgørelse", 5), ("d", "Modtaget", 7), ("d", "Afgørelse", 8)]
    events = pa.table({"case_id": [r[0] for r in rows], "activity": [r[1] for r in rows],
                       "timestamp": pa.array([T0 + dt.timedelta(days=r[2]) for r in rows],
                                             pa.timestamp("us", tz="UTC"))})

    def write(name: str, with_closed_at: bool, end_activities=None) -> Path:
        cases = {"case_id": ["a", "b", "c", "d"], "citizen": ["p", "p", "q", "q"]}
        if with_closed_at:
            cases["closed_at"] = pa.array([T0 + dt.timedelta(days=3), None, T0 + dt.timedelta(days=6),
                                           T0 + dt.timedelta(days=9)], pa.timestamp("us", tz="UTC"))
        extra = {"end_activities": end_activities} if end_activities else None
        write_dataset(tmp_path / name, events, pa.table(cases), extra_meta=extra)
        return tmp_path / name
    return write


def test_a_case_centric_citizen_is_open_while_one_of_its_cases_has_no_closed_at(citizen_dataset):
    by_citizen = procmine.open(citizen_dataset("closed_at", True), case_notion="citizen")
    closed = dict(zip(by_citizen.cases_table().column("case_id").to_pylist(),
                      by_citizen.cases_table().column("closed_at").to_pylist()))
    assert closed == {"p": None, "q": T0 + dt.timedelta(days=9)}
    assert overview(by_citizen).open_cases == 1


def test_a_case_centric_citizen_follows_the_declared_end_activities(citizen_dataset):
    path = citizen_dataset("end_activities", False, ["Afgørelse"])
    assert overview(procmine.open(path)).open_cases == 1              # case b
    by_citizen = procmine.open(path, case_notion="citizen")
    # p's last event is a's "Afgørelse", but its case b stopped at "Vurdering": p is open;
    # q's cases both reached "Afgørelse": closed at the later one
    closed = dict(zip(by_citizen.cases_table().column("case_id").to_pylist(),
                      by_citizen.cases_table().column("closed_at").to_pylist()))
    assert closed == {"p": None, "q": T0 + dt.timedelta(days=8)}
    assert overview(by_citizen).open_cases == 1


def test_a_case_centric_dataset_that_cannot_say_stays_unknown_by_citizen(citizen_dataset):
    by_citizen = procmine.open(citizen_dataset("unknown", False), case_notion="citizen")
    assert "closed_at" not in by_citizen.cases_table().column_names
    assert overview(by_citizen).open_cases is None


def test_the_kommune_report_by_citizen_shows_open_citizens_and_closes_only_finished_ones():
    from procmine.report import build_report
    from procmine.report.config import ReportSettings
    from procmine.report.html import render_html

    by_citizen = procmine.open(SAMPLES / "kommune", case_notion="citizen")
    report = build_report(by_citizen, ReportSettings(period="month"), "kommune")
    assert report.window == Window(dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    _, closed, still_open = case_counts(by_citizen, report.window)
    assert (report.kpis.cases_closed, report.kpis.open_cases) == (closed, still_open) == (34, 76)
    assert 'data-field="open_cases" data-value="76"' in render_html(report)
