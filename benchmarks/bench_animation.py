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
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "tests")]
from bench_report import DATASET as RTF  # noqa: E402
from bench_report import ensure_dataset  # noqa: E402  (after the sys.path set-up)
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
        fps, (dots, moving) = _play(frame, busiest_t)
        if screenshot is not None:
            tab.locator("iframe").last.scroll_into_view_if_needed()
            tab.screenshot(path=str(screenshot))
    return {"first_frame_s": first_frame, "fps": fps, "dots": dots, "moving": moving}


def stress_figures(dataset: Path) -> dict:
    """fps of the component alone (its index.html from the package, payload posted as Streamlit would)
    with every transition of a big log as its own token (no merging): the drawing limit."""
    import numpy as np
    from animation_page import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    import procmine
    from procmine.analysis.animation import TokenOptions
    from procmine.render.animation_payload import build_animation, payload_of
    from procmine.ui.map_animation import COMPONENT_DIR

    log = procmine.open(dataset)
    animation = build_animation(log, token_options=TokenOptions(budget=10 ** 9))
    payload = payload_of(animation, "en", "stress")
    tokens = animation.tokens
    moments = np.linspace(0, int(tokens.end.max()), 300)
    dots = np.array([np.count_nonzero((tokens.start <= t) & (tokens.end > t)) for t in moments])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 1400})
        tab.goto((COMPONENT_DIR / "index.html").as_uri())
        tab.evaluate("p => window.postMessage({type: 'streamlit:render', args: {payload: p}}, '*')", payload)
        tab.wait_for_function("() => window.__procmineAnimation.loaded()")
        fps, shown = _play(tab, float(moments[dots.argmax()]))
        browser.close()
    return {"tokens": len(tokens), "transitions": tokens.transitions, "payload_mb": len(json.dumps(payload)) / 1e6,
            "fps": fps, "dots": shown[0], "moving": shown[1], "cases": log.num_cases, "events": log.num_events}


def _play(frame, moment: float) -> tuple[float, tuple[int, int]]:
    api = "window.__procmineAnimation"
    frame.evaluate(f"() => {{ {api}.seek({moment}); {api}.setSpeed(1); {api}.play(); }}")
    frame.wait_for_timeout(500)
    before = frame.evaluate(f"() => [{api}.frames(), performance.now()]")
    frame.wait_for_timeout(PLAY_SECONDS * 1000)
    after = frame.evaluate(f"() => [{api}.frames(), performance.now(), {api}.active(), {api}.moving()]")
    frame.evaluate(f"() => {api}.pause()")
    return (after[0] - before[0]) / ((after[1] - before[1]) / 1000), (int(after[2]), int(after[3]))


def row(name: str, figures: dict, browser: dict) -> str:
    merged = ("exact times" if figures["merge_step"] == 0 else f"times rounded to {figures['merge_step']} s")
    return (f"| {name} | {figures['cases']:,} / {figures['events']:,} | {figures['transitions']:,} → "
            f"{figures['tokens']:,} ({merged}) | {figures['payload_mb']:.2f} MB | {figures['build_s']:.2f} s | "
            f"{browser['first_frame_s']:.2f} s | {browser['moving']:,} as {browser['dots']:,} dots | "
            f"{browser['fps']:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=Path, default=Path("/tmp/procmine-bench/synthetic-300000"),
                        help="a synthetic dataset (benchmarks/synthetic.py) for the >10,000-token drawing limit")
    options = parser.parse_args()
    ensure_dataset()
    runs = [("Road Traffic Fines", RTF, HERE / "data" / "animation-rtf.png")]
    lines = ["## Animated process map (benchmarks/bench_animation.py)", "",
             ("Real app in headless Chromium (Debian's /usr/bin/chromium, --disable-gpu: software canvas), "
             "viewport 1500×1400, 2 shared cores. First frame: from the click on Animate to the first "
             "drawn frame (server: DFG, Graphviz layout, tokens, payload; browser: decode, draw), cold caches. "
             f"fps: requestAnimationFrame draws over {PLAY_SECONDS:.0f} s of playing from the busiest moment "
             "at 1 day/s. Targets on Road Traffic Fines: first frame ≤ 2 s, payload ≤ 6 MB, ≥ 30 fps at "
             "10,000 concurrent tokens."), "",
             ("| log | cases / events | transitions → tokens | payload | server build | first frame | "
             "in motion while measured | fps |"), "| --- | --- | --- | ---: | ---: | ---: | --- | ---: |"]
    for name, dataset, screenshot in runs:
        figures = payload_figures(dataset)
        browser = browser_figures(dataset, figures["busiest_t"], screenshot)
        lines.append(row(name, figures, browser))
        print(lines[-1], flush=True)
    if (options.synthetic / "procmine.json").exists():
        stress = stress_figures(options.synthetic)
        lines += ["", (f"Drawing limit: the component alone (no Streamlit), every one of the {stress['transitions']:,} "
                  f"transitions of {options.synthetic.name} ({stress['cases']:,} cases, {stress['events']:,} events) "
                  f"as its own token (no merging, payload {stress['payload_mb']:.1f} MB), at the busiest moment: "
                  f"**{stress['fps']:.0f} fps with {stress['dots']:,} tokens in motion**.")]
        print(lines[-1], flush=True)
    load = os.getloadavg()
    lines += ["", (f"Machine load average during the run: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min) "
              "on 2 cores shared with other work: wall times are inflated accordingly."), ""]
    replace_section(BEGIN, END, lines)


if __name__ == "__main__":
    main()
