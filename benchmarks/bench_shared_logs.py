"""The app's pages and the CLI's commands on the largest shared logs, against their time bounds.

Run through `python benchmarks/bench_app.py --shared`; writes the "Largest shared logs"
section of benchmarks/RESULTS.md. A page is timed from a fresh session (AppTest: the
script run a browser triggers); a command as a fresh `python -m procmine` process, so
its time includes starting Python and importing procmine.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_file import replace_section
from shared_logs import SHARED_DATA as SHARED

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOGS = {"BPIC15_1": "BPIC15_1.xes.gz", "Road Traffic Fines": "Road_Traffic_Fine_Management_Process.xes.gz"}
PAGES = ("overview", "map", "variants", "throughput", "bottlenecks", "cases", "model", "compare", "data")
MAP_SECONDS = 3.0      # the bound: a map opens on any real log within 3 s
PAGE_SECONDS = 10.0
COMMAND_SECONDS = 30.0
BEFORE = ("- before this change the map page and `procmine map` did not finish on BPIC15_1 (issue #19: over 100 CPU-minutes at 100 % / 100 %); laid out whole, a 60-activity map with 650 paths alone took 118 s here. Now a map opens on at most 60 activities / 150 paths and never exceeds 120 / 250.")
BEGIN, END = "<!-- bench_app_shared:begin -->", "<!-- bench_app_shared:end -->"


def dataset(name: str) -> Path:
    """The shared log imported once into benchmarks/data/shared-<name>."""
    target = HERE / "data" / f"shared-{Path(LOGS[name]).name.split('.')[0]}"
    if not (target / "procmine.json").exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _procmine("import", str(SHARED / LOGS[name]), str(target))
    return target


def time_pages(path: Path) -> dict[str, float]:
    """Seconds of each page's first draw in a fresh session (the app opened on the overview first)."""
    from streamlit.testing.v1 import AppTest

    from procmine.ui import state

    seconds = {}
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.session_state[state.DATASET_KEY] = str(path)
        at.session_state[state.PAGE_KEY] = "data"
        at.run()
        at.session_state[state.PAGE_KEY] = page
        started = time.perf_counter()
        at.run()
        seconds[page] = time.perf_counter() - started
        if len(at.exception) or len(at.error):
            raise RuntimeError(f"{path.name} {page}: {(at.exception or at.error)[0]}")
        print(f"{path.name:24s} page {page:12s} {seconds[page]:6.2f} s", flush=True)
    return seconds


def time_commands(path: Path, out: Path) -> dict[str, float]:
    """Seconds of each CLI command as a fresh process."""
    from procmine.filters import ThroughputFilter, VariantsFilter, save_filters

    save_filters([ThroughputFilter(between=(None, 30.0), unit="days")], out / "a.json")
    save_filters([ThroughputFilter(between=(30.0, None), unit="days")], out / "b.json")
    save_filters([VariantsFilter(top=50)], out / "top.json")
    data = str(path)
    commands = {
        "info": ["info", data], "variants": ["variants", data], "dfg": ["dfg", data],
        "throughput": ["throughput", data, "--period", "month"], "bottlenecks": ["bottlenecks", data],
        "deadlines": ["deadlines", data],
        "compare": ["compare", data, "--a", str(out / "a.json"), "--b", str(out / "b.json")],
        "map (default sliders)": ["map", data, "-o", str(out / "map.svg")],
        "discover": ["discover", data, "-o", str(out / "model.pnml")],
        "conformance (top 50 variants)": ["conformance", data, "--model", str(out / "model.pnml"),
                                          "--filter", str(out / "top.json")],
        "export": ["export", data, str(out / "log.csv")],
        "report (+ xlsx)": ["report", data, "-o", str(out / "r.html"), "--xlsx", str(out / "r.xlsx")],
    }
    seconds = {}
    for name, command in commands.items():
        started = time.perf_counter()
        _procmine(*command)
        seconds[name] = time.perf_counter() - started
        print(f"{path.name:24s} cli  {name:30s} {seconds[name]:6.2f} s", flush=True)
    return seconds


def _procmine(*arguments: str) -> None:
    subprocess.run([sys.executable, "-m", "procmine", *arguments], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})


def report(pages: dict[str, dict[str, float]], commands: dict[str, dict[str, float]]) -> list[str]:
    names = list(pages)
    lines = ["## Largest shared logs: every page and command (benchmarks/bench_app.py --shared)", "",
             (f"BPIC15_1 (1,199 cases, 52,217 events, 398 activities) and Road Traffic Fines (150,370 cases, "
             f"561,470 events). Python {platform.python_version()}, {os.cpu_count()} shared cores. Pages: "
             "first draw in a fresh AppTest session. Commands: a fresh `python -m procmine` process "
             "(includes about 2 s of start-up)."), "",
             "| page | " + " | ".join(f"{n} s" for n in names) + " | bound s |",
             "| --- | " + " | ".join("---:" for _ in names) + " | ---: |"]
    for page in PAGES:
        bound = MAP_SECONDS if page == "map" else PAGE_SECONDS
        lines.append(f"| {page} | " + " | ".join(f"{pages[n][page]:.2f}" for n in names) + f" | {bound:.0f} |")
    lines += ["", "| command | " + " | ".join(f"{n} s" for n in names) + " | bound s |",
              "| --- | " + " | ".join("---:" for _ in names) + " | ---: |"]
    for command in next(iter(commands.values())):
        lines.append(f"| {command} | " + " | ".join(f"{commands[n][command]:.2f}" for n in names)
                     + f" | {COMMAND_SECONDS:.0f} |")
    missed = [f"{n} {p}" for n in names for p, v in pages[n].items()
              if v > (MAP_SECONDS if p == "map" else PAGE_SECONDS)]
    missed += [f"{n} {c}" for n in names for c, v in commands[n].items() if v > COMMAND_SECONDS]
    lines += ["", f"- bounds: {'all met' if not missed else 'NOT met: ' + ', '.join(missed)}", BEFORE, ""]
    return lines


def run_shared() -> None:
    pages, commands = {}, {}
    for name in LOGS:
        path = dataset(name)
        pages[name] = time_pages(path)
        with tempfile.TemporaryDirectory() as out:
            commands[name] = time_commands(path, Path(out))
    lines = report(pages, commands)
    print("\n".join(lines))
    replace_section(BEGIN, END, lines)
