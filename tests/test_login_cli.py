"""`procmine app --host 0.0.0.0` refuses without sign-in configured unless --no-auth; `procmine audit`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from served_app import free_port, stop, wait_until_served
from typer.testing import CliRunner

from procmine.audit import AuditLog
from procmine.cli import app
from procmine.ui.auth import sign_in_problem

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_logs" / "aktindsigt"
runner = CliRunner()
COMPLETE = """[auth]
redirect_uri = "https://procmine.kommune.dk/oauth2callback"
cookie_secret = "a-long-random-secret-of-at-least-32-characters"
client_id = "00000000-0000-0000-0000-000000000000"
client_secret = "the-client-secret"
server_metadata_url = "https://login.microsoftonline.com/TENANT/v2.0/.well-known/openid-configuration"
"""


@pytest.fixture()
def elsewhere(tmp_path, monkeypatch):
    """A working folder and home without any secrets.toml."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def test_serving_the_network_without_sign_in_is_refused(elsewhere):
    result = runner.invoke(app, ["app", str(SAMPLE), "--host", "0.0.0.0", "--no-open-browser"])
    assert result.exit_code == 2
    assert "sign-in is not configured" in result.output and "--no-auth" in result.output
    assert "Traceback" not in result.output


def test_an_incomplete_auth_section_is_named(elsewhere):
    (elsewhere / ".streamlit").mkdir()
    (elsewhere / ".streamlit" / "secrets.toml").write_text(
        COMPLETE.replace('client_secret = "the-client-secret"\n', ""), encoding="utf-8")
    result = runner.invoke(app, ["app", str(SAMPLE), "--host", "0.0.0.0", "--no-open-browser"])
    assert result.exit_code == 2 and "[auth] lacks client_secret" in result.output


def test_a_complete_auth_section_or_a_named_provider_passes(elsewhere):
    file = elsewhere / "secrets.toml"
    file.write_text(COMPLETE, encoding="utf-8")
    assert sign_in_problem([file]) is None
    named = COMPLETE.replace("client_id", "[auth.microsoft]\nclient_id", 1)
    file.write_text(named, encoding="utf-8")
    assert sign_in_problem([file]) is None
    file.write_text("[auth\n", encoding="utf-8")
    assert "cannot be read" in sign_in_problem([file])


def _serve(arguments: list[str], cwd: Path, env: dict) -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "procmine", "app", str(SAMPLE), "--port", str(port),
                               "--no-open-browser", *arguments], cwd=cwd, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_served(server, port)
    finally:
        stop(server)


def test_no_auth_or_a_configured_sign_in_lets_it_serve(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    _serve(["--host", "0.0.0.0", "--no-auth"], tmp_path, env)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(COMPLETE, encoding="utf-8")
    _serve(["--host", "0.0.0.0"], tmp_path, env)


def test_audit_commands_answer_who_saw_and_verify(tmp_path):
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    log = AuditLog(url)
    log.append(user="anna@kommune.dk", role="tm", action="case_view", dataset="aktindsigt", case_id="AKT-0000002")
    log.append(user="bo@kommune.dk", role="tm", action="page_view", dataset="aktindsigt", criterion={"page": "cases"})
    seen = runner.invoke(app, ["audit", "who-saw", "AKT-0000002", "--url", url])
    assert seen.exit_code == 0 and "anna@kommune.dk" in seen.output and "bo@kommune.dk" not in seen.output
    assert runner.invoke(app, ["audit", "verify", "--url", url]).exit_code == 0
    with log.engine.begin() as con:
        con.exec_driver_sql('DROP TRIGGER "audit_log_no_update"')
        con.exec_driver_sql("UPDATE audit_log SET user = 'nobody' WHERE seq = 1")
    broken = runner.invoke(app, ["audit", "verify", "--url", url])
    assert broken.exit_code == 2 and "broken at record 1" in broken.output
    pruned = runner.invoke(app, ["audit", "prune", "--url", url, "--days", "30"])
    assert pruned.exit_code == 0 and "0 records" in pruned.output
