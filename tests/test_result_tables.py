"""Result tables declared once: the declarations name what the analyses give, and each face formats by kind."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import procmine
from procmine import analysis
from procmine import formatting as f
from procmine import result_tables as tables
from procmine.analysis import periods
from procmine.cli import app
from procmine.cli.output import FORMATS, RENDERERS, Part, Shown, render
from procmine.simulation import SimulationOptions, write_simulated_dataset
from procmine.table_format import for_machines, format_cell


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tables") / "log"
    write_simulated_dataset(folder, SimulationOptions("all", cases=120, seed=3))
    return folder


@pytest.fixture(scope="module")
def log(folder):
    return procmine.open(folder)


def _results(log) -> dict[tables.ResultTable, pd.DataFrame]:
    graph, waits = analysis.dfg(log), analysis.bottlenecks(log)
    report = analysis.deadlines(log)
    last = f.local_time(analysis.overview(log).last_timestamp).date()
    compared = analysis.compare_by(log, "channel")
    throughput = analysis.throughput(log, period="month")
    results = {tables.VARIANTS: analysis.variants(log).to_pandas(), tables.DFG_EDGES: graph.edges,
               tables.DFG_ACTIVITIES: graph.activities, tables.THROUGHPUT: throughput.trend,
               tables.TRANSITIONS: waits.transitions, tables.WAITS: waits.activities,
               tables.WORKLOAD: waits.resources, tables.HANDOVERS: waits.handovers,
               tables.COMPARE_EDGES: compared.edges, tables.COMPARE_VARIANTS: compared.variants,
               tables.COMPARE_KPIS: compared.kpis, tables.OVERVIEW: pd.DataFrame([analysis.overview(log).as_dict()]),
               tables.PERIOD_TREND: periods.period_trend(log, periods.trend_windows(
                   periods.period_containing(last, "month"), "month", 3)),
               tables.DEADLINE_RULES: report.rules, tables.BREACHES: report.breaches}
    assert not report.rules.empty and not report.breaches.empty
    return results


def test_every_declaration_names_the_columns_its_analysis_gives_in_order(log):
    for declared, frame in _results(log).items():
        assert [name for name, _ in declared.columns] == list(frame.columns), declared.name


def test_a_declaration_with_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kinds"):
        tables.table("x", cases="counts")


def test_a_declared_kind_wins_over_the_name_and_undeclared_columns_fall_back_to_it():
    assert tables.kind_of("limit_days", tables.DEADLINE_RULES) == "count"
    assert tables.kind_of("limit_days") == "days"
    assert format_cell("limit_days", 7.0, "en", declared=tables.DEADLINE_RULES) == "7"
    assert format_cell("limit_days", 7.0, "en") == "7.0"
    assert format_cell("channel", "post", "da", declared=tables.THROUGHPUT) == "post"


@settings(deadline=None)   # the first call reads the words catalogue
@given(st.floats(min_value=-1e8, max_value=1e8, allow_nan=False))
def test_people_formats_a_value_as_its_kind_says(value):
    for lang in ("en", "da"):
        assert f.format_value("duration", value, lang) == f.format_duration(value, lang)
        assert f.format_value("share", value, lang, signed=True) == f.format_share_difference(value, lang)
        assert f.format_value("count", value, lang) == f.format_count(value, lang)
        assert f.format_value("change", value, lang) == f.format_signed_percent(value, lang)
        shown = f.format_value("days", value, lang)
        assert shown == f.format_number(value, lang, 1)


@given(st.floats(min_value=-1e8, max_value=1e8, allow_nan=False))
def test_a_number_is_whole_or_has_two_decimals_that_are_not_both_zero(value):
    """1.004 reads "1" as 1.0 does, never "1.00": a number is whole at two decimals or shows them."""
    for lang, point in (("en", "."), ("da", ",")):
        shown = f.format_value("number", value, lang)
        assert not shown.endswith(f"{point}00")
        if point in shown:
            assert len(shown.rsplit(point, 1)[1]) == 2
        assert abs(float(shown.replace("−", "-").replace("." if lang == "da" else ",", "").replace(",", "."))
                   - value) <= 0.005 + 1e-9 * abs(value)


def _shown() -> Shown:
    frame = pd.DataFrame({"activities": [("a", "b")], "cases": [3], "median_seconds": [90_000.0],
                          "first": [pd.Timestamp("2024-03-04 08:00", tz="UTC")]})
    return Shown(("Intro line", Part(frame, "Things", tables.VARIANTS)), lambda: {"rows": 1}, frame)


def test_one_renderer_a_format(capsys):
    assert FORMATS == tuple(RENDERERS) == ("table", "csv", "json")
    render("json", _shown())
    assert json.loads(capsys.readouterr().out) == {"rows": 1}
    render("csv", _shown())
    assert capsys.readouterr().out == for_machines(_shown().csv).to_csv(index=False)
    render("table", _shown())
    out = capsys.readouterr().out
    assert out.startswith("Intro line") and "a → b" in out and "1.0 d" in out and "09:00" in out


def test_every_analysis_command_goes_through_the_registry_and_refuses_a_new_format(folder):
    for command in ("variants", "dfg", "throughput", "bottlenecks", "deadlines"):
        bad = CliRunner().invoke(app, [command, str(folder), "--format", "xlsx"])
        assert bad.exit_code == 2 and "use one of table, csv, json" in bad.output


def _names(declared: tables.ResultTable) -> list[str]:
    return [name for name, _ in declared.columns]


def test_the_reports_declarations_name_the_columns_their_analyses_give_in_order(log):
    import dataclasses
    from types import SimpleNamespace

    from procmine import benchmarking
    from procmine.analysis import journeys
    from procmine.analysis.breakdown import deadlines_by, group_summary
    from procmine.analysis.quality import data_quality
    from procmine.dcr.conformance import RULE_COLUMNS
    from procmine.prediction.drivers import COLUMNS as DRIVER_COLUMNS
    from procmine.report.risk_section import by_department

    samples = procmine.open(Path(__file__).resolve().parents[1] / "sample_logs" / "kommune")
    walks = journeys.journeys(samples)
    forecast = SimpleNamespace(cases=pd.DataFrame({"department": ["a", None], "status": ["open", "overdue"],
                                                   "risk": [0.7, 1.0]}))
    assert _names(tables.PERIOD_KPIS) == [f.name for f in dataclasses.fields(periods.PeriodKpis)][1:]
    assert _names(tables.DATA_QUALITY) == [f.name for f in dataclasses.fields(data_quality(log))]
    for declared, columns in {
            tables.COMPLIANCE: deadlines_by(log, "channel").columns, tables.GROUPS: group_summary(log, "channel").columns,
            tables.RARE_ACTIVITIES: data_quality(log).rare_activities.columns,
            tables.JOURNEY_VARIANTS: walks.variants.columns, tables.JOURNEY_CONTINUITY: walks.continuity.columns,
            tables.CASEWORKER_HANDOVERS: walks.caseworker_handovers.columns, tables.DCR_RULES: RULE_COLUMNS,
            tables.RISK_DEPARTMENTS: by_department(forecast).columns, tables.DRIVERS: DRIVER_COLUMNS,
            tables.BENCHMARK_KPIS: benchmarking.KPI_COLUMNS, tables.BENCHMARK_THROUGHPUT: benchmarking.THROUGHPUT_COLUMNS,
            tables.BENCHMARK_DEADLINES: benchmarking.DEADLINE_COLUMNS}.items():
        assert _names(declared) == list(columns), declared.name
