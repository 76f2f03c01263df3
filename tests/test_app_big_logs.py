"""AppTest on the largest shared logs (BPIC15_1: 398 activities; Road Traffic Fines: 150,370 cases):
every page opens without a traceback or an error, the map opens readable and says what it hides,
the cases page's charts stay within Altair's row limit, the model page fits the model and measures it.

One session per log walks through every page. Their time bounds are measured by
benchmarks/bench_app.py --shared, not asserted here.
"""

from __future__ import annotations

import base64
import re

import pytest
from app_testing import assert_no_exception, go, start_app, texts

from procmine.render.map_view import DEFAULT_ACTIVITIES

pytestmark = pytest.mark.slow
PAGES = ("variants", "throughput", "bottlenecks", "compare", "data")
LOGS = {"bpic15": "BPIC15_1.xes.gz", "road_fines": "Road_Traffic_Fine_Management_Process.xes.gz"}


def _map_svg(at) -> str:
    picture = next(h.value for h in at.html if 'id="map"' in h.value)
    return base64.b64decode(re.search(r"base64,([^\"]+)", picture)[1]).decode("utf-8")


@pytest.mark.parametrize("name", sorted(LOGS))
def test_every_page_of_a_big_log(name, imported_dataset):
    at = start_app(imported_dataset(LOGS[name]), "map")
    _the_map_opens_readable_and_says_what_it_hides(at, name)
    go(at, "cases")
    _the_cases_charts_stay_within_altairs_limit(at)
    go(at, "model")
    _the_model_is_fitted_and_measured(at, name)
    for page in PAGES:
        go(at, page)
        assert not at.error, f"{name} {page}: {at.error[0].value}"
        assert not at.warning, f"{name} {page}: {at.warning[0].value}"


def _the_map_opens_readable_and_says_what_it_hides(at, name: str) -> None:
    assert not at.error
    svg = _map_svg(at)
    assert 0 < svg.count('class="node"') - 2 <= DEFAULT_ACTIVITIES   # Start and End are nodes too
    if name == "bpic15":
        shown = texts(at)
        assert "of 398 activities" in shown and "bridged" in shown and "most frequent" in shown
        at.slider(key="map_paths").set_value(0).run()   # fewer paths: drawn again, smaller
        assert_no_exception(at)
        assert len(_map_svg(at)) < len(svg)


def _the_cases_charts_stay_within_altairs_limit(at) -> None:
    assert not at.error
    assert len(at.get("vega_lite_chart")) == 2, "the case timeline and the dotted chart are drawn"
    assert "a chart draws at most 5,000 points" in texts(at)


def _the_model_is_fitted_and_measured(at, name: str) -> None:
    assert not at.error and not at.warning
    assert any('data-opening="fit"' in h.value for h in at.html)
    if name == "road_fines":   # 231 variants: fitness and precision are measured at once
        assert {"Fitness", "Precision"} <= {m.label for m in at.metric}
    else:                      # 1,170 variants: on request (alignments take about 20 s)
        assert any(b.key == "model_quality_start" for b in at.button)
        assert "Fitness" not in {m.label for m in at.metric}

