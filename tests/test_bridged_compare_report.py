"""The compare page's and the report's maps bridge hidden activities' flow (as the process map page does),
and say so: their arrows count what pm4py's DFG counts on the log without the hidden activities' events."""

from __future__ import annotations

import base64

import pm4py
import pytest
from app_testing import assert_no_exception, start_app
from test_big_maps import _pm4py_frame

from procmine.filters import CaseAttributeFilter, VariantsFilter
from procmine.opening import open_log
from procmine.render.map_view import map_view
from procmine.ui.compare_page import compare_map_dot
from procmine.ui.map_page import rendered

LOG = "WABO_receipt.xes.gz"
STACK = [VariantsFilter(top=30)]


@pytest.fixture(scope="module")
def wabo(imported_dataset):
    return imported_dataset(LOG)


def _pm4py_projected_dfg(log, kept: set[str]):
    frame = _pm4py_frame(log)
    graph, starts, ends = pm4py.discover_dfg(frame[frame["concept:name"].isin(kept)])
    return dict(graph), dict(starts), dict(ends)


def test_the_compare_maps_bridge_hidden_activities_as_pm4py_counts_the_projected_log(wabo):
    at = start_app(wabo, "compare", filters=STACK)
    at.selectbox(key="compare_attribute").set_value("department").run()
    at.slider(key="compare_activities").set_value(50).run()
    at.slider(key="compare_paths").set_value(100).run()
    assert_no_exception(at)
    first, second = at.selectbox(key="compare_value_a_department").options[:2]
    pictures = [h.value for h in at.html if "data:image/svg+xml" in h.value]
    assert len(pictures) == 2
    log = open_log(wabo)
    for value, picture in zip((first, second), pictures):
        group = log.filter(*STACK, CaseAttributeFilter(attribute="department", values=(value,)))
        view = map_view(group, activities=0.5, paths=1.0)
        kept = set(view.reduced.activities)
        assert view.bridged and 0 < len(kept) < view.activities_total
        expected, starts, ends = _pm4py_projected_dfg(group, kept)
        drawn = {edge: count for edge, count in view.reduced.edges.items()
                 if edge[0] in kept and edge[1] in kept}
        assert drawn == expected
        assert view.dfg.start_activities == starts and view.dfg.end_activities == ends
        drawn_svg = rendered(compare_map_dot(view, "en"), "svg")   # the page draws exactly this view
        assert base64.b64encode(drawn_svg).decode("ascii") in picture
    notes = " ".join(caption.value for caption in at.caption)
    assert notes.count("bridged") == 2


@pytest.mark.parametrize("lang, word", [("en", "bridged"), ("da", "slået sammen")])
def test_the_report_map_bridges_hidden_activities_and_says_so(wabo, lang, word):
    from procmine.analysis import periods
    from procmine.render.process_map import MapOptions, render_map
    from procmine.report import ReportSettings, build_report, render_html
    from procmine.report.builder import inline_svg

    log = open_log(wabo)
    settings = ReportSettings(lang=lang, period="year", map_activities=0.5, map_paths=1.0)
    data = build_report(log, settings, "wabo")
    window = periods.report_window(log, settings.period, None, None, settings.timezone)
    closed = periods.closed_in(log, window, settings.timezone)
    view = map_view(closed, activities=0.5, paths=1.0)
    kept = set(view.reduced.activities)
    assert view.bridged and 0 < len(kept) < view.activities_total
    expected, _starts, _ends = _pm4py_projected_dfg(closed, kept)
    assert {edge: count for edge, count in view.reduced.edges.items()
            if edge[0] in kept and edge[1] in kept} == expected
    options = MapOptions(metric="both", statistic="median", activities=0.5, paths=1.0, lang=lang)
    assert data.process_map.svg == inline_svg(render_map(view, options, "svg").decode("utf-8"))
    assert any(word in note for note in data.process_map.notes)
    page = render_html(data)
    assert all(note in page for note in data.process_map.notes)
