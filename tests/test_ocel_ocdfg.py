"""The OC-DFG equals pm4py's discover_ocdfg on the same logs (edges, activities, endpoints, waiting)."""

from __future__ import annotations

import statistics
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from ocel_logs import EXAMPLE_JSON, random_logs, read_with_pm4py, written

from procmine.analysis.ocdfg import ocdfg
from procmine.ocel import read_ocel


def _pm4py(path: Path) -> dict:
    import pm4py
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pm4py.discover_ocdfg(read_with_pm4py(path))


def _theirs(graph: dict) -> dict:
    edges = {(ot, a, b): (len(couples), len(graph["edges"]["unique_objects"][ot][(a, b)]),
                          len(graph["edges"]["total_objects"][ot][(a, b)]),
                          statistics.median(graph["edges_performance"]["total_objects"][ot][(a, b)]))
             for ot, per_edge in graph["edges"]["event_couples"].items() for (a, b), couples in per_edge.items()}
    activities = {(ot, a): (len(events), len(graph["activities_ot"]["unique_objects"][ot][a]),
                            len(graph["activities_ot"]["total_objects"][ot][a]))
                  for ot, per in graph["activities_ot"]["events"].items() for a, events in per.items()}
    starts = {(ot, a): len(objs) for ot, per in graph["start_activities"]["unique_objects"].items()
              for a, objs in per.items()}
    ends = {(ot, a): len(objs) for ot, per in graph["end_activities"]["unique_objects"].items()
            for a, objs in per.items()}
    return {"edges": edges, "activities": activities, "starts": starts, "ends": ends}


def _ours(log) -> dict:
    graph = ocdfg(log)
    return {"edges": {(r.object_type, r.source, r.target): (r.event_couples, r.unique_objects, r.total_objects,
                                                            r.median_seconds)
                      for r in graph.edges.itertuples()},
            "activities": {(r.object_type, r.activity): (r.events, r.unique_objects, r.total_objects)
                           for r in graph.activities.itertuples()},
            "starts": {(r.object_type, r.activity): r.objects for r in graph.start_activities.itertuples()},
            "ends": {(r.object_type, r.activity): r.objects for r in graph.end_activities.itertuples()}}


def test_the_example_ocdfg_equals_pm4py():
    assert _ours(read_ocel(EXAMPLE_JSON)) == _theirs(_pm4py(EXAMPLE_JSON))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=random_logs())
def test_random_ocdfgs_equal_pm4py(log):
    if not log.event_objects.num_rows:
        return      # pm4py cannot discover a graph without relations
    with written(log, "log.jsonocel") as path:
        assert _ours(log) == _theirs(_pm4py(path))


def test_edge_totals_are_transitions_per_object():
    graph = ocdfg(read_ocel(EXAMPLE_JSON))
    activities = graph.activities.groupby("object_type")["total_objects"].sum()
    starts = graph.start_activities.groupby("object_type")["objects"].sum()
    edges = graph.edges.groupby("object_type")["total_objects"].sum().reindex(activities.index, fill_value=0)
    assert (edges == activities - starts).all()     # every object's events minus its first one
