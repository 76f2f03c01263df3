"""The test ECE's case-bootstrap interval and noise floor (procmine.prediction.scoring.ece_spread)."""

from __future__ import annotations

import numpy as np

from procmine.prediction.scoring import ece_case_interval, ece_noise_floor, ece_spread, expected_calibration_error

DRAWS = 50


def calibrated_slice(rng: np.random.Generator, cases: int = 300, sharpen: float = 1.0):
    """Cases of 1-6 prefixes sharing one outcome; prefix k's risk is the exact posterior after k noisy signals.

    `sharpen` > 1 multiplies the log-odds: an overconfident model of the same cases.
    """
    prior, signal = 0.4, 0.6
    sizes = rng.integers(1, 7, cases)
    owner = np.repeat(np.arange(cases), sizes)
    breached = rng.random(cases) < prior
    signals = rng.normal(signal * (2 * breached[owner] - 1), 1.0)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    running = np.cumsum(signals)
    seen = running - signals - np.repeat(running[starts] - signals[starts], sizes)   # the signals before each prefix
    log_odds = np.log(prior / (1 - prior)) + 2 * signal * seen
    return breached[owner].astype(int), 1 / (1 + np.exp(-sharpen * log_odds)), owner


def test_identical_cases_give_an_interval_of_one_point():
    p, y = np.array([0.15, 0.35, 0.85]), np.array([1, 1, 1])
    owner = np.array([0, 0, 0])
    risks, outcomes, owners = np.tile(p, 40), np.tile(y, 40), np.repeat(np.arange(40), 3)
    low, high = ece_case_interval(outcomes, risks, owners)
    assert low == high
    assert np.isclose(low, expected_calibration_error(outcomes, risks)) and np.isclose(low, (0.85 + 0.65 + 0.15) / 3)
    assert ece_case_interval(y[:0], p[:0], owner[:0]) == (ece_noise_floor(p[:0], owner[:0]))


def test_certain_risks_have_no_noise_floor():
    p = np.array([0.0, 1.0, 1.0, 0.0])
    assert ece_noise_floor(p, np.array([0, 0, 1, 2])) == (0.0, 0.0)


def test_a_calibrated_model_lies_inside_its_interval_and_below_the_floor():
    """Measured over 400 draws: inside its interval 86-90 %, below the floor's p95 91-93 % (150-900 cases)."""
    rng = np.random.default_rng(7)
    spreads = [ece_spread(*calibrated_slice(rng), seed=draw) for draw in range(DRAWS)]
    inside = sum(s.low <= s.ece <= s.high for s in spreads)
    below = sum(not s.miscalibrated for s in spreads)
    assert inside >= 0.8 * DRAWS   # the bootstrap ECE lies above the ECE near 0: see ece_case_interval
    assert 0.86 * DRAWS <= below < DRAWS
    assert np.median([s.ece for s in spreads]) > 0.02   # a few hundred cases: clearly above 0 by chance


def test_an_overconfident_model_lies_above_the_floor():
    rng = np.random.default_rng(8)
    spreads = [ece_spread(*calibrated_slice(rng, sharpen=2.0), seed=draw) for draw in range(DRAWS)]
    assert all(s.miscalibrated for s in spreads)
    assert sum(s.low > s.floor_p95 for s in spreads) >= 0.9 * DRAWS


def test_cases_not_prefixes_set_the_floor():
    """Drawing each prefix on its own would count a case of six prefixes as six cases: a lower floor."""
    rng = np.random.default_rng(9)
    _, p, owner = calibrated_slice(rng, cases=200)
    shared, _ = ece_noise_floor(p, owner)
    independent, _ = ece_noise_floor(p, np.arange(len(p)))
    assert independent < 0.9 * shared
