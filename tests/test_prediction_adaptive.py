"""The remaining-time interval online: adaptive conformal inference with delayed feedback."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from test_prediction_drift import details_text

from procmine.prediction.adaptive import GAMMA, QuantileTable, online_intervals, replay
from procmine.prediction.conformal import INTERVALS, Residuals
from procmine.prediction.features import Prefixes
from procmine.prediction.samples import Labelled

DAY_US = 86_400_000_000
CENTRE = math.log1p(5.0)   # the model predicts 5 working days for every prefix


def _calibration(seed: int, n: int = 5_000) -> QuantileTable:
    """The quantile table of a calibration slice whose log residuals are half-normal with spread 1."""
    residual = np.abs(np.random.default_rng(seed).normal(size=n)) * 0.5
    return QuantileTable(Residuals(residual, np.ones(n), np.zeros(n), np.zeros(n, np.int64)), INTERVALS[0])


def _series(seed: int, n: int, spread: np.ndarray, unseen: np.ndarray | None = None) -> Labelled:
    """One prefix a working day apart, each case's log remaining time CENTRE + spread · N(0, 1); the log ends
    100 working days after the last moment. `unseen`: prefixes whose clock still ran at the log's end."""
    rng = np.random.default_rng(seed)
    remaining = np.expm1(np.maximum(CENTRE + spread * rng.normal(size=n), 0.0))
    day = np.arange(n, dtype=np.float64)
    horizon = n + 100.0 - day
    if unseen is not None:
        remaining = np.where(unseen, np.nan, remaining)
    features = np.zeros((n, 1), np.float32)
    prefixes = Prefixes(entry=np.arange(n), moment=(day * DAY_US).astype(np.int64), features=features,
                        names=("activity",), categorical=("activity",), levels={"activity": ("a",)})
    start = (day * DAY_US).astype(np.int64)
    return Labelled(prefixes, np.zeros(n), remaining, start, horizon, start)


def _coverage(table: QuantileTable, data: Labelled) -> tuple[float, float]:
    """(fixed-level coverage, adaptive coverage) of the 90 % interval over the whole series."""
    n = len(data)
    log_days, group = np.full(n, CENTRE), np.zeros(n, np.int64)
    inside, status, _ = online_intervals(table, data, log_days, group, 0.9, np.ones(n, bool))
    halfwidth = table.halfwidth(0.9)
    low, high = np.expm1(max(CENTRE - halfwidth, 0.0)), np.expm1(CENTRE + halfwidth)
    fixed = np.mean((data.remaining >= low) & (data.remaining <= high))
    return float(fixed), float(np.sum(inside * status) / np.sum(status))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_under_a_growing_spread_the_fixed_level_under_covers_and_the_adaptive_one_reaches_it(seed):
    n = 20_000
    data = _series(seed, n, np.linspace(0.5, 1.0, n))   # the spread grows to twice the calibration slice's
    fixed, adaptive = _coverage(_calibration(seed + 10), data)
    assert fixed < 0.80
    assert adaptive == pytest.approx(0.9, abs=0.015)     # Gibbs and Candès: within (1 + γ) / (γ T) = 0.01, plus delay


def test_without_drift_the_adaptive_level_stays_near_the_fixed_one():
    n = 20_000
    table = _calibration(20)
    data = _series(21, n, np.full(n, 0.5))
    fixed, adaptive = _coverage(table, data)
    assert fixed == pytest.approx(0.9, abs=0.01) and adaptive == pytest.approx(0.9, abs=0.01)
    found = replay(table, data, np.full(n, CENTRE), np.zeros(n, np.int64), 0.9)
    assert np.quantile(np.abs(found.alpha - 0.1), 0.9) < 0.05
    assert found.revealed == n


def _revealed_at(data: Labelled, halfwidth: np.ndarray) -> np.ndarray:
    """Working days before the log's end at which each prefix's outcome became known (+∞: never)."""
    high = np.expm1(np.maximum(CENTRE + halfwidth, 0.0))
    seen = ~np.isnan(data.remaining)
    after = np.where(seen, np.minimum(np.nan_to_num(data.remaining), high), np.where(data.horizon >= high, high, np.inf))
    return -data.horizon + after


def test_a_prefix_level_does_not_depend_on_outcomes_known_after_its_moment():
    n = 3_000
    table, data = _calibration(30), _series(31, n, np.linspace(0.5, 1.0, n))
    log_days, group = np.full(n, CENTRE), np.zeros(n, np.int64)
    first = replay(table, data, log_days, group, 0.9)
    moment = 2_000
    position = -data.horizon[moment]
    later = _revealed_at(data, first.halfwidth) >= position
    assert later[:moment].any()        # some earlier prefixes' outcomes are known only after this moment
    # every outcome known from this moment on turns into a miss known even later (the case runs past its top)
    changed = data.remaining.copy()
    changed[later] = 1e6
    second = replay(table, Labelled(data.prefixes, data.breached, changed, data.case_start, data.horizon, data.due),
                    log_days, group, 0.9)
    assert np.array_equal(second.alpha[: moment + 1], first.alpha[: moment + 1])
    assert not np.array_equal(second.alpha, first.alpha)    # the changed outcomes do count, later on
    # an outcome known before the moment does move its level
    earlier = np.flatnonzero(~later[:moment])[-1]
    changed = data.remaining.copy()
    changed[earlier] = 0.0 if data.remaining[earlier] > 1.0 else 1e6
    third = replay(table, Labelled(data.prefixes, data.breached, changed, data.case_start, data.horizon, data.due),
                   log_days, group, 0.9)
    assert third.alpha[moment] != first.alpha[moment]


def test_a_case_still_open_past_its_interval_top_counts_as_a_miss_once_the_top_passes():
    n = 400
    unseen = np.zeros(n, bool)
    unseen[:200] = True                          # the clock still ran at the log's end, over 100 days later
    table, data = _calibration(40), _series(41, n, np.full(n, 0.5), unseen)
    found = replay(table, data, np.full(n, CENTRE), np.zeros(n, np.int64), 0.9)
    # the first 200 all miss once their tops (a few weeks) pass: the level is lowered from the first weeks on
    assert found.alpha[60] < 0.1 - GAMMA * 0.9 * 30
    # until α ≤ 0 gives intervals without a top: an open case's outcome under those is never known
    assert np.isinf(found.halfwidth[:200]).any()
    assert found.revealed == (n - 200) + np.isfinite(found.halfwidth[:200]).sum()


def test_the_quantile_table_at_the_fixed_level_is_the_weighted_conformal_quantile():
    rng = np.random.default_rng(50)
    n = 3_000
    group = (rng.uniform(size=n) < 0.3).astype(np.int64)
    residuals = Residuals(rng.exponential(size=n) * (1 + group), rng.uniform(0.5, 2.0, n), rng.uniform(size=n), group)
    for half_life in (math.inf, 0.25):
        table = QuantileTable(residuals, (half_life, True))
        assert table.halfwidth(0.9) == residuals.halfwidth(0.9, half_life)
        groups = residuals.group_halfwidths(0.9, half_life)
        assert {code: table.halfwidth(0.9, code) for code in (0, 1)} == groups
        assert table.halfwidth(0.0) == 0.0 and table.halfwidth(1.0) == math.inf   # α ≥ 1: empty; α ≤ 0: no top
    assert QuantileTable(residuals, (math.inf, False)).key(1) == -1      # not by activity: the pooled table


def test_the_card_says_the_interval_level_adapts_online_in_english_and_danish():
    from procmine.prediction.evaluation import ModelCard

    card = ModelCard("r", None, 100, 50, 400, 0.3, mae=3.0, baseline_mae=4.0, coverage=0.897,
                     coverage_interval=(0.88, 0.92), unseen_share=0.1, validation_coverage=0.861,
                     fixed_coverage=0.843, validation_adaptive_coverage=0.902)
    english, danish = details_text(card, "en"), details_text(card, "da")
    assert "adaptive conformal inference" in english and "γ being 0.005 per working day's worth of moments" in english
    assert "up by γ × (1 − 0.10) if the interval missed and down by γ × 0.10 if it held" in english
    assert "(12.5 moments a working day" in details_text(dataclasses.replace(card, moments_per_day=12.5), "en")
    assert "90.2 % on the validation cases and 89.7 % on the test cases (at the fixed level: 84.3 %)" in english
    assert "where it held 86.1 % of the actual remaining times at a fixed level" in english
    assert "adaptiv konformal inferens" in danish and "pr. arbejdsdags tidspunkter" in danish
    assert "90,2 % på valideringssagerne og 89,7 % på testsagerne (ved det faste niveau: 84,3 %)" in danish
    assert "now use the level" not in english                      # a card the radar has not scored with
    now = details_text(dataclasses.replace(card, current_level=0.934), "en")
    assert "The intervals shown now use the level 93.4 %" in now
    assert "bruger niveauet 93,4 %" in details_text(dataclasses.replace(card, current_level=0.934), "da")
    assert card.row()["fixed_coverage"] == 0.843 and card.row()["adaptive_step"] == GAMMA


def test_an_interval_without_a_top_reads_as_infinity():
    from procmine.formatting import format_value
    from procmine.table_format import with_interval

    assert with_interval("working_days", 4.2, 0.0, math.inf, "da") == "4,2 (0,0–∞)"
    assert format_value("working_days", -math.inf, "en") == "−∞"


def test_an_interval_without_a_top_is_null_in_json():
    import json

    from procmine.cli.output import plain

    assert json.dumps(plain({"remaining_high": np.float64(math.inf), "remaining_low": 0.0})) == \
        '{"remaining_high": null, "remaining_low": 0.0}'
