"""`procmine import` and `procmine export` through Typer's CliRunner."""

from __future__ import annotations

from shared_data import SHARED_DATA as DATA
from typer.testing import CliRunner

from procmine.cli import app
from procmine.dataset import read_dataset


def test_import_prints_a_summary(tmp_path):
    result = CliRunner().invoke(app, ["import", str(DATA / "running-example.csv"), str(tmp_path / "ds")])
    assert result.exit_code == 0, result.output
    assert "6 cases, 42 events, 8 activities" in result.output
    assert read_dataset(tmp_path / "ds").meta.events == 42


def test_import_with_mapping_options_and_notes(tmp_path):
    source = tmp_path / "log.txt"
    source.write_text("Sag;Trin;Hvornår;Start\n1;a;03/04/2024 10:00;03/04/2024 09:00\n"
                      "1;b;05/04/2024 10:00;05/04/2024 09:30\n", encoding="cp1252")
    result = CliRunner().invoke(app, [
        "import", str(source), str(tmp_path / "ds"), "--case-id", "Sag", "--activity", "Trin",
        "--timestamp", "Hvornår", "--start-timestamp", "Start", "--tz", "UTC", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "1 cases, 2 events" in result.output and "day first" in result.output
    events = read_dataset(tmp_path / "ds").events
    assert str(events.column("start_timestamp")[0].as_py()) == "2024-04-03 09:00:00+00:00"


def test_export_csv_and_parquet(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(DATA / "running-example.csv"), str(tmp_path / "ds")]).exit_code == 0
    for name in ("log.csv", "log.parquet"):
        result = runner.invoke(app, ["export", str(tmp_path / "ds"), str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert "42 events" in result.output and (tmp_path / name).stat().st_size > 0
    again = runner.invoke(app, ["import", str(tmp_path / "log.parquet"), str(tmp_path / "again")])
    assert again.exit_code == 0 and "6 cases, 42 events" in again.output


def test_export_of_a_missing_dataset_is_exit_2(tmp_path):
    result = CliRunner().invoke(app, ["export", str(tmp_path / "nothing"), str(tmp_path / "log.csv")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "log.csv").exists()
