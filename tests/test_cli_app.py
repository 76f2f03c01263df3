"""The CLI frame: every command's help works, errors become one line and exit code 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from procmine.cli import app

runner = CliRunner()
COMMANDS = sorted(command.name for command in app.registered_commands)


def test_every_command_is_registered():
    for name in ("import", "export", "info", "variants", "dfg", "throughput", "bottlenecks",
                 "deadlines", "compare", "map", "discover", "conformance", "report", "simulate",
                 "extract", "app", "demo"):
        assert name in COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_help_of_each_command_exits_cleanly(name):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Unexpected error" not in result.output
    assert "Usage" in result.output


def test_an_unknown_option_is_a_usage_error_not_a_bug(tmp_path):
    """typer's (vendored) click usage errors pass through the group's handler: exit 2, no 'bug'."""
    result = runner.invoke(app, ["info", str(tmp_path), "--no-such-option"])
    assert result.exit_code == 2, result.output
    assert "No such option" in result.output
    assert "Unexpected error" not in result.output


def test_a_missing_dataset_is_one_line_and_exit_code_2(tmp_path):
    result = runner.invoke(app, ["info", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "not a procmine dataset" in result.output
    assert "Traceback" not in result.output


def test_the_console_script_exits_2_on_bad_input_every_time(tmp_path):
    """The real entry point (not CliRunner): exit code 2, one line, no native abort at exit."""
    import subprocess
    import sys

    bad = tmp_path / "bad.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    for attempt in range(4):
        done = subprocess.run([sys.executable, "-m", "procmine", "import", str(bad),
                               str(tmp_path / f"out{attempt}")], capture_output=True, text=True)
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().startswith("Error: ") and "Traceback" not in done.stderr
        assert not (tmp_path / f"out{attempt}").exists()
