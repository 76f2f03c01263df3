"""Discovery and conformance benchmark: procmine against pm4py, in one run.

(a) Inductive miner: our IMf (noise 0.2) and IMd against pm4py's on the same variants and
    DFG, on a synthetic log of ~2.5M events and the shared real logs; on the synthetic log
    also the whole way from the dataset against pm4py's discover on its DataFrame (IMf, and
    IMd both ways pm4py offers from a DataFrame).
(b) Conformance on Road Traffic Fines against a model discovered from it: our whole
    check (token replay, alignments, precision, per-case table) against pm4py's token
    replay and alignment fitness on the DataFrame.

Every figure is the median of --repeats runs; DataFrames are built outside the timing.
Writes the "Discovery and conformance" section of benchmarks/RESULTS.md.

    python benchmarks/bench_discovery.py [--repeats 3] [--cases 300000]
    python benchmarks/bench_discovery.py --imd-whole-way [--repeats 5]   (that figure alone, own section)
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
from shared_logs import ROAD_TRAFFIC_FINES as ROAD_TRAFFIC  # noqa: E402

BEGIN, END = "<!-- bench_discovery:begin -->", "<!-- bench_discovery:end -->"
REAL_LOGS = ("Sepsis_Cases.xes.gz", "WABO_receipt.xes.gz", "BPIC15_1.xes.gz")


def timed(function, repeats: int, prepare=lambda: None) -> tuple[float, object]:
    """Median wall time of `repeats` calls of function(prepare()) and the last result."""
    times, result = [], None
    for _ in range(repeats):
        argument = prepare()
        began = time.perf_counter()
        result = function(argument)
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def pm4py_frame(path: Path):
    """The dataset's events as the DataFrame pm4py expects."""
    from procmine.dataset import read_dataset

    events = read_dataset(path).events.select(["case_id", "activity", "timestamp"]).to_pandas()
    frame = events.rename(columns={"case_id": "case:concept:name", "activity": "concept:name",
                                   "timestamp": "time:timestamp"})
    frame["concept:name"] = frame["concept:name"].astype(str)
    return frame


def bench_inductive(synthetic: Path, real: dict[str, Path], repeats: int) -> dict:
    """Ours against pm4py's IMf and IMd per log (mining only), and the whole way on the synthetic log."""
    from inductive_timings import time_log, time_whole_way, time_whole_way_imd

    rows = [time_log(f"synthetic ({synthetic.name})", synthetic, repeats)]
    rows += [time_log(label, path, repeats) for label, path in real.items()]
    frame = pm4py_frame(synthetic)
    return {"rows": rows, "whole": time_whole_way(synthetic, frame, repeats),
            "whole_imd": time_whole_way_imd(synthetic, frame, repeats)}


def bench_conformance(path: Path, repeats: int) -> dict:
    """Our whole conformance check vs pm4py's token replay and alignment fitness."""
    import pm4py

    import procmine
    from procmine.conformance import PetriModel, check_conformance
    from procmine.discovery import discover

    model = discover(procmine.open(path))
    petri = PetriModel(model.net, model.initial_marking, model.final_marking, "discovered")
    ours_seconds, result = timed(lambda log: check_conformance(log, petri), repeats,
                                 prepare=lambda: procmine.open(path))
    frame = pm4py_frame(path)
    nets = (model.net, model.initial_marking, model.final_marking)
    token_seconds, token = timed(lambda _: pm4py.fitness_token_based_replay(frame, *nets), repeats)
    align_seconds, aligned = timed(lambda _: pm4py.fitness_alignments(frame, *nets), repeats)
    return {"cases": result.num_cases, "variants": result.num_variants, "ours": ours_seconds,
            "pm4py_token": token_seconds, "pm4py_alignments": align_seconds,
            "ours_token_fitness": result.token_fitness, "pm4py_token_fitness": token["log_fitness"],
            "ours_fitting_share": result.fitting_cases_share,
            "pm4py_fitting_share": aligned["percFitTraces"] / 100, "precision": result.precision}


def ensure_datasets(data_dir: Path, cases: int) -> tuple[Path, dict[str, Path]]:
    """The synthetic dataset and the shared real logs' datasets (Road Traffic Fines first), made once."""
    from synthetic import write_synthetic

    from procmine.importing import import_log

    synthetic = data_dir / f"synthetic-{cases}"
    if not (synthetic / "procmine.json").exists():
        print(f"generating {cases:,} cases into {synthetic} ...", flush=True)
        write_synthetic(synthetic, cases)
    real = {}
    for source in (ROAD_TRAFFIC, *(ROAD_TRAFFIC.parent / name for name in REAL_LOGS)):
        target = data_dir / source.name.split(".")[0]
        if not (target / "procmine.json").exists():
            print(f"importing {source.name} into {target} ...", flush=True)
            import_log(source, target)
        real[source.name.split(".")[0]] = target
    return synthetic, real


def section(options, inductive: dict, conformance: dict, loads: list) -> list[str]:
    from inductive_timings import imd_whole_way_line, table

    whole = inductive["whole"]
    synthetic = inductive["rows"][0]
    token_ratio = conformance["pm4py_token"] / conformance["ours"]
    align_ratio = conformance["pm4py_alignments"] / conformance["ours"]
    return [
        "## Discovery and conformance (benchmarks/bench_discovery.py)", "",
        f"Command: `python benchmarks/bench_discovery.py {' '.join(sys.argv[1:])}`".rstrip() + "  ",
        (f"Machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other developers' work, "
        f"Python {platform.python_version()}  "),
        (f"Date: {dt.date.today().isoformat()}; load average (1, 5, 15 min) before "
        f"{', '.join(f'{x:.2f}' for x in loads[0])}, after {', '.join(f'{x:.2f}' for x in loads[1])}  "),
        (f"Every time is the median of {options.repeats} runs; pm4py's DataFrames are built outside the timing. "
        "Under a heavy load (see the load average) the seconds are a multiple of a quiet machine's; each ratio "
        "compares two timings of one run under the same load."),
        "",
        "### (a) Inductive miner: procmine.inductive against pm4py's, IMf (noise 0.2) and IMd", "",
        ("Mining only: the same input for both, computed once by the engine (IMf: the variants, to pm4py "
        "as a Counter of tuples; IMd: the DFG, to pm4py as its DFG object); the tree before folding. "
        "Ratio: pm4py / procmine."), "",
        *table(inductive["rows"]), "",
        (f"The whole way on the synthetic log ({synthetic['events']:,} events, {synthetic['variants']:,} "
        f"variants): procmine open + variants + IMf + pm4py's fold and sort {whole['ours']:.2f} s "
        f"(runs {', '.join(f'{x:.2f}' for x in whole['ours_runs'])}); "
        f"pm4py.discover_process_tree_inductive(df, noise_threshold=0.2) {whole['pm4py']:.2f} s "
        f"(runs {', '.join(f'{x:.2f}' for x in whole['pm4py_runs'])}): **{whole['pm4py'] / whole['ours']:.1f}x**; "
        f"the same tree: {'yes' if whole['same'] else 'NO'}. Goal ≥ 10x on this log, mining: "
        f"{'met' if synthetic['imf_pm4py'] >= 10 * synthetic['imf_ours'] else 'not met'} "
        f"({synthetic['imf_pm4py'] / synthetic['imf_ours']:.1f}x)."), "",
        imd_whole_way_line(synthetic, inductive["whole_imd"]), "",
        (f"### (b) Conformance on Road Traffic Fines ({conformance['cases']:,} cases, "
        f"{conformance['variants']} variants) against IMf (noise 0.2) discovered from it"), "",
        "| | seconds | result |", "| --- | ---: | --- |",
        (f"| procmine check_conformance: token replay + alignments + precision + per-case table | "
        f"{conformance['ours']:.2f} | token fitness {conformance['ours_token_fitness']:.4f}, fitting cases "
        f"{conformance['ours_fitting_share']:.4f}, precision {conformance['precision']:.4f} |"),
        (f"| pm4py.fitness_token_based_replay(df, net, im, fm) | {conformance['pm4py_token']:.2f} | "
        f"token fitness {conformance['pm4py_token_fitness']:.4f} |"),
        (f"| pm4py.fitness_alignments(df, net, im, fm) | {conformance['pm4py_alignments']:.2f} | "
        f"fitting cases {conformance['pm4py_fitting_share']:.4f} |"), "",
        (f"pm4py token replay / procmine: **{token_ratio:.1f}x**; pm4py alignments / procmine: "
        f"**{align_ratio:.1f}x** (procmine does both and precision in its time); target ≥ 5x: "
        f"{'met' if min(token_ratio, align_ratio) >= 5 else 'not met'}."), ""]


def write_section(lines: list[str]) -> None:
    """Replace this benchmark's section of RESULTS.md (other sections are left alone)."""
    replace_section(BEGIN, END, lines)


def imd_whole_way_only(options) -> None:
    """Measure IMd the whole way on the synthetic log alone and append (or replace) its own section."""
    from bench_engine import ensure_dataset
    from inductive_timings import imd_whole_way_line, time_whole_way_imd

    synthetic = ensure_dataset(options.data_dir, options.cases)
    frame = pm4py_frame(synthetic)
    load_before = os.getloadavg()
    whole = time_whole_way_imd(synthetic, frame, options.repeats)
    lines = ["## IMd the whole way (benchmarks/bench_discovery.py --imd-whole-way)", "",
             f"Command: `python benchmarks/bench_discovery.py {' '.join(sys.argv[1:])}`  ",
             (f"Machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other work, Python "
              f"{platform.python_version()}. Date: {dt.date.today().isoformat()}; load average before "
              f"{load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}. Wall seconds, median of {options.repeats} "
              f"runs; synthetic log of {len(frame):,} events."), "",
             imd_whole_way_line(None, whole), ""]
    replace_section("<!-- bench_discovery imd-whole-way:begin -->", "<!-- bench_discovery imd-whole-way:end -->",
                    lines)
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/procmine-bench"))
    parser.add_argument("--imd-whole-way", action="store_true",
                        help="only IMd the whole way on the synthetic log, in a RESULTS.md section of its own")
    options = parser.parse_args()
    if options.imd_whole_way:
        imd_whole_way_only(options)
        return
    synthetic, real = ensure_datasets(options.data_dir, options.cases)
    road = real[ROAD_TRAFFIC.name.split('.')[0]]
    loads = [os.getloadavg()]
    inductive = bench_inductive(synthetic, real, options.repeats)
    print(inductive, flush=True)
    conformance = bench_conformance(road, options.repeats)
    print(conformance, flush=True)
    loads.append(os.getloadavg())
    lines = section(options, inductive, conformance, loads)
    write_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
