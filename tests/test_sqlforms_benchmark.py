"""`procmine benchmark`: municipalities side by side, each analysed alone, figures behind < 5 cases hidden."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

import procmine
from procmine import analysis
from procmine.benchmarking import benchmark, municipal_datasets, suppress
from procmine.cli import app
from procmine.dataset import write_dataset
from procmine.errors import DatasetError

T0 = dt.datetime(2025, 3, 3, 8, tzinfo=dt.UTC)


def write_municipality(folder, cases_per_type: dict[str, int], seed: int) -> None:
    """Cases c0, c1, ... (the same ids in every municipality) of the given types, 2-3 events each."""
    rng = np.random.default_rng(seed)
    rows, types = [], []
    number = 0
    for case_type, count in cases_per_type.items():
        for _ in range(count):
            case = f"c{number}"
            number += 1
            types.append((case, case_type))
            start = T0 + dt.timedelta(days=int(rng.integers(0, 200)))
            steps = ["Anmodning modtaget", "Afgørelse"] if rng.random() < 0.5 else \
                ["Anmodning modtaget", "Journaliseret", "Afgørelse"]
            for i, activity in enumerate(steps):
                rows.append((case, activity, start + dt.timedelta(days=i * int(rng.integers(1, 9)))))
    events = pa.table({"case_id": [r[0] for r in rows], "activity": [r[1] for r in rows],
                       "timestamp": pa.array([r[2] for r in rows], pa.timestamp("us", tz="UTC"))})
    cases = pa.table({"case_id": [c for c, _ in types], "case_type": [t for _, t in types]})
    write_dataset(folder, events, cases)


@pytest.fixture(scope="module")
def kl(tmp_path_factory):
    root = tmp_path_factory.mktemp("kl")
    write_municipality(root / "municipality=Syddjurs", {"aktindsigt": 40, "byggetilladelse": 3}, seed=1)
    write_municipality(root / "municipality=Norddjurs", {"aktindsigt": 25, "byggetilladelse": 12}, seed=2)
    return root


def test_each_municipality_is_analysed_alone_and_small_cells_are_hidden(kl):
    result = benchmark(municipal_datasets(kl))
    kpis = result.kpis.set_index("municipality")
    for name in ("Syddjurs", "Norddjurs"):
        log = procmine.open(kl / f"municipality={name}")
        assert kpis.loc[name, "cases"] == log.num_cases      # the same case ids in both stay apart
        assert kpis.loc[name, "median_days"] == pytest.approx(analysis.overview(log).median_throughput_seconds / 86400)
    through = result.throughput.set_index(["municipality", "case_type"])
    assert through.loc[("Syddjurs", "byggetilladelse"), "cases"] is None          # 3 cases: hidden
    assert through.loc[("Syddjurs", "byggetilladelse"), "median_days"] is None
    assert through.loc[("Norddjurs", "byggetilladelse"), "cases"] == 12
    assert through.loc[("Syddjurs", "aktindsigt"), "median_days"] is not None
    assert result.hidden >= 5
    mask = result.hidden_cells["throughput"]
    assert int(mask.to_numpy().sum()) == result.throughput.isna().sum().sum()   # every gap here is a hidden cell
    assert not result.hidden_cells["kpis"]["open_cases"].any()     # unknown (no closed_at), not hidden
    from procmine.report.benchmark_html import display_table
    shown = display_table(result.kpis, "en", 5, result.hidden_cells["kpis"])
    assert set(shown["Open cases"]) == {"–"}


def test_the_duckdb_engine_gives_the_same_benchmark(kl):
    numpy_result, duckdb_result = benchmark(municipal_datasets(kl)), benchmark(municipal_datasets(kl), engine="duckdb")
    for name, frame in numpy_result.tables().items():
        other = duckdb_result.tables()[name][frame.columns]
        days = [c for c in frame.columns if "days" in c or "share" in c]
        assert frame.drop(columns=days).astype(str).equals(other.drop(columns=days).astype(str)), name
        for column in days:
            left, right = (pd.to_numeric(f[column], errors="coerce").to_numpy(float) for f in (frame, other))
            assert np.allclose(left, right, atol=1e-9, equal_nan=True), (name, column)
    assert numpy_result.hidden == duckdb_result.hidden


def test_suppress_hides_counts_one_to_four_and_shares_whose_complement_is_small():
    table = pd.DataFrame({"cases": [3, 10, 0, 50], "met": [3, 5, 0, 49], "share_met": [1.0, 0.5, None, 0.98],
                          "median_days": [2.0, 4.0, None, 5.0]})
    shown, mask = suppress(table, "cases", ["median_days"], 5, met=("met", "share_met"))
    hidden = int(mask.to_numpy().sum())
    assert shown["cases"].tolist() == [None, 10, 0, 50]
    assert shown["median_days"].tolist()[:2] == [None, 4.0]
    assert shown["met"].tolist() == [None, 5, 0, None]          # 5 missed of 10 is fine; 1 missed of 50 is not
    assert shown["share_met"].tolist()[1] == 0.5
    assert hidden == 1 + 1 + 2 + 2


def test_cli_prints_json_and_writes_the_html_section(kl, tmp_path):
    page = tmp_path / "benchmark.html"
    result = CliRunner().invoke(app, ["benchmark", str(kl), "--format", "json", "--html", str(page), "--lang", "da"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {row["municipality"] for row in payload["kpis"]} == {"Syddjurs", "Norddjurs"}
    assert payload["min_cases"] == 5 and payload["hidden"] >= 5
    html = page.read_text(encoding="utf-8")
    assert "Benchmark mellem kommuner" in html and "Gennemløbstid pr. kommune og sagstype" in html
    assert "&lt;5" in html and "Syddjurs" in html and "c0" not in html


def test_a_folder_with_one_dataset_is_a_clear_error(tmp_path):
    write_municipality(tmp_path / "municipality=Alone", {"aktindsigt": 6}, seed=3)
    with pytest.raises(DatasetError, match="found 1 municipal dataset"):
        municipal_datasets(tmp_path)
    result = CliRunner().invoke(app, ["benchmark", str(tmp_path)])
    assert result.exit_code == 2 and "at least two" in result.stderr


def test_app_page_shows_the_benchmark_with_hidden_cells(kl):
    from app_testing import go, start_app, texts

    from procmine.ui.benchmark_page import FOLDER_KEY

    at = go(start_app(kl / "municipality=Syddjurs", page="data", lang="da"), "benchmark")
    assert "Angiv en mappe" in texts(at)
    at.text_input(key=FOLDER_KEY).input(str(kl)).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if list(d.value.columns[:2]) == ["Kommune", "Sagstype"])
    assert list(table.columns[:3]) == ["Kommune", "Sagstype", "Sager"] and len(at.dataframe) == 3
    assert "<5" in table["Sager"].tolist()
    assert "Tal bag færre end 5 sager er skjult" in texts(at)
