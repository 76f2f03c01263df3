"""The simulator's slow-down drivers: off by default (the samples stay as they are), deterministic,
independent of chunking, and really slowing cases down."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from procmine.simulation import SimulationOptions, simulate_blocks, simulate_log
from procmine.simulation.simulator import busy_spells


def _same(first: tuple[pa.Table, pa.Table], second: tuple[pa.Table, pa.Table]) -> bool:
    return all(a.equals(b) for a, b in zip(first, second))


def test_drivers_are_off_by_default_and_change_the_log_when_on():
    plain = simulate_log(SimulationOptions("aktindsigt", cases=300, seed=4))
    driven = simulate_log(SimulationOptions("aktindsigt", cases=300, seed=4, drivers=True))
    assert _same(plain, simulate_log(SimulationOptions("aktindsigt", cases=300, seed=4, drivers=False)))
    assert not _same(plain, driven)
    assert _same(driven, simulate_log(SimulationOptions("aktindsigt", cases=300, seed=4, drivers=True)))


def test_driven_blocks_share_one_busy_wave():
    options = SimulationOptions("borgerhenvendelse", cases=12_000, seed=2, drivers=True)
    whole = simulate_log(options)
    parts = list(simulate_blocks(options))
    assert len(parts) == 2
    assert _same(whole, (pa.concat_tables([e for e, _ in parts]), pa.concat_tables([c for _, c in parts])))
    wave = busy_spells(2, 400)
    assert np.array_equal(wave, busy_spells(2, 400)) and 0.15 < wave.std() < 0.6


def test_driven_cases_by_letter_and_with_more_caseworkers_take_longer():
    events, cases = simulate_log(SimulationOptions("aktindsigt", cases=3_000, seed=9, drivers=True))
    frame = events.select(["case_id", "timestamp", "resource"]).to_pandas()
    per_case = frame.groupby("case_id").agg(first=("timestamp", "min"), last=("timestamp", "max"),
                                           workers=("resource", "nunique"))
    days = (per_case["last"] - per_case["first"]).dt.total_seconds() / 86_400
    channel = cases.to_pandas().set_index("case_id")["channel"].reindex(per_case.index)
    assert days[channel == "letter"].median() > 1.5 * days[channel == "e-mail"].median()
    usual = per_case["workers"].median()
    assert days[per_case["workers"] > usual].median() > days[per_case["workers"] <= usual].median()
