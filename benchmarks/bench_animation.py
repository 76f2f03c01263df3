"""Animated process map: payload size, time to the first frame and frames per second in headless Chromium.

On Road Traffic Fines (150,370 cases) through the real app: click "Animate" on the Process map page and
time until the component has drawn its first frame (the server lays the map out, builds the tokens and
sends the payload); then play at the log's busiest moment and count requestAnimationFrame draws for a
few seconds. The same on a synthetic log with more than 10,000 distinct dots in motion. Writes its
section of benchmarks/RESULTS.md and a screenshot to benchmarks/data/animation-rtf.png.

    python benchmarks/bench_animation.py [--synthetic /tmp/procmine-bench/synthetic-300000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "tests")]
from bench_report import DATASET as RTF, ensure_dataset  # noqa: E402
from results_file import replace_section  # noqa: E402

BEGIN, END = "<!-- bench_animation:begin -->", "<!-- bench_animation:end -->"
PLAY_SECONDS = 5.0


def payload_figures(dataset: Path) -> dict:
    """Server-side build time, payload size and the busiest moment of the dataset's animation."""
    import numpy as np

    import procmine
    from procmine.render.animation_payload import build_animation, payload_of

    log = procmine.open(dataset)
    began = time.perf_counter()
    animation = build_animation(log)
    payload = json.dumps(payload_of(animation, "en", "bench"))
    built = time.perf_counter() - began
    tokens = animation.tokens
    moments = np.linspace(0, int(tokens.end.max()), 600)
    dots = np.array([np.count_nonzero((tokens.start <= t) & (tokens.end > t)) for t in moments])
    busiest = float(moments[dots.argmax()])
    return {"cases": log.num_cases, "events": log.num_events, "build_s": built, "payload_mb": len(payload) / 1e6,
            "tokens": len(tokens), "transitions": tokens.transitions, "merge_step": tokens.merge_step,
            "busiest_t": busiest, "busiest_dots": int(dots.max())}


def browser_figures(dataset: Path, busiest_t: float, screenshot: Path | None) -> dict:
    from animation_page import animate, browser_page, open_map, served

    with served(dataset, HERE / "data" / "animation-server.log") as url, browser_page(url) as tab:
        open_map(tab)
        frame, first_frame = animate(tab)
        api = "window.__procmineAnimation"
        frame.evaluate(f"() => {{ {api}.seek({busiest_t}); {api}.setSpeed(1); {api}.play(); }}")
        tab.wait_for_timeout(500)
        before = frame.evaluate(f"() => [{api}.frames(), performance.now()]")
        tab.wait_for_timeout(PLAY_SECONDS * 1000)
        after = frame.evaluate(f"() => [{api}.frames(), performance.now(), {api}.active(), {api}.moving()]")
        frame.evaluate(f"() => {api}.pause()")
        if screenshot is not None:
            tab.locator("iframe").last.scroll_into_view_if_needed()
            tab.screenshot(path=str(screenshot))
    fps = (after[0] - before[0]) / ((after[1] - before[1]) / 1000)
    return {"first_frame_s": first_frame, "fps": fps, "dots": int(after[2]), "moving": int(after[3])}


def row(name: str, figures: dict, browser: dict) -> str:
    merged = ("exact times" if figures["merge_step"] == 0 else f"times rounded to {figures['merge_step']} s")
    return (f"| {name} | {figures['cases']:,} / {figures['events']:,} | {figures['transitions']:,} → "
            f"{figures['tokens']:,} ({merged}) | {figures['payload_mb']:.2f} MB | {figures['build_s']:.2f} s | "
            f"{browser['first_frame_s']:.2f} s | {browser['moving']:,} as {browser['dots']:,} dots | "
            f"{browser['fps']:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=Path, default=Path("/tmp/procmine-bench/synthetic-300000"),
                        help="a synthetic dataset (benchmarks/synthetic.py) for the >10,000-dot run")
    options = parser.parse_args()
    ensure_dataset()
    runs = [("Road Traffic Fines", RTF, HERE / "data" / "animation-rtf.png")]
    if (options.synthetic / "procmine.json").exists():
        runs.append((f"synthetic ({options.synthetic.name})", options.synthetic, None))
    lines = ["## Animated process map (benchmarks/bench_animation.py)", "",
             "Real app in headless Chromium (Debian's /usr/bin/chromium, --disable-gpu: software canvas), "
             "viewport 1500×1400, 2 shared cores. First frame: from the click on Animate to the first "
             "drawn frame (server: DFG, Graphviz layout, tokens, payload; browser: decode, draw), cold caches. "
             f"fps: requestAnimationFrame draws over {PLAY_SECONDS:.0f} s of playing from the busiest moment "
             "at 1 day/s. Targets on Road Traffic Fines: first frame ≤ 2 s, payload ≤ 6 MB, ≥ 30 fps at "
             "10,000 concurrent tokens.", "",
             "| log | cases / events | transitions → tokens | payload | server build | first frame | "
             "in motion while measured | fps |", "| --- | --- | --- | ---: | ---: | ---: | --- | ---: |"]
    for name, dataset, screenshot in runs:
        figures = payload_figures(dataset)
        browser = browser_figures(dataset, figures["busiest_t"], screenshot)
        lines.append(row(name, figures, browser))
        print(lines[-1], flush=True)
    lines.append("")
    replace_section(BEGIN, END, lines)


if __name__ == "__main__":
    main()
