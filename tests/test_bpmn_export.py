"""BPMN export: structure, diagram interchange, bpmn-moddle and bpmnlint on models of every shared log."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bpmn_checker import check_structure_and_di, lint_all, lint_problems

import procmine
from procmine.discovery import DiscoveryOptions, discover
from procmine.render.bpmn_export import write_bpmn

TOOLS = Path(__file__).parent / "bpmn_tools"
TOOLS_CACHE = Path.home() / ".cache" / "procmine-bpmn-tools"
SMALL_LOGS = ["running-example.xes", "Sepsis_Cases.xes.gz", "WABO_receipt.xes.gz"]
LARGE_LOGS = ["Road_Traffic_Fine_Management_Process.xes.gz", "BPIC15_1.xes.gz"]
SAMPLE_LOGS = sorted(p.parent for p in (Path(__file__).resolve().parents[1] / "sample_logs").glob("*/procmine.json"))


@pytest.fixture(scope="session")
def bpmn_tools() -> Path:
    """bpmn-moddle and bpmnlint installed once with npm into a cache folder outside the repository."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the bpmn-moddle / bpmnlint checks")
    TOOLS_CACHE.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "check_bpmn.mjs"):
        shutil.copy(TOOLS / name, TOOLS_CACHE / name)
    installed = TOOLS_CACHE / "node_modules" / "bpmnlint" / "package.json"
    if not installed.exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=TOOLS_CACHE, check=True,
                       capture_output=True, timeout=600)
    return TOOLS_CACHE


def _check_exports(dataset: Path, noises, tmp_path: Path, tools: Path, miner: str = "inductive") -> None:
    """Discover at each noise threshold, export, and check every file (one node process for all)."""
    log = procmine.open(dataset)
    models, targets = [], []
    for noise in noises:
        models.append(discover(log, DiscoveryOptions(miner=miner, noise=noise)))
        targets.append(write_bpmn(models[-1].bpmn, tmp_path / f"model_{miner}_{noise}.bpmn"))
        check_structure_and_di(targets[-1])
    for model, report in zip(models, lint_all(targets, tools)):
        assert report["warnings"] == []
        kinds = {node.id: node.kind for node in model.bpmn.nodes}
        assert lint_problems(report, kinds) == []


@pytest.mark.parametrize("name", SMALL_LOGS)
def test_exports_of_small_logs_pass_the_checker_and_bpmnlint(name, imported_dataset, bpmn_tools, tmp_path):
    _check_exports(imported_dataset(name), [0.0, 0.2, 0.5], tmp_path, bpmn_tools)


@pytest.mark.slow
@pytest.mark.parametrize("name", LARGE_LOGS)
def test_exports_of_large_logs_pass_the_checker_and_bpmnlint(name, imported_dataset, bpmn_tools, tmp_path):
    _check_exports(imported_dataset(name), [0.2, 0.5], tmp_path, bpmn_tools)


@pytest.mark.parametrize("name", ["running-example.xes", "Sepsis_Cases.xes.gz"])
def test_heuristics_exports_pass_the_checker_and_bpmnlint(name, imported_dataset, bpmn_tools, tmp_path):
    _check_exports(imported_dataset(name), [0.0, 0.2, 0.5], tmp_path, bpmn_tools, miner="heuristics")


def test_every_sample_workflow_is_exported():
    assert len(SAMPLE_LOGS) >= 5, SAMPLE_LOGS


@pytest.mark.parametrize("sample", SAMPLE_LOGS, ids=[p.name for p in SAMPLE_LOGS])
def test_exports_of_sample_logs_pass_the_checker_and_bpmnlint(sample, bpmn_tools, tmp_path):
    _check_exports(sample, [0.0, 0.2, 0.5], tmp_path, bpmn_tools)
    _check_exports(sample, [0.2], tmp_path, bpmn_tools, miner="heuristics")


def test_checker_catches_a_waypoint_off_the_border(imported_dataset, tmp_path):
    model = discover(procmine.open(imported_dataset("running-example.xes")))
    target = write_bpmn(model.bpmn, tmp_path / "model.bpmn")
    text = target.read_text(encoding="utf-8")
    first = text.index("<di:waypoint x=\"") + len("<di:waypoint x=\"")
    broken = text[:first] + "1" + text[first:]
    (tmp_path / "broken.bpmn").write_text(broken, encoding="utf-8")
    with pytest.raises(AssertionError):
        check_structure_and_di(tmp_path / "broken.bpmn")


def test_picture_labels_wrap_into_the_shapes_sized_for_them(tmp_path):
    """The .svg/.png picture draws each task label in the lines its shape was sized for
    (a one-line label used to run past both edges of a box sized for two lines)."""
    from procmine.render.bpmn_layout import CHAR_WIDTH, label_lines, layout_model
    from procmine.render.model_files import write_model

    model = discover(procmine.open(next(p for p in SAMPLE_LOGS if p.name == "byggetilladelse")))
    layout = layout_model(model.bpmn)
    tasks = [node for node in model.bpmn.nodes if node.kind == "task"]
    assert any(len(label_lines(node.name)) > 1 for node in tasks)
    for node in tasks:
        longest = max(len(line) for line in label_lines(node.name))
        assert longest * CHAR_WIDTH < layout.shapes[node.id].width
    svg = write_model(model, tmp_path / "model.svg").read_text(encoding="utf-8")
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for node in tasks:
        lines = label_lines(node.name)
        assert all(line in drawn for line in lines), (node.name, lines)
