"""What the CLI prints for people: signed differences, percentages, durations, hints, Danish report lines."""

from __future__ import annotations

import datetime as dt
import json
import re

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from procmine.cli import app
from procmine.dataset import write_dataset

T0 = dt.datetime(2024, 3, 4, 8, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
# Channel "post": waits of 7.9 days from received to decided; "digital": 7.8 days.
CASES = [(f"p{n}", "post", 7.9) for n in range(3)] + [(f"d{n}", "digital", 7.8) for n in range(3)] + \
    [("d3", "digital", 7.8)]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("words") / "log"
    rows = [(case, "Anmodning modtaget", T0 + n * DAY) for n, (case, _, _) in enumerate(CASES)]
    rows += [(case, "Afgørelse", T0 + n * DAY + days * DAY) for n, (case, _, days) in enumerate(CASES)]
    events = pa.table({"case_id": [r[0] for r in rows], "activity": [r[1] for r in rows],
                       "timestamp": pa.array([r[2] for r in rows], pa.timestamp("us", tz="UTC"))})
    cases = pa.table({"case_id": [c[0] for c in CASES], "channel": [c[1] for c in CASES],
                      "case_type": ["aktindsigt"] * len(CASES)})
    write_dataset(folder, events, cases)
    return folder


def run(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def kpi_row(out: str, metric: str) -> list[str]:
    line = next(line for line in out.splitlines() if line.startswith(f"│ {metric} "))
    return [part.strip() for part in line.strip("│").split("│")]


def test_compare_shows_a_negative_difference_signed_not_as_instant(dataset):
    code, out, err = run("compare", dataset, "--by", "channel")
    assert code == 0, err
    assert "instant" not in out
    # A = digital (4 cases), B = post (3 cases): the median goes 7.8 d → 7.9 d, so B − A = +0.1 d
    assert kpi_row(out, "median throughput") == ["median throughput", "7.8 d", "7.9 d", "+0.1 d", "+1.3 %"]
    assert kpi_row(out, "cases") == ["cases", "4", "3", "−1", "−25.0 %"]
    # edge waits: the difference is signed, never "instant"
    assert "+2 h 24 m" in out


def test_compare_with_filters_the_other_way_round_is_minus(dataset, tmp_path):
    post, digital = tmp_path / "post.json", tmp_path / "digital.json"
    for path, value in ((post, "post"), (digital, "digital")):
        path.write_text(json.dumps([{"kind": "case_attribute", "attribute": "channel", "values": [value]}]))
    code, out, _ = run("compare", dataset, "--a", post, "--b", digital)
    assert code == 0
    assert kpi_row(out, "median throughput")[1:4] == ["7.9 d", "7.8 d", "−0.1 d"]
    assert "−2 h 24 m" in out
    assert ".00" not in out and "1e" not in out


def test_compare_kpis_are_integers_and_fractions_for_machines(dataset):
    code, out, _ = run("compare", dataset, "--by", "channel", "--format", "json")
    kpis = {row["metric"]: row for row in json.loads(out)["kpis"]}
    assert code == 0
    assert kpis["cases"]["a"] == 4 and isinstance(kpis["cases"]["a"], int) and kpis["cases"]["difference"] == -1
    assert kpis["cases"]["relative_difference"] == pytest.approx(-0.25)
    assert kpis["median_throughput_seconds"]["difference"] == pytest.approx(0.1 * 86_400)
    code, out, _ = run("compare", dataset, "--by", "channel", "--format", "csv")
    assert out.splitlines()[1].startswith("cases,count,4,3,-1,-0.25")


def test_info_table_is_formatted(dataset):
    code, out, _ = run("info", dataset)
    assert code == 0
    assert "7.8 d" in out                       # median throughput, not 673920.0 seconds
    assert "4 Mar 2024 09:00" in out             # first event, Copenhagen time
    assert "seconds" not in out and "673920" not in out


def test_info_csv_and_json_for_machines(dataset):
    code, out, err = run("info", dataset, "--format", "csv")
    assert code == 0, err
    rows = dict(line.split(",", 1) for line in out.splitlines()[1:])
    assert rows["cases"] == "7" and rows["first_timestamp"] == "2024-03-04T09:00:00+01:00"
    assert float(rows["median_throughput_seconds"]) == pytest.approx(7.8 * 86_400)
    code, out, _ = run("info", dataset, "--json")
    assert json.loads(out)["cases"] == 7 and json.loads(out)["first_timestamp"] == rows["first_timestamp"]


def test_percentages_in_tables(dataset):
    code, out, _ = run("variants", dataset)
    assert code == 0 and "100.0 %" in out
    code, out, _ = run("deadlines", dataset)
    assert code == 0 and "100.0 %" in out        # aktindsigt § 36: 10 working days, all met


def test_deadlines_without_applicable_rules_gives_a_hint(tmp_path):
    folder = tmp_path / "fines"
    events = pa.table({"case_id": ["a", "a"], "activity": ["Create Fine", "Payment"],
                       "timestamp": pa.array([T0, T0 + DAY], pa.timestamp("us", tz="UTC"))})
    write_dataset(folder, events)
    code, out, _ = run("deadlines", folder)
    assert code == 0
    assert "No deadline rule applies" in out and "--deadlines rules.yaml" in out and "┏" not in out


def test_deadlines_option_has_one_name_and_the_old_one_still_works(dataset, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: quick\n    start: Anmodning modtaget\n    end: Afgørelse\n"
                     "    within: 1\n    unit: calendar_days\n")
    new = run("deadlines", dataset, "--deadlines", rules, "--format", "json")
    old = run("deadlines", dataset, "--rules", rules, "--format", "json")
    assert new[0] == old[0] == 0 and json.loads(new[1]) == json.loads(old[1])
    assert json.loads(new[1])["rules"][0]["rule"] == "quick"
    code, out, _ = run("deadlines", "--help")
    assert "--deadlines" in out and "--rules" not in out
    code, _, err = run("deadlines", dataset, "--deadlines", rules, "--rules", rules)
    assert code == 2 and "once" in err


def test_danish_report_says_what_it_wrote_in_danish(dataset, tmp_path):
    out_file, workbook = tmp_path / "rapport.html", tmp_path / "rapport.xlsx"
    code, out, err = run("report", dataset, "-o", out_file, "--xlsx", workbook, "--lang", "da",
                         "--from", "2024-03-01", "--period", "month")
    assert code == 0, err
    said = " ".join((out + err).split())
    assert "Skrev" in said and " og " in said and "Wrote" not in said
    html = out_file.read_text(encoding="utf-8")
    # Danish decimal comma in the figures; a duration in the short units of every face ("7,8 d", not "7,8 dage")
    assert ">7,8 d<" in html and "7.8 d" not in html and not re.search(r"<td[^>]*>[^<]*\d dage<", html)


def test_english_report_says_wrote(dataset, tmp_path):
    code, out, err = run("report", dataset, "-o", tmp_path / "report.html")
    assert code == 0 and "Wrote" in " ".join((out + err).split())


def test_xlsx_counts_are_whole_differences_signed_durations_in_days(tmp_path):
    from pathlib import Path

    import openpyxl
    sample = Path(__file__).resolve().parents[1] / "sample_logs" / "aktindsigt"
    workbook_path = tmp_path / "r.xlsx"
    code, _, err = run("report", sample, "-o", tmp_path / "r.html", "--xlsx", workbook_path, "--lang", "da")
    assert code == 0, err
    workbook = openpyxl.load_workbook(workbook_path)
    kpis = {row[0].value: row for row in workbook["kpis"].iter_rows(min_row=2)}
    assert kpis["cases_started"][2].number_format == "#,##0"            # a count, not 42.00
    assert kpis["cases_started"][4].number_format.startswith("+")        # a signed difference
    assert kpis["median_days"][2].number_format == "0.0"
    assert kpis["deadline_compliance"][2].number_format == "0.0%"
    for sheet in workbook.worksheets:
        headers = [cell.value for cell in sheet[1]]
        assert not [h for h in headers if str(h).endswith("_seconds")], (sheet.title, headers)
    bottlenecks = workbook["bottlenecks"]
    assert "median_working_days" in [cell.value for cell in bottlenecks[1]]


def test_streamlit_run_from_the_repository_hides_deploy_and_developer_menu():
    import tomllib
    from pathlib import Path
    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] == "viewer"   # `procmine app` passes the same (see test_browser_danish)
