"""Graphviz layout in bounded time: a child process per drawing, killed when it runs too long.

Graphviz's `dot` grows much faster than the graph: on BPIC15_1 a map of 60 activities
takes 0.2 s with 110 paths and two minutes with 650. Laid out in the server's own
thread it would hold the interpreter lock for as long (no other session could run, and
SIGTERM would not be handled), so every drawing runs in a child process that the
caller waits for, polls, and kills on a timeout, a cancel or a shutdown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from procmine.bounded_child import run_bounded
from procmine.errors import ProcmineError

WORKER = Path(__file__).resolve().with_name("layout_worker.py")
LAYOUT_SECONDS = 30.0


class LayoutTimeoutError(ProcmineError):
    """Graphviz did not finish a drawing within its time limit."""


def draw_dot(source: str, format: str, prog: str = "dot", *, seconds: float = LAYOUT_SECONDS,
             waiting: Callable[[float], None] | None = None) -> bytes:
    """`source` laid out by `prog` and drawn as `format` (svg, png...) within `seconds`.

    `waiting(elapsed_seconds)` is called about four times a second while the layout runs;
    whatever it raises (a Streamlit rerun, a KeyboardInterrupt) stops and kills the layout.
    """
    code, output, errors = run_bounded([sys.executable, "-I", str(WORKER), format, prog, str(seconds)],
                                       source.encode("utf-8"), seconds, waiting, _timed_out)
    if code != 0:
        message = errors.decode("utf-8", "replace").strip().splitlines()
        raise ProcmineError(f"Graphviz could not draw the {format.upper()} (exit {code}): "
                            f"{message[-1] if message else 'no message'}.")
    return output


def _timed_out(seconds: float) -> LayoutTimeoutError:
    return LayoutTimeoutError(f"Laying out the drawing took longer than {seconds:.0f} s and was stopped. "
                              "Show fewer activities or paths (the sliders, or --activities/--paths).")
