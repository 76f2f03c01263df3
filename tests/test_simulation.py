"""The municipal workflow simulator: determinism, process shapes, office hours, chunking, sample logs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from typer.testing import CliRunner

import procmine.cli.simulate_command  # noqa: F401  (registers the command on the app)
from procmine.cli.app import app
from procmine.dataset import read_dataset, write_dataset
from procmine.errors import ConfigError
from procmine.simulation import WORKFLOWS, SimulationOptions, simulate_log, write_simulated_dataset
from procmine.workcalendar import WorkCalendar

SAMPLE_LOGS = Path(__file__).resolve().parents[1] / "sample_logs"
CALENDAR = WorkCalendar()

# The activities of DOMAIN.md's table, in process order.
ACTIVITIES = {
    "aktindsigt": ["Anmodning modtaget", "Journaliseret", "Afgrænsning", "Høring af tredjepart",
                   "Vurdering af undtagelser", "Fristbrev sendt", "Afgørelse", "Dokumenter udleveret"],
    "byggetilladelse": ["Ansøgning modtaget", "Kvittering", "Screening", "Mangelbrev",
                        "Supplerende oplysninger modtaget", "Sag fuldt oplyst", "Høring af myndigheder",
                        "Afgørelse", "Byggeri påbegyndt", "Færdigmelding", "Ibrugtagningstilladelse"],
    "genoptraening": ["Genoptræningsplan modtaget", "Borger kontaktet", "Første træning", "Træning",
                      "Afsluttende status", "Afsluttet"],
    "merudgifter": ["Ansøgning modtaget", "Kvittering sendt", "Oplysninger indhentet", "Partshøring",
                    "Afgørelse", "Udbetaling iværksat", "Klage", "Genvurdering"],
    "borgerhenvendelse": ["Henvendelse modtaget", "Fordelt", "Kvittering", "Videresendt", "Svar sendt",
                          "Afsluttet"],
}
# The only step that may come before an earlier step of the list: a new mangelbrev after an answer.
LOOPS = {("Supplerende oplysninger modtaget", "Mangelbrev")}


@pytest.fixture(scope="module")
def logs() -> dict[str, tuple[pa.Table, pa.Table]]:
    """2,000 simulated cases of each workflow."""
    return {name: simulate_log(SimulationOptions(name, cases=2_000, seed=11)) for name in WORKFLOWS}


def first_time(events: pa.Table, activity: str) -> dict[str, int]:
    """Time (µs) of the first `activity` event per case id."""
    rows = events.filter(pc.equal(events.column("activity").cast(pa.string()), activity))
    times = rows.column("timestamp").cast(pa.int64()).to_numpy()
    ids = rows.column("case_id").to_pylist()
    first: dict[str, int] = {}
    for case_id, time in zip(ids, times):
        first.setdefault(case_id, int(time))
    return first


def paired(events: pa.Table, first: str, second: str) -> tuple[np.ndarray, np.ndarray]:
    start, end = first_time(events, first), first_time(events, second)
    both = [case for case in end if case in start]
    return (np.array([start[c] for c in both]).view("datetime64[us]"),
            np.array([end[c] for c in both]).view("datetime64[us]"))


def test_same_seed_same_log_and_other_seed_other_log():
    one = simulate_log(SimulationOptions("byggetilladelse", cases=300, seed=5))
    again = simulate_log(SimulationOptions("byggetilladelse", cases=300, seed=5))
    other = simulate_log(SimulationOptions("byggetilladelse", cases=300, seed=6))
    assert one[0].equals(again[0]) and one[1].equals(again[1])
    assert not one[0].equals(other[0])
    assert one[1].column("case_id").equals(other[1].column("case_id"))  # same ids, other histories


@pytest.mark.parametrize("name", sorted(ACTIVITIES))
def test_activities_and_their_order(logs, name):
    events, cases = logs[name]
    expected = ACTIVITIES[name]
    assert WORKFLOWS[name].activities == tuple(expected)
    names = events.column("activity").cast(pa.string()).to_pylist()
    assert set(names) == set(expected)  # every step, optional ones included, occurs in 2,000 cases
    rank = np.array([expected.index(a) for a in names])
    case_ids = events.column("case_id").to_numpy(zero_copy_only=False)
    same_case = case_ids[1:] == case_ids[:-1]
    backwards = same_case & (rank[1:] < rank[:-1])
    allowed = {(expected.index(a), expected.index(b)) for a, b in LOOPS if a in expected}
    steps = set(zip(rank[:-1][backwards].tolist(), rank[1:][backwards].tolist()))
    assert steps <= allowed, [(expected[a], expected[b]) for a, b in steps - allowed]
    starts = np.concatenate([[True], ~same_case])
    assert set(np.array(names, dtype=object)[starts]) == {expected[0]}
    assert len(set(case_ids[starts])) == cases.num_rows == 2_000


def test_aktindsigt_order_and_deadline_compliance(logs):
    events, _ = logs["aktindsigt"]
    received, decided = paired(events, "Anmodning modtaget", "Afgørelse")
    assert (decided > received).all()
    decision, released = paired(events, "Afgørelse", "Dokumenter udleveret")
    assert (released >= decision).all()
    working_days = CALENDAR.business_days_between(received, decided)
    within = (working_days <= 7).mean()
    assert 0.75 <= within <= 0.92, within
    assert 3 <= np.median(working_days) <= 5
    assert 20 <= working_days.max() <= 60  # a long tail, but not absurd


def test_casework_only_in_office_hours_and_inbound_mail_at_any_time(logs):
    for name, (events, _) in logs.items():
        times = events.column("timestamp")
        staffed = pc.is_valid(events.column("resource")).to_numpy(zero_copy_only=False)
        in_office = CALENDAR.is_office_time(times)
        assert in_office[staffed].all(), f"{name}: casework outside office hours"
        inbound = ~staffed
        assert inbound.any() and (~in_office[inbound]).mean() > 0.05, name


def test_resources_roles_and_case_attributes(logs):
    events, cases = logs["merudgifter"]
    resources = events.column("resource").drop_null().to_pylist()
    assert all(re.fullmatch(r"sb-[0-9a-f]{4}", r) for r in resources)
    staffed = pc.is_valid(events.column("resource"))
    assert pc.all(pc.equal(staffed, pc.is_valid(events.column("role")))).as_py()
    assert pc.all(pc.equal(staffed, pc.is_valid(events.column("org_unit")))).as_py()
    assert {"socialrådgiver", "økonomimedarbejder"} <= set(events.column("role").drop_null().to_pylist())
    for name, (_, cases) in logs.items():
        assert all(re.fullmatch(r"\d\d\.\d\d\.\d\d", k) for k in cases.column("kle").to_pylist()), name
        assert all(re.fullmatch(r"[A-Z]\d\d", f) for f in cases.column("facet").to_pylist()), name
        assert cases.column("department").null_count == 0 and cases.column("channel").null_count == 0
    facets = set(logs["aktindsigt"][1].column("facet").to_pylist())
    assert facets == {"A53"} and "K02" in logs["borgerhenvendelse"][1].column("facet").to_pylist()


def test_rework_loops_and_optional_steps(logs):
    building, cases = logs["byggetilladelse"]
    names = building.column("activity").cast(pa.string())
    letters = building.filter(pc.equal(names, "Mangelbrev")).column("case_id").value_counts()
    share = len(letters) / cases.num_rows
    assert 0.4 <= share <= 0.6, share
    assert pc.max(letters.field("counts")).as_py() >= 3  # some cases need more than one round
    support, cases = logs["merudgifter"]
    appealed = len(first_time(support, "Klage")) / len(first_time(support, "Afgørelse"))
    assert 0.10 <= appealed <= 0.16, appealed
    complaint, reconsidered = paired(support, "Klage", "Genvurdering")
    assert (reconsidered > complaint).all()
    received, decided = paired(support, "Ansøgning modtaget", "Afgørelse")
    within_12_weeks = ((decided - received) <= np.timedelta64(84, "D")).mean()
    assert 0.80 <= within_12_weeks <= 0.92, within_12_weeks
    plan, first = paired(logs["genoptraening"][0], "Genoptræningsplan modtaget", "Første træning")
    late = ((first - plan) > np.timedelta64(7, "D")).mean()
    assert 0.05 <= late <= 0.15, late


def test_some_cases_are_still_open_at_the_end_of_the_period(logs):
    end = np.datetime64("2026-10-31T23:00", "us")  # local midnight after 31 October, in UTC
    for name, (events, cases) in logs.items():
        times = events.column("timestamp").cast(pa.int64()).to_numpy().view("datetime64[us]")
        assert times.max() < end
        open_share = cases.column("closed_at").null_count / cases.num_rows
        assert 0.0 < open_share < 0.25, (name, open_share)
        last = {}
        for case_id, time in zip(events.column("case_id").to_pylist(), times):
            last[case_id] = time
        closed = cases.filter(pc.is_valid(cases.column("closed_at")))
        closed_at = closed.column("closed_at").cast(pa.int64()).to_numpy().view("datetime64[us]")
        assert all(last[c] == t for c, t in zip(closed.column("case_id").to_pylist(), closed_at)), name
    assert logs["aktindsigt"][1].column("closed_at").null_count / 2_000 < 0.05


def test_arrivals_spread_over_two_years_more_on_weekdays(logs):
    _, cases = logs["borgerhenvendelse"]
    opened = cases.column("opened_at")
    assert pc.min(opened).as_py().date().isoformat() >= "2024-10-31"
    local_days = pc.local_timestamp(opened.cast(pa.timestamp("us", tz="Europe/Copenhagen")))
    weekday = pc.day_of_week(local_days).to_numpy()
    per_weekday = np.bincount(weekday, minlength=7)  # Monday first
    assert per_weekday[:5].min() > 2 * per_weekday[5:].max() > 0


def test_all_mixes_the_five_workflows_in_case_id_order():
    _events, cases = simulate_log(SimulationOptions("all", cases=1_000, seed=3))
    prefixes = {c[:3] for c in cases.column("case_id").to_pylist()}
    assert prefixes == {"AKT", "BOR", "BYG", "GEN", "MER"} and cases.num_rows == 1_000
    ids = cases.column("case_id").to_pylist()
    assert ids == sorted(ids)
    assert set(cases.column("case_type").to_pylist()) == set(WORKFLOWS)


def test_unknown_workflow_and_bad_numbers_are_config_errors():
    with pytest.raises(ConfigError, match="unknown workflow 'aktindsig'.*aktindsigt, borgerhenvendelse"):
        SimulationOptions("aktindsig")
    with pytest.raises(ConfigError, match="cases must be between 1"):
        SimulationOptions("aktindsigt", cases=0)


@pytest.mark.slow
def test_chunked_writing_equals_writing_in_one_go(tmp_path):
    options = SimulationOptions("aktindsigt", cases=25_000, seed=4)
    meta = write_simulated_dataset(tmp_path / "chunked", options, chunk_cases=10_000)
    events, cases = simulate_log(options)
    whole = write_dataset(tmp_path / "whole", events, cases)
    chunked = read_dataset(tmp_path / "chunked")
    assert meta.cases == 25_000 and meta.events == whole.events.num_rows
    assert chunked.events.schema == whole.events.schema

    def plain(table: pa.Table) -> pa.Table:
        return table.set_column(table.column_names.index("activity"), "activity",
                                table.column("activity").cast(pa.string()))
    assert plain(chunked.events).equals(plain(whole.events))
    assert chunked.cases.equals(whole.cases)
    case_index = chunked.events.column("case_index").to_numpy()
    assert case_index[0] == 0 and set(np.diff(case_index)) <= {0, 1} and case_index[-1] == 24_999
    assert (chunked.events.column("event_index").to_numpy() == np.arange(chunked.events.num_rows)).all()


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_shipped_sample_logs_are_what_the_simulator_makes(tmp_path, name):
    shipped = read_dataset(SAMPLE_LOGS / name)
    source = shipped.meta.source
    assert source.workflow == name and 400 <= source.cases <= 1_500
    write_simulated_dataset(tmp_path / name, SimulationOptions(name, cases=source.cases, seed=source.seed))
    fresh = read_dataset(tmp_path / name)
    assert fresh.events.equals(shipped.events) and fresh.cases.equals(shipped.cases)
    # the shipped folder is of schema version 1, migrated on read: the same facts as a fresh one
    assert fresh.meta.replaced(created_at=shipped.meta.created_at) == shipped.meta


def test_sample_logs_are_small():
    size = sum(f.stat().st_size for f in SAMPLE_LOGS.rglob("*") if f.is_file())
    assert size < 5_000_000
    assert "procmine simulate" in (SAMPLE_LOGS / "README.md").read_text(encoding="utf-8")


def test_cli_simulate_writes_a_dataset_and_rejects_unknown_workflows(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["simulate", "genoptraening", str(tmp_path / "gen"), "--cases", "50",
                                 "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "50 cases" in result.output
    meta = json.loads((tmp_path / "gen" / "procmine.json").read_text(encoding="utf-8"))
    assert meta["source"]["seed"] == 2 and read_dataset(tmp_path / "gen").cases.num_rows == 50
    bad = runner.invoke(app, ["simulate", "parking", str(tmp_path / "x")])
    assert bad.exit_code == 2
    assert "unknown workflow 'parking'" in bad.output and "merudgifter" in bad.output
    assert not (tmp_path / "x").exists()
