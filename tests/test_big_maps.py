"""Big maps: readable default, layout budget, bridged hidden flow (= pm4py on the projected log),
layout in a child process that is killed on time, legend, and no output into a missing folder."""

from __future__ import annotations

import os
import re
import time

import pm4py
import pytest
from test_process_map import dfg_of
from typer.testing import CliRunner

import procmine
from procmine.bpmn_model import BpmnModel, BpmnNode
from procmine.cli import app
from procmine.errors import ModelError
from procmine.render.bounded_layout import LayoutTimeoutError, draw_dot
from procmine.render.bpmn_layout import MAX_LAYOUT_NODES, layout_model
from procmine.render.map_notes import view_notes
from procmine.render.map_view import (
    DEFAULT_ACTIVITIES,
    DEFAULT_PATHS,
    MAX_ACTIVITIES,
    MAX_PATHS,
    default_shares,
    dfg_view,
    map_view,
)
from procmine.render.process_map import MapOptions, map_dot, render_dot

BPIC15 = "BPIC15_1.xes.gz"
SEPSIS = "Sepsis_Cases.xes.gz"


def _pm4py_frame(log):
    events = log.events_table().select(["case_id", "activity", "timestamp"]).to_pandas()
    frame = events.rename(columns={"case_id": "case:concept:name", "activity": "concept:name",
                                   "timestamp": "time:timestamp"})
    frame["concept:name"] = frame["concept:name"].astype(str)
    return frame


def test_hidden_activities_flow_is_bridged_as_pm4py_counts_the_projected_log(imported_dataset):
    log = procmine.open(imported_dataset(SEPSIS))
    view = map_view(log, activities=0.5, paths=1.0)
    kept = set(view.reduced.activities)
    assert view.bridged and 0 < len(kept) < view.activities_total
    frame = _pm4py_frame(log)
    projected = frame[frame["concept:name"].isin(kept)]
    expected, starts, ends = pm4py.discover_dfg(projected)
    drawn = {edge: count for edge, count in view.reduced.edges.items()
             if edge[0] in kept and edge[1] in kept}
    assert drawn == dict(expected)
    assert view.dfg.start_activities == dict(starts) and view.dfg.end_activities == dict(ends)
    assert any("bridged" in note for note in view_notes(view, "en"))


def test_a_dfg_alone_is_cut_to_the_layout_budget_and_says_so():
    names = [f"a{n:03d}" for n in range(200)]
    traces = [tuple(names[i:i + 5]) + tuple(names[j] for j in range(i % 7, 200, 37)) for i in range(196)]
    view = dfg_view(dfg_of(traces), 1.0, 1.0)
    assert len(view.reduced.activities) <= MAX_ACTIVITIES and len(view.reduced.edges) <= MAX_PATHS
    assert view.cut and not view.bridged
    assert "cannot be laid out" in " ".join(view_notes(view, "en"))
    assert "kan ikke tegnes" in " ".join(view_notes(view, "da"))


def test_a_small_map_opens_whole_without_notes():
    graph = dfg_of([("a", "b", "c"), ("a", "c")])
    view = dfg_view(graph)
    assert not view.cut and not view.hidden_paths and view_notes(view, "en") == []


def test_the_legend_explains_widths_colours_and_numbers_in_both_languages():
    graph = dfg_of([("Ansøgning", "Afgørelse")] * 5)
    english = map_dot(graph, MapOptions(metric="both", legend=True))
    danish = map_dot(graph, MapOptions(metric="performance", statistic="p90", lang="da", legend=True))
    assert "width and first number = how often" in english and "Dashed arrows" in english
    assert "P90 ventetid" in danish and "Stiplede pile" in danish
    assert "Dashed" not in map_dot(graph, MapOptions())   # the report keeps its own legend


def _slow_dot(nodes: int = 45) -> str:
    edges = " ".join(f'n{a} -> n{b} [label="{a * b}"];' for a in range(nodes) for b in range(nodes) if a != b)
    return f"digraph slow {{ {edges} }}"


def test_a_layout_past_its_time_limit_is_killed_and_says_what_to_do():
    started = time.monotonic()
    with pytest.raises(LayoutTimeoutError, match="fewer activities or paths"):
        draw_dot(_slow_dot(), "svg", seconds=1.0)
    assert time.monotonic() - started < 10


def test_whatever_stops_the_wait_kills_the_layout():
    children: list[int] = []
    before = set(_children())   # a full run has other children (a Spark JVM, a served app): not ours

    def cancel(elapsed: float) -> None:   # as a Streamlit rerun does: raise out of the wait
        children.extend(pid for pid in _children() if pid not in before)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        draw_dot(_slow_dot(), "svg", seconds=60, waiting=cancel)
    assert children, "the layout ran in a child process"
    assert all(_state(pid) in ("gone", "Z") for pid in children)


def _children() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == os.getpid()]


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_the_start_node_is_found_in_the_svg():
    from procmine.ui.picture_viewer import natural_size, start_point
    svg = render_dot(map_dot(dfg_of([("a", "b", "c")] * 3)), "svg")
    x, y = start_point(svg)
    assert 0 < x < 1 and 0 < y < 0.3   # Start is at the top of a top-to-bottom map
    assert natural_size(svg)[1] > natural_size(svg)[0]


@pytest.mark.slow
def test_bpic15_opens_on_a_readable_bridged_map_and_the_budget_holds(imported_dataset):
    log = procmine.open(imported_dataset(BPIC15))
    activities, paths = default_shares(log)
    view = map_view(log, activities, paths)
    assert 0 < len(view.reduced.activities) <= DEFAULT_ACTIVITIES
    assert len(view.reduced.edges) <= DEFAULT_PATHS and view.bridged and not view.cut
    whole = map_view(log, 1.0, 1.0)
    assert whole.cut and len(whole.reduced.activities) <= MAX_ACTIVITIES
    assert len(whole.reduced.edges) <= MAX_PATHS


@pytest.mark.slow
def test_map_command_on_bpic15_says_what_it_hid(imported_dataset, tmp_path):
    out = tmp_path / "bpic15.svg"
    result = CliRunner().invoke(app, ["map", str(imported_dataset(BPIC15)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "of 398 activities" in result.output and "bridged" in result.output
    svg = out.read_text(encoding="utf-8")
    assert 2 < svg.count('class="node"') <= DEFAULT_ACTIVITIES + 2
    assert "How often" in svg or "how often" in svg


def test_a_model_too_big_to_lay_out_is_refused_at_once_with_advice():
    # BPIC15_1's heuristics net (941 elements) was still being laid out after ten minutes
    nodes = tuple(BpmnNode(f"t{n}", "task", f"t{n}") for n in range(MAX_LAYOUT_NODES + 1))
    started = time.monotonic()
    with pytest.raises(ModelError, match="cannot be laid out.*Raise the noise threshold"):
        layout_model(BpmnModel(nodes, ()))
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("command", [
    ["map", "{data}", "-o", "{missing}/x.svg"],
    ["discover", "{data}", "-o", "{missing}/x.bpmn"],
    ["discover", "{data}", "--miner", "dcr", "-o", "{missing}/x.xml"],
    ["export", "{data}", "{missing}/x.csv"],
    ["report", "{data}", "-o", "{missing}/r.html"],
    ["report", "{data}", "-o", "{here}/r.html", "--xlsx", "{missing}/r.xlsx"],
    ["import", "{csv}", "{missing}/dataset"],
])
def test_writing_into_a_missing_folder_is_an_error_and_creates_nothing(command, imported_dataset, shared_data,
                                                                        tmp_path):
    missing = tmp_path / "no" / "such"
    values = {"data": imported_dataset("running-example.csv"), "missing": missing, "here": tmp_path,
              "csv": shared_data / "running-example.csv"}
    result = CliRunner().invoke(app, [part.format(**values) for part in command])
    assert result.exit_code == 2, result.output
    assert re.search(r"the folder \S+no/such does not exist", result.output)
    assert not (tmp_path / "no").exists() and not (tmp_path / "r.html").exists()


def test_a_drawing_that_cannot_be_laid_out_becomes_a_picture_saying_so(monkeypatch):
    from procmine.ui import map_page
    monkeypatch.setattr(map_page, "render_dot",
                        lambda source, format, prog, waiting=None: render_dot(source, format, prog, seconds=1.0))
    svg = map_page.rendered(_slow_dot(), "svg")
    assert b"<svg" in svg and b"was stopped" in svg and b"activities or paths" in svg
    assert map_page.rendered(_slow_dot(), "png").startswith(b"\x89PNG")


def test_a_chart_of_more_rows_than_altair_draws_is_thinned_evenly():
    import altair as alt
    import pandas as pd

    from procmine.ui.charts import CHART_ROWS, within_row_limit
    frame = pd.DataFrame({"rank": range(12_345), "share": [n / 12_345 for n in range(12_345)]})
    chart, total = within_row_limit(alt.Chart(frame).mark_line().encode(x="rank:Q", y="share:Q"))
    assert total == 12_345 and len(chart.data) == CHART_ROWS
    assert chart.data["rank"].iloc[0] == 0 and chart.data["rank"].iloc[-1] == 12_344
    chart.to_dict()   # Altair accepts it (no MaxRowsError)
    small = alt.Chart(frame.head(10)).mark_line()
    assert within_row_limit(small) == (small, None)


def test_a_large_dot_reaches_the_layout_whole_however_short_the_polls(monkeypatch):
    import procmine.bounded_child as bounded
    monkeypatch.setattr(bounded, "POLL_SECONDS", 0.001)   # every wait times out before the child reads
    padding = "".join(f"/* {n:07d} {'x' * 100} */\n" for n in range(20_000))   # 2.2 MB, far past a pipe's buffer
    svg = draw_dot(f"digraph big {{\n{padding} a -> b; }}", "svg", seconds=20)
    assert b"<svg" in svg and b">a<" in svg
