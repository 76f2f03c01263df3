"""Filter stacks and `compare --a/--b` on DuckDB and Spark equal the NumPy engine's.

Every filter kind (filter_kinds.filters_for) runs through its `to_sql()` on the SQL engine; the
filtered analyses must equal the kernels' on the same filter: counts exactly, times within 1 ms
(sqlforms_checks). DuckDB runs every kind on two sample logs and a shared log; Spark (local[2],
the session shared by the run) every kind on one sample log, so the Spark part stays short.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from filter_kinds import filters_for
from sqlforms_checks import CHECKS, SECONDS, SHARE, assert_frames

import procmine
from procmine import analysis
from procmine.errors import FilterError, ProcmineError
from procmine.filters import EventAttributeFilter, VariantsFilter
from procmine.sqlforms.log import compare_stacks
from procmine.sqlforms.selection import select

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"
KINDS = sorted(filters_for(procmine.open(SAMPLES / "byggetilladelse")))


def check_filtered(path: Path, name: str, engine: str, forms=("overview", "dfg", "variants"), found=None,
                   log=None) -> None:
    """`found` (an SqlLog on `engine`) and `log` (the kernels') may be given, opened once for many filters."""
    log = procmine.open(path) if log is None else log
    chosen = filters_for(log).get(name)
    if chosen is None:
        pytest.skip(f"{path.name} has no attribute for a {name} filter")
    expected = log.filter(chosen)
    found = procmine.open(path, engine=engine) if found is None else found
    side = found.filter(chosen)
    select(side.engine, side.selection)
    for form in forms:
        CHECKS[form](side.engine, expected)


def _spark_log(path: Path, session):
    from procmine.spark import SparkEngine
    from procmine.sqlforms.log import SqlLog, folder_meta

    return SqlLog(SparkEngine.for_dataset(path, session), folder_meta(path), path)


@pytest.mark.parametrize("sample", ["byggetilladelse", "aktindsigt"])
@pytest.mark.parametrize("name", KINDS)
def test_each_filter_kind_on_duckdb(sample, name):
    check_filtered(SAMPLES / sample, name, "duckdb")


@pytest.mark.parametrize("name", KINDS)
def test_each_filter_kind_on_a_shared_log_on_duckdb(name, imported_dataset):
    check_filtered(imported_dataset("Sepsis_Cases.xes.gz"), name, "duckdb", forms=("overview", "dfg"))


@pytest.fixture(scope="module")
def merudgifter_on_spark(spark):
    """merudgifter as one SqlLog on Spark and as the kernels' log: every filter kind stacks on the same
    engine, as the app's filtered views share theirs (each filter's selection replaces the last)."""
    path = SAMPLES / "merudgifter"
    return _spark_log(path, spark), procmine.open(path)


@pytest.mark.parametrize("name", KINDS)
def test_each_filter_kind_on_spark(name, merudgifter_on_spark):
    forms = ("overview", "dfg", "variants") if name.startswith("variants") else ("overview", "dfg")
    found, log = merudgifter_on_spark
    check_filtered(SAMPLES / "merudgifter", name, "spark", forms=forms, found=found, log=log)


def test_an_ordered_list_aggregate_is_refused_on_spark_never_answered_wrongly():
    from procmine.sqlforms.dialects import transpile

    with pytest.raises(ProcmineError, match="no Spark SQL form"):
        transpile("SELECT case_index, list(activity ORDER BY event_index) FROM events GROUP BY case_index", "spark")
    sql, _ = VariantsFilter(top=1).to_sql()
    assert "ARRAY_SORT(COLLECT_LIST(STRUCT(event_index AS i" in transpile(sql, "spark")


def stack_for(log):
    kinds = filters_for(log)
    return (kinds["timeframe_trim"], kinds["case_size"], kinds["activity_none"].model_copy(update={"invert": True}),
            kinds["variants_top"])


def test_a_stack_of_filters_and_the_later_analyses_on_duckdb():
    log = procmine.open(SAMPLES / "byggetilladelse")
    stack = stack_for(log)
    expected = log.filter(*stack)
    found = procmine.open(SAMPLES / "byggetilladelse", engine="duckdb").filter(stack[0]).filter(*stack[1:])
    assert found.filters == stack
    select(found.engine, found.selection)
    assert expected.num_cases > 0
    for form in ("overview", "throughput", "deadlines", "periods", "bottlenecks"):
        CHECKS[form](found.engine, expected)


def check_compare(found, expected) -> None:
    assert found.labels == expected.labels
    assert_frames(found.kpis, expected.kpis, exact=("metric", "kind"),
                  close={"a": SECONDS, "b": SECONDS, "difference": SECONDS, "relative_difference": 1e-9})
    for name in ("edges", "edges_by_waiting", "variants"):
        exact = ("activities",) if name == "variants" else ("source", "target")
        assert_frames(getattr(found, name), getattr(expected, name), exact=exact,
                      close={"share_a": SHARE, "share_b": SHARE, "share_difference": SHARE})


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_compare_two_filter_stacks(engine, request):
    path = SAMPLES / "aktindsigt"
    log = procmine.open(path)
    kinds = filters_for(log)
    a, b = (kinds["endpoints"],), (kinds["timeframe_trim"], kinds["case_size"])
    expected = analysis.compare(log.filter(*a), log.filter(*b), labels=("a", "b"))
    found_log = _spark_log(path, request.getfixturevalue("spark")) if engine == "spark" else \
        procmine.open(path, engine=engine)
    check_compare(compare_stacks(found_log, a, b, ("a", "b")), expected)


def test_a_view_that_a_filter_empties_gives_empty_analyses():
    log = procmine.open(SAMPLES / "genoptraening", engine="duckdb")
    empty = log.filter(VariantsFilter(top=1), VariantsFilter(top=1, invert=True))
    assert empty.overview().cases == 0 and empty.dfg().edges.empty
    assert log.overview().cases > 0       # the unfiltered log still sees every case


def test_a_filter_on_an_unknown_attribute_says_so():
    log = procmine.open(SAMPLES / "genoptraening", engine="duckdb")
    with pytest.raises(FilterError, match="event_attribute filter .* does not fit this dataset"):
        log.filter(EventAttributeFilter(attribute="no_such_column", values=("x",)))


def test_filter_values_are_bound_never_formatted_into_the_sql():
    hostile = "x'); DROP TABLE dataset_events; --"
    log = procmine.open(SAMPLES / "genoptraening", engine="duckdb")
    kept = log.filter(EventAttributeFilter(values=(hostile,)))
    assert kept.overview().cases == 0
    assert log.overview().cases > 0


def test_working_day_throughput_filters_refuse_the_sql_engines():
    from procmine.filters import ThroughputFilter

    log = procmine.open(SAMPLES / "genoptraening", engine="duckdb")
    with pytest.raises(FilterError, match="working days has no SQL form"):
        log.filter(ThroughputFilter(between=(None, 10), unit="working_days"))
