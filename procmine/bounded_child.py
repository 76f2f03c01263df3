"""A child process in bounded time: fed through a file, polled, killed on a timeout, a cancel or a shutdown.

Graphviz layouts (procmine.render.bounded_layout) and pm4py's miners (procmine.bounded_discovery)
can run for minutes; in the server's own thread they would hold the interpreter lock and could
not be stopped. Both run here instead, in a child process the caller waits for and kills.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

POLL_SECONDS = 0.25


def run_bounded(command: list[str], payload: bytes, seconds: float, waiting: Callable[[float], None] | None,
                timed_out: Callable[[float], Exception],
                env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, stderr) of `command` given `payload` on stdin, within `seconds`.

    `waiting(elapsed_seconds)` is called about four times a second while the child runs; whatever
    it raises (a Streamlit rerun, a KeyboardInterrupt) stops and kills the child, and so does the
    time limit, with the error `timed_out(seconds)` gives.
    """
    # The input goes in through a file: communicate() cannot be retried with input (a timed-out first
    # call would leave the rest of a large input unwritten and the child waiting for it).
    with tempfile.TemporaryFile() as stdin:
        stdin.write(payload)
        stdin.seek(0)
        child = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            output, errors = _wait(child, seconds, waiting, timed_out)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    return child.returncode, output, errors


def _wait(child: subprocess.Popen, seconds: float, waiting: Callable[[float], None] | None,
          timed_out: Callable[[float], Exception]) -> tuple[bytes, bytes]:
    started = time.monotonic()
    deadline = started + seconds
    while True:
        try:
            return child.communicate(timeout=POLL_SECONDS)
        except subprocess.TimeoutExpired:
            pass   # retried: communicate keeps what it has read so far
        if time.monotonic() > deadline:
            raise timed_out(seconds)
        if waiting is not None:
            waiting(time.monotonic() - started)


def child_environment() -> dict[str, str]:
    """This environment with the procmine being run first on the child's path."""
    root = str(Path(__file__).resolve().parents[1])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
