"""Engine benchmark: procmine's kernels against pm4py on synthetic logs of ~2.5M and ~10M events.

Each side runs in its own process (clean peak memory). pm4py gets its DataFrame
built once, outside the timing; every figure is the median of the repetitions.
Writes the "Engine" section of benchmarks/RESULTS.md.

    python benchmarks/bench_engine.py [--pm4py-repeats-large 1] [--skip-large]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
from results_file import replace_section  # noqa: E402  (benchmarks/ is on sys.path)

BEGIN, END = "<!-- engine:begin -->", "<!-- engine:end -->"
# (our operation, pm4py operation) pairs compared as ratios.
PAIRS = (("dfg", "discover_dfg"), ("dfg", "discover_performance_dfg"),
         ("variants", "get_variants"), ("case_durations", "get_all_case_durations"))


def timed(function, repeats: int) -> float:
    """Median wall time of `repeats` calls, in seconds."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def peak_memory_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2


def ours(path: Path, repeats: int) -> dict:
    """Times of our analyses on fresh (unremembered) views of the dataset."""
    import procmine
    from procmine.analysis.dfg import dfg
    from procmine.analysis.kernels import case_durations, seconds
    from procmine.analysis.overview import overview
    from procmine.analysis.variants import variants
    from procmine.eventlog import EventLog
    from procmine.view_memo import forget

    began = time.perf_counter()
    log = procmine.open(path)
    opened = time.perf_counter() - began

    def fresh() -> EventLog:
        """A new view of the dataset with nothing remembered (not even the dataset's grouping)."""
        forget(log.base)
        return EventLog(log.base)

    result = {
        "open": opened, "events": log.num_events, "cases": log.num_cases,
        "dfg": timed(lambda: dfg(fresh()), repeats),
        "variants": timed(lambda: variants(fresh()).sequences, repeats),
        "case_durations": timed(lambda: seconds(case_durations(fresh().arrays)), repeats),
    }
    filters = _filters()
    if filters:
        variants(log)  # as in the app: the dataset is analysed once before filters change
        views = iter(filters * repeats)
        result["filter_overview_variants_dfg"] = timed(
            lambda: _analyse(log.filter(next(views)), overview, variants, dfg), repeats)
        result["filter"] = filters[0].describe()
    else:
        result["overview_variants_dfg"] = timed(lambda: _analyse(fresh(), overview, variants, dfg), repeats)
    result["peak_memory_gb"] = peak_memory_gb()
    return result


def _filters() -> list:
    """Case-attribute filters that change the selection from one repetition to the next."""
    try:
        from procmine.filters.attributes import CaseAttributeFilter
    except ImportError:
        return []
    return [CaseAttributeFilter(attribute="case_type", values=("aktindsigt", "byggetilladelse", "merudgifter")),
            CaseAttributeFilter(attribute="case_type", values=("borgerhenvendelse", "genoptræning", "aktindsigt"))]


def _analyse(view, overview, variants, dfg) -> None:
    overview(view)
    _ = variants(view).sequences
    dfg(view)


def theirs(path: Path, repeats: int) -> dict:
    """Times of pm4py's public functions on a DataFrame of the same events."""
    import pm4py

    from procmine.dataset import read_dataset

    events = read_dataset(path).events.select(["case_id", "activity", "timestamp"]).to_pandas()
    frame = events.rename(columns={"case_id": "case:concept:name", "activity": "concept:name",
                                   "timestamp": "time:timestamp"})
    frame["concept:name"] = frame["concept:name"].astype(str)
    return {
        "discover_dfg": timed(lambda: pm4py.discover_dfg(frame), repeats),
        "discover_performance_dfg": timed(lambda: pm4py.discover_performance_dfg(frame), repeats),
        "get_variants": timed(lambda: pm4py.get_variants(frame), repeats),
        "get_all_case_durations": timed(lambda: pm4py.get_all_case_durations(frame), repeats),
        "peak_memory_gb": peak_memory_gb(),
    }


def in_process(side: str, path: Path, repeats: int, remember: Path | None = None) -> dict:
    """Run one side in a child process and return its JSON answer (kept in `remember` if given)."""
    if remember is not None and remember.exists():
        return json.loads(remember.read_text())
    completed = subprocess.run([sys.executable, __file__, "--worker", side, str(path), "--repeats", str(repeats)],
                               capture_output=True, text=True, check=True)
    answer = json.loads(completed.stdout.strip().splitlines()[-1])
    if remember is not None:
        answer["measured"] = dt.datetime.now().isoformat(timespec="minutes")
        remember.write_text(json.dumps(answer))
    return answer


def ensure_dataset(folder: Path, cases: int) -> Path:
    from synthetic import write_synthetic

    target = folder / f"synthetic-{cases}"
    if not (target / "procmine.json").exists():
        print(f"generating {cases:,} cases into {target} ...", flush=True)
        write_synthetic(target, cases)
    return target


def report(name: str, ours_: dict, theirs_: dict, repeats: int, pm4py_repeats: int) -> list[str]:
    lines = [f"### {name}: {ours_['cases']:,} cases, {ours_['events']:,} events",
             "", (f"procmine median of {repeats} runs, pm4py median of {pm4py_repeats} run(s) "
             f"(pm4py measured {theirs_.get('measured', 'in this run')})."), "",
             "| operation | procmine s | pm4py s | pm4py / procmine |", "| --- | ---: | ---: | ---: |"]
    for mine, other in PAIRS:
        lines.append(f"| {mine} vs pm4py.{other} | {ours_[mine]:.3f} | {theirs_[other]:.3f} | "
                     f"{theirs_[other] / ours_[mine]:.1f}x |")
    lines += ["", f"- open dataset (read Parquet, code arrays): {ours_['open']:.2f} s"]
    if "filter_overview_variants_dfg" in ours_:
        lines.append(f"- filter change ({ours_['filter']}) then overview + variants + dfg, "
                     "the dataset analysed once before: "
                     f"{ours_['filter_overview_variants_dfg']:.2f} s")
    else:
        lines.append(f"- overview + variants + dfg (no filters available): {ours_['overview_variants_dfg']:.2f} s")
    lines.append(f"- peak memory: procmine process {ours_['peak_memory_gb']:.2f} GB, "
                 f"pm4py process {theirs_['peak_memory_gb']:.2f} GB")
    return lines + [""]


def write_section(lines: list[str]) -> None:
    """Replace this benchmark's section of RESULTS.md (other sections are left alone)."""
    replace_section(BEGIN, END, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=("ours", "pm4py"))
    parser.add_argument("dataset", nargs="?", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pm4py-repeats-large", type=int, default=3,
                        help="pm4py repetitions on the ~10M-event log (slow; 1 is fine for a quick run)")
    parser.add_argument("--small-cases", type=int, default=300_000)
    parser.add_argument("--large-cases", type=int, default=1_200_000)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--fresh-pm4py", action="store_true",
                        help="measure pm4py again instead of reusing its times kept in --data-dir")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/procmine-bench"))
    options = parser.parse_args()
    if options.worker:
        work = ours if options.worker == "ours" else theirs
        print(json.dumps(work(options.dataset, options.repeats)))
        return
    runs = [("small", options.small_cases, options.repeats)]
    if not options.skip_large:
        runs.append(("large", options.large_cases, options.pm4py_repeats_large))
    lines = ["## Engine (procmine kernels vs pm4py)", "",
             f"Command: `{' '.join(['python', 'benchmarks/bench_engine.py', *sys.argv[1:]])}`  ",
             (f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs (shared), "
             f"Python {platform.python_version()}  "),
             f"Date: {dt.date.today().isoformat()}", ""]
    for name, cases, pm4py_repeats in runs:
        path = ensure_dataset(options.data_dir, cases)
        mine = in_process("ours", path, options.repeats)
        kept = None if options.fresh_pm4py else options.data_dir / f"pm4py-{cases}-r{pm4py_repeats}.json"
        other = in_process("pm4py", path, pm4py_repeats, kept)
        section = report(name, mine, other, options.repeats, pm4py_repeats)
        print("\n".join(section), flush=True)
        lines += section
    write_section(lines)


if __name__ == "__main__":
    main()
