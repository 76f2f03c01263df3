"""Model discovery in bounded time: the miner in a child process, killed on a cancel, a timeout or a shutdown.

The miners are pure Python and can run for minutes (IMf on a log with many activities,
ours as pm4py's). In the server's own thread they would hold the interpreter lock and could
not be stopped, so the engine computes the plan (variants or DFG, fast) here and a
child process started per request mines it, as procmine.render.bounded_layout does for
Graphviz. The caller's `waiting` callback is called while it runs; whatever it raises
(a Streamlit rerun on Cancel or on changed inputs, a KeyboardInterrupt) kills the child.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable
from pathlib import Path

from procmine.bounded_child import child_environment, run_bounded
from procmine.discovery import DiscoveredModel, DiscoveryOptions, DiscoveryPlan, discovery_plan
from procmine.errors import ModelError, ProcmineError

WORKER = Path(__file__).resolve().with_name("discovery_worker.py")
DISCOVERY_SECONDS = 120.0
_PICKLE_RECURSION = 100_000


class DiscoveryTimeoutError(ProcmineError):
    """A miner did not finish within its time limit."""


def discover_bounded(log, options: DiscoveryOptions = DiscoveryOptions(), *,
                     seconds: float = DISCOVERY_SECONDS,
                     waiting: Callable[[float], None] | None = None) -> DiscoveredModel:
    """The model `procmine.discovery.discover(log, options)` finds, mined in a child process within `seconds`."""
    return mine_bounded(discovery_plan(log, options), seconds=seconds, waiting=waiting)


# Below these sizes a plan is mined in the server process in well under a second of CPU, less than
# the 1.8 s a child process takes to start (benchmarks/bench_in_process_discovery.py, RESULTS.md
# "In-process discovery", CPU s on 2 loaded cores). IMf (procmine.inductive) grows with the
# activities far faster than with the variants: 47 activities 0.13 s, 50 (1,122 variants) 0.34 s,
# 70 0.52 s, 81 1.0 s, 121 14-17 s (BPIC15_1 cuts); 22,550 variants of 17 activities 0.20 s and
# 1,000 -> 10,000 variants 0.04 -> 0.11 s (synthetic), Sepsis' 846 variants 0.05-0.08 s. The
# largest plan measured within both limits (1,122 variants of 50 activities) took 0.34 s; with the
# variants' cost growing slower than their number, 2,000 keeps such a plan well under a second.
# pm4py's heuristics miner over the DFG is the slow one on many activities: 30 activities 0.21 s,
# 40 0.42 s, 50 0.89 s; IMd over the DFG stays under 0.05 s at 50.
IN_PROCESS_ACTIVITIES = 50
IN_PROCESS_VARIANTS = 2_000
IN_PROCESS_HEURISTICS_ACTIVITIES = 30


def mines_quickly(plan: DiscoveryPlan) -> bool:
    """True when the plan is small enough to mine in the calling process (no child, no Cancel needed)."""
    if plan.variants is not None:
        activities = {activity for sequence in plan.variants for activity in sequence}
        return len(plan.variants) <= IN_PROCESS_VARIANTS and len(activities) <= IN_PROCESS_ACTIVITIES
    limit = IN_PROCESS_HEURISTICS_ACTIVITIES if plan.miner == "heuristics" else IN_PROCESS_ACTIVITIES
    return plan.dfg is not None and len(plan.dfg.activities) <= limit


def mine_bounded(plan: DiscoveryPlan, *, seconds: float = DISCOVERY_SECONDS,
                 waiting: Callable[[float], None] | None = None) -> DiscoveredModel:
    """`procmine.discovery.run_plan(plan)`, run in a child process within `seconds`."""
    code, output, errors = run_bounded([sys.executable, str(WORKER), str(seconds)],
                                       pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL), seconds, waiting,
                                       _timed_out, env=child_environment())
    if code != 0:
        message = errors.decode("utf-8", "replace").strip().splitlines()
        raise ModelError(f"The {plan.miner} miner stopped with an error (exit {code}): "
                         f"{message[-1] if message else 'no message'}.")
    return _answer(output)


def _answer(output: bytes) -> DiscoveredModel:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _PICKLE_RECURSION))
    try:
        kind, value = pickle.loads(output)   # our own child's answer
    finally:
        sys.setrecursionlimit(limit)
    if kind == "error":
        raise ModelError(value)
    return value


def _timed_out(seconds: float) -> DiscoveryTimeoutError:
    return DiscoveryTimeoutError(f"Discovering the model took longer than {seconds:.0f} s and was stopped. "
                                 "Filter the log to fewer cases or variants, or choose the heuristics miner.")
