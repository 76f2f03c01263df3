"""The simulated municipality and the citizen journeys: the same numbers from the object-centric
dataset, the case-centric one and a plain pandas computation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import procmine
from procmine.analysis.journey_parts import parallel_maximum
from procmine.analysis.journeys import journeys
from procmine.cli import app
from procmine.dataset import read_dataset
from procmine.errors import ConfigError
from procmine.ocel import read_ocel, read_ocel_dataset
from procmine.ocel.store import EVENT_OBJECT_ROWS_FILE
from procmine.simulation.municipality import MunicipalityOptions, simulate_municipality, write_municipality

KOMMUNE = Path(__file__).resolve().parents[1] / "sample_logs" / "kommune"


@pytest.fixture(scope="module")
def municipality(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kommune")
    write_municipality(folder / "oc", MunicipalityOptions(cases=600, seed=3), ocel_file=folder / "k.jsonocel",
                       case_centric=folder / "cc")
    return folder


def test_the_shipped_kommune_sample_is_what_the_simulator_makes(tmp_path):
    shipped = read_dataset(KOMMUNE)
    source = shipped.meta.source
    assert source.workflow == "kommune"
    write_municipality(tmp_path / "k", MunicipalityOptions(cases=source.cases, seed=source.seed))
    assert read_ocel_dataset(read_dataset(tmp_path / "k")).equals(read_ocel_dataset(shipped))
    # the sample carries the relations' row positions, so opening it by a case notion need not find them by id
    assert read_ocel_dataset(shipped).relation_positions is not None
    assert pq.read_table(KOMMUNE / EVENT_OBJECT_ROWS_FILE).equals(pq.read_table(tmp_path / "k" / EVENT_OBJECT_ROWS_FILE))


def test_citizens_have_several_overlapping_cases_and_caseworkers_are_shared():
    events, cases = simulate_municipality(MunicipalityOptions(cases=1000, seed=1))
    per_citizen = cases.to_pandas().groupby("citizen").size()
    assert 1.8 < per_citizen.mean() < 2.6 and per_citizen.max() >= 4
    frame = events.to_pandas()
    departments_per_worker = frame.dropna(subset=["resource"]).groupby("resource")["org_unit"].nunique()
    assert (departments_per_worker > 1).sum() >= 2


def test_the_three_outputs_hold_the_same_log(municipality):
    from_file = read_ocel(municipality / "k.jsonocel")
    assert from_file.equals(read_ocel_dataset(read_dataset(municipality / "oc")))
    by_case = procmine.open(municipality / "oc", case_notion="case")
    plain = procmine.open(municipality / "cc")
    assert (by_case.num_cases, by_case.num_events) == (plain.num_cases, plain.num_events)
    assert by_case.dataset.meta.flattening["duplicated_events"] == 0
    assert set(from_file.object_types) == {"case", "citizen", "caseworker", "department"}


def test_journeys_agree_between_object_centric_and_case_centric(municipality):
    oc = journeys(procmine.open(municipality / "oc", case_notion="case"))
    cc = journeys(procmine.open(municipality / "cc"))
    assert oc.summary == cc.summary
    pd.testing.assert_frame_equal(oc.variants, cc.variants)
    pd.testing.assert_frame_equal(oc.continuity, cc.continuity)
    pd.testing.assert_frame_equal(oc.department_handovers, cc.department_handovers)


def test_journey_numbers_equal_a_pandas_computation(municipality):
    result = journeys(procmine.open(municipality / "cc"))
    events = read_dataset(municipality / "cc").events.to_pandas()
    cases = read_dataset(municipality / "cc").cases.to_pandas()
    spans = events.groupby("case_id")["timestamp"].agg(["min", "max"]).reset_index().merge(cases, on="case_id")
    spans = spans.sort_values(["citizen", "min", "case_id"], kind="stable")
    expected = spans.groupby("citizen")["case_type"].agg(" → ".join).value_counts()
    got = result.variants.set_index("journey")["citizens"]
    assert got.to_dict() == expected.to_dict()
    workers = events.merge(cases[["case_id", "citizen"]], on="case_id").groupby("citizen")["resource"].nunique()
    assert result.citizens.set_index("citizen")["caseworkers"].to_dict() == workers.to_dict()
    per_case = events.groupby("case_id")["resource"].nunique().clip(upper=4)
    assert result.continuity["cases"].sum() == len(per_case)
    assert result.continuity.set_index("caseworkers")["cases"].to_dict() == \
        per_case.map({1: "1", 2: "2", 3: "3", 4: "4+", 0: "1"}).value_counts().to_dict()


def test_parallel_maximum_counts_overlaps_and_not_touching_intervals():
    groups = np.array([0, 0, 0, 1, 1])
    starts = np.array([0, 5, 6, 0, 10])
    ends = np.array([10, 7, 20, 10, 12])
    assert parallel_maximum(groups, starts, ends, 2).tolist() == [3, 1]


def test_a_log_without_citizens_says_how_to_get_one(tmp_path):
    from ocel_logs import EXAMPLE_JSON

    from procmine.ocel import write_ocel_dataset
    write_ocel_dataset(tmp_path / "ds", read_ocel(EXAMPLE_JSON))
    with pytest.raises(ConfigError, match="no citizen attribute"):
        journeys(procmine.open(tmp_path / "ds"))


def test_cli_journeys_and_simulate_kommune(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["simulate", "kommune", str(tmp_path / "k"), "--cases", "300", "--seed", "2",
                                 "--ocel", str(tmp_path / "k.sqlite")])
    assert result.exit_code == 0, result.output
    assert "300 cases" in result.output and (tmp_path / "k.sqlite").is_file()
    shown = runner.invoke(app, ["journeys", str(tmp_path / "k")])
    assert shown.exit_code == 0, shown.output
    assert "Citizen journeys" in shown.output and "Caseworker handovers" in shown.output
    as_json = runner.invoke(app, ["journeys", str(tmp_path / "k"), "--format", "json"])
    assert '"share_parallel_cases"' in as_json.output
    bad = runner.invoke(app, ["journeys", str(tmp_path / "k"), "--case-notion", "caseworker"])
    assert bad.exit_code == 2 and "no citizen attribute" in bad.output
