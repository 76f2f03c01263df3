"""The analysis commands through Typer's CliRunner: JSON shapes, CSV, tables, filters, errors."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from procmine.cli import app
from procmine.dataset import write_dataset

T0 = dt.datetime(2024, 3, 4, 8, tzinfo=dt.UTC)
ROWS = [("a", "Anmodning modtaget", 0), ("a", "Afgørelse", 2), ("b", "Anmodning modtaget", 1),
        ("b", "Journaliseret", 3), ("b", "Afgørelse", 20), ("c", "Anmodning modtaget", 2),
        ("c", "Afgørelse", 5), ("d", "Anmodning modtaget", 40), ("d", "Afgørelse", 41)]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli") / "log"
    events = pa.table({
        "case_id": [r[0] for r in ROWS], "activity": [r[1] for r in ROWS],
        "timestamp": pa.array([T0 + dt.timedelta(days=r[2]) for r in ROWS], pa.timestamp("us", tz="UTC")),
        "resource": ["r1", "r2", "r1", "r3", "r2", "r1", "r2", "r3", "r3"]})
    cases = pa.table({"case_id": ["a", "b", "c", "d"],
                      "case_type": ["aktindsigt", "aktindsigt", "aktindsigt", "aktindsigt"],
                      "channel": ["post", "digital", "digital", "post"]})
    write_dataset(folder, events, cases)
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def filter_file(tmp_path, channel: str):
    path = tmp_path / f"{channel}.json"
    path.write_text(json.dumps([{"kind": "case_attribute", "attribute": "channel", "values": [channel]}]))
    return path


def test_info_json(dataset):
    code, out, _ = run("info", dataset, "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["cases"], data["events"], data["activities"], data["variants"]) == (4, 9, 3, 2)
    # ISO 8601 in the dataset's zone (Copenhagen) with its offset: winter time, then summer time
    assert data["first_timestamp"] == "2024-03-04T09:00:00+01:00"
    assert data["last_timestamp"] == "2024-04-14T10:00:00+02:00"
    assert data["median_throughput_seconds"] == 2.5 * 86_400


def test_info_table_and_filter(dataset, tmp_path):
    code, out, _ = run("info", dataset, "--filter", filter_file(tmp_path, "post"), "--format", "json")
    assert code == 0 and json.loads(out)["cases"] == 2
    code, out, _ = run("info", dataset)
    assert code == 0 and "variants" in out and "Overview" in out


def test_variants_json_and_csv(dataset):
    code, out, _ = run("variants", dataset, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data[0]["activities"] == ["Anmodning modtaget", "Afgørelse"]
    assert (data[0]["cases"], data[0]["share"]) == (3, 0.75)
    assert data[0]["median_throughput_seconds"] == 2 * 86_400
    code, out, _ = run("variants", dataset, "--format", "csv")
    assert out.splitlines()[1].startswith("1,Anmodning modtaget → Afgørelse,3,0.75")


def test_dfg_json_shape(dataset):
    code, out, _ = run("dfg", dataset, "--format", "json")
    data = json.loads(out)
    assert code == 0
    edge = data["edges"][0]
    assert {k: edge[k] for k in ("source", "target", "count", "cases")} == \
        {"source": "Anmodning modtaget", "target": "Afgørelse", "count": 3, "cases": 3}
    assert edge["median_seconds"] == 2 * 86_400 and edge["mean_seconds"] == pytest.approx(2 * 86_400)
    assert data["start_activities"] == {"Anmodning modtaget": 4}
    assert data["end_activities"] == {"Afgørelse": 4}


def test_throughput_by_and_period(dataset):
    code, out, _ = run("throughput", dataset, "--by", "channel", "--period", "month", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("period,channel,cases")
    assert [line.split(",")[:3] for line in lines[1:]] == [["2024-03", "digital", "2"], ["2024-03", "post", "1"],
                                                           ["2024-04", "post", "1"]]
    code, out, _ = run("throughput", dataset)
    assert code == 0 and "Danish calendar" in out


def test_bottlenecks_and_deadlines(dataset, tmp_path):
    code, out, _ = run("bottlenecks", dataset, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["transitions"][0]["target"] == "Afgørelse"
    assert {r["resource"] for r in data["resources"]} == {"r1", "r2", "r3"}
    code, out, _ = run("deadlines", dataset, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["rules"][0]["cases"] == 4
    assert [b["case_id"] for b in data["breaches"]] == ["b"]
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: quick\n    start: Anmodning modtaget\n    end: Afgørelse\n"
                     "    within: 1\n    unit: calendar_days\n")
    code, out, _ = run("deadlines", dataset, "--rules", rules, "--format", "csv")
    assert code == 0 and out.splitlines()[1].startswith("quick,,")


def test_compare_by_and_by_filters(dataset, tmp_path):
    code, out, _ = run("compare", dataset, "--by", "channel", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["labels"] == ["channel=digital", "channel=post"]
    code, out, _ = run("compare", dataset, "--a", filter_file(tmp_path, "post"),
                       "--b", filter_file(tmp_path, "digital"), "--format", "json")
    kpis = {row["metric"]: row for row in json.loads(out)["kpis"]}
    assert code == 0 and kpis["cases"]["a"] == 2 and kpis["cases"]["b"] == 2
    code, out, _ = run("compare", dataset, "--by", "channel")
    assert code == 0 and "A = channel=digital, B = channel=post" in out


@pytest.mark.parametrize("args, message", [
    (["throughput", "{ds}", "--by", "colour"], "Unknown case attribute 'colour'"),
    (["variants", "{ds}", "--format", "xml"], "Unknown --format 'xml'"),
    (["compare", "{ds}"], "either --by"),
    (["deadlines", "{ds}", "--rules", "/nonexistent/rules.yaml"], "cannot read the deadline rules"),
    (["info", "/nonexistent/dataset"], "not a procmine dataset"),
])
def test_errors_are_one_line_and_exit_2(dataset, args, message):
    code, _out, err = run(*[a.format(ds=dataset) for a in args])
    assert code == 2
    assert message in err and "Traceback" not in err
