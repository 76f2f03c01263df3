"""`--engine duckdb` on the analysis commands prints what the default engine prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procmine.cli import app

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"
COMMANDS = [("info",), ("variants",), ("dfg",), ("throughput", "--by", "channel", "--period", "month"),
            ("bottlenecks",), ("deadlines",), ("compare", "--by", "channel")]


def run(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def close(found, expected, path="") -> None:
    """Equal JSON, numbers within 1 ms (they are seconds, days or shares)."""
    if isinstance(expected, dict):
        assert found.keys() == expected.keys(), path
        for key in expected:
            close(found[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(found) == len(expected), path
        for i, (a, b) in enumerate(zip(found, expected)):
            close(a, b, f"{path}[{i}]")
    elif isinstance(expected, float) and isinstance(found, (int, float)):
        assert found == pytest.approx(expected, abs=1e-3), path
    else:
        assert found == expected, path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_duckdb_engine_prints_the_same_json(command):
    dataset = SAMPLES / "byggetilladelse"
    code, numpy_out, _ = run(*command, dataset, "--format", "json")
    assert code == 0
    code, duckdb_out, err = run(*command, dataset, "--format", "json", "--engine", "duckdb")
    assert code == 0, err
    close(json.loads(duckdb_out), json.loads(numpy_out))


def test_engine_errors_are_clear(tmp_path):
    dataset = SAMPLES / "aktindsigt"
    code, _, err = run("info", dataset, "--engine", "flink")
    assert code == 2 and "Unknown engine 'flink'" in err and "Traceback" not in err
    bad = tmp_path / "bad.json"
    bad.write_text('[{"kind": "event_attribute", "attribute": "no_such_column", "values": ["x"]}]')
    code, _, err = run("variants", dataset, "--engine", "duckdb", "--filter", bad)
    assert code == 2 and "does not fit this dataset" in err and "Traceback" not in err


def test_filters_and_compare_a_b_on_duckdb_print_what_numpy_prints(tmp_path):
    dataset = SAMPLES / "aktindsigt"
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_text('[{"kind": "case_size", "between": [null, 5]}]')
    large.write_text('[{"kind": "case_size", "between": [6, null]}, {"kind": "variants", "top": 3}]')
    for command in (("dfg", "--filter", small, "--filter", large), ("compare", "--a", small, "--b", large)):
        code, numpy_out, err = run(*command[:1], dataset, *command[1:], "--format", "json")
        assert code == 0, err
        code, duckdb_out, err = run(*command[:1], dataset, *command[1:], "--format", "json", "--engine", "duckdb")
        assert code == 0, err
        close(json.loads(duckdb_out), json.loads(numpy_out))
