"""Discovery: IMf from variants equals pm4py's IMf on the raw log; IMd and heuristics over the DFG."""

from __future__ import annotations

from pathlib import Path

import pytest

import procmine
from procmine.analysis.dfg import dfg
from procmine.analysis.variants import variants
from procmine.discovery import (
    DiscoveryOptions,
    discover,
    discover_heuristics,
    discover_inductive,
    discover_inductive_dfg,
    reachable_nodes,
)
from procmine.errors import ModelError

pm4py = pytest.importorskip("pm4py")


def _sound(model) -> bool:
    from pm4py.algo.analysis.woflan import algorithm as woflan

    return woflan.apply(model.net, model.initial_marking, model.final_marking,
                        parameters={"print_diagnostics": False, "return_asap_when_not_sound": True})


def _tasks(model) -> set[str]:
    return {node.name for node in model.bpmn.of_kind("task")}


@pytest.mark.parametrize("name, noise", [
    ("running-example.xes", 0.0), ("running-example.xes", 0.2), ("Sepsis_Cases.xes.gz", 0.2),
    pytest.param("Sepsis_Cases.xes.gz", 0.0, marks=pytest.mark.slow),   # pm4py takes ~10 s here
])
def test_imf_from_variants_equals_pm4py_imf_on_the_raw_log(name, noise, imported_dataset, pm4py_raw_log):
    ours = discover_inductive(variants(procmine.open(imported_dataset(name))).counts(), noise)
    theirs = pm4py.discover_process_tree_inductive(pm4py_raw_log(name), noise_threshold=noise)
    assert str(ours.tree) == str(theirs)
    labels = {t.label for t in ours.net.transitions if t.label}
    assert labels == _tasks(ours) == {leaf.label for leaf in ours.tree._get_leaves() if leaf.label}


def test_imf_noise_drops_rare_behaviour(imported_dataset):
    counts = variants(procmine.open(imported_dataset("Sepsis_Cases.xes.gz"))).counts()
    exact, filtered = discover_inductive(counts, 0.0), discover_inductive(counts, 0.2)
    counts = dict(list(counts.items())[:100])
    assert str(exact.tree) != str(filtered.tree)
    from procmine.conformance import etc_precision
    precision = [etc_precision(list(counts), list(counts.values()), m.net, m.initial_marking)
                 for m in (exact, filtered)]
    assert precision[0] < precision[1]


@pytest.mark.slow
def test_imd_over_the_dfg_on_road_traffic_fines(imported_dataset):
    log = procmine.open(imported_dataset("Road_Traffic_Fine_Management_Process.xes.gz"))
    graph = dfg(log)
    model = discover_inductive_dfg(graph)
    activities = set(graph.activities["activity"])
    assert model.tree is not None and _tasks(model) == activities
    assert _sound(model)
    from procmine.conformance import PetriModel, check_variants
    counts = dict(list(variants(log).counts().items())[:20])
    result = check_variants(counts, PetriModel(model.net, model.initial_marking, model.final_marking, "imd"))
    assert result.log_alignment_fitness > 0.9   # IMd keeps every directly-follows relation


@pytest.mark.parametrize("limits", [{"max_variants": 100}, {"max_activities": 10}])
def test_many_variants_or_activities_switch_to_imd(limits, imported_dataset):
    log = procmine.open(imported_dataset("Sepsis_Cases.xes.gz"))   # 846 variants, 16 activities
    by_dfg = discover(log, DiscoveryOptions(**limits))
    assert str(by_dfg.tree) == str(discover_inductive_dfg(dfg(log)).tree)
    assert str(by_dfg.tree) != str(discover(log).tree)


def test_heuristics_on_a_structured_log_is_a_sound_net():
    """Choice and a loop, with counts big enough for the dependency threshold."""
    log = {("register", "check", "decide", "pay"): 40, ("register", "check", "decide", "reject"): 30,
           ("register", "check", "decide", "reinitiate", "check", "decide", "pay"): 12}
    model = discover_heuristics(_dfg_of(log), dependency_threshold=0.5)
    assert model.tree is None
    assert _tasks(model) == {"register", "check", "decide", "pay", "reject", "reinitiate"}
    assert _sound(model)
    from procmine.conformance import PetriModel, check_variants
    result = check_variants(log, PetriModel(model.net, model.initial_marking, model.final_marking, "h"))
    assert result.log_alignment_fitness == 1.0


@pytest.mark.parametrize("name", ["running-example.xes", "Sepsis_Cases.xes.gz", "WABO_receipt.xes.gz"])
@pytest.mark.parametrize("noise", [0.0, 0.2, 0.5])
def test_heuristics_nets_are_workflow_nets(name, noise, imported_dataset):
    """Every place and transition on a path from the source to the sink (what BPMN export needs)."""
    model = discover(procmine.open(imported_dataset(name)), DiscoveryOptions(miner="heuristics", noise=noise))
    source, sink = next(iter(model.initial_marking)), next(iter(model.final_marking))
    assert reachable_nodes(source, forward=True) == reachable_nodes(sink, forward=False) == \
        set(model.net.places) | set(model.net.transitions)
    if noise == 0.0:   # dependency threshold 1: only strict sequences, always sound
        assert _sound(model)
    starts = model.bpmn.of_kind("startEvent")
    assert len(starts) == 1 and model.bpmn.outgoing(starts[0].id)


def test_empty_logs_are_model_errors():
    with pytest.raises(ModelError, match="without cases"):
        discover_inductive({})
    with pytest.raises(ModelError, match="between 0 and 1"):
        DiscoveryOptions(noise=1.5)
    with pytest.raises(ModelError, match="Unknown miner"):
        DiscoveryOptions(miner="alpha")


def _dfg_of(log: dict):
    """The engine's Dfg of a small variant log, through a real dataset."""
    return dfg(procmine.open(_folder_of(log)))


def _folder_of(log: dict) -> Path:
    """A dataset folder with `cases` cases of each sequence, one event an hour."""
    import pandas as pd
    import pyarrow as pa

    from procmine.dataset import write_dataset
    rows, number = [], 0
    for sequence, cases in log.items():
        for _ in range(cases):
            number += 1
            rows += [{"case_id": f"c{number}", "activity": a,
                      "timestamp": pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(hours=i)}
                     for i, a in enumerate(sequence)]
    import tempfile
    folder = Path(tempfile.mkdtemp()) / "log"
    write_dataset(folder, pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False))
    return folder
