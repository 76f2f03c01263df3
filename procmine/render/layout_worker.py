"""Run as a child process: lay out the DOT on stdin with the bundled Graphviz library, write the drawing to stdout.

    python layout_worker.py FORMAT PROG SECONDS < map.dot > map.svg

Started by procmine.render.bounded_layout, which kills it when it runs too long. It imports
only pygraphviz, so it starts quickly, and it ends itself after SECONDS (plus a grace period)
even when the process that started it was killed and cannot do so.
"""

from __future__ import annotations

import signal
import sys


def main() -> None:
    format, prog, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if hasattr(signal, "alarm"):
        signal.alarm(int(seconds) + 5)   # SIGALRM ends the process: Graphviz holds no Python lock to wait for
    import pygraphviz

    source = sys.stdin.buffer.read().decode("utf-8")
    graph = pygraphviz.AGraph(string=source)
    sys.stdout.buffer.write(bytes(graph.draw(format=format, prog=prog)))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
