"""Model discovery in a child process: the same model as in-process, killed on cancel and on timeout."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from test_big_maps import _children, _state

from procmine.bounded_discovery import DiscoveryTimeoutError, discover_bounded
from procmine.discovery import DiscoveryOptions, DiscoveryPlan, discover
from procmine.errors import ModelError
from procmine.filters import CaseAttributeFilter
from procmine.opening import open_log

SAMPLE = Path(__file__).resolve().parents[1] / "sample_logs" / "byggetilladelse"


def _shape(model):
    """A model without its generated ids: nodes and flows by kind and name, the net's labels and size."""
    names = {node.id: (node.kind, node.name) for node in model.bpmn.nodes}
    return (model.miner, Counter(names.values()),
            Counter((names[flow.source], names[flow.target]) for flow in model.bpmn.flows),
            Counter(str(t.label) for t in model.net.transitions), len(model.net.places), len(model.net.arcs),
            str(model.tree), len(model.initial_marking), len(model.final_marking))


@pytest.mark.parametrize("options", [DiscoveryOptions(), DiscoveryOptions(noise=0.0),
                                     DiscoveryOptions(miner="heuristics"),
                                     DiscoveryOptions(max_activities=1)])   # the last mines the DFG (IMd)
def test_the_child_finds_the_model_discovery_finds_in_process(options):
    log = open_log(SAMPLE)
    model = discover_bounded(log, options)
    assert _shape(model) == _shape(discover(log, options))
    assert model.bpmn.of_kind("task")


def test_a_cancelled_discovery_leaves_no_child_process():
    children: list[int] = []
    before = set(_children())   # a full run has children of its own (Playwright's driver, a Spark JVM)

    def cancel(elapsed: float) -> None:   # as a Streamlit rerun does (Cancel, a changed input): raise out
        children.extend(pid for pid in _children() if pid not in before)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        discover_bounded(open_log(SAMPLE), waiting=cancel)
    assert children, "the miner ran in a child process"
    assert all(_state(pid) in ("gone", "Z") for pid in children)
    assert not [pid for pid in _children() if pid in children and _state(pid) != "Z"]


def test_a_discovery_past_its_time_limit_is_killed_and_says_what_to_do():
    before = set(_children())
    with pytest.raises(DiscoveryTimeoutError, match="fewer cases or variants"):
        discover_bounded(open_log(SAMPLE), seconds=0.3)   # the child needs longer just to import pm4py
    assert all(_state(pid) in ("gone", "Z") for pid in set(_children()) - before)


def test_a_log_without_cases_says_so_before_any_child_starts():
    log = open_log(SAMPLE).filter(CaseAttributeFilter(attribute="case_id", values=("no such case",)))
    with pytest.raises(ModelError, match="no cases"):
        discover_bounded(log)


def test_the_model_page_says_a_discovery_was_cancelled_and_starts_it_again():
    from app_testing import assert_no_exception, go, start_app

    from procmine.discovery import discovery_plan
    from procmine.ui.model_discovery import plan_key

    at = start_app(SAMPLE, "overview")
    key = plan_key(discovery_plan(open_log(SAMPLE), DiscoveryOptions(noise=0.2)))
    at.session_state[key] = True   # the run a press on Cancel causes
    go(at, "model")
    assert "discovery was cancelled" in " ".join(info.value for info in at.info)
    assert "model_download_bpmn" not in {button.key for button in at.download_button}, "no model is drawn"
    at.button(key="discovery_again").click().run()
    assert_no_exception(at)
    assert "model_download_bpmn" in {button.key for button in at.download_button}
    assert not [info for info in at.info if "cancelled" in info.value]


def test_small_plans_are_mined_in_process_and_large_ones_in_a_child():
    from procmine.bounded_discovery import IN_PROCESS_VARIANTS, mines_quickly
    from procmine.discovery import discovery_plan

    small = discovery_plan(open_log(SAMPLE), DiscoveryOptions(noise=0.2))
    assert mines_quickly(small)
    many_variants = {("a", "b", "c") + ("b",) * k: 1 for k in range(IN_PROCESS_VARIANTS + 1)}   # of 3 activities
    assert not mines_quickly(DiscoveryPlan("inductive", variants=many_variants, noise=0.2))


def test_plans_within_the_measured_limits_are_mined_in_process(imported_dataset):
    """Our IMf mines Sepsis (846 variants) and a BPIC15_1 cut of 47 activities in a fraction of a second of
    CPU (measured by bench_in_process_discovery.py, not here: timings do not belong in unit tests), so they
    no longer wait 1.8 s for a child; 121 activities still do."""
    from procmine.bounded_discovery import IN_PROCESS_ACTIVITIES, mines_quickly
    from procmine.discovery import discovery_plan, run_plan
    from procmine.filters import VariantsFilter

    sepsis = discovery_plan(open_log(imported_dataset("Sepsis_Cases.xes.gz")))
    bpic = open_log(imported_dataset("BPIC15_1.xes.gz"))
    many_activities = discovery_plan(bpic.filter(VariantsFilter(top=12)))
    assert len(sepsis.variants) > 300 and len({a for v in many_activities.variants for a in v}) > 30
    for plan in (sepsis, many_activities):
        assert mines_quickly(plan)
        assert run_plan(plan) is not None
    too_many = discovery_plan(bpic.filter(VariantsFilter(top=30)))    # 121 activities: 14 s and more
    assert len({a for v in too_many.variants for a in v}) > IN_PROCESS_ACTIVITIES and not mines_quickly(too_many)
    heuristics = discovery_plan(bpic.filter(VariantsFilter(top=12)), DiscoveryOptions(miner="heuristics"))
    assert not mines_quickly(heuristics)          # pm4py's heuristics miner: 0.9 s at 50 activities
