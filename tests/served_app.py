"""A Streamlit server started by a test: a free port, waiting for its health check, stopping it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"


def streamlit_run(port: int) -> list[str]:
    """`streamlit run app.py` on 127.0.0.1:port, headless; no file watcher (others edit the tree meanwhile)."""
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none"]


def procmine_app(*arguments: str) -> Callable[[int], list[str]]:
    """`procmine app ARGUMENTS` on the port given, as a user starts it."""
    return lambda port: [sys.executable, "-m", "procmine", "app", *arguments, "--port", str(port),
                         "--no-open-browser"]


@dataclass(frozen=True)
class Served:
    url: str
    process: subprocess.Popen


@contextlib.contextmanager
def served(log_name: str, environment: dict[str, str] | None = None,
           command: Callable[[int], list[str]] = streamlit_run, cwd: Path = ROOT) -> Iterator[Served]:
    """A server started by `command(port)` on a free port, its output in tests/artefacts/LOG_NAME;
    stopped (and failing the test if it has to be killed) when the block ends."""
    port = free_port()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with open(ARTEFACTS / log_name, "w") as log:
        process = subprocess.Popen(command(port), cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT), **(environment or {})})
        try:
            wait_until_served(process, port, log_hint=f"; see tests/artefacts/{log_name}")
            yield Served(f"http://127.0.0.1:{port}", process)
        finally:
            if process.poll() is None:
                stop(process)


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


_BUSY = """() => {
    const state = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state');
    return state === 'running' || state === 'rerunRequested' || state === 'stopRequested'
        || !!document.querySelector('[data-testid="stStatusWidget"]')
        || document.querySelectorAll('[data-stale="true"]').length > 0;
}"""
_STALE = """() => [document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
    !!document.querySelector('[data-testid="stStatusWidget"]'),
    Array.from(document.querySelectorAll('[data-stale="true"]'))
         .map(e => (e.getAttribute('data-testid') || e.tagName) + ': ' + e.innerText.slice(0, 80))]"""


def settled(page, seconds: float = 90, start_ms: int = 1000, quiet_ms: int = 400) -> None:
    """Wait until the app in a Playwright page has drawn and no run is in progress (script state, no status
    widget, nothing stale): a run the last action started shows within `start_ms`, and once idle the page
    must stay so for `quiet_ms` (a run may ask for another). Waits on these conditions, not fixed sleeps."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_selector("[data-testid='stSidebar']")
    window = start_ms
    while True:
        try:
            page.wait_for_function(_BUSY, timeout=window, polling=50)
        except PlaywrightTimeout:
            return   # idle, and no run began within the window
        try:
            page.wait_for_function(f"() => !({_BUSY})()", timeout=seconds * 1000, polling=50)
        except PlaywrightTimeout:
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTEFACTS / "not-settled.png"))
            raise AssertionError(f"Streamlit did not finish its run within {seconds:.0f} s: "
                                 f"{page.evaluate(_STALE)}") from None
        window = quiet_ms
