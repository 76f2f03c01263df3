"""App benchmark: how long every page takes to redraw after a filter change on a ~1M-event log.

Drives the real app with Streamlit's AppTest (the same script run a browser
triggers, without the network and the browser's drawing). For each page: draw it
once, then change the filter stack to one not seen before and time the redraw;
then go back to an earlier stack and time that (served from the caches).
Writes the "App" section of benchmarks/RESULTS.md.

With --shared it times instead the largest shared public logs (BPIC15_1: 398 activities,
Road Traffic Fines: 150,370 cases): every page's first draw (the map must open within
3 s) and every CLI command as a user runs it (a fresh `python -m procmine` process), and
writes the "Largest shared logs" section.

    python benchmarks/bench_app.py [--cases 170000] [--dataset FOLDER]
    python benchmarks/bench_app.py --shared
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]
from results_file import replace_section  # noqa: E402  (benchmarks/ is on sys.path)

BEGIN, END = "<!-- bench_app:begin -->", "<!-- bench_app:end -->"
PAGES = ("overview", "map", "variants", "throughput", "bottlenecks", "cases", "model", "compare", "data")
LIMIT_SECONDS = 2.0


def ensure_dataset(folder: Path, cases: int) -> Path:
    """A simulated mix of the five workflows (about 6 events per case), made once."""
    if not (folder / "procmine.json").exists():
        print(f"simulating {cases:,} cases into {folder} ...", flush=True)
        subprocess.run([str(Path(sys.executable).with_name("procmine")), "simulate", "all", str(folder),
                        "--cases", str(cases), "--seed", "7"], check=True, cwd=ROOT)
    return folder


def filter_stacks(path: Path, count: int) -> list[list]:
    """`count` different stacks: one case-attribute value plus a throughput range each."""
    from procmine.filters import CaseAttributeFilter, ThroughputFilter
    from procmine.opening import open_log

    cases = open_log(path).base.cases
    attribute = "department" if "department" in cases.column_names else cases.column_names[-1]
    values = sorted({v for v in cases.column(attribute).to_pylist() if v is not None})
    return [[CaseAttributeFilter(attribute=attribute, values=(values[i % len(values)],)),
             ThroughputFilter(between=(None, 30.0 + 10 * i), unit="days")] for i in range(count)]


def run_pages(path: Path) -> tuple[list[tuple[str, float, float, float, int]], int, int]:
    """Per page: first draw, redraw after a new filter stack, redraw on a cached stack; and the log size."""
    from streamlit.testing.v1 import AppTest

    from procmine.opening import open_log
    from procmine.ui import state

    log = open_log(path)
    stacks = filter_stacks(path, 2 * len(PAGES))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[state.DATASET_KEY] = str(path)
    at.session_state[state.PAGE_KEY] = "overview"
    at.run()
    rows = []
    for number, page in enumerate(PAGES):
        at.session_state[state.PAGE_KEY] = page
        at.session_state[state.FILTERS_KEY] = stacks[2 * number]
        first = _timed_run(at)
        at.session_state[state.FILTERS_KEY] = stacks[2 * number + 1]
        changed = _timed_run(at)
        at.session_state[state.FILTERS_KEY] = stacks[2 * number]
        cached = _timed_run(at)
        rows.append((page, first, changed, cached, len(at.error)))
        for problem in at.error:
            print(f"{page}: the page shows an error: {problem.value}", flush=True)
        print(f"{page:12s} first {first:6.2f} s   after filter change {changed:6.2f} s   cached {cached:5.2f} s",
              flush=True)
    return rows, log.num_cases, log.num_events


def _timed_run(at) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if len(at.exception):
        raise RuntimeError(f"the app raised: {at.exception[0].message}")
    return elapsed


def report(rows, cases: int, events: int) -> list[str]:
    changed = [row[2] for row in rows]
    slowest = max(rows, key=lambda row: row[2])
    lines = [
        "## App redraw after a filter change (benchmarks/bench_app.py)", "",
        (f"Streamlit AppTest on the real app, simulated mix of the five workflows: {cases:,} cases, "
        f"{events:,} events. Python {platform.python_version()}, {os.cpu_count()} shared cores. "
        "'after filter change' sets a filter stack (case attribute + throughput range) the app has not "
        "seen before and times the page's full script run; 'cached' goes back to a stack seen before."), "",
        "| page | first draw s | after filter change s | cached stack s |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {page} | {first:.2f} | {after:.2f} | {cached:.2f} |" for page, first, after, cached, _ in rows]
    verdict = "met" if max(changed) <= LIMIT_SECONDS else "NOT met"
    lines += ["", (f"- target: every page redraws within {LIMIT_SECONDS:.0f} s after a filter change: {verdict} "
              f"(slowest: {slowest[0]}, {slowest[2]:.2f} s; median {statistics.median(changed):.2f} s)"), ""]
    return lines


def write_section(lines: list[str]) -> None:
    """Replace this benchmark's section of RESULTS.md (other sections are left alone)."""
    replace_section(BEGIN, END, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=170_000, help="cases to simulate (~1M events)")
    parser.add_argument("--dataset", type=Path, default=HERE / "data" / "app-1m")
    parser.add_argument("--shared", action="store_true", help="time the largest shared logs instead")
    options = parser.parse_args()
    if options.shared:
        from bench_shared_logs import run_shared
        run_shared()
        return
    options.dataset.parent.mkdir(parents=True, exist_ok=True)
    path = ensure_dataset(options.dataset, options.cases)
    rows, cases, events = run_pages(path)
    lines = report(rows, cases, events)
    print("\n".join(lines))
    write_section(lines)


if __name__ == "__main__":
    main()
