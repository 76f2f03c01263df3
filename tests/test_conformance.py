"""Conformance: per-variant replay against BPMN/PNML, round trip through BPMN, bad inputs, CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import procmine
from procmine.bpmn_model import to_petri_net
from procmine.cli import app
from procmine.conformance import PetriModel, check_conformance, check_variants, read_model
from procmine.discovery import discover, discover_inductive
from procmine.errors import ModelError
from procmine.render.bpmn_export import write_bpmn

RUNNING = "running-example.xes"


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
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert report["cases"] == 6 and 0 < report["alignment_fitness"] <= 1
    (tmp_path / "x.bpmn").write_text("<a/>", encoding="utf-8")
    failed = CliRunner().invoke(app, ["conformance", dataset, "--model", str(tmp_path / "x.bpmn")])
    assert failed.exit_code == 2 and "not a BPMN 2.0 model" in failed.output
