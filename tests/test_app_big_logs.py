"""AppTest on the largest shared logs (BPIC15_1: 398 activities; Road Traffic Fines: 150,370 cases):
every page opens without a traceback or an error, the map opens readable and says what it hides.

Their time bounds are measured by benchmarks/bench_app.py --shared, not asserted here.
"""

from __future__ import annotations

import base64
import re

import pytest
from app_testing import assert_no_exception, go, start_app, texts

from procmine.render.map_view import DEFAULT_ACTIVITIES

pytestmark = pytest.mark.slow
PAGES = ("map", "cases", "model", "variants", "throughput", "bottlenecks", "compare", "data")
LOGS = {"bpic15": "BPIC15_1.xes.gz", "road_fines": "Road_Traffic_Fine_Management_Process.xes.gz"}


@pytest.fixture(scope="module", params=sorted(LOGS))
def big(request, imported_dataset):
    return request.param, imported_dataset(LOGS[request.param])


def _map_svg(at) -> str:
    picture = next(h.value for h in at.html if 'id="map"' in h.value)
    return base64.b64decode(re.search(r"base64,([^\"]+)", picture)[1]).decode("utf-8")


def test_every_page_opens_without_a_traceback_or_an_error(big):
    name, path = big
    at = start_app(path, "overview")
    for page in PAGES:
        go(at, page)
        assert not at.error, f"{name} {page}: {at.error[0].value}"
        assert not at.warning or page == "model", f"{name} {page}: {at.warning[0].value}"


def test_the_map_opens_readable_and_says_what_it_hides(big):
    name, path = big
    at = start_app(path, "map")
    svg = _map_svg(at)
    activities = svg.count('class="node"') - 2
    assert 0 < activities <= DEFAULT_ACTIVITIES
    if name == "bpic15":
        shown = texts(at)
        assert "of 398 activities" in shown and "bridged" in shown and "most frequent" in shown
        at.slider(key="map_paths").set_value(0).run()   # fewer paths: drawn again, smaller
        assert_no_exception(at)
        assert len(_map_svg(at)) < len(svg)


def test_the_cases_page_charts_stay_within_altairs_limit(big):
    _, path = big
    at = start_app(path, "cases")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2, "the case timeline and the dotted chart are drawn"
    shown = texts(at)
    assert "a chart draws at most 5,000 points" in shown


def test_the_model_page_draws_the_whole_model_and_its_fitness(big):
    name, path = big
    at = start_app(path, "model")
    if name == "road_fines":   # 231 variants: fitness and precision are measured at once
        assert {"Fitness", "Precision"} <= {m.label for m in at.metric}
        assert any('data-opening="fit"' in h.value for h in at.html)
    else:                      # 1,170 variants: on request (alignments take about 20 s)
        assert any(b.key == "model_quality_start" for b in at.button)
        assert not at.metric
