"""Waiting times in working days per transition: procmine against pm4py's business-hours performance DFG.

On Road Traffic Fines (imported once into benchmarks/data/). procmine counts Danish
working days (public holidays, closing days, office hours) with procmine.workcalendar;
pm4py counts business hours on weekdays (its default slots, no holidays). The two
measure a similar thing, not the same number: this compares time, not values.
Writes the "Working-day waits" section of benchmarks/RESULTS.md.

    python benchmarks/bench_working_waits.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
from results_file import replace_section  # noqa: E402  (benchmarks/ is on sys.path)
from shared_logs import ROAD_TRAFFIC_FINES  # noqa: E402

BEGIN, END = "<!-- working_waits:begin -->", "<!-- working_waits:end -->"
DATASET = HERE / "data" / "road-traffic-fines"


def timed(function, repeats: int) -> float:
    """Median wall time of `repeats` calls, in seconds."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import pm4py

    import procmine
    from procmine.analysis.working_waits import working_day_waits
    from procmine.importing import import_log
    from procmine.importing.options import ImportOptions

    if not (DATASET / "procmine.json").exists():
        import_log(ROAD_TRAFFIC_FINES, DATASET, ImportOptions())
    log = procmine.open(DATASET)
    working_day_waits(log)  # the first call builds the holiday table for the log's years
    ours = timed(lambda: working_day_waits(log), args.repeats)
    frame = log.events_table().to_pandas()[["case_id", "activity", "timestamp"]]
    frame = pm4py.format_dataframe(frame, case_id="case_id", activity_key="activity", timestamp_key="timestamp")
    theirs = timed(lambda: pm4py.discover_performance_dfg(frame, business_hours=True), 1)
    lines = [
        "## Working-day waits per transition (benchmarks/bench_working_waits.py)",
        "",
        (f"Road Traffic Fines ({log.num_cases:,} cases, {log.num_events:,} events), {os.cpu_count()} cores shared. "
        "procmine: median and total wait in Danish working days per transition and per activity "
        "(`procmine.analysis.working_waits`, part of `bottlenecks`); pm4py: "
        "`discover_performance_dfg(business_hours=True)` (weekday business hours, no holidays)."),
        "",
        "| | time | ratio |",
        "| --- | --- | --- |",
        f"| procmine working-day waits (median of {args.repeats}) | {ours:.3f} s | 1 |",
        f"| pm4py business-hours performance DFG (1 run) | {theirs:.1f} s | {theirs / ours:,.0f}× slower |",
    ]
    replace_section(BEGIN, END, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
