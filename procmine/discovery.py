"""Model discovery from the engine's abstractions (variants, DFG): our inductive miner, pm4py's heuristics.

Inductive miner (procmine.inductive, the same trees as pm4py's): IMf over the variants,
or IMd over the DFG when a log has more variants than `max_variants` or more activities
than `max_activities`. Heuristics miner: pm4py's, over the DFG. Every result comes as
Petri net and BPMN (and process tree for IM), converted by pm4py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from procmine.analysis.dfg import Dfg
from procmine.bpmn_model import BpmnModel, from_pm4py
from procmine.errors import ModelError

Miner = Literal["inductive", "heuristics"]


@dataclass(frozen=True)
class DiscoveryOptions:
    """Which miner, its noise threshold (0..1), and when IM switches from variants to the DFG."""

    miner: Miner = "inductive"
    noise: float = 0.2
    max_variants: int = 20_000
    # IMf falls through activity by activity, recomputing a DFG each time: on BPIC15_1's 398
    # activities pm4py's runs for over 15 minutes and ours (the same algorithm) for minutes too;
    # IMd over the DFG takes seconds (measured; benchmarks/RESULTS.md).
    max_activities: int = 150

    def __post_init__(self):
        if self.miner not in ("inductive", "heuristics"):
            raise ModelError(f"Unknown miner {self.miner!r}; use inductive or heuristics (--miner).")
        if not 0.0 <= self.noise <= 1.0:
            raise ModelError(f"The noise threshold is {self.noise!r}; give a share between 0 and 1 "
                             "(e.g. --noise 0.2).")


@dataclass(frozen=True)
class DiscoveredModel:
    """A discovered model as process tree (inductive only), accepting Petri net and BPMN."""

    miner: str
    tree: Any
    net: Any
    initial_marking: Any
    final_marking: Any
    bpmn: BpmnModel


def discover_inductive(variants: Mapping[tuple[str, ...], int], noise: float = 0.2) -> DiscoveredModel:
    """IMf (noise threshold `noise`) over variants: activity tuple -> number of cases (or CodedVariants)."""
    from procmine.inductive import mine_variants

    return _from_tree(mine_variants(variants, noise), "inductive")


def discover_inductive_dfg(dfg: Dfg) -> DiscoveredModel:
    """IMd over the DFG: for logs with too many variants to mine them one by one."""
    from procmine.inductive import mine_dfg_counts

    _require_cases(dfg)
    edges = {(str(s), str(t)): int(n) for s, t, n in zip(dfg.edges["source"], dfg.edges["target"],
                                                       dfg.edges["count"])}
    tree = mine_dfg_counts(edges, {str(a): int(n) for a, n in dfg.start_activities.items()},
                           {str(a): int(n) for a, n in dfg.end_activities.items()})
    return _from_tree(tree, "inductive")


def discover_heuristics(dfg: Dfg, dependency_threshold: float = 0.5) -> DiscoveredModel:
    """Heuristics miner over the DFG (dependency threshold 0..1)."""
    from pm4py.algo.discovery.heuristics.variants import classic
    from pm4py.objects.conversion.wf_net.variants import to_bpmn

    _require_cases(dfg)
    graph = {(str(s), str(t)): int(n) for s, t, n in zip(dfg.edges["source"], dfg.edges["target"],
                                                            dfg.edges["count"])}
    occurrences = {str(a): int(n) for a, n in zip(dfg.activities["activity"], dfg.activities["events"])}
    net, im, fm = classic.apply_dfg(
        graph, activities=list(occurrences), activities_occurrences=occurrences,
        start_activities=dict(dfg.start_activities), end_activities=dict(dfg.end_activities),
        parameters={"dependency_thresh": dependency_threshold})
    _connect_to_source_and_sink(net, im, fm)
    bpmn = from_pm4py(to_bpmn.apply(net, im, fm))
    return DiscoveredModel("heuristics", None, net, im, fm, bpmn)


def _connect_to_source_and_sink(net, initial_marking, final_marking) -> None:
    """Make a heuristics net a workflow net, in place: every node on a path from source to sink.

    pm4py's heuristics net connects the source only to start activities that survive the
    dependency threshold, and leaves places after the last kept activity hanging. So a
    transition without input places starts from the source, a place (or transition) with
    nothing after it ends in the sink, and a part that still cannot be reached (a loop
    without entry) or cannot end (a loop without exit) gets a silent step from the source
    or to the sink. The BPMN then has a connected start and end event.
    """
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to, remove_place

    source, sink = next(iter(initial_marking)), next(iter(final_marking))
    for transition in sorted(net.transitions, key=lambda t: str(t.name)):
        if not transition.in_arcs:
            add_arc_from_to(source, transition, net)
        if not transition.out_arcs:
            add_arc_from_to(transition, sink, net)
    for place in sorted(net.places, key=lambda p: str(p.name)):
        if place is not sink and not place.out_arcs and place.in_arcs:
            for arc in list(place.in_arcs):
                add_arc_from_to(arc.source, sink, net)
            remove_place(net, place)
    for place in [p for p in net.places if not p.in_arcs and not p.out_arcs and p not in (source, sink)]:
        remove_place(net, place)
    _bridge(net, source, forward=True)
    _bridge(net, sink, forward=False)


def _bridge(net, end, forward: bool) -> None:
    """Silent steps from the source to (or to the sink from) places it cannot reach otherwise."""
    from pm4py.objects.petri_net.obj import PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    while True:
        reached = reachable_nodes(end, forward)
        missing = sorted((p for p in net.places if p not in reached), key=lambda p: str(p.name))
        if not missing:
            return
        step = PetriNet.Transition(f"{'enter' if forward else 'leave'}_{missing[0].name}", None)
        net.transitions.add(step)
        add_arc_from_to(end if forward else missing[0], step, net)
        add_arc_from_to(step, missing[0] if forward else end, net)


def reachable_nodes(origin, forward: bool = True) -> set:
    """Places and transitions reachable from `origin` along arcs (against them when not forward)."""
    seen, stack = {origin}, [origin]
    while stack:
        node = stack.pop()
        for arc in (node.out_arcs if forward else node.in_arcs):
            other = arc.target if forward else arc.source
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


@dataclass(frozen=True)
class DiscoveryPlan:
    """What a miner runs over, computed by the engine: the variants (IMf) or the DFG (IMd, heuristics).

    Small and picklable, so that the mining itself can run in a child process
    (procmine.bounded_discovery) with nothing but this plan.
    """

    miner: Literal["inductive", "inductive_dfg", "heuristics"]
    variants: Mapping[tuple[str, ...], int] | None = None
    dfg: Dfg | None = None
    noise: float = 0.2


def discovery_plan(log, options: DiscoveryOptions = DiscoveryOptions()) -> DiscoveryPlan:
    """The engine's part of a discovery of an EventLog (filtered or not) with the options' miner."""
    from procmine.analysis.dfg import dfg as compute_dfg
    from procmine.analysis.variants import variants as compute_variants
    from procmine.inductive import coded_variants

    if log.num_cases == 0:
        raise ModelError("The (filtered) log has no cases, so there is nothing to discover. "
                         "Loosen the filter.")
    if options.miner == "heuristics":
        return DiscoveryPlan("heuristics", dfg=compute_dfg(log, ("count",)), noise=options.noise)
    found = compute_variants(log)
    variants = coded_variants(found.codes, found.offsets, found.cases, found.activity_names)
    if len(variants) > options.max_variants or variants.activity_count() > options.max_activities:
        return DiscoveryPlan("inductive_dfg", dfg=compute_dfg(log, ("count",)), noise=options.noise)
    return DiscoveryPlan("inductive", variants=variants, noise=options.noise)


def run_plan(plan: DiscoveryPlan) -> DiscoveredModel:
    """The miner over a plan (the slow part of a discovery)."""
    if plan.miner in ("heuristics", "inductive_dfg"):
        if plan.dfg is None:  # plan_discovery gives these miners a DFG
            raise ModelError(f"The {plan.miner} plan carries no DFG.")
        if plan.miner == "heuristics":
            return discover_heuristics(plan.dfg, dependency_threshold=1.0 - plan.noise)
        return discover_inductive_dfg(plan.dfg)
    if plan.variants is None:  # plan_discovery gives the inductive miner the variants
        raise ModelError("The inductive plan carries no variants.")
    return discover_inductive(plan.variants, plan.noise)


def discover(log, options: DiscoveryOptions = DiscoveryOptions()) -> DiscoveredModel:
    """Discover a model of an EventLog (filtered or not) with the options' miner."""
    return run_plan(discovery_plan(log, options))


def _from_tree(tree, miner: str) -> DiscoveredModel:
    from pm4py.objects.conversion.process_tree.variants import to_bpmn, to_petri_net
    from pm4py.objects.process_tree.utils import generic

    tree = generic.fold(tree)
    generic.tree_sort(tree)
    net, im, fm = to_petri_net.apply(tree)
    return DiscoveredModel(miner, tree, net, im, fm, from_pm4py(to_bpmn.apply(tree)))


def _require_cases(dfg: Dfg) -> None:
    if dfg.num_cases == 0:
        raise ModelError("Cannot discover a model from a log without cases. "
                         "Loosen the filter or choose a dataset with events.")
