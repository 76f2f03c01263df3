"""Every SQL form on DuckDB equals the NumPy kernels on every sample log and every shared log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlforms_checks import CHECKS, check_deadlines, check_dfg, check_overview, check_variants

import procmine
from procmine.analysis import DeadlineRule
from procmine.sqlforms import FORMS, DuckDBEngine, transpile

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"
# Case-centric samples: an object-centric one (kommune) gets its cases by flattening, which the
# SQL forms do not do (open_sql_log refuses it; see the test below).
SAMPLE_LOGS = sorted(p.name for p in SAMPLES.iterdir() if (p / "procmine.json").exists()
                     and "ocel" not in json.loads((p / "procmine.json").read_text(encoding="utf-8")))
SHARED_LOGS = ["running-example.xes", "interval_event_log.xes", "WABO_receipt.xes.gz", "Sepsis_Cases.xes.gz",
               "BPIC15_1.xes.gz", "Road_Traffic_Fine_Management_Process.xes.gz"]
LARGE = {"BPIC15_1.xes.gz", "Road_Traffic_Fine_Management_Process.xes.gz"}
# On the two large logs only the forms whose work grows with the events, not all eight (kept lean).
LARGE_FORMS = ("overview", "variants", "dfg", "throughput")


def test_every_analysis_has_a_form_and_a_check():
    assert set(FORMS) == set(CHECKS)


@pytest.mark.parametrize("name", SAMPLE_LOGS)
@pytest.mark.parametrize("form", FORMS)
def test_sample_log(name, form):
    path = SAMPLES / name
    CHECKS[form](DuckDBEngine.for_dataset(path), procmine.open(path))


@pytest.fixture(scope="module")
def shared(imported_dataset):
    cache = {}

    def load(name):
        if name not in cache:
            cache[name] = procmine.open(imported_dataset(name))
        return cache[name]
    return load


@pytest.mark.parametrize("name", SHARED_LOGS)
@pytest.mark.parametrize("form", FORMS)
def test_shared_log(name, form, shared):
    if name in LARGE and form not in LARGE_FORMS:
        pytest.skip("large log: covered by the four event-heavy forms")
    log = shared(name)
    CHECKS[form](DuckDBEngine.for_dataset(log.dataset.path), log)


def test_a_filtered_view_through_its_duckdb_connection():
    log = procmine.open(SAMPLES / "borgerhenvendelse")
    view = log.cases_where(log.arrays.case_index % 3 == 0)
    for check in (check_overview, check_variants, check_dfg):
        check(DuckDBEngine.for_log(view), view)


def test_explicit_deadline_rules_on_case_start_and_end():
    log = procmine.open(SAMPLES / "merudgifter")
    rules = (DeadlineRule(name="whole case", within=30, unit="working_days"),
             DeadlineRule(name="weeks", case_type="merudgifter", start="Ansøgning modtaget", within=4,
                          unit="weeks"))
    check_deadlines(DuckDBEngine.for_dataset(SAMPLES / "merudgifter"), log, rules)


def test_every_form_transpiles_to_spark_sql():
    from procmine.sqlforms import common, compare, deadlines, dfg, overview, periods, throughput, variants

    statements = [overview.statement("no closed_at"), variants.STATEMENT, dfg.EDGES, dfg.activities_statement(True),
                  throughput.summary_statement("case_type", "week"), deadlines.counted_statement(True),
                  deadlines.STATEMENT, common.PER_CASE,
                  compare.edges_statement("case_type"), periods.statement("unknown")]
    for sql in statements:
        spark = transpile(sql, "spark")
        assert "PERCENTILE_CONT" not in spark.upper() and "EPOCH_US" not in spark.upper()
        assert "PERCENTILE(" in spark.upper() or "UNIX_MICROS" in spark.upper()


def test_an_object_centric_dataset_is_refused_on_the_sql_engines():
    from procmine.errors import ConfigError

    with pytest.raises(ConfigError, match="object-centric"):
        procmine.open(SAMPLES / "kommune", engine="duckdb")
