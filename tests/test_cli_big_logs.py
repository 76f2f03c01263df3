"""Every CLI command on the largest shared logs (BPIC15_1, Road Traffic Fines): it ends, exit 0, and writes
what it says. Their time bounds are measured by benchmarks/bench_app.py --shared, not asserted here."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from procmine.cli import app
from procmine.filters import ThroughputFilter, VariantsFilter, save_filters

pytestmark = pytest.mark.slow
LOGS = {"bpic15": "BPIC15_1.xes.gz", "road_fines": "Road_Traffic_Fine_Management_Process.xes.gz"}


def commands(data: str, out) -> list[list[str]]:
    """Each command with the files it writes under `out` (conformance on the top variants: see below)."""
    return [
        ["info", data], ["variants", data, "--top", "5"], ["dfg", data, "--format", "csv"],
        ["throughput", data, "--period", "month"], ["bottlenecks", data], ["deadlines", data],
        ["compare", data, "--a", str(out / "quick.json"), "--b", str(out / "slow.json")],
        ["map", data, "-o", str(out / "map.svg")],
        ["map", data, "-o", str(out / "map.png"), "--metric", "both", "--lang", "da"],
        ["discover", data, "-o", str(out / "model.bpmn")],
        ["discover", data, "-o", str(out / "model.pnml")],
        # alignments of BPIC15_1's 1,170 variants take 20 s: check the 50 most frequent
        ["conformance", data, "--model", str(out / "model.pnml"), "--filter", str(out / "top.json")],
        ["export", data, str(out / "log.csv")],
        ["report", data, "-o", str(out / "report.html"), "--xlsx", str(out / "report.xlsx")],
    ]


@pytest.mark.parametrize("name", sorted(LOGS))
def test_every_command_ends_and_writes_its_files(name, imported_dataset, tmp_path):
    data = str(imported_dataset(LOGS[name]))
    save_filters([ThroughputFilter(between=(None, 30.0), unit="days")], tmp_path / "quick.json")
    save_filters([ThroughputFilter(between=(30.0, None), unit="days")], tmp_path / "slow.json")
    save_filters([VariantsFilter(top=50)], tmp_path / "top.json")
    runner = CliRunner()
    for command in commands(data, tmp_path):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, f"{' '.join(command)}: {result.output[-800:]}"
    for written in ("map.svg", "map.png", "model.bpmn", "model.pnml", "log.csv", "report.html", "report.xlsx"):
        assert (tmp_path / written).stat().st_size > 0, written
    assert "<svg" in (tmp_path / "map.svg").read_text(encoding="utf-8")
