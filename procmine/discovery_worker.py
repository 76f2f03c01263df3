"""Run as a child process: mine the pickled DiscoveryPlan on stdin, write the pickled model to stdout.

    python discovery_worker.py SECONDS < plan.pickle > model.pickle

Started by procmine.bounded_discovery, which kills it on a cancel, a timeout or a shutdown.
It ends itself after SECONDS (plus a grace period) even when the process that started it
was killed and cannot do so. The answer is ("model", DiscoveredModel) or ("error", message)
for a ProcmineError; anything else exits non-zero with its traceback on stderr.
"""

from __future__ import annotations

import pickle
import signal
import sys

# A Petri net pickles as nested arcs and nodes: deeper than the default limit on big models.
PICKLE_RECURSION = 100_000


def main() -> None:
    seconds = float(sys.argv[1])
    if hasattr(signal, "alarm"):
        signal.alarm(int(seconds) + 5)   # SIGALRM's default action ends the process, whatever it runs
    sys.setrecursionlimit(PICKLE_RECURSION)
    from procmine.discovery import run_plan
    from procmine.errors import ProcmineError

    plan = pickle.loads(sys.stdin.buffer.read())
    try:
        answer: tuple[str, object] = ("model", run_plan(plan))
    except ProcmineError as exc:
        answer = ("error", str(exc))
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
