"""The SQL forms on Spark (local[2], one session for the run) equal the NumPy kernels.

Every sample log and every shared log runs on Spark; one sample log runs all eight forms, the
others the forms that cover the rest of the SQL (ordered aggregation, per-case windows, exact
quantiles, the day table as a join), so the suite stays lean on two cores. Each log is read into
Spark and opened once for all its forms (as one SqlLog's engine answers every form in use).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from analysis_helpers import make_log
from closing_logs import FINES, RULE, closed_at_log, declared_end_log
from sqlforms_checks import CHECKS, check_deadlines

import procmine
from procmine import analysis

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Java is absent (the Spark engine needs openjdk-17-jre-headless)", allow_module_level=True)

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"
SAMPLE_FORMS = {"byggetilladelse": tuple(CHECKS), "aktindsigt": ("overview", "throughput", "deadlines"),
                "borgerhenvendelse": ("variants", "dfg"), "genoptraening": ("overview", "deadlines"),
                "merudgifter": ("dfg", "periods")}
SHARED_FORMS = {"running-example.xes": ("overview", "variants", "dfg", "bottlenecks"),
                "interval_event_log.xes": ("dfg",), "WABO_receipt.xes.gz": ("overview", "throughput"),
                "Sepsis_Cases.xes.gz": ("variants", "dfg", "periods"), "BPIC15_1.xes.gz": ("overview",),
                "Road_Traffic_Fine_Management_Process.xes.gz": ("dfg",)}


@pytest.fixture(scope="module")
def opened(spark):
    """A factory: dataset folder -> (its SparkEngine, its EventLog), made once per folder for the module."""
    from procmine.spark import SparkEngine

    cache: dict[Path, tuple] = {}

    def load(path: Path) -> tuple:
        if path not in cache:
            cache[path] = SparkEngine.for_dataset(path, spark), procmine.open(path)
        return cache[path]

    return load


@pytest.mark.parametrize("name,form", [(n, f) for n, forms in SAMPLE_FORMS.items() for f in forms])
def test_sample_log_on_spark(name, form, opened):
    CHECKS[form](*opened(SAMPLES / name))


@pytest.mark.parametrize("name,form", [(n, f) for n, forms in SHARED_FORMS.items() for f in forms])
def test_shared_log_on_spark(name, form, opened, imported_dataset):
    CHECKS[form](*opened(imported_dataset(name)))


def test_declared_end_activities_on_spark_and_duckdb(spark):
    from procmine.spark import SparkEngine
    from procmine.sqlforms import DuckDBEngine

    rows = [("a", "Start", 0), ("a", "End", 400), ("b", "Start", 50), ("b", "Work", 300),
            ("c", "Start", 10), ("c", "End", 20), ("c", "Work", 30)]
    log = make_log(rows, meta={"end_activities": ["End"]})
    for engine in (DuckDBEngine.for_log(log), SparkEngine.for_tables(log.events_table(), log.cases_table(), spark)):
        CHECKS["overview"](engine, log)
        CHECKS["periods"](engine, log)


@pytest.mark.parametrize("make", [closed_at_log, declared_end_log, lambda: make_log(FINES)],
                         ids=["closed_at", "end_activities", "unknown"])
def test_cases_closed_without_the_end_event_on_spark(make, spark):
    """A fine paid before it is sent stops its clock (closed_at, or a declared end activity) on Spark too;
    at "case end" only the closed cases end (every case where the log cannot say)."""
    from procmine.spark import SparkEngine

    log = make()
    whole = analysis.DeadlineRule(name="whole", start="Create", within=10, unit="working_days")
    check_deadlines(SparkEngine.for_tables(log.events_table(), log.cases_table(), spark), log, (RULE, whole))


@pytest.mark.parametrize("chosen", ["top", "share", "listed", "inverted"])
def test_variants_filter_on_spark_equals_numpy(chosen, spark, imported_dataset):
    """Many variants, many ties (Sepsis): the ranking, its tie-break and the listed keys as the kernels'."""
    from procmine.filters import VariantsFilter
    from procmine.spark import SparkEngine
    from procmine.sqlforms.log import SqlLog, folder_meta
    from procmine.sqlforms.selection import select

    path = imported_dataset("Sepsis_Cases.xes.gz")
    log = procmine.open(path)
    ranked = analysis.variants(log).to_pandas()["activities"]
    chosen_filter = {"top": VariantsFilter(top=7), "share": VariantsFilter(share=0.3),
                     "listed": VariantsFilter(variants=(tuple(ranked.iloc[2]), tuple(ranked.iloc[40]))),
                     "inverted": VariantsFilter(top=3, invert=True)}[chosen]
    expected = log.filter(chosen_filter)
    found = SqlLog(SparkEngine.for_dataset(path, spark), folder_meta(path), path).filter(chosen_filter)
    select(found.engine, found.selection)
    for form in ("overview", "variants"):
        CHECKS[form](found.engine, expected)


def test_two_datasets_on_one_session_answer_their_own_figures(spark):
    """Temporary views belong to the session: each engine keeps its own (under its prefix), so a second
    engine, or a filter on it, never changes what the first one answers."""
    from procmine.filters import CaseAttributeFilter
    from procmine.spark import SparkEngine
    from procmine.sqlforms.log import SqlLog, folder_meta
    from procmine.sqlforms.selection import select

    first, second = SAMPLES / "aktindsigt", SAMPLES / "byggetilladelse"
    first_engine = SparkEngine.for_dataset(first, spark)
    CHECKS["overview"](first_engine, procmine.open(first))
    by_mail = CaseAttributeFilter(attribute="channel", values=("e-mail",))
    filtered = SqlLog(SparkEngine.for_dataset(second, spark), folder_meta(second), second).filter(by_mail)
    select(filtered.engine, filtered.selection)
    CHECKS["overview"](first_engine, procmine.open(first))
    CHECKS["dfg"](first_engine, procmine.open(first))
    CHECKS["overview"](filtered.engine, procmine.open(second).filter(by_mail))
    CHECKS["overview"](first_engine, procmine.open(first))
    assert first_engine.prefix != filtered.engine.prefix
