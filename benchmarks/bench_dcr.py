"""DCR benchmark: DisCoveR discovery, timing and conformance on real logs, with pm4py's declarative miner beside it.

pm4py's releases have no DCR miner, so the reference point is its nearest relative, the
DECLARE miner (pm4py.discover_declare), on the same log as a DataFrame; it answers a
similar question (which constraints hold between activities) and is where a pm4py user
would go. Figures per log (median of --repeats runs):

- open: reading the dataset into the engine's coded arrays (what every analysis starts from);
- mine: `discover_dcr(log)` on that freshly opened log, grouping of the variants included;
- timed: delays and deadlines read from the waits, in working days;
- conformance: `check_dcr` of the log against its timed graph (every variant replayed);
- pm4py declare: `pm4py.discover_declare(frame)` (DataFrame built outside the timing;
  skipped for logs with more than --declare-max-activities activities, as it tries every pair).

Targets (issue #17): Road Traffic Fines mined in at most 0.5 s, BPIC15_1 in at most 5 s.
Writes the "DCR graphs" section of benchmarks/RESULTS.md.

    python benchmarks/bench_dcr.py [--repeats 3] [--data-dir /tmp/procmine-bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
from results_file import replace_section  # noqa: E402  (benchmarks/ is on sys.path)
from shared_logs import ROAD_TRAFFIC_FINES  # noqa: E402

BEGIN, END = "<!-- bench_dcr:begin -->", "<!-- bench_dcr:end -->"
SHARED = ROAD_TRAFFIC_FINES.parent
LOGS = {"Road Traffic Fines": (ROAD_TRAFFIC_FINES, 0.5), "BPIC15_1": (SHARED / "BPIC15_1.xes.gz", 5.0),
        "Sepsis": (SHARED / "Sepsis_Cases.xes.gz", None)}


def median_time(function, repeats: int, prepare=lambda: None) -> tuple[float, object]:
    """Median wall time of `repeats` calls of function(prepare()) and the last result."""
    times, result = [], None
    for _ in range(repeats):
        argument = prepare()
        began = time.perf_counter()
        result = function(argument)
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def dataset(source: Path, data_dir: Path) -> Path:
    from procmine.importing import import_log

    target = data_dir / source.name.split(".")[0]
    if not (target / "procmine.json").exists():
        import_log(source, target)
    return target


def pm4py_frame(path: Path):
    from procmine.dataset import read_dataset

    events = read_dataset(path).events.select(["case_id", "activity", "timestamp"]).to_pandas()
    frame = events.rename(columns={"case_id": "case:concept:name", "activity": "concept:name",
                                   "timestamp": "time:timestamp"})
    frame["concept:name"] = frame["concept:name"].astype(str)
    return frame


def bench_log(name: str, path: Path, repeats: int, declare_max: int) -> dict:
    import procmine
    from procmine.dcr import discover_dcr
    from procmine.dcr.conformance import check_dcr
    from procmine.dcr.timing import timed_graph

    def opened():
        log = procmine.open(path)
        _ = log.arrays   # the dataset read and coded: what every analysis starts from
        return log

    open_seconds, _ = median_time(lambda _: opened(), repeats)
    mine, graph = median_time(discover_dcr, repeats, prepare=opened)
    log = procmine.open(path)
    discover_dcr(log)
    timing, timed = median_time(lambda _: timed_graph(log, graph), repeats)
    conformance, checked = median_time(lambda _: check_dcr(log, timed), repeats)
    counts = {kind: len(pairs) for kind, pairs in graph.relation_sets().items()}
    declare = None
    if len(graph.activities) <= declare_max:
        import pm4py
        frame = pm4py_frame(path)
        declare, _ = median_time(lambda _: pm4py.discover_declare(frame), 1)
    return {"name": name, "cases": log.num_cases, "events": log.num_events,
            "variants": checked.num_variants, "activities": len(graph.activities), "counts": counts,
            "open": open_seconds, "mine": mine, "timing": timing, "conformance": conformance, "declare": declare,
            "fitting": checked.fitting_cases_share, "timed_rules": len(timed.delays) + len(timed.deadlines)}


def section(rows: list[dict], repeats: int, load: tuple[float, ...]) -> list[str]:
    lines = ["## DCR graphs: DisCoveR discovery, timing and conformance (benchmarks/bench_dcr.py)", "",
             f"Command: `python benchmarks/bench_dcr.py --repeats {repeats}`  ",
             (f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared), Python {platform.python_version()}, "
             f"load average {load[0]:.1f} at the start  "),
             f"Date: {dt.date.today().isoformat()}", "",
             ("Open = reading the dataset into the engine's coded arrays; mine = `discover_dcr` on the freshly "
             "opened log (variant grouping included); timed = delays "
             "and deadlines in working days from the waits; conformance = every case checked against the "
             "timed graph. pm4py has no DCR miner in its releases; its DECLARE miner "
             "(`pm4py.discover_declare`, one run) is timed on the same log for scale."), "",
             ("| log | cases | variants | activities | relations (→• / •→ / →% / →+) | open s | mine s | target | "
             "timed s | conformance s | pm4py declare s | declare / mine |"),
             "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        c = r["counts"]
        met = r["target"] is not None and r["mine"] <= r["target"]
        target = "" if r["target"] is None else f"≤ {r['target']:g} s ({'met' if met else 'missed'})"
        declare = "skipped (too many activities)" if r["declare"] is None else f"{r['declare']:.2f}"
        ratio = "" if r["declare"] is None else f"{r['declare'] / r['mine']:.0f}x"
        lines.append(f"| {r['name']} | {r['cases']:,} | {r['variants']:,} | {r['activities']} | "
                     f"{c['condition']} / {c['response']} / {c['exclude']} / {c['include']} | {r['open']:.2f} | "
                     f"{r['mine']:.3f} | {target} | {r['timing']:.2f} | {r['conformance']:.2f} | {declare} | {ratio} |")
    lines += ["", ("Every discovered graph accepts every case of its own log (untimed); with deadlines at 90 % "
              "of the waits the slowest tenth of the responses are late by design.")]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/procmine-bench"))
    parser.add_argument("--declare-max-activities", type=int, default=40)
    parser.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md alone")
    options = parser.parse_args()
    load = os.getloadavg()
    rows = []
    for name, (source, target) in LOGS.items():
        row = bench_log(name, dataset(source, options.data_dir), options.repeats, options.declare_max_activities)
        row["target"] = target
        rows.append(row)
        print(f"{name}: mine {row['mine']:.3f} s, timed {row['timing']:.2f} s, conformance "
              f"{row['conformance']:.2f} s, pm4py declare {row['declare']}", flush=True)
    lines = section(rows, options.repeats, load)
    print("\n".join(lines))
    if not options.no_write:
        replace_section(BEGIN, END, lines)


if __name__ == "__main__":
    main()
