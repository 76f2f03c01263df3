"""A Streamlit server started by a test: a free port, waiting for its health check, stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_served(server: subprocess.Popen, port: int, seconds: float = 90, log_hint: str = "") -> None:
    """Return once the server answers its health check; fail if it exits or stays silent."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    state = f"exited with {server.returncode}" if server.poll() is not None else f"was silent for {seconds:.0f} s"
    pytest.fail(f"the app on port {port} {state}{log_hint}")


def stop(server: subprocess.Popen, seconds: float = 20) -> None:
    """Terminate the server and wait for it; kill it (and fail) if it does not stop."""
    server.terminate()
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        raise
