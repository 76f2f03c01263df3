"""How long in-process IMf (procmine.inductive, via discovery.run_plan) takes by plan size: the
measurement behind procmine.bounded_discovery's IN_PROCESS_VARIANTS / IN_PROCESS_ACTIVITIES.

Each shared log (imported once into a temporary folder), and a synthetic log with many variants over
few activities, is cut to its top-k variants for several k;
for each plan the miner's run (`run_plan`: IMf, then the tree as Petri net and BPMN, what the Model
page does in-process) is timed in CPU and wall seconds, median of --repeats runs, and pm4py's
IMf (`discover_process_tree_inductive`, noise 0.2) on the same cut log once, where it finishes
within --pm4py-limit seconds of CPU on the previous, smaller cut. A plan that takes over 5 s is timed
once and ends its log's rows. Writes the "In-process discovery"
section of benchmarks/RESULTS.md.

    python benchmarks/bench_in_process_discovery.py [--repeats 3] [--pm4py-limit 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
from results_file import replace_section  # noqa: E402  (benchmarks/ is on sys.path)
from shared_logs import SHARED_DATA  # noqa: E402
from timing import timed  # noqa: E402

BEGIN, END = "<!-- bench_in_process_discovery:begin -->", "<!-- bench_in_process_discovery:end -->"
# (log, its cuts): top-k variants (None: all), or ("activities", ns): the events of its n most frequent
# activities. BPIC15_1's variants hold many activities each, so its top-k cuts are small; the synthetic
# log (benchmarks/synthetic.py, 17 activities with loops) has thousands of variants.
LOGS = (("Sepsis_Cases.xes.gz", (30, 100, 300, None)), ("WABO_receipt.xes.gz", (30, None)),
        ("Road_Traffic_Fine_Management_Process.xes.gz", (30, None)),
        ("BPIC15_1.xes.gz", (3, 8, 12, 14, 16, 18, 20, 30)),
        ("BPIC15_1.xes.gz", ("activities", (20, 30, 40, 50, 60, 70))),   # its n most frequent activities
        ("synthetic-100000", (1000, 3000, 10000, 30000, None)))
CONCLUSION = ("procmine/bounded_discovery.py mines in-process plans of up to 50 activities and 2,000 "
              "variants (IMf, IMd), and up to 30 activities for the heuristics miner, from these rows.")
SLOW = 5.0   # CPU seconds: a plan this slow is timed once, and the log's larger cuts are left out


def pm4py_seconds(log) -> float:
    """CPU seconds of pm4py's IMf (noise 0.2) on the log's events."""
    import pm4py

    frame = log.events_table().select(["case_id", "activity", "timestamp"]).to_pandas()
    frame["activity"] = frame["activity"].astype(str)
    began = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pm4py.discover_process_tree_inductive(frame, noise_threshold=0.2, activity_key="activity",
                                              case_id_key="case_id", timestamp_key="timestamp")
    return time.process_time() - began


def cuts_of(path: Path, tops):
    """The log cut to its top-k variants for each k in `tops` (None: all), or, for ("activities", ns),
    to the events of its n most frequent activities (all variants) for each n."""
    from procmine.filters import EventAttributeFilter, VariantsFilter
    from procmine.opening import open_log

    log = open_log(path)
    if tops and tops[0] == "activities":
        counts = log.events_table().column("activity").cast("string").value_counts().to_pylist()
        ranked = [c["values"] for c in sorted(counts, key=lambda c: (-c["counts"], c["values"]))]
        return [log.filter(EventAttributeFilter(values=tuple(ranked[:n]), mode="keep")) for n in tops[1]]
    return [log if top is None else log.filter(VariantsFilter(top=top)) for top in tops]


def rows_of(path: Path, name: str, tops, repeats: int, pm4py_limit: float) -> list[str]:
    from procmine.discovery import DiscoveryOptions, discovery_plan, run_plan

    rows, pm4py_ok, seen = [], True, set()
    for cut in cuts_of(path, tops):
        plan = discovery_plan(cut, DiscoveryOptions(max_activities=10_000, max_variants=10_000_000))
        variants = len(plan.variants)
        activities = len({a for sequence in plan.variants for a in sequence})
        if (variants, activities) in seen:
            continue
        seen.add((variants, activities))
        wall, cpu = timed(lambda plan=plan: run_plan(plan), 1)   # the first also imports pm4py's conversions
        if cpu < SLOW:
            wall, cpu = timed(lambda plan=plan: run_plan(plan), repeats)
        dfg_plans = [discovery_plan(cut, DiscoveryOptions(miner=miner, max_activities=0))
                     for miner in ("inductive", "heuristics")]   # max_activities=0: IMd over the DFG
        dfg_cpu = [timed(lambda plan=plan: run_plan(plan), repeats)[1] if cpu < SLOW else float("nan")
                   for plan in dfg_plans]
        theirs = "–"
        if pm4py_ok:
            spent = pm4py_seconds(cut)
            theirs, pm4py_ok = f"{spent:.2f}", spent < pm4py_limit
        row = (f"| {name} | {variants:,} | {activities} | {cpu:.3f} | {wall:.3f} | {theirs} | "
               f"{dfg_cpu[0]:.3f} | {dfg_cpu[1]:.3f} |")
        print(row, flush=True)
        rows.append(row)
        if cpu >= SLOW:   # larger cuts only take longer
            break
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pm4py-limit", type=float, default=20.0)
    args = parser.parse_args()
    from synthetic import write_synthetic

    from procmine.importing import import_log

    load = os.getloadavg()[0]
    lines = ["## In-process discovery: procmine's IMf by plan size (benchmarks/bench_in_process_discovery.py)", "",
             (f"`python benchmarks/bench_in_process_discovery.py --repeats {args.repeats}`; each shared log cut to "
             "its top-k variants (several k) or to its n most frequent activities; `run_plan` (IMf noise 0.2, then Petri net "
             "and BPMN) median CPU and wall seconds; pm4py's IMf on the same cut once (CPU s; – once a smaller "
             f"cut took over {args.pm4py_limit:.0f} s); IMd and the heuristics miner over the cut's DFG, "
             f"median CPU s. 2 shared cores, load average {load:.1f} at the start."), "",
             ("| log | variants | activities | IMf CPU s | IMf wall s | pm4py IMf CPU s | IMd (DFG) CPU s | "
              "heuristics CPU s |"), "|---|---:|---:|---:|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as folder:
        for name, tops in LOGS:
            target = Path(folder) / name.split(".")[0]
            if not target.exists():
                if name.startswith("synthetic"):
                    write_synthetic(target, int(name.split("-")[1]))
                else:
                    import_log(SHARED_DATA / name, target)
            label = f"{target.name} (top activities)" if tops[0] == "activities" else target.name
            lines += rows_of(target, label, tops, args.repeats, args.pm4py_limit)
    lines += ["", f"Load average {os.getloadavg()[0]:.1f} at the end; wall times are several times the CPU "
              "times on this load. " + CONCLUSION]
    replace_section(BEGIN, END, lines)


if __name__ == "__main__":
    main()
