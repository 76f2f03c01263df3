"""Differential: our endpoints and top-k variants filters keep the cases pm4py's filters keep."""

from __future__ import annotations

import pytest
from filter_logs import kept_cases

import procmine
from procmine.analysis.variants import variants
from procmine.filters import EndpointsFilter, VariantsFilter


def pm4py_frame(log):
    """The log's events in dataset order with pm4py's column names (pm4py's own XES reader needs polars)."""
    frame = log.events_table().select(["case_id", "activity", "timestamp"]).to_pandas()
    frame = frame.rename(columns={"case_id": "case:concept:name", "activity": "concept:name",
                                  "timestamp": "time:timestamp"})
    frame["concept:name"] = frame["concept:name"].astype(str)
    return frame


def pm4py_cases(frame) -> list[str]:
    return sorted(frame["case:concept:name"].astype(str).unique().tolist())


@pytest.mark.parametrize("start, end", [(("register request",), ()), ((), ("pay compensation",)),
                                        (("register request",), ("reject request", "pay compensation"))])
def test_endpoints_equal_pm4py_on_the_running_example(imported_dataset, start, end):
    import pm4py

    log = procmine.open(imported_dataset("running-example.xes"))
    frame = pm4py_frame(log)
    if start:
        frame = pm4py.filter_start_activities(frame, list(start))
    if end:
        frame = pm4py.filter_end_activities(frame, list(end))
    assert kept_cases(log.filter(EndpointsFilter(start=start, end=end))) == pm4py_cases(frame)


@pytest.mark.slow
def test_variants_top_k_equals_pm4py_on_sepsis(imported_dataset):
    import pm4py

    log = procmine.open(imported_dataset("Sepsis_Cases.xes.gz"))
    frame = pm4py_frame(log)
    counts = variants(log).cases
    # pm4py breaks ties by the variant's text, we by the first case: compare where no tie straddles k.
    untied = [k for k in range(1, 40) if counts[k - 1] > counts[k]]
    assert untied
    for k in untied[:3]:
        expected = pm4py_cases(pm4py.filter_variants_top_k(frame, k))
        assert kept_cases(log.filter(VariantsFilter(top=k))) == expected
        start = pm4py.filter_start_activities(frame, ["ER Registration"])
        assert kept_cases(log.filter(EndpointsFilter(start=("ER Registration",)))) == pm4py_cases(start)
