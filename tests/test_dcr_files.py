"""DCR XML export/import round trip, bad files, the picture, and the CLI faces."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from procmine.cli import app
from procmine.dcr import DcrGraph, discover_dcr, discover_dcr_from_traces
from procmine.dcr.conformance import check_dcr
from procmine.dcr.picture import PictureOptions, dcr_dot, render_dcr
from procmine.dcr.xml_io import dcr_xml, duration_days, is_dcr_xml, read_dcr_xml, write_dcr_xml
from procmine.errors import ModelError
from procmine.opening import open_log

SAMPLE = "sample_logs/byggetilladelse"


def timed_sample_graph() -> DcrGraph:
    graph = discover_dcr_from_traces(["ABD", "ACD", "ABBD"])
    graph = graph.with_roles(("Sagsbehandler", "Jurist", "", "Leder"))
    return graph.with_times({("A", "B"): 2.0}, {("A", "D"): 10.0}, "working_days")


def test_export_has_the_elements_dcrgraphs_net_reads():
    root = ET.fromstring(dcr_xml(timed_sample_graph()))
    assert root.tag == "dcrgraph"
    events = root.findall("specification/resources/events/event")
    assert len(events) == 4
    assert events[0].find("custom/roles/role").text == "Sagsbehandler"
    assert events[0].find("custom/visualization/location").get("xLoc")
    labels = {m.get("eventId"): m.get("labelId") for m in root.iter("labelMapping")}
    assert sorted(labels.values()) == ["A", "B", "C", "D"]
    condition = next(c for c in root.iter("condition") if labels[c.get("targetId")] == "B")
    assert condition.get("time") == "P2D"
    assert {e.get("id") for e in root.findall("runtime/marking/included/event")} == set(labels)
    for holder in ("conditions", "responses", "excludes", "includes", "milestones"):
        assert root.find(f"specification/constraints/{holder}") is not None


def test_import_reads_what_export_writes(tmp_path):
    graph = timed_sample_graph()
    graph.pending[3] = True
    graph.included[2] = False
    path = write_dcr_xml(graph, tmp_path / "model.xml")
    assert is_dcr_xml(path)
    assert read_dcr_xml(path).same_as(graph)


relation = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=8)


@settings(max_examples=60, deadline=None)
@given(relation, relation, relation, relation, st.lists(st.booleans(), min_size=4, max_size=4),
       st.sampled_from(["working_days", "days"]))
def test_round_trip_of_any_graph(conditions, responses, excludes, includes, included, unit):
    names = ("Høring", "Afgørelse & klage", "Mangelbrev <1>", "Svar")
    graph = DcrGraph.empty(names)
    for matrix, pairs in ((graph.conditions, conditions), (graph.responses, responses),
                          (graph.excludes, excludes), (graph.includes, includes)):
        for s, t in pairs:
            matrix[s, t] = True
    graph.included[:] = included
    delays = {(names[s], names[t]): float(s + 1) for s, t in conditions}
    graph = graph.with_times(delays, {}, unit)
    assert read_dcr_xml(dcr_xml(graph)).same_as(graph)


def test_a_portal_file_with_ids_other_than_labels_is_read_by_labels():
    portal = b"""<dcrgraph title="t"><specification><resources><events>
      <event id="Activity0"/><event id="Activity1"/></events>
      <labels><label id="Hearing"/><label id="Decision"/></labels>
      <labelMappings><labelMapping eventId="Activity0" labelId="Hearing"/>
      <labelMapping eventId="Activity1" labelId="Decision"/></labelMappings></resources>
      <constraints><conditions><condition sourceId="Activity0" targetId="Activity1" time="PT36H"/></conditions>
      </constraints></specification></dcrgraph>"""
    graph = read_dcr_xml(portal)
    assert graph.activities == ("Hearing", "Decision")
    assert graph.relation_sets()["condition"] == {("Hearing", "Decision")}
    assert graph.delays == {("Hearing", "Decision"): 1.5}
    assert graph.included.all() and graph.time_unit == "days"


@pytest.mark.parametrize("content, message", [
    (b"<dcrgraph><specification>", "not well-formed"),
    (b"<definitions/>", "not <dcrgraph>"),
    (b"<dcrgraph><specification><resources><events/></resources></specification></dcrgraph>", "no <event>"),
    ((b"<dcrgraph><specification><resources><events><event id='a'/></events></resources><constraints>"
     b"<conditions><condition sourceId='a' targetId='b'/></conditions></constraints></specification></dcrgraph>"),
     "targetId='b'"),
    ((b"<dcrgraph><specification><resources><events><event id='a'/></events></resources><constraints>"
     b"<responses><response sourceId='a' targetId='a' time='seven days'/></responses></constraints>"
     b"</specification></dcrgraph>"), "ISO 8601"),
    ((b"<dcrgraph><specification><resources><events><event id='a'/></events></resources><constraints>"
     b"<milestones><milestone sourceId='a' targetId='a'/></milestones></constraints></specification></dcrgraph>"),
     "1 milestones relation"),
    ((b"<dcrgraph><specification><resources><events><event id='g' type='nesting'><event id='a'/></event>"
     b"</events></resources></specification></dcrgraph>"), "nested events"),
])
def test_bad_dcr_xml_is_a_clear_error(content, message):
    with pytest.raises(ModelError, match=message):
        read_dcr_xml(content)


def test_durations():
    assert duration_days("P7D") == 7.0
    assert duration_days("P1DT12H") == 1.5
    with pytest.raises(ModelError):
        duration_days("P")


def test_picture_draws_boxes_with_roles_and_the_relation_glyphs():
    graph = timed_sample_graph()
    source = dcr_dot(graph)
    assert "Sagsbehandler" in source and "arrowhead=dotnormal" in source and "arrowtail=dot" in source
    assert 'headlabel="%"' in source and 'headlabel="+"' in source
    assert "≥ 2 working days" in source and "≤ 10 working days" in source
    assert "≥ 2 arbejdsdage" in dcr_dot(graph, PictureOptions(lang="da"))
    svg = render_dcr(graph, "svg").decode("utf-8")
    assert svg.count("<g id=\"node") == 4 and "Sagsbehandler" in svg
    assert render_dcr(graph, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    only = dcr_dot(graph, PictureOptions(kinds=("condition",), max_events=2))
    assert "headlabel" not in only and only.count("[label=<") == 2


def test_picture_options_are_checked():
    with pytest.raises(ModelError, match="milestone"):
        PictureOptions(kinds=("milestone",))


runner = CliRunner()


def test_cli_discovers_a_dcr_graph_and_checks_the_log_against_it(tmp_path):
    out = tmp_path / "model.xml"
    result = runner.invoke(app, ["discover", SAMPLE, "--miner", "dcr", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "DCR graph" in result.output and "working days" in result.output
    graph = read_dcr_xml(out)
    log = open_log(SAMPLE)
    assert graph.relation_sets() == discover_dcr(log).relation_sets()
    assert any(graph.roles)
    checked = runner.invoke(app, ["conformance", SAMPLE, "--model", str(out), "--format", "json"])
    assert checked.exit_code == 0, checked.output
    summary = json.loads(checked.output)
    expected = check_dcr(log, graph)
    assert summary["fitting_cases_share"] == pytest.approx(expected.fitting_cases_share)
    assert summary["broken_rules"] == len(summary["most_broken_rules"]) == len(expected.broken_rules())
    table = runner.invoke(app, ["conformance", SAMPLE, "--model", str(out)])
    assert table.exit_code == 0 and "Rules most often broken" in table.output


def test_cli_writes_the_picture_and_refuses_other_suffixes(tmp_path):
    picture = tmp_path / "model.svg"
    assert runner.invoke(app, ["discover", SAMPLE, "--miner", "dcr", "-o", str(picture)]).exit_code == 0
    assert picture.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    bad = runner.invoke(app, ["discover", SAMPLE, "--miner", "dcr", "-o", str(tmp_path / "model.bpmn")])
    assert bad.exit_code == 2 and "Name the output .xml" in bad.output
    assert not (tmp_path / "model.bpmn").exists()
    unit = runner.invoke(app, ["discover", SAMPLE, "--miner", "dcr", "-o", str(tmp_path / "m.xml"),
                               "--time-unit", "hours"])
    assert unit.exit_code == 2 and "working_days or days" in unit.output
    assert not (tmp_path / "m.xml").exists()


def test_cli_conformance_against_a_bpmn_named_xml_still_reads_bpmn(tmp_path):
    bogus = tmp_path / "model.xml"
    bogus.write_text("<definitions/>", encoding="utf-8")
    assert not is_dcr_xml(bogus)
    result = runner.invoke(app, ["conformance", SAMPLE, "--model", str(bogus)])
    assert result.exit_code == 2


def test_discovered_relations_survive_the_file(tmp_path):
    graph = discover_dcr(open_log(SAMPLE))
    back = read_dcr_xml(write_dcr_xml(graph, tmp_path / "g.xml"))
    assert back.same_as(graph)
    assert np.array_equal(back.excludes, graph.excludes)


def test_picture_keeps_within_the_relation_cap_and_draws_a_mutual_exclusion_once():
    from procmine.dcr.picture import shown_events

    graph = discover_dcr_from_traces(["AC", "BC"])      # A →% B and B →% A
    source = dcr_dot(graph, PictureOptions(kinds=("exclude",)))
    assert source.count("e0 -> e1") + source.count("e1 -> e0") == 1 and 'taillabel="%"' in source
    many = discover_dcr_from_traces([[f"x{i}", f"y{i}"] for i in range(12)])   # 24 events, many exclusions
    capped = PictureOptions(max_relations=30)
    assert dcr_dot(many, capped).count(" -> ") <= 30
    assert 1 < len(shown_events(many, capped)) < 24
    assert len(shown_events(many, PictureOptions(max_events=5, max_relations=10_000))) == 5
