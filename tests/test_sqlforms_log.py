"""procmine.open(..., engine="duckdb") gives the analyses' own result types, equal to the kernels'."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import procmine
from procmine import analysis
from procmine.analysis import periods as p
from procmine.errors import ConfigError, DatasetError, FilterError

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"


@pytest.fixture(scope="module")
def municipalities(tmp_path_factory) -> Path:
    """Two sample datasets as a folder partitioned hive-style by municipality."""
    root = tmp_path_factory.mktemp("kl") / "kl"
    for name in ("aktindsigt", "merudgifter"):
        shutil.copytree(SAMPLES / name, root / f"municipality={name}")
    return root


def test_results_have_the_kernels_types_and_values():
    log, sql = procmine.open(SAMPLES / "byggetilladelse"), procmine.open(SAMPLES / "byggetilladelse", engine="duckdb")
    expected, found = analysis.overview(log).as_dict(), sql.overview().as_dict()
    assert found.keys() == expected.keys()
    assert {k: v for k, v in found.items() if "seconds" not in k} == \
        {k: v for k, v in expected.items() if "seconds" not in k}
    assert sql.variants().counts() == analysis.variants(log).counts()
    graph = sql.dfg()
    assert graph.start_activities == analysis.dfg(log).start_activities and graph.num_events == log.num_events
    report, kernel = sql.deadlines(), analysis.deadlines(log)
    assert list(report.rules.columns) == list(kernel.rules.columns)
    assert report.rules[["rule", "cases", "met"]].equals(kernel.rules[["rule", "cases", "met"]])
    assert report.breaches["case_id"].tolist() == kernel.breaches["case_id"].tolist()
    assert report.breaches["due"].tolist() == kernel.breaches["due"].tolist()
    through, expected_through = sql.throughput(by="channel", period="quarter"), \
        analysis.throughput(log, by="channel", period="quarter")
    assert list(through.trend.columns) == list(expected_through.trend.columns)
    assert through.trend["cases"].tolist() == expected_through.trend["cases"].tolist()
    assert (through.cases["end"] == expected_through.cases["end"]).all()
    comparison = sql.compare_by("channel")
    assert comparison.labels == analysis.compare_by(log, "channel").labels
    assert comparison.edges_by_waiting[["source", "target"]].equals(
        analysis.compare_by(log, "channel").edges_by_waiting[["source", "target"]])
    windows = p.trend_windows(p.report_window(log, "quarter"), "quarter", 4)
    assert sql.period_trend(windows)["cases_closed"].tolist() == p.period_trend(log, windows)["cases_closed"].tolist()


def test_a_folder_of_municipal_datasets_keeps_each_municipalitys_cases_apart(municipalities):
    sql = procmine.open(municipalities, engine="duckdb")
    parts = {name: procmine.open(SAMPLES / name) for name in ("aktindsigt", "merudgifter")}
    head = sql.overview()
    assert head.cases == sum(log.num_cases for log in parts.values())
    assert head.events == sum(log.num_events for log in parts.values())
    summary = sql.throughput(by="case_type").summary.set_index("case_type")
    for name, log in parts.items():
        expected = analysis.throughput(log).summary.iloc[0]
        assert summary.loc[name, "cases"] == expected["cases"]
        assert summary.loc[name, "median_seconds"] == pytest.approx(expected["median_seconds"], abs=1e-3)
    case_ids = sql.throughput().cases["case_id"]
    assert case_ids.str.startswith(("aktindsigt/", "merudgifter/")).all() and case_ids.is_unique
    rules = sql.deadlines().rules.set_index("rule")
    for log in parts.values():
        for row in analysis.deadlines(log).rules.itertuples():
            assert rules.loc[row.rule, "met"] == row.met


def test_bad_engine_folder_and_attribute_are_clear_errors(tmp_path):
    with pytest.raises(ConfigError, match="Unknown engine 'flink'.*numpy, duckdb, spark"):
        procmine.open(SAMPLES / "aktindsigt", engine="flink")
    with pytest.raises(DatasetError, match="not a procmine dataset"):
        procmine.open(tmp_path, engine="duckdb")
    with pytest.raises(FilterError, match="'nope'.*case_type"):
        procmine.open(SAMPLES / "aktindsigt", engine="duckdb").throughput(by="nope")
    broken = tmp_path / "kl"
    shutil.copytree(SAMPLES / "aktindsigt", broken / "municipality=a")
    (broken / "municipality=a" / "cases.parquet").unlink()
    with pytest.raises(DatasetError, match="municipality=a has no cases.parquet"):
        procmine.open(broken, engine="duckdb")


def test_numpy_stays_the_default_engine():
    assert isinstance(procmine.open(SAMPLES / "aktindsigt"), procmine.EventLog)
    assert isinstance(procmine.open(SAMPLES / "aktindsigt", engine="numpy"), procmine.EventLog)
    assert np.isfinite(procmine.open(SAMPLES / "aktindsigt", engine="duckdb").overview().p90_throughput_seconds)
    assert isinstance(procmine.open(SAMPLES / "aktindsigt", engine="duckdb").bottlenecks().transitions, pd.DataFrame)
