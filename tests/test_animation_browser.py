"""The animated process map in headless Chromium: it plays, the scrubber moves, and the tokens the component
draws at a moment sit where the engine's event table puts them.

Expected positions come straight from the dataset's event rows (pandas: sort by case and time, pair each
event with the next of its case) and the map's layout; the browser computes its own from the payload.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from animation_page import CHROMIUM, animate, browser_page, open_map, served

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
DATASET = ROOT / "sample_logs" / "aktindsigt"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at "
                                 "/usr/bin/chromium (apt-get install chromium)")]


def expected_positions(t: float) -> np.ndarray:
    """(edge, fraction, x, y) of every transition in motion at t seconds after the log's first event."""
    import procmine
    from procmine.analysis.dfg import dfg
    from procmine.render.animation_layout import map_layout, points_along

    log = procmine.open(DATASET)
    layout = map_layout(dfg(log))
    events = log.dataset.events.select(["case_id", "activity", "timestamp"]).to_pandas()
    micros = events["timestamp"].astype("datetime64[us, UTC]").astype("int64")
    events = events.assign(us=micros).sort_values(["case_id", "us"], kind="stable")
    following = events.groupby("case_id", sort=False).shift(-1).dropna(subset=["activity"])
    pairs = events.loc[following.index].assign(next_activity=following["activity"], next_us=following["us"])
    index = layout.edge_index()
    pairs["edge"] = [index.get((a, b), -1) for a, b in zip(pairs["activity"], pairs["next_activity"])]
    pairs = pairs[pairs["edge"] >= 0]
    origin = int(micros.min())
    start = (pairs["us"].to_numpy() - origin) // 1_000_000
    end = (pairs["next_us"].to_numpy().astype(np.int64) - origin) // 1_000_000
    moving = (start <= t) & (end > t)
    rows = []
    for edge, begin, finish in zip(pairs["edge"].to_numpy()[moving], start[moving], end[moving]):
        fraction = (t - begin) / (finish - begin)
        x, y = points_along(layout.polylines[edge], np.array([fraction]))[0]
        rows.append((edge, fraction, x, y))
    return np.array(sorted(rows)).reshape(-1, 4)


def browser_positions(frame, t: float) -> np.ndarray:
    """The component's tokens at t, one row per transition (a merged token counts its weight)."""
    found = frame.evaluate(f"() => window.__procmineAnimation.positionsAt({t})")
    rows = []
    for edge, x, y, weight, fraction in found:
        rows += [(edge, fraction, x, y)] * int(weight)
    return np.array(sorted(rows)).reshape(-1, 4)


def test_the_animation_plays_and_matches_the_event_table():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with served(DATASET, ARTEFACTS / "animation-server.log") as url, browser_page(url) as tab:
        open_map(tab)
        frame, _ = animate(tab)
        animation = "window.__procmineAnimation"
        assert frame.evaluate(f"() => {animation}.time()") == 0
        frame.locator("#play").click()
        tab.wait_for_timeout(1500)
        frames_drawn = frame.evaluate(f"() => {animation}.frames()")
        assert frame.evaluate(f"() => {animation}.time()") > 0
        assert int(frame.locator("#scrubber").input_value()) > 0, "the scrubber did not move while playing"
        assert frames_drawn > 5, f"only {frames_drawn} frames drawn in 1.5 s of playing"
        frame.locator("#play").click()   # pause
        assert not frame.evaluate(f"() => {animation}.playing()")
        tab.locator("iframe").last.scroll_into_view_if_needed()
        tab.screenshot(path=str(ARTEFACTS / "animation-aktindsigt.png"), full_page=True)
        span = frame.evaluate(f"() => {animation}.span()")
        compared = 0
        for share in (0.1, 0.35, 0.5, 0.8):
            t = round(span * share) + 0.5
            expected, shown = expected_positions(t), browser_positions(frame, t)
            assert shown.shape == expected.shape, f"at t={t}: {len(shown)} tokens drawn, {len(expected)} expected"
            np.testing.assert_allclose(shown[:, 0], expected[:, 0])
            np.testing.assert_allclose(shown[:, 2:], expected[:, 2:], atol=0.01)
            compared += len(expected)
        assert compared > 20, "too few tokens in motion at the compared moments to prove anything"
        frame.locator("#scrubber").fill("500")
        assert abs(frame.evaluate(f"() => {animation}.time()") - span / 2) <= span / 1000 + 1
        _download_the_gif(tab)


def _download_the_gif(tab) -> None:
    """The export made server-side is an animated GIF of the map."""
    from PIL import Image

    tab.get_by_text("Export for a presentation").click()
    with tab.expect_download(timeout=120_000) as download:
        tab.get_by_role("button", name="Download GIF").click()
    saved = ARTEFACTS / "animation-aktindsigt.gif"
    download.value.save_as(saved)
    picture = Image.open(saved)
    assert picture.format == "GIF" and picture.n_frames == 120
