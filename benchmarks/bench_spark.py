"""Engines side by side on simulated municipal data: NumPy kernels vs DuckDB vs Spark local[2].

20 simulated municipalities (benchmarks/synthetic.py, one dataset each, hive-style
`municipality=Mnn/`) with 10M events (and 100M with --events 100000000). Each engine runs the
same analyses (overview, variants, DFG with waiting times, throughput by case type, deadlines in
working days) in its own process; wall time per analysis and the peak memory of the process
tree (the JVM included) are measured in one run. The NumPy engine analyses each municipality's
dataset in turn (as `procmine benchmark` does); DuckDB and Spark read the whole folder at once.
Writes the "Spark" section of benchmarks/RESULTS.md.

    python benchmarks/bench_spark.py [--events 10000000] [--engines numpy,duckdb,spark]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
from results_file import replace_section  # noqa: E402  (benchmarks/ is on sys.path)

BEGIN, END = "<!-- spark:begin -->", "<!-- spark:end -->"
EVENTS_PER_CASE = 8.36          # what synthetic.py's chain gives on average
ANALYSES = ("overview", "variants", "dfg", "throughput", "deadlines")
ENGINES = ("numpy", "duckdb", "spark")


def make_municipalities(root: Path, events: int, municipalities: int) -> Path:
    """The simulated datasets (made once; reused when present)."""
    from synthetic import write_synthetic

    cases = int(events / EVENTS_PER_CASE / municipalities)
    root.mkdir(parents=True, exist_ok=True)      # output folders are not created implicitly
    for number in range(municipalities):
        target = root / f"municipality=M{number + 1:02d}"
        if not (target / "procmine.json").exists():
            write_synthetic(target, cases, seed=number + 1)
    return root


def rules():
    from procmine.analysis import DeadlineRule

    return (DeadlineRule(name="whole case", within=40, unit="working_days"),
            DeadlineRule(name="to decision", start="Ansøgning modtaget", end="Afgørelse", within=30,
                         unit="working_days"))


def run_engine(engine: str, root: Path) -> dict:
    """Time each analysis on `engine` over all municipalities; returns seconds and the cases counted."""
    import procmine
    from procmine.sqlforms.log import analyse

    calls = {"overview": lambda log: analyse("overview", log), "variants": lambda log: analyse("variants", log),
             "dfg": lambda log: analyse("dfg", log),
             "throughput": lambda log: analyse("throughput", log, by="case_type"),
             "deadlines": lambda log: analyse("deadlines", log, rules())}
    seconds = dict.fromkeys(("open", *ANALYSES), 0.0)
    cases = 0
    logs = sorted(root.glob("municipality=*")) if engine == "numpy" else [root]
    for path in logs:
        began = time.perf_counter()
        log = procmine.open(path, engine=engine)
        seconds["open"] += time.perf_counter() - began
        for name in ANALYSES:
            began = time.perf_counter()
            result = calls[name](log)
            seconds[name] += time.perf_counter() - began
            if name == "overview":
                cases += result.cases
    return {"seconds": seconds, "cases": cases}


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return total


def measure(engine: str, root: Path, spark_memory: str) -> dict:
    """Run one engine in its own process, sampling the peak memory of its process tree."""
    env = dict(os.environ, PYTHONPATH=str(HERE.parent), PROCMINE_SPARK_DRIVER_MEMORY=spark_memory)
    child = subprocess.Popen([sys.executable, __file__, "--run", engine, "--root", str(root)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    peak = [0]

    def sample() -> None:
        while child.poll() is None:
            peak[0] = max(peak[0], tree_rss(child.pid))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    began = time.perf_counter()
    sampler.start()
    output, _ = child.communicate()
    wall = time.perf_counter() - began
    sampler.join()
    if child.returncode != 0:
        return {"engine": engine, "failed": child.returncode, "wall": wall, "peak_gb": peak[0] / 2**30}
    result = json.loads(output.strip().splitlines()[-1])
    return {"engine": engine, "wall": wall, "peak_gb": peak[0] / 2**30, **result}


def report(results: list[dict], events: int, municipalities: int) -> list[str]:
    lines = [(f"Spark engine, {events / 1e6:.0f}M simulated events in {municipalities} municipalities "
             f"(`python benchmarks/bench_spark.py --events {events}`, {os.cpu_count()} cores, shared with other work):"),
             "", "| engine | " + " | ".join(("open", *ANALYSES)) + " | wall (s) | peak memory (GB) | cases |",
             "| --- |" + " ---: |" * (len(ANALYSES) + 4)]
    for row in results:
        if "failed" in row:
            lines.append(f"| {row['engine']} | failed (exit {row['failed']}) after {row['wall']:.0f} s, "
                         f"peak {row['peak_gb']:.1f} GB |")
            continue
        times = " | ".join(f"{row['seconds'][name]:.1f}" for name in ("open", *ANALYSES))
        lines.append(f"| {row['engine']} | {times} | {row['wall']:.1f} | {row['peak_gb']:.2f} | {row['cases']:,} |")
    done = [r for r in results if "failed" not in r]
    for name in ANALYSES:
        fastest = min(done, key=lambda r: r["seconds"][name], default=None)
        if fastest:
            lines.append(f"- {name}: fastest {fastest['engine']}" + "".join(
                f", {r['engine']} ×{r['seconds'][name] / max(fastest['seconds'][name], 1e-9):.1f}"
                for r in done if r is not fastest))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--municipalities", type=int, default=20)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--work", type=Path, default=Path("/tmp/procmine-bench-spark"))
    parser.add_argument("--spark-memory", default="8g", help="Spark driver heap (local mode does the work there).")
    parser.add_argument("--run", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.run:
        print(json.dumps(run_engine(options.run, options.root)))
        return
    root = make_municipalities(options.work / f"{options.events}", options.events, options.municipalities)
    results = []
    for engine in options.engines.split(","):
        results.append(measure(engine, root, options.spark_memory))
        print(json.dumps(results[-1]), flush=True)       # each engine's figures as soon as it is done
    lines = report(results, options.events, options.municipalities)
    print("\n".join(lines))
    replace_section(BEGIN.replace("spark", f"spark-{options.events // 1_000_000}m"),
                    END.replace("spark", f"spark-{options.events // 1_000_000}m"), lines)


if __name__ == "__main__":
    main()
