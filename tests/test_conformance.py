"""Conformance: per-variant replay against BPMN/PNML, precision and fitness equal pm4py's, bad inputs, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import procmine
from procmine.analysis.variants import variants
from procmine.bpmn_model import to_petri_net
from procmine.cli import app
from procmine.conformance import PetriModel, check_conformance, check_variants, etc_precision, read_model
from procmine.discovery import DiscoveryOptions, discover, discover_inductive
from procmine.errors import ModelError
from procmine.render.bpmn_export import write_bpmn

RUNNING = "running-example.xes"


def _model(log, kind: str):
    """A model of the log: IMf at a noise threshold, heuristics, or IMf of the 5 top variants only."""
    if kind == "top5":
        return discover_inductive(dict(list(variants(log).counts().items())[:5]), noise=0.0)
    if kind == "heuristics":
        return discover(log, DiscoveryOptions(miner="heuristics", noise=0.2))
    return discover(log, DiscoveryOptions(noise=float(kind)))


@pytest.mark.parametrize("name, kind", [
    (RUNNING, "0.0"), (RUNNING, "0.2"), (RUNNING, "heuristics"), (RUNNING, "top5"),
    ("WABO_receipt.xes.gz", "0.2"),
    pytest.param("WABO_receipt.xes.gz", "top5", marks=pytest.mark.slow),
    pytest.param("WABO_receipt.xes.gz", "heuristics", marks=pytest.mark.slow),
    pytest.param("WABO_receipt.xes.gz", "0.0", marks=pytest.mark.slow),
    pytest.param("Sepsis_Cases.xes.gz", "0.2", marks=pytest.mark.slow),
    pytest.param("Sepsis_Cases.xes.gz", "top5", marks=pytest.mark.slow),
])
def test_precision_equals_pm4py_on_the_raw_log(name, kind, imported_dataset, pm4py_raw_log):
    import pm4py

    log = procmine.open(imported_dataset(name))
    model = _model(log, kind)
    counts = variants(log).counts()
    ours = etc_precision(list(counts), list(counts.values()), model.net, model.initial_marking)
    theirs = pm4py.precision_token_based_replay(pm4py_raw_log(name), model.net, model.initial_marking,
                                                model.final_marking)
    assert ours == pytest.approx(theirs, abs=1e-9)
    assert 0 < ours < 1


def test_precision_weights_prefixes_by_cases():
    model = discover_inductive({("a", "b"): 1, ("a", "c"): 1, ("a", "d"): 1}, noise=0.0)
    net, im = model.net, model.initial_marking
    # after "a" the model enables b, c and d: one case going on with b leaves c and d escaping
    assert etc_precision([("a", "b")], [1], net, im) == pytest.approx(1 - 2 / 4)
    assert etc_precision([("a", "b"), ("a", "c")], [3, 1], net, im) == pytest.approx(1 - 4 / 16)
    assert etc_precision([("a", "b"), ("a", "c"), ("a", "d")], [1, 1, 1], net, im) == 1.0
    # pm4py skips an activity the model lacks ("x"); a prefix it cannot replay ("b") counts for nothing
    odd = [("x", "a", "b"), ("b", "a")]
    assert etc_precision(odd, [1, 1], net, im) == pytest.approx(1 - 4 / 6)
    from pm4py.algo.evaluation.precision.variants import etconformance_token

    from procmine.conformance.checking import _pm4py_log
    assert etconformance_token.apply(_pm4py_log(odd), net, im, model.final_marking,
                                     parameters={"show_progress_bar": False}) == pytest.approx(1 - 4 / 6)


def test_alignment_fitness_per_variant_equals_pm4py_a_star(imported_dataset):
    from pm4py.algo.conformance.alignments.petri_net import algorithm as alignments

    from procmine.conformance.checking import _pm4py_log
    log = procmine.open(imported_dataset("Sepsis_Cases.xes.gz"))
    counts = dict(list(variants(log).counts().items())[:60])
    model = discover(log)
    result = check_variants(counts, PetriModel(model.net, model.initial_marking, model.final_marking, "net"))
    expected = alignments.apply_log(_pm4py_log(list(counts)), model.net, model.initial_marking,
                                    model.final_marking, parameters={"show_progress_bar": False})
    assert list(result.alignment_fitness) == pytest.approx([a["fitness"] for a in expected], abs=1e-12)
    assert min(result.alignment_fitness) < 1.0


def test_round_trip_through_bpmn_keeps_the_fitness(imported_dataset, tmp_path):
    log = procmine.open(imported_dataset("Sepsis_Cases.xes.gz"))
    from procmine.analysis.variants import variants
    counts = dict(list(variants(log).counts().items())[:60])
    model = discover(log)
    original = check_variants(counts, PetriModel(model.net, model.initial_marking, model.final_marking, "net"))
    path = write_bpmn(model.bpmn, tmp_path / "sepsis.bpmn")
    read_back = procmine.read_bpmn(path)
    assert read_back.activity_names == model.bpmn.activity_names
    again = check_variants(counts, PetriModel(*to_petri_net(read_back), str(path)))
    assert again.log_alignment_fitness == pytest.approx(original.log_alignment_fitness, abs=1e-9)
    assert list(again.alignment_fitness) == pytest.approx(list(original.alignment_fitness))
    assert original.log_alignment_fitness < 1.0


def test_weights_count_cases_and_deviations_name_activities():
    model = discover_inductive({("a", "b", "c"): 10, ("a", "c", "b"): 5}, noise=0.0)
    petri = PetriModel(model.net, model.initial_marking, model.final_marking, "net")
    result = check_variants({("a", "b", "c"): 9, ("a", "c"): 1, ("a", "x", "b", "c"): 2}, petri)
    assert list(result.cases) == [9, 1, 2]
    assert result.alignment_fitness[0] == 1.0
    assert result.skipped[1] == ("b",)
    assert result.inserted[2] == ("x",)
    fitness_once = check_variants({("a", "b", "c"): 1, ("a", "c"): 1}, petri).log_alignment_fitness
    fitness_weighted = check_variants({("a", "b", "c"): 9, ("a", "c"): 1}, petri).log_alignment_fitness
    assert fitness_weighted > fitness_once
    assert 0 < result.precision <= 1


def test_conformance_of_a_log_against_its_own_model_is_perfect(imported_dataset, tmp_path):
    log = procmine.open(imported_dataset(RUNNING))
    path = write_bpmn(discover(log).bpmn, tmp_path / "model.bpmn")
    result = check_conformance(log, read_model(path))
    assert result.alignment_fitness == 1.0 and result.token_fitness == 1.0
    assert len(result.cases) == log.num_cases and result.deviating_cases().empty


def test_bad_models_are_model_errors(imported_dataset, tmp_path):
    log = procmine.open(imported_dataset(RUNNING))
    (tmp_path / "not.bpmn").write_text("<html><body>hello</body></html>", encoding="utf-8")
    with pytest.raises(ModelError, match="not a BPMN 2.0 model"):
        read_model(tmp_path / "not.bpmn")
    other = discover_inductive({("x", "y"): 3})
    path = write_bpmn(other.bpmn, tmp_path / "other.bpmn")
    with pytest.raises(ModelError, match="None of the model's activities"):
        check_conformance(log, read_model(path))
    with pytest.raises(ModelError, match="unknown suffix"):
        read_model(tmp_path / "model.txt")


def test_conformance_command_json_and_errors(imported_dataset, tmp_path):
    dataset = str(imported_dataset(RUNNING))
    model = tmp_path / "model.pnml"
    made = CliRunner().invoke(app, ["discover", dataset, "-o", str(model), "--noise", "0.5"])
    assert made.exit_code == 0, made.output
    result = CliRunner().invoke(app, ["conformance", dataset, "--model", str(model), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)   # pure JSON: nothing (no pm4py banner) before or after it
    assert report["cases"] == 6 and 0 < report["alignment_fitness"] <= 1
    assert set(report) >= {"token_fitness", "precision", "deviating_cases"}
    (tmp_path / "x.bpmn").write_text("<a/>", encoding="utf-8")
    failed = CliRunner().invoke(app, ["conformance", dataset, "--model", str(tmp_path / "x.bpmn")])
    assert failed.exit_code == 2 and "not a BPMN 2.0 model" in failed.output


@pytest.mark.slow
def test_json_on_stdout_of_a_fresh_process(imported_dataset, tmp_path):
    """The real entry point, in a new interpreter where pm4py is first imported: stdout is JSON only."""
    import subprocess
    import sys
    dataset = str(imported_dataset(RUNNING))
    model = tmp_path / "model.bpmn"
    write_bpmn(discover(procmine.open(dataset)).bpmn, model)
    entry_point = Path(sys.executable).parent / "procmine"
    done = subprocess.run([str(entry_point), "conformance", dataset, "--model", str(model), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["alignment_fitness"] == 1.0


@pytest.mark.parametrize("content, message", [
    (('<?xml version="1.0"?><pnml><net id="n" type="http://www.pnml.org/version-2009/grammar/ptnet">'
     '<page id="p"><place id="p1"><initialMarking><text>1</text>'), "not a readable PNML"),
    ("this is not xml", "not a readable PNML"),
    ('<?xml version="1.0"?><html><body>hello</body></html>', "no initial marking"),
    (('<?xml version="1.0"?><pnml><net id="n"><page id="p"><place id="p1"><initialMarking>'
     '<text>many</text></initialMarking></place></page></net></pnml>'), "not a readable PNML"),
])
def test_broken_pnml_files_are_model_errors(content, message, tmp_path):
    path = tmp_path / "model.pnml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match=message):
        read_model(path)
    with pytest.raises(ModelError, match="does not exist"):
        read_model(tmp_path / "missing.pnml")


def test_cli_pnml_errors_exit_2(imported_dataset, tmp_path):
    path = tmp_path / "model.pnml"
    path.write_text("<pnml><net", encoding="utf-8")
    result = CliRunner().invoke(app, ["conformance", str(imported_dataset(RUNNING)), "--model", str(path)])
    assert result.exit_code == 2 and "not a readable PNML" in result.output


@pytest.mark.parametrize("command", ["discover", "map", "conformance"])
def test_a_filter_that_keeps_no_case_is_an_error_and_writes_nothing(command, imported_dataset, tmp_path):
    dataset = str(imported_dataset(RUNNING))
    stack = tmp_path / "none.json"
    stack.write_text(json.dumps([{"kind": "endpoints", "start": ["register request"],
                                  "end": ["register request"]}]), encoding="utf-8")
    out = tmp_path / ("model.bpmn" if command != "map" else "map.svg")
    model = tmp_path / "ref.bpmn"
    write_bpmn(discover(procmine.open(dataset)).bpmn, model)
    target = ["--model", str(model)] if command == "conformance" else ["-o", str(out)]
    result = CliRunner().invoke(app, [command, dataset, *target, "--filter", str(stack)])
    assert result.exit_code == 2, result.output
    assert "No case" in result.output and "Loosen the filters" in result.output
    assert set(tmp_path.iterdir()) == {stack, model}   # no output, no temporary file left


def _pm4py_deviations(sequences, net, im, fm) -> list[int]:
    from pm4py.algo.conformance.alignments.petri_net import algorithm as alignments

    from procmine.conformance.checking import _pm4py_log
    found = alignments.apply_log(_pm4py_log(sequences), net, im, fm, parameters={"show_progress_bar": False})
    return [a["cost"] // 10_000 for a in found]


@pytest.mark.parametrize("name, kind", [(RUNNING, "heuristics"), ("WABO_receipt.xes.gz", "top5"),
                                        ("Sepsis_Cases.xes.gz", "0.5")])
def test_aligner_finds_as_few_deviations_as_pm4py(name, kind, imported_dataset):
    from procmine.conformance.alignment import Aligner
    log = procmine.open(imported_dataset(name))
    model = _model(log, kind)
    sequences = list(variants(log).counts())[:40] + [(), ("not an activity",)]
    aligner = Aligner(model.net, model.initial_marking, model.final_marking)
    ours = [aligner.align(s) for s in sequences]
    assert [a.deviations for a in ours] == _pm4py_deviations(sequences, model.net, model.initial_marking,
                                                             model.final_marking)
    for sequence, alignment in zip(sequences, ours):
        assert tuple(log_side for log_side, _ in alignment.moves if log_side != ">>") == sequence
        assert alignment.deviations == sum(">>" in move and move != (">>", None) for move in alignment.moves)


def test_aligner_counts_tokens_when_a_place_gets_two():
    """A net that puts two tokens in one place (not safe): the aligner falls back to token counts."""
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    from procmine.conformance.alignment import Aligner
    net = PetriNet("twice")
    source, middle, sink = (PetriNet.Place(n) for n in ("source", "middle", "sink"))
    split, step, end = (PetriNet.Transition(n, n) for n in ("split", "step", "end"))
    for node in (source, middle, sink):
        net.places.add(node)
    for node in (split, step, end):
        net.transitions.add(node)
    add_arc_from_to(source, split, net)
    add_arc_from_to(split, middle, net, weight=2)   # two tokens: "step" must happen twice
    add_arc_from_to(middle, step, net)
    add_arc_from_to(step, sink, net)
    add_arc_from_to(sink, end, net, weight=2)
    done = PetriNet.Place("done")
    net.places.add(done)
    add_arc_from_to(end, done, net)
    im, fm = Marking({source: 1}), Marking({done: 1})
    sequences = [("split", "step", "step", "end"), ("split", "step", "end"), ("split", "x", "end")]
    # (pm4py's alignments ignore arc weights and so answer [1, 0, 2] here)
    assert [Aligner(net, im, fm).align(s).deviations for s in sequences] == [0, 1, 3]
    next(iter(split.out_arcs)).weight = 1   # now safe: one token, one "step", two needed to end: never ends
    assert Aligner(net, im, fm).align(("split", "step", "end")) is None


def test_an_unbounded_model_is_a_model_error_not_a_hang(monkeypatch):
    """A silent loop that adds a token each round: the search gives up with a clear error."""
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    from procmine.conformance import alignment
    net = PetriNet("pump")
    start, pile, end = (PetriNet.Place(n) for n in ("start", "pile", "end"))
    pump, finish = PetriNet.Transition("pump", None), PetriNet.Transition("finish", "finish")
    for node in (start, pile, end):
        net.places.add(node)
    for node in (pump, finish):
        net.transitions.add(node)
    add_arc_from_to(start, pump, net)
    add_arc_from_to(pump, start, net)
    add_arc_from_to(pump, pile, net)
    add_arc_from_to(start, finish, net)
    add_arc_from_to(finish, end, net)
    add_arc_from_to(pile, finish, net, weight=3)   # "finish" needs three pumped tokens
    monkeypatch.setattr(alignment, "MAX_STATES", 500)
    aligner = alignment.Aligner(net, Marking({start: 1}), Marking({end: 1, pile: 1}))
    with pytest.raises(ModelError, match="unbounded"):
        aligner.align(("finish", "other"))
