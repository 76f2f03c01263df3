"""procmine against every peer in one run: pm4py, raw DuckDB SQL, Polars, r4pm (Rust) and a NumPy floor.

Operations: DFG counts, DFG with mean waiting, DFG with median waiting, variants (with counts) and case
durations, on the synthetic logs of benchmarks/synthetic.py (~2.5M and ~10M events). Each peer gets its
input prepared outside the timing (pm4py a pandas DataFrame, Polars/DuckDB an Arrow table in memory,
r4pm its registry log, the floor the sorted integer-coded arrays procmine reads); every figure is the
median of the repetitions (pm4py: --pm4py-repeats). procmine's DFG rows ask dfg for the statistics of
that row only (counts; mean; median), as the peers' rows do. Writes its section of benchmarks/RESULTS.md
(`--section LABEL` appends a section of its own instead of replacing the last one).

    python benchmarks/bench_peers.py [--skip-large] [--repeats 3] [--pm4py-repeats 1] [--section LABEL]
    (needs `pip install -e '.[bench]'` for polars and r4pm: benchmark-only, not dependencies of procmine)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
from bench_engine import ensure_dataset  # noqa: E402
from results_file import replace_section  # noqa: E402
from timing import timed  # noqa: E402

BEGIN, END = "<!-- bench_peers:begin -->", "<!-- bench_peers:end -->"
OPERATIONS = ("dfg_counts", "dfg_mean", "dfg_median", "variants", "case_durations")
PEERS = ("procmine", "pm4py", "duckdb", "polars", "r4pm", "numpy_floor")


def procmine_ops(path: Path) -> dict:
    import procmine
    from procmine.analysis.dfg import dfg
    from procmine.analysis.kernels import case_durations, seconds
    from procmine.analysis.variants import variants
    from procmine.eventlog import EventLog
    from procmine.view_memo import forget

    log = procmine.open(path)

    def fresh() -> EventLog:
        forget(log.base)
        return EventLog(log.base)

    # Each answer as a user asking for it would call it: only the statistics it needs.
    return {"dfg_counts": lambda: dfg(fresh(), ("count",)), "dfg_mean": lambda: dfg(fresh(), ("mean",)),
            "dfg_median": lambda: dfg(fresh(), ("median",)),
            "variants": lambda: variants(fresh()).sequences,
            "case_durations": lambda: seconds(case_durations(fresh().arrays))}, log


def pm4py_ops(table) -> dict:
    import pm4py

    frame = table.to_pandas().rename(columns={"case_id": "case:concept:name", "activity": "concept:name",
                                              "timestamp": "time:timestamp"})
    frame["concept:name"] = frame["concept:name"].astype(str)
    performance = lambda: pm4py.discover_performance_dfg(frame)  # noqa: E731  (mean and median together)
    return {"dfg_counts": lambda: pm4py.discover_dfg(frame), "dfg_mean": performance, "dfg_median": performance,
            "variants": lambda: pm4py.get_variants(frame),
            "case_durations": lambda: pm4py.get_all_case_durations(frame)}


DUCK_PAIRS = """WITH pairs AS (SELECT activity AS source,
    lead(activity) OVER w AS target, epoch_us(lead(timestamp) OVER w) - epoch_us(timestamp) AS wait
    FROM events WINDOW w AS (PARTITION BY case_id ORDER BY timestamp))
    SELECT source, target, count(*) {extra} FROM pairs WHERE target IS NOT NULL GROUP BY ALL"""


def duckdb_ops(table) -> dict:
    import duckdb

    connection = duckdb.connect()
    connection.register("events", table)
    run = lambda sql: lambda: connection.sql(sql).to_arrow_table()  # noqa: E731
    return {"dfg_counts": run(DUCK_PAIRS.format(extra="")),
            "dfg_mean": run(DUCK_PAIRS.format(extra=", avg(wait)")),
            "dfg_median": run(DUCK_PAIRS.format(extra=", median(wait)")),
            "variants": run("SELECT variant, count(*) FROM (SELECT string_agg(activity, ',' ORDER BY timestamp) "
                            "AS variant FROM events GROUP BY case_id) GROUP BY variant"),
            "case_durations": run("SELECT case_id, max(timestamp) - min(timestamp) FROM events GROUP BY case_id")}


def polars_ops(table) -> dict:
    import polars as pl

    frame = pl.from_arrow(table).with_columns(pl.col("activity").cast(pl.Utf8))

    def pairs():
        return (frame.lazy().sort(["case_id", "timestamp"])
                .with_columns(pl.col("activity").shift(-1).over("case_id").alias("target"),
                              (pl.col("timestamp").shift(-1).over("case_id") - pl.col("timestamp")).alias("wait"))
                .filter(pl.col("target").is_not_null()).group_by(["activity", "target"]))

    return {"dfg_counts": lambda: pairs().agg(pl.len()).collect(),
            "dfg_mean": lambda: pairs().agg(pl.len(), pl.col("wait").mean()).collect(),
            "dfg_median": lambda: pairs().agg(pl.len(), pl.col("wait").median()).collect(),
            "variants": lambda: (frame.lazy().sort(["case_id", "timestamp"]).group_by("case_id")
                                 .agg(pl.col("activity").str.join(",")).group_by("activity").agg(pl.len())
                                 .collect()),
            "case_durations": lambda: (frame.lazy().group_by("case_id")
                                       .agg(pl.col("timestamp").max() - pl.col("timestamp").min()).collect())}


def r4pm_ops(table) -> tuple[dict, float]:
    import polars as pl
    import r4pm
    from r4pm import bindings

    frame = pl.from_arrow(table).with_columns(pl.col("activity").cast(pl.Utf8)).rename(
        {"case_id": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp"})
    began = time.perf_counter()
    log_id = r4pm.import_item_from_df("EventLog", frame)
    loaded = time.perf_counter() - began
    return {"dfg_counts": lambda: bindings.discover_dfg(log_id),
            "variants": lambda: bindings.get_variants(log_id)}, loaded


def floor_ops(log) -> dict:
    """The least work each answer needs on the sorted, integer-coded arrays (written here, not procmine's)."""
    arrays = log.arrays
    activity, timestamp, starts = arrays.activity, arrays.timestamp, arrays.case_starts
    names = len(arrays.activity_names)

    def edges():
        pair = activity[:-1].astype(np.int64) * names + activity[1:]
        inside = arrays.case[1:] == arrays.case[:-1]
        return pair[inside], np.diff(timestamp)[inside]

    def counts():
        return np.bincount(edges()[0], minlength=names * names)

    def means():
        pair, wait = edges()
        return np.bincount(pair, weights=wait, minlength=names * names) / np.maximum(counts(), 1)

    def medians():
        pair, wait = edges()
        key = np.sort((pair << 40) | wait)
        offsets = np.searchsorted(key, np.arange(names * names + 1, dtype=np.int64) << 40)
        sizes = np.diff(offsets)
        present = sizes > 0
        low = key[offsets[:-1][present] + (sizes[present] - 1) // 2] & ((1 << 40) - 1)
        high = key[offsets[:-1][present] + sizes[present] // 2] & ((1 << 40) - 1)
        return (low + high) / 2

    def variants():
        weights = np.random.default_rng(1).integers(1, 2 ** 61, len(activity) + 1)
        position = np.arange(len(activity)) - np.repeat(starts[:-1], np.diff(starts))
        hashed = np.add.reduceat(activity.astype(np.int64) * weights[position] + weights[position + 1], starts[:-1])
        return np.unique(hashed, return_counts=True)

    return {"dfg_counts": counts, "dfg_mean": means, "dfg_median": medians, "variants": variants,
            "case_durations": lambda: timestamp[starts[1:] - 1] - timestamp[starts[:-1]]}


def measure(path: Path, repeats: int, pm4py_repeats: int) -> tuple[dict, dict]:
    from procmine.dataset import read_dataset

    table = read_dataset(path).events.select(["case_id", "activity", "timestamp"])
    ours, log = procmine_ops(path)
    results: dict[str, dict[str, float]] = {}
    cpu: dict[str, dict[str, float]] = {}
    notes: dict = {"events": log.num_events, "cases": log.num_cases, "cpu": cpu}
    r4pm, notes["r4pm_import_s"] = r4pm_ops(table)
    for peer, operations, times in (("procmine", ours, repeats), ("numpy_floor", floor_ops(log), repeats),
                                    ("duckdb", duckdb_ops(table), repeats), ("polars", polars_ops(table), repeats),
                                    ("r4pm", r4pm, repeats), ("pm4py", pm4py_ops(table), pm4py_repeats)):
        measured = {name: timed(function, times) for name, function in operations.items()}
        results[peer] = {name: wall for name, (wall, _) in measured.items()}
        cpu[peer] = {name: seconds for name, (_, seconds) in measured.items()}
        print(peer, {k: round(v, 3) for k, v in results[peer].items()}, "cpu",
              {k: round(v, 3) for k, v in cpu[peer].items()}, flush=True)
    return results, notes


def report(name: str, results: dict, notes: dict) -> list[str]:
    lines = [f"### {name}: {notes['cases']:,} cases, {notes['events']:,} events", "",
             "| operation | " + " | ".join(PEERS) + " | fastest peer / procmine | procmine / floor |",
             "| --- |" + " ---: |" * (len(PEERS) + 2)]
    for operation in OPERATIONS:
        row = [results[p].get(operation) for p in PEERS]
        peers = {p: results[p][operation] for p in PEERS[1:-1] if operation in results[p]}
        fastest = min(peers, key=peers.get)
        ours, floor = results["procmine"][operation], results["numpy_floor"][operation]
        cells = " | ".join("n/a" if v is None else f"{v:.3f}" for v in row)
        lines.append(f"| {operation} | {cells} | {peers[fastest] / ours:.2f}x ({fastest}) | {ours / floor:.1f}x |")
    lines += ["", ("CPU seconds of the same runs, summed over the process's threads (DuckDB and Polars run "
                   "on both cores, procmine and the floor on one):"), "",
              "| operation | " + " | ".join(PEERS) + " |", "| --- |" + " ---: |" * len(PEERS)]
    for operation in OPERATIONS:
        cells = [notes["cpu"][p].get(operation) for p in PEERS]
        lines.append(f"| {operation} | " + " | ".join("n/a" if v is None else f"{v:.3f}" for v in cells) + " |")
    lines += ["", f"r4pm's import of the DataFrame into its registry (not timed above): {notes['r4pm_import_s']:.2f} s.",
              "r4pm 0.6 has no performance DFG or case durations (n/a).",
              ("procmine's timings forget every remembered result (variants, grouping, the DFG) before each call; the "
               "unfiltered view's arrays are built once per dataset, as the floor's are given to it."), ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pm4py-repeats", type=int, default=1)
    parser.add_argument("--small-cases", type=int, default=300_000)
    parser.add_argument("--large-cases", type=int, default=1_200_000)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/procmine-bench"))
    parser.add_argument("--section", help="write a new RESULTS.md section with this label (kept by later runs)")
    options = parser.parse_args()
    load_before = os.getloadavg()
    title = "" if options.section is None else f", {options.section}"
    lines = [f"## Engine against every peer (benchmarks/bench_peers.py{title})", "",
             f"Command: `{' '.join(['python', 'benchmarks/bench_peers.py', *sys.argv[1:]])}`  ",
             (f"Machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other work, Python "
             f"{platform.python_version()}; load average before the run {load_before[0]:.1f}. Date: "
             f"{dt.date.today().isoformat()}. Seconds, median of {options.repeats} runs "
             f"(pm4py: {options.pm4py_repeats}). Goal: procmine ≥ 2x faster than the fastest peer "
             "(ratio column ≥ 2) and within 3x of the floor."), ""]
    sizes = [("small", options.small_cases)] + ([] if options.skip_large else [("large", options.large_cases)])
    for name, cases in sizes:
        results, notes = measure(ensure_dataset(options.data_dir, cases), options.repeats, options.pm4py_repeats)
        section = report(name, results, notes)
        print("\n".join(section), flush=True)
        lines += section
    lines.append(f"Load average after the run: {os.getloadavg()[0]:.1f}.")
    begin, end = (BEGIN, END) if options.section is None else (
        f"<!-- bench_peers {options.section}:begin -->", f"<!-- bench_peers {options.section}:end -->")
    replace_section(begin, end, lines + [""])


if __name__ == "__main__":
    main()
