"""Time the hostile-input defences: bombs refused, a lenient import against pm4py, the open checks.

Measured in one process run, medians of --runs runs:
  * how long each bomb takes to be refused (in-process, so without Python's start-up) and the
    process's peak memory afterwards;
  * a lenient import of WABO_receipt with six events stripped of their name or time, against
    pm4py.read_xes(variant="iterparse") on the same file (it keeps the broken events as NaN rows);
  * what the new checks cost when a dataset is opened: read_dataset of Road Traffic Fines
    (561,470 events) with and without check_events_file.

    .venv/bin/python benchmarks/bench_hostile.py [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from results_file import replace_section  # noqa: E402
from shared_logs import ROAD_TRAFFIC_FINES  # noqa: E402

BEGIN, END = "<!-- bench_hostile:begin -->", "<!-- bench_hostile:end -->"


def median_seconds(action, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def refused(path: Path):
    from procmine.errors import ProcmineError
    from procmine.importing import read_log

    def attempt() -> None:
        try:
            read_log(path)
        except ProcmineError:
            return
        raise AssertionError(f"{path.name} was accepted")
    return attempt


def bomb_rows(folder: Path, runs: int) -> list[str]:
    import hostile_corpus as corpus

    from procmine.errors import ProcmineError
    from procmine.safe_load import load_yaml_text

    bombs = {"bomb.csv.gz": corpus.blank_line_bomb, "bomb.xes.gz": corpus.xes_whitespace_bomb,
             "dimension.xlsx": lambda: corpus.workbook_bytes(corpus._excel_rows(), corpus._far_rows),
             "zipbomb.xlsx": corpus.excel_zip_bomb}
    rows = []
    for name, make in bombs.items():
        path = folder / name
        path.write_bytes(make())
        seconds, times = median_seconds(refused(path), runs)
        rows.append(f"| {name} ({path.stat().st_size:,} bytes) | {seconds:.3f} | "
                    f"{', '.join(f'{t:.3f}' for t in times)} |")

    def alias_bomb() -> None:
        try:
            load_yaml_text(corpus.alias_bomb(), "bomb.yaml")
        except ProcmineError:
            return
    seconds, times = median_seconds(alias_bomb, runs)
    rows.append(f"| YAML alias bomb (10^10 values) | {seconds:.4f} | {', '.join(f'{t:.4f}' for t in times)} |")
    return rows


def lenient_rows(folder: Path, runs: int) -> list[str]:
    import pm4py
    from test_import_quarantine import wabo_with_holes

    from procmine.importing import import_log

    holed = wabo_with_holes(folder / "wabo_holes.xes.gz")
    counter = iter(range(10**6))
    ours, our_times = median_seconds(lambda: import_log(holed, folder / f"ds{next(counter)}"), runs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, their_times = median_seconds(lambda: pm4py.read_xes(str(holed), variant="iterparse"), runs)
    return [(f"| procmine import_log (lenient, to a dataset folder) | {ours:.3f} | "
            f"{', '.join(f'{t:.3f}' for t in our_times)} | 1.00 |"),
            (f"| pm4py.read_xes, iterparse (to a DataFrame) | {theirs:.3f} | {', '.join(f'{t:.3f}' for t in their_times)} "
            f"| {theirs / ours:.2f} |")]


def open_rows(folder: Path, runs: int) -> list[str]:
    from procmine import dataset_checks
    from procmine.dataset import read_dataset
    from procmine.importing import import_log

    import_log(ROAD_TRAFFIC_FINES, folder / "rtf")
    checked, checked_times = median_seconds(lambda: read_dataset(folder / "rtf"), runs)
    original = dataset_checks.check_events_file
    meta = read_dataset(folder / "rtf").meta
    check, check_times = median_seconds(lambda: original(folder / "rtf" / "events.parquet", meta), runs)
    import procmine
    from procmine import analysis
    first, first_times = median_seconds(lambda: analysis.overview(procmine.open(folder / "rtf")), runs)
    return [f"| read_dataset (with the checks) | {checked:.4f} | {', '.join(f'{t:.4f}' for t in checked_times)} |",
            f"| check_events_file alone | {check:.4f} | {', '.join(f'{t:.4f}' for t in check_times)} |",
            (f"| procmine.open + overview (the checked columns are not read twice) | {first:.4f} | "
            f"{', '.join(f'{t:.4f}' for t in first_times)} |")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bombs = bomb_rows(folder, args.runs)
        load.append(os.getloadavg()[0])
        lenient = lenient_rows(folder, args.runs)
        load.append(os.getloadavg()[0])
        opening = open_rows(folder, args.runs)
        load.append(os.getloadavg()[0])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    lines = [
        "## Hostile inputs (benchmarks/bench_hostile.py)", "",
        (f"Command: `.venv/bin/python benchmarks/bench_hostile.py --runs {args.runs}`. Date: {dt.date.today()}. "
        f"Machine: {os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}, shared: "
        f"load average (1 min) {' → '.join(f'{x:.1f}' for x in load)}. Medians of {args.runs} runs, in-process "
        f"(the CLI adds Python's start-up). Peak memory of the whole benchmark process: {peak} MiB."), "",
        "Bombs, time until the ProcmineError (the issue's bound: 5 s, 500 MB):", "",
        "| input | median (s) | runs (s) |", "| --- | ---: | --- |", *bombs, "",
        "WABO_receipt with 6 of 8,577 events stripped of concept:name or time:timestamp:", "",
        "| reader | median (s) | runs (s) | times slower than procmine |", "| --- | ---: | --- | ---: |", *lenient, "",
        "Opening the Road Traffic Fines dataset (561,470 events):", "",
        "| step | median (s) | runs (s) |", "| --- | ---: | --- |", *opening,
    ]
    replace_section(BEGIN, END, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
