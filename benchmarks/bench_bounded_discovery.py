"""What running discovery in a child process (procmine.bounded_discovery, the Model page) costs.

Times procmine's discovery in-process (discover) and in a child process (discover_bounded:
the child starts, imports pm4py, mines, pickles the model back) on the sample log and on
Sepsis (imported once into a temporary folder), for both miners. Medians of --repeats runs.
Writes the "Bounded discovery" section of benchmarks/RESULTS.md.

    python benchmarks/bench_bounded_discovery.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
from results_file import replace_section  # noqa: E402  (benchmarks/ is on sys.path)
from shared_logs import SHARED_DATA  # noqa: E402

BEGIN, END = "<!-- bench_bounded_discovery:begin -->", "<!-- bench_bounded_discovery:end -->"
SAMPLE = HERE.parent / "sample_logs" / "byggetilladelse"
SEPSIS = SHARED_DATA / "Sepsis_Cases.xes.gz"


def median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    from procmine.bounded_discovery import discover_bounded
    from procmine.discovery import DiscoveryOptions, discover
    from procmine.importing import import_log
    from procmine.opening import open_log

    lines = ["## Bounded discovery (Model page: pm4py's miner in a child process)", "",
             f"`python benchmarks/bench_bounded_discovery.py --repeats {repeats}` (medians; 2 shared cores).", "",
             "| log | miner | in-process | child process | ratio |", "|---|---|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as folder:
        sepsis = Path(folder) / "sepsis"
        import_log(SEPSIS, sepsis)
        for name, path in (("byggetilladelse (sample)", SAMPLE), ("Sepsis", sepsis)):
            log = open_log(path)
            for miner in ("inductive", "heuristics"):
                options = DiscoveryOptions(miner=miner)
                discover(log, options)   # pm4py imported once, as in a running server
                inside = median_seconds(lambda log=log, options=options: discover(log, options), repeats)
                child = median_seconds(lambda log=log, options=options: discover_bounded(log, options), repeats)
                row = f"| {name} | {miner} | {inside:.2f} s | {child:.2f} s | {child / inside:.1f}x |"
                print(row)
                lines.append(row)
    lines += ["", ("The child's cost is mostly starting Python and importing pm4py (about 1.5 s); "
              "it buys a discovery that can be cancelled and cannot hold the server's interpreter lock.")]
    replace_section(BEGIN, END, lines)


if __name__ == "__main__":
    main()
