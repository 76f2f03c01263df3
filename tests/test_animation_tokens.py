"""Tokens, layout geometry, payload, GIF/WebP export and `procmine animate`, checked against independent
computations on real logs (sample logs and Sepsis from ../shared/data)."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import procmine
from procmine.analysis.animation import TokenOptions, tokens
from procmine.analysis.dfg import dfg
from procmine.render.animation_layout import map_layout, points_along
from procmine.render.animation_payload import build_animation, payload_of
from procmine.render.animation_video import VideoOptions, positions_at, video_bytes
from procmine.render.map_sliders import END, START
from procmine.workcalendar import WorkCalendar

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_logs"


def pandas_transitions(log) -> pd.DataFrame:
    """Every pair of consecutive events of a case, from the dataset's rows (case, time; ties as read)."""
    events = log.dataset.events.select(["case_id", "activity", "timestamp"]).to_pandas()
    events["us"] = events["timestamp"].astype("datetime64[us, UTC]").astype("int64")
    events = events.sort_values(["case_id", "us"], kind="stable").reset_index(drop=True)
    nxt = events.groupby("case_id", sort=False).shift(-1)
    pairs = events.assign(target=nxt["activity"], end_us=nxt["us"]).dropna(subset=["target"])
    origin = int(events["us"].min())
    pairs["start"] = (pairs["us"] - origin) // 1_000_000
    pairs["end"] = (pairs["end_us"].astype("int64") - origin) // 1_000_000
    pairs["first_us"] = events.groupby("case_id")["us"].transform("min").loc[pairs.index]
    return pairs


@pytest.fixture(scope="module", params=["aktindsigt", "byggetilladelse"])
def sample(request):
    return procmine.open(SAMPLES / request.param)


def test_tokens_are_the_event_tables_transitions(sample):
    layout = map_layout(dfg(sample))
    found = tokens(sample, layout.edges)
    pairs = pandas_transitions(sample)
    index = layout.edge_index()
    pairs["edge"] = [index.get((a, b), -1) for a, b in zip(pairs["activity"], pairs["target"])]
    expected = pairs[pairs["edge"] >= 0].groupby(["edge", "start", "end"]).size()
    ours = pd.Series(found.weight, index=pd.MultiIndex.from_arrays([found.edge, found.start, found.end],
                                                                      names=["edge", "start", "end"]))
    ours = ours.groupby(level=[0, 1, 2]).sum()
    pd.testing.assert_series_equal(ours.sort_index(), expected.sort_index(), check_names=False,
                                   check_dtype=False)
    assert found.transitions == int(expected.sum()) and found.merge_step == 0
    assert np.all(np.diff(found.start) >= 0), "tokens must be sorted by start for the browser's search"


def test_deadline_colours_follow_working_days_from_case_start(sample):
    layout = map_layout(dfg(sample))
    options = TokenOptions(colour_by="deadline", deadline_days=7, budget=10 ** 9)
    found = tokens(sample, layout.edges, options)
    pairs = pandas_transitions(sample)
    index = layout.edge_index()
    pairs["edge"] = [index.get((a, b), -1) for a, b in zip(pairs["activity"], pairs["target"])]
    pairs = pairs[pairs["edge"] >= 0]
    elapsed = WorkCalendar().business_days_between(pairs["first_us"].to_numpy(), pairs["end_us"].to_numpy()
                                                   .astype(np.int64))
    status = np.where(elapsed > 7, 2, np.where(elapsed > 5.25, 1, 0))
    expected = pd.Series(status).value_counts().sort_index()
    ours = pd.Series(found.weight).groupby(found.colour).sum()
    assert list(ours.index) == list(expected.index) and list(ours) == list(expected)
    assert len(set(found.colour.tolist())) > 1, "the sample log should have both timely and late transitions"


def test_attribute_colours_name_the_values():
    log = procmine.open(SAMPLES / "aktindsigt")
    found = tokens(log, map_layout(dfg(log)).edges, TokenOptions(colour_by="attribute", attribute="channel"))
    channels = log.cases_table().column("channel").to_pandas()
    assert set(found.categories) <= set(channels.astype(str)) | {"\x00other"}
    assert found.colour.max() < len(found.categories)


def test_tokens_beyond_the_budget_are_merged_and_say_by_how_much():
    log = procmine.open(SAMPLES / "aktindsigt")
    edges = map_layout(dfg(log)).edges
    exact = tokens(log, edges)
    merged = tokens(log, edges, TokenOptions(budget=len(exact) // 10))
    assert len(merged) <= len(exact) // 10 and merged.merge_step > 0
    assert merged.weight.sum() == exact.weight.sum() == exact.transitions
    step = merged.merge_step
    assert np.all(merged.start % step == 0) and np.all(merged.end % step == 0)


def test_layout_geometry_matches_the_drawn_svg():
    log = procmine.open(SAMPLES / "byggetilladelse")
    layout = map_layout(dfg(log))
    svg = layout.svg.decode()
    matrix = re.search(r'translate\(([-\d.]+) ([-\d.]+)\)', svg)
    dx, dy = float(matrix.group(1)), float(matrix.group(2))
    checked = 0
    for title, body in re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]+)</title>(.*?)</g>', svg, re.S):
        label_x, label_y = (float(v) for v in re.search(r'<text[^>]* x="([-\d.]+)" y="([-\d.]+)"', body).groups())
        name = {"start": START, "end": END}.get(title) or _activity(log, title)
        x, y, _w, h = layout.nodes[name]
        assert abs(label_x + dx - x) <= 1 and abs(label_y + dy - y) <= h / 2, title
        checked += 1
    assert checked == len(layout.nodes)
    for (source, target), line in zip(layout.edges, layout.polylines):
        assert _near_box(line[0], layout.nodes[source]) and _near_box(line[-1], layout.nodes[target])


def _activity(log, title: str) -> str:
    from procmine.render.map_sliders import reduce_map
    return reduce_map(dfg(log)).activities[int(title[1:])]


def _near_box(point, box, margin: float = 12.0) -> bool:
    x, y, w, h = box
    return abs(point[0] - x) <= w / 2 + margin and abs(point[1] - y) <= h / 2 + margin


def test_points_along_walks_the_polyline_by_length():
    line = np.array([[0.0, 0.0], [3.0, 0.0], [3.0, 4.0]])
    got = points_along(line, np.array([0.0, 0.5, 3 / 7, 1.0, 2.0]))
    np.testing.assert_allclose(got, [[0, 0], [3, 0.5], [3, 0], [3, 4], [3, 4]])


def test_the_payload_decodes_to_the_tokens():
    log = procmine.open(SAMPLES / "aktindsigt")
    animation = build_animation(log)
    payload = json.loads(json.dumps(payload_of(animation, "da", "x")))
    decoded = {key: np.frombuffer(base64.b64decode(payload[key]["data"]),
                                  dtype={"Uint8Array": "<u1", "Uint16Array": "<u2", "Uint32Array": "<u4",
                                         "Float32Array": "<f4", "Float64Array": "<f8"}[payload[key]["type"]])
               for key in ("edge", "start", "duration", "colour", "weight", "points", "point_offsets")}
    found = animation.tokens
    np.testing.assert_array_equal(decoded["edge"], found.edge)
    np.testing.assert_array_equal(decoded["start"], found.start)
    np.testing.assert_array_equal(decoded["duration"], found.end - found.start)
    np.testing.assert_array_equal(decoded["weight"], found.weight)
    assert decoded["point_offsets"][-1] * 2 == len(decoded["points"])
    assert "overgange" in payload["texts"]["note"] and payload["texts"]["play"] == "Afspil"


@pytest.mark.parametrize("format", ["gif", "webp"])
def test_the_export_is_an_animation_with_the_tokens_drawn(format):
    log = procmine.open(SAMPLES / "aktindsigt")
    animation = build_animation(log, png=True)
    data = video_bytes(animation.layout, animation.tokens, animation.legend, format, VideoOptions(frames=6))
    picture = Image.open(io.BytesIO(data))
    assert picture.format == format.upper() and picture.n_frames == 6
    span = int(animation.tokens.end.max())
    active, _points = positions_at(animation.layout, animation.tokens, span * 0.4)
    assert len(active) > 0
    picture.seek(0)
    empty = np.asarray(picture.convert("RGB"), dtype=np.int16)
    picture.seek(2)   # the frame at 40 % of the time line differs from the first (tokens moved)
    assert np.abs(np.asarray(picture.convert("RGB"), dtype=np.int16) - empty).sum() > 0


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "procmine", "animate", *args], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_cli_writes_a_gif(tmp_path):
    out = tmp_path / "map.gif"
    done = run_cli(str(SAMPLES / "aktindsigt"), "-o", str(out), "--frames", "5", "--colour-by", "deadline",
                   "--deadline-days", "7", "--lang", "da")
    assert done.returncode == 0, done.stderr
    assert Image.open(out).n_frames == 5


@pytest.mark.parametrize("args, message", [
    (["-o", "x.mp4"], "name the output .gif or .webp"),
    (["-o", "x.gif", "--colour-by", "attribute"], "--attribute NAME"),
    (["-o", "x.gif", "--colour-by", "rainbow"], "--colour-by is none, deadline or attribute"),
    (["-o", "x.gif", "--frames", "1"], "frames is 1"),
])
def test_cli_bad_options_exit_2_and_write_nothing(tmp_path, args, message):
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    done = run_cli(str(SAMPLES / "aktindsigt"), *args)
    assert done.returncode == 2 and message in done.stderr + done.stdout and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
