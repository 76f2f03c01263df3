"""Time `procmine report` on Road Traffic Fines (150,370 cases, 561,470 events); target at most 10 s.

The log is imported once into benchmarks/data/ (gitignored); the timed part opens the dataset,
builds the report with its Rich progress bar and writes the HTML and XLSX, in process. Writes its
section of benchmarks/RESULTS.md. Usage: python benchmarks/bench_report.py
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from results_file import replace_section
from rich.console import Console
from shared_logs import ROAD_TRAFFIC_FINES as SOURCE

HERE = Path(__file__).resolve().parent
DATASET = HERE / "data" / "road_traffic_fines"
OUTPUT = HERE / "data" / "report"
BEGIN, END = "<!-- bench_report:begin -->", "<!-- bench_report:end -->"
TARGET_SECONDS = 10.0


def ensure_dataset() -> float:
    """Import the log once; the seconds it took (0 when it was there already)."""
    from procmine.importing import import_log

    if (DATASET / "procmine.json").exists():
        return 0.0
    started = time.perf_counter()
    import_log(SOURCE, DATASET)
    return time.perf_counter() - started


def timed_report(period: str, lang: str, first_day: str | None = None) -> dict:
    """Seconds per step and in total for one report (HTML and XLSX) with the CLI's progress bar."""
    from procmine.cli.report_command import run_job
    from procmine.report import builder, make_job

    marks: list[tuple[str, float]] = []
    original = builder.build_report

    def recording(*args, progress=None, **kwargs):
        def step(name: str) -> None:
            marks.append((name, time.perf_counter()))
            if progress:
                progress(name)
        return original(*args, progress=step, **kwargs)

    job = make_job({"dataset": DATASET, "output": OUTPUT / f"rtf_{period}_{lang}.html",
                    "xlsx": OUTPUT / f"rtf_{period}_{lang}.xlsx", "period": period, "lang": lang,
                    **({"from": first_day} if first_day else {})})
    started = time.perf_counter()
    _patched(builder, recording, lambda: run_job(job, console=Console(stderr=True)))
    total = time.perf_counter() - started
    steps, previous = {}, started
    for name, moment in marks:
        steps[name] = moment - previous
        previous = moment
    name = f"--period {period} --lang {lang}" + (f" --from {first_day} (all cases)" if first_day else "")
    return {"name": name, "seconds": total, "steps": steps,
            "bytes": job.output.stat().st_size}


def _patched(module, replacement, action) -> None:
    """Run `action` with module.build_report replaced (to time the steps), then restore it."""
    import procmine.report as package

    original = module.build_report
    module.build_report, package.build_report = replacement, replacement
    try:
        action()
    finally:
        module.build_report, package.build_report = original, original


def main() -> dict:
    import_seconds = ensure_dataset()
    runs = [timed_report(*arguments) for arguments in (("month", "en"), ("year", "da"),
                                                       ("year", "en", "2000-01-01"))]
    return {"import_seconds": import_seconds, "runs": runs, "load": os.getloadavg()[0]}


def write_results(figures: dict) -> None:
    """Replace this benchmark's section of RESULTS.md."""
    rows = []
    for run in figures["runs"]:
        slowest = sorted(run["steps"].items(), key=lambda item: -item[1])[:3]
        verdict = "met" if run["seconds"] <= TARGET_SECONDS else "MISSED"
        rows.append(f"| {run['name']} | {run['seconds']:.1f} s ({verdict}) | "
                    + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest)
                    + f" | {run['bytes'] / 1024:,.0f} KiB |")
    lines = [
        "## Management report on Road Traffic Fines (benchmarks/bench_report.py)",
        "",
        ("`procmine report` in process on the imported Road Traffic Fine Management log (150,370 cases, "
        "561,470 events, 11 activities): open the dataset, every analysis, process map, HTML and XLSX, "
        f"with the Rich progress bar. Target: at most {TARGET_SECONDS:.0f} s. 2 shared cores."),
        "",
        "| report | total | slowest steps (the first, kpis, includes opening the dataset) | HTML size |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
        (f"One-off import of the XES file: {figures['import_seconds']:.1f} s (0 = already imported). "
        f"Machine load average during the run: {figures['load']:.1f} on 2 cores."),
    ]
    replace_section(BEGIN, END, lines)


if __name__ == "__main__":
    result = main()
    write_results(result)
    for run in result["runs"]:
        print(f"{run['name']}: {run['seconds']:.2f} s "
              f"({', '.join(f'{k} {v:.2f}' for k, v in run['steps'].items())})")
