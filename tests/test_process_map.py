"""Process maps: slider properties, DOT content, Danish formats, rendering without a `dot` executable."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from procmine.analysis.dfg import EDGE_COLUMNS, Dfg
from procmine.errors import ProcmineError
from procmine.formatting import format_duration, format_number
from procmine.render.map_sliders import END, START, reduce_map
from procmine.render.process_map import MapOptions, map_dot, render_map


def dfg_of(traces: list[tuple[str, ...]]) -> Dfg:
    """A Dfg (counts only, 60 s waits) of plain activity traces."""
    edges = Counter((a, b) for t in traces for a, b in itertools.pairwise(t))
    events = Counter(a for t in traces for a in t)
    rows = [{"source": a, "target": b, "count": n, "cases": n, **dict.fromkeys(EDGE_COLUMNS[4:], 60.0)}
            for (a, b), n in edges.items()]
    activities = pd.DataFrame({"activity": list(events), "events": list(events.values()),
                               "cases": list(events.values()), "mean_repeats": 1.0,
                               "service_mean_seconds": math.nan, "service_median_seconds": math.nan})
    return Dfg(pd.DataFrame(rows, columns=list(EDGE_COLUMNS)), activities,
               dict(Counter(t[0] for t in traces)), dict(Counter(t[-1] for t in traces)),
               len(traces), sum(events.values()))


traces_strategy = st.lists(st.lists(st.sampled_from("abcdefg"), min_size=1, max_size=8).map(tuple),
                           min_size=1, max_size=30)
share = st.floats(0, 1)


def _connected(reduced) -> bool:
    succ, pred = {}, {}
    for s, t in reduced.edges:
        succ.setdefault(s, set()).add(t)
        pred.setdefault(t, set()).add(s)

    def reach(graph, origin):
        seen, stack = {origin}, [origin]
        while stack:
            for other in graph.get(stack.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        return seen
    return set(reduced.activities) <= reach(succ, START) & reach(pred, END)


@settings(max_examples=40, deadline=None)
@given(traces_strategy)
def test_full_sliders_give_the_exact_dfg(traces):
    reduced = reduce_map(dfg_of(traces), 1.0, 1.0)
    expected = Counter((a, b) for t in traces for a, b in itertools.pairwise(t))
    expected.update(Counter((START, t[0]) for t in traces))
    expected.update(Counter((t[-1], END) for t in traces))
    assert reduced.edges == dict(expected)
    assert set(reduced.activities) == {a for t in traces for a in t}


@settings(max_examples=40, deadline=None)
@given(traces_strategy, share, share)
def test_every_map_is_connected_from_start_to_end(traces, activities, paths):
    reduced = reduce_map(dfg_of(traces), activities, paths)
    assert reduced.activities
    assert _connected(reduced)
    assert all(s in reduced.activities or s == START for s, _ in reduced.edges)


@settings(max_examples=40, deadline=None)
@given(traces_strategy, share, share, share)
def test_fewer_activities_or_paths_never_add_anything(traces, low, high, paths):
    low, high = sorted((low, high))
    dfg = dfg_of(traces)
    assert set(reduce_map(dfg, low, paths).activities) <= set(reduce_map(dfg, high, paths).activities)
    assert set(reduce_map(dfg, 1.0, low).edges) <= set(reduce_map(dfg, 1.0, high).edges)


def test_sliders_outside_zero_to_one_are_errors():
    with pytest.raises(ProcmineError, match="activities slider"):
        reduce_map(dfg_of([("a", "b")]), 1.5, 1.0)


def test_danish_and_english_formats():
    assert format_number(1234.5, "da", 1) == "1.234,5"
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_duration(3.2 * 86400, "da") == "3,2 d"
    assert format_duration(3.2 * 86400, "en") == "3.2 d"
    assert format_duration(4 * 3600 + 12 * 60, "da") == "4 t 12 m"
    assert format_duration(4 * 3600 + 12 * 60, "en") == "4 h 12 m"


def test_dot_has_labels_thickness_and_danish_words():
    dfg = dfg_of([("Ansøgning", "Afgørelse")] * 1234 + [("Ansøgning", "Høring", "Afgørelse")])
    dot = map_dot(dfg, MapOptions(metric="both", lang="da"))
    assert "Slut" in dot and "1.235" in dot and "1 m" in dot
    assert 'penwidth="8.00"' in dot or "penwidth=8.00" in dot


def test_maps_render_to_svg_and_png_with_no_dot_on_path(monkeypatch, tmp_path):
    import shutil
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("dot") is None
    dfg = dfg_of([("a", "b", "c"), ("a", "c")])
    svg = render_map(dfg, MapOptions(metric="performance"), "svg")
    assert b"<svg" in svg and b">a<" in svg
    assert render_map(dfg, MapOptions(), "png").startswith(b"\x89PNG")


def test_map_command_on_sepsis(imported_dataset, tmp_path):
    from procmine.cli import app
    out = tmp_path / "sepsis.svg"
    result = CliRunner().invoke(app, ["map", str(imported_dataset("Sepsis_Cases.xes.gz")), "-o", str(out),
                                      "--metric", "performance", "--activities", "0.5", "--lang", "da"])
    assert result.exit_code == 0, result.output
    assert "ER Registration" in out.read_text(encoding="utf-8")
    bad = CliRunner().invoke(app, ["map", str(imported_dataset("Sepsis_Cases.xes.gz")), "-o", str(out),
                                   "--statistic", "mode"])
    assert bad.exit_code == 2
