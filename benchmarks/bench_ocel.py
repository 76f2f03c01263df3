"""Time procmine's OCEL 2.0 import + flattening and OC-DFG against pm4py on one simulated municipality.

The log is `procmine simulate kommune` at --cases cases (140,000 give about 1M events and
200k objects: cases, citizens, caseworkers, departments), written as OCEL 2.0 SQLite, JSON and XML.
Timed, all in one process run so both sides share the machine's load (procmine's steps --runs times,
pm4py's --pm4py-runs times; medians):
  - import + flatten by citizen: `read_ocel` + `flatten` against pm4py's `read_ocel2_<form>` +
    `ocel_flattening`, per form; and procmine opening the dataset folder by citizen
    (`procmine.open(path, case_notion="citizen")`, what every analysis command does);
  - OC-DFG: `analysis.ocdfg` against `pm4py.discover_ocdfg` on the logs already read.
Results are checked equal (flattened rows per citizen; OC-DFG edges with their event couples,
objects and occurrences). Wall and CPU time (this process, all threads) are given.

    .venv/bin/python benchmarks/bench_ocel.py [--cases 140000] [--forms sqlite,json,xml] [--runs 3]
        [--pm4py-runs 1] [--no-ocdfg] [--keep FOLDER] [--no-results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import warnings
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from results_file import replace_section  # noqa: E402  (benchmarks/ is on sys.path)

BEGIN, END = "<!-- bench_ocel:begin -->", "<!-- bench_ocel:end -->"
TARGET_SECONDS = 2.0
TARGET_RATIO = 10.0


def timed(step):
    """(result, wall seconds, CPU seconds) of step()."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def median_timed(step, runs: int):
    """(last result, median wall seconds, median CPU seconds) of `runs` runs of step()."""
    results = [timed(step) for _ in range(runs)]
    return results[-1][0], statistics.median(r[1] for r in results), statistics.median(r[2] for r in results)


FILES = {"sqlite": "kommune.sqlite", "json": "kommune.jsonocel", "xml": "kommune.xmlocel"}


def build(folder: Path, cases: int, seed: int, forms: list[str]) -> tuple[Path, dict[str, Path]]:
    from procmine.dataset import read_dataset
    from procmine.ocel import read_ocel_dataset, write_ocel
    from procmine.simulation.municipality import MunicipalityOptions, write_municipality

    files = {form: folder / name for form, name in FILES.items()}
    write_municipality(folder / "dataset", MunicipalityOptions(cases=cases, seed=seed), ocel_file=files["sqlite"])
    log = read_ocel_dataset(read_dataset(folder / "dataset"))
    for form in ("json", "xml"):
        if form in forms:       # a 1M-event XML or JSON file takes minutes to write
            write_ocel(log, files[form])
    return folder / "dataset", files


def ours(read_ocel, flatten, path: Path):
    log = read_ocel(path)
    return log, flatten(log, "citizen")


def theirs(read, flattening, path: Path):
    log = read(str(path))
    return log, flattening(log, "citizen")


def per_citizen_counts(case_ids) -> dict:
    import pandas as pd
    return pd.Series(case_ids).value_counts().to_dict()


def run(args) -> list[str]:
    import pm4py

    import procmine
    from procmine.analysis.ocdfg import ocdfg
    from procmine.ocel import flatten, read_ocel

    warnings.simplefilter("ignore")
    readers = {"sqlite": pm4py.read_ocel2_sqlite, "json": pm4py.read_ocel2_json, "xml": pm4py.read_ocel2_xml}
    rows = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        files = {form: folder / name for form, name in FILES.items()}
        if args.keep and (folder / "dataset" / "procmine.json").is_file() and all(files[f].is_file() for f in args.forms):
            dataset, build_wall = folder / "dataset", 0.0
        else:
            (dataset, files), build_wall, _ = timed(lambda: build(folder, args.cases, args.seed, args.forms))
        opened, open_wall, open_cpu = median_timed(lambda: procmine.open(dataset, case_notion="citizen"), args.runs)
        facts = opened.dataset.meta
        del opened
        ours_log = theirs_log = None
        for form in args.forms:
            ours_log = flat = None     # the previous form's log is let go before the next is read
            path = files[form]
            (ours_log, (flat, _, report)), wall, cpu = median_timed(partial(ours, read_ocel, flatten, path), args.runs)
            theirs_log = their_flat = None
            if not args.pm4py_runs:
                rows.append((f"import {form} + flatten by citizen", wall, cpu, None, None, None))
                print(rows[-1], flush=True)
                continue
            (theirs_log, their_flat), their_wall, their_cpu = median_timed(
                partial(theirs, readers[form], pm4py.ocel_flattening, path), args.pm4py_runs)
            same = (per_citizen_counts(flat.column("case_id").to_pylist())
                    == per_citizen_counts(their_flat["case:concept:name"].tolist()))
            rows.append((f"import {form} + flatten by citizen", wall, cpu, their_wall, their_cpu, same))
            print(rows[-1], flush=True)
        if args.ocdfg and theirs_log is not None:
            graph, wall, cpu = timed(lambda: ocdfg(ours_log))
            their_graph, their_wall, their_cpu = timed(lambda: pm4py.discover_ocdfg(theirs_log))
            rows.append(("OC-DFG (log already read)", wall, cpu, their_wall, their_cpu,
                         same_ocdfg(graph, their_graph)))
            print(rows[-1], flush=True)
        sizes = {form: files[form].stat().st_size for form in args.forms}
    return _lines(args, rows, report, ours_log, sizes, build_wall, (open_wall, open_cpu), facts)


def _lines(args, rows, report, log, sizes, build_wall, opening, facts) -> list[str]:
    lines = ["## OCEL 2.0: import, flatten by citizen, OC-DFG (benchmarks/bench_ocel.py)", ""]
    lines.append(f"Command: `python benchmarks/bench_ocel.py --cases {args.cases} --forms {','.join(args.forms)} "
                 f"--runs {args.runs} --pm4py-runs {args.pm4py_runs}{'' if args.ocdfg else ' --no-ocdfg'}`  ")
    lines.append(f"Log: `procmine simulate kommune` with {args.cases:,} cases (seed {args.seed}): {report.events:,} "
                 f"events, {log.objects.num_rows:,} objects, {log.event_objects.num_rows:,} event-object relations; "
                 + ", ".join(f"{form} {size / 2**20:,.0f} MiB" for form, size in sizes.items())
                 + (f" (simulated and written in {build_wall:.0f} s).  " if build_wall else " (reused from --keep).  "))
    load_after = os.getloadavg()[0]
    busy = max(float(args.load_before), load_after) > (os.cpu_count() or 1)
    lines.append(f"Date: {dt.date.today().isoformat()}; {os.cpu_count()} cores, load average before/after "
                 f"{args.load_before} / {load_after:.1f}"
                 + (" (busier than its cores: wall times run above the CPU times)" if busy else "")
                 + f". procmine: median of {args.runs} runs; pm4py: median of {args.pm4py_runs}. "
                 "CPU = user+system time of this process.")
    lines.append("")
    lines.append("| step | procmine wall | procmine CPU | pm4py wall | pm4py CPU | ratio (wall) | ratio (CPU) | equal |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, wall, cpu, their_wall, their_cpu, same in rows:
        if their_wall is None:     # --pm4py-runs 0
            lines.append(f"| {name} | {wall:.2f} s | {cpu:.2f} s | | | | | |")
            continue
        lines.append(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {their_wall:.2f} s | {their_cpu:.2f} s | "
                     f"{their_wall / wall:.1f}× | {their_cpu / cpu:.1f}× | {'yes' if same else 'NO'} |")
    open_wall, open_cpu = opening
    lines.append(f"| open the dataset folder by citizen (`procmine.open(path, case_notion=\"citizen\")`) | "
                 f"{open_wall:.2f} s | {open_cpu:.2f} s | | | | | |")
    lines.append("")
    flat_facts = facts.flattening
    lines.append(f"Targets: import + flatten of a 1M-event OCEL ≤ {TARGET_SECONDS:.0f} s and ≥ {TARGET_RATIO:.0f}× "
                 f"pm4py; OC-DFG ≥ {TARGET_RATIO:.0f}× pm4py. Flattened by citizen: {flat_facts['rows']:,} rows in "
                 f"{flat_facts['cases']:,} cases, {flat_facts['duplicated_events']:,} events duplicated, "
                 f"{flat_facts['merged_object_pairs']:,} object pairs merged. pm4py {pm4py_version()} as pyproject "
                 f"installs it: {pm4py_json_reader()}.")
    return lines


def pm4py_version() -> str:
    import pm4py
    return pm4py.__version__


def pm4py_json_reader() -> str:
    """Which JSON reader pm4py used (its Rust importer only when r4pm or rustxes is installed)."""
    from pm4py.util.rustxes_utils import get_rustxes_backend_name
    backend = get_rustxes_backend_name()
    return (f"JSON and XML read by its Rust importer ({backend})" if backend
            else "no Rust importer (r4pm/rustxes) installed, so JSON and XML are read in Python; SQLite with pandas")


def same_ocdfg(graph, theirs: dict) -> bool:
    """Edges with their event couples, distinct objects and occurrences equal pm4py's."""
    ours = {(r.object_type, r.source, r.target): (r.event_couples, r.unique_objects, r.total_objects)
            for r in graph.edges.itertuples()}
    their = {(ot, a, b): (len(couples), len(theirs["edges"]["unique_objects"][ot][(a, b)]),
                          len(theirs["edges"]["total_objects"][ot][(a, b)]))
             for ot, edges in theirs["edges"]["event_couples"].items() for (a, b), couples in edges.items()}
    return ours == their


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=140_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--forms", type=lambda s: s.split(","), default=["sqlite", "json", "xml"])
    parser.add_argument("--runs", type=int, default=3, help="procmine runs per step (the median is given).")
    parser.add_argument("--pm4py-runs", type=int, default=1, help="pm4py runs per step (minutes each at 1M events; "
                        "0: time procmine only).")
    parser.add_argument("--no-ocdfg", dest="ocdfg", action="store_false", help="Leave out the OC-DFG step "
                        "(pm4py's discover_ocdfg takes many minutes at 1M events).")
    parser.add_argument("--workdir", default=None, help="Folder for the temporary files (default: the system's).")
    parser.add_argument("--keep", default=None, help="Folder to keep the simulated files in and reuse them from "
                        "(made with the same --cases and --seed).")
    parser.add_argument("--no-results", action="store_true", help="Print only; leave RESULTS.md as it is.")
    args = parser.parse_args()
    args.load_before = f"{os.getloadavg()[0]:.1f}"
    lines = run(args)
    print("\n".join(lines))
    if not args.no_results:
        replace_section(BEGIN, END, lines)


if __name__ == "__main__":
    main()
