"""Driving the animated process map in headless Chromium: serve the app on a dataset, open the map, animate.

Shared by tests/test_animation_browser.py and benchmarks/bench_animation.py.
"""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

from served_app import served as streamlit_server
from served_app import settled

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def served(dataset: Path, log_path: Path):
    """`streamlit run app.py` on a free port showing `dataset`; yields the URL."""
    with streamlit_server(log_path.name, {"PROCMINE_APP_DATASET": str(dataset)}) as server:
        yield server.url


@contextlib.contextmanager
def browser_page(url: str, width: int = 1500, height: int = 1400):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True).new_page()
            tab.set_default_timeout(90_000)
            tab.goto(url)
            settle(tab)
            yield tab
        finally:
            browser.close()


def settle(tab) -> None:
    settled(tab, seconds=120)


def open_map(tab) -> None:
    tab.locator("[data-testid='stSidebar'] label").filter(has_text=re.compile(r"Process map\s*$")).click()
    settle(tab)
    tab.get_by_role("heading", name="Process map", exact=True).wait_for()


def animate(tab):
    """Switch Animate on; the component's frame once its payload is loaded, and the seconds it took
    from the click to the first drawn frame."""
    began = time.perf_counter()
    tab.get_by_text("Animate", exact=True).click()
    frame = animation_frame(tab)
    frame.wait_for_function("() => window.__procmineAnimation && window.__procmineAnimation.firstFrameAt()",
                            timeout=120_000)
    first_frame = time.perf_counter() - began
    settle(tab)
    return frame, first_frame


def animation_frame(tab, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for frame in tab.frames:
            if "procmine_animation" in frame.url or "components/animation" in frame.url:
                return frame
        tab.wait_for_timeout(200)
    raise AssertionError(f"no animation component frame among {[f.url for f in tab.frames]}")
