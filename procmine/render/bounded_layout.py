"""Graphviz layout in bounded time: a child process per drawing, killed when it runs too long.

Graphviz's `dot` grows much faster than the graph: on BPIC15_1 a map of 60 activities
takes 0.2 s with 110 paths and two minutes with 650. Laid out in the server's own
thread it would hold the interpreter lock for as long (no other session could run, and
SIGTERM would not be handled), so every drawing runs in a child process that the
caller waits for, polls, and kills on a timeout, a cancel or a shutdown.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from procmine.errors import ProcmineError

WORKER = Path(__file__).resolve().with_name("layout_worker.py")
LAYOUT_SECONDS = 30.0
POLL_SECONDS = 0.25


class LayoutTimeoutError(ProcmineError):
    """Graphviz did not finish a drawing within its time limit."""


def draw_dot(source: str, format: str, prog: str = "dot", *, seconds: float = LAYOUT_SECONDS,
             waiting: Callable[[float], None] | None = None) -> bytes:
    """`source` laid out by `prog` and drawn as `format` (svg, png...) within `seconds`.

    `waiting(elapsed_seconds)` is called about four times a second while the layout runs;
    whatever it raises (a Streamlit rerun, a KeyboardInterrupt) stops and kills the layout.
    """
    # The DOT goes in through a file: communicate() cannot be retried with input (a timed-out first
    # call would leave the rest of a large DOT unwritten and the child waiting for it).
    with tempfile.TemporaryFile() as dot_file:
        dot_file.write(source.encode("utf-8"))
        dot_file.seek(0)
        child = subprocess.Popen([sys.executable, "-I", str(WORKER), format, prog, str(seconds)],
                                 stdin=dot_file, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            output, errors = _wait(child, seconds, waiting)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    if child.returncode != 0:
        message = errors.decode("utf-8", "replace").strip().splitlines()
        raise ProcmineError(f"Graphviz could not draw the {format.upper()} (exit {child.returncode}): "
                            f"{message[-1] if message else 'no message'}.")
    return output


def _wait(child: subprocess.Popen, seconds: float,
          waiting: Callable[[float], None] | None) -> tuple[bytes, bytes]:
    started = time.monotonic()
    deadline = started + seconds
    while True:
        try:
            return child.communicate(timeout=POLL_SECONDS)
        except subprocess.TimeoutExpired:
            pass   # retried: communicate keeps what it has read so far
        if time.monotonic() > deadline:
            raise LayoutTimeoutError(
                f"Laying out the drawing took longer than {seconds:.0f} s and was stopped. "
                "Show fewer activities or paths (the sliders, or --activities/--paths).")
        if waiting is not None:
            waiting(time.monotonic() - started)

