"""`procmine app` and `procmine demo`: checks before the server starts, and a real start on localhost."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from served_app import free_port, stop, wait_until_served
from typer.testing import CliRunner

from procmine.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_app_refuses_a_folder_that_is_no_dataset(tmp_path):
    result = CliRunner().invoke(app, ["app", str(tmp_path), "--no-open-browser"])
    assert result.exit_code == 2
    assert "is not a procmine dataset" in result.output


def test_app_refuses_an_unknown_language(tmp_path):
    result = CliRunner().invoke(app, ["app", "--lang", "sv", "--no-open-browser"])
    assert result.exit_code == 2
    assert "Unknown language 'sv'" in result.output


def test_demo_says_how_to_make_missing_samples(tmp_path, monkeypatch):
    monkeypatch.setenv("PROCMINE_SAMPLES", str(tmp_path / "nothing-here"))
    result = CliRunner().invoke(app, ["demo", "--no-open-browser"])
    assert result.exit_code == 2
    assert "procmine simulate" in result.output


@pytest.mark.slow
def test_app_serves_the_dataset_on_localhost_only(imported_dataset):
    dataset = imported_dataset("WABO_receipt.xes.gz")
    port = free_port()
    command = [str(Path(sys.executable).with_name("procmine")), "app", str(dataset), "--port", str(port),
               "--no-open-browser", "--lang", "da"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_served(server, port)
        addresses = [a for a in _addresses() if a != "127.0.0.1"]
        for address in addresses:
            with socket.socket() as outside, pytest.raises(OSError):
                outside.settimeout(1)
                outside.connect((address, port))
    finally:
        stop(server)
    with socket.socket() as probe:   # the server itself stopped: nothing listens on the port any more
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def _addresses() -> list[str]:
    """This machine's IPv4 addresses (the one used for outgoing traffic included)."""
    found = set()
    with contextlib.suppress(OSError):
        found |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))   # a UDP "connect" sends nothing; it only picks a route
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    return sorted(found)


def test_demo_starts_without_a_terminal_and_asks_nothing():
    """`make demo` as a fresh machine runs it: default options, no stdin, no Streamlit prompt."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("procmine")), "demo", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env={**os.environ, "DISPLAY": ""})
    try:
        wait_until_served(server, port)
    finally:
        stop(server)
