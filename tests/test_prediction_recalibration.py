"""The online calibration map: a moment's map uses only cases settled before it, and it follows a drift."""

import dataclasses

import numpy as np
import pytest

from procmine.prediction.calibration import Platt, _logit
from procmine.prediction.recalibration import DAY_US, MIN_SETTLED, REFIT_DAYS, Evidence, map_at, online_risks
from procmine.prediction.scoring import expected_calibration_error

LIMIT_DAYS = 30
PREFIXES_PER_CASE = 3


def _series(seed: int, cases: int, drift: float) -> tuple[Evidence, np.ndarray]:
    """One case starting a day apart, three prefixes each, due LIMIT_DAYS after its start; a breach has the
    probability sigmoid(logit(score) + drift · t), t from 0 to 1 over the series; and the prefixes' moments."""
    rng = np.random.default_rng(seed)
    case = np.repeat(np.arange(cases), PREFIXES_PER_CASE)
    start = case.astype(np.int64) * DAY_US
    score = rng.uniform(0.05, 0.95, len(case))
    truth = 1 / (1 + np.exp(-(_logit(score) + drift * case / cases)))
    breached = (rng.uniform(size=len(case)) < truth).astype(float)
    moment = start + np.tile(np.array([1, 10, 20]), cases) * DAY_US
    return Evidence(score, breached, case, start, start + LIMIT_DAYS * DAY_US), moment


def test_a_moments_map_uses_only_cases_settled_before_its_refit_day():
    evidence, moment = _series(0, 2000, 1.0)
    window = 400
    first = online_risks(evidence, evidence.score, moment, window, Platt(evidence.score[:600], evidence.breached[:600]))
    query = np.flatnonzero(moment >= 1500 * DAY_US)[0]
    refit_day = moment[query] // (REFIT_DAYS * DAY_US) * REFIT_DAYS * DAY_US
    unknown = evidence.due >= refit_day                   # not yet settled on the refit day of `query`
    assert unknown.any() and (~unknown).sum() > MIN_SETTLED * PREFIXES_PER_CASE
    flipped = dataclasses.replace(evidence, breached=np.where(unknown, 1 - evidence.breached, evidence.breached))
    second = online_risks(flipped, evidence.score, moment, window,
                          Platt(evidence.score[:600], evidence.breached[:600]))
    same_day = moment // (REFIT_DAYS * DAY_US) == moment[query] // (REFIT_DAYS * DAY_US)
    assert np.array_equal(first[same_day], second[same_day])
    assert not np.array_equal(first, second)             # later days do see those outcomes once settled
    # and map_at agrees: the map of that day learns nothing from outcomes unknown then
    fallback = Platt(evidence.score, evidence.breached)
    assert np.allclose(map_at(evidence, refit_day, window, fallback).predict(evidence.score),
                       map_at(flipped, refit_day, window, fallback).predict(evidence.score))
    # an outcome settled before the day, inside the window, does change it
    known = np.flatnonzero(~unknown)[-window:]
    changed = evidence.breached.copy()
    changed[known] = 1 - changed[known]
    third = online_risks(dataclasses.replace(evidence, breached=changed), evidence.score, moment, window,
                         Platt(evidence.score[:600], evidence.breached[:600]))
    assert not np.array_equal(first[same_day], third[same_day])


def test_with_too_few_settled_cases_the_fallback_map_is_used():
    evidence, moment = _series(1, MIN_SETTLED + 10, 0.0)   # the last moment: fewer than MIN_SETTLED due before it
    fallback = Platt(evidence.score, evidence.breached)
    risks = online_risks(evidence, evidence.score, moment, 10_000, fallback)
    assert np.array_equal(risks, fallback.predict(evidence.score))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_under_drift_the_online_map_is_better_calibrated_than_the_fixed_one(seed):
    evidence, moment = _series(seed, 6000, 2.5)
    calibration = evidence.case < 1000                     # the calibration slice: the first cases' scores
    fixed = Platt(evidence.score[calibration], evidence.breached[calibration])
    later = ~calibration
    online = online_risks(evidence, evidence.score[later], moment[later], 1000, fixed)
    y = evidence.breached[later]
    fixed_ece = expected_calibration_error(y, fixed.predict(evidence.score[later]))
    online_ece = expected_calibration_error(y, online)
    assert fixed_ece > 0.08
    assert online_ece < fixed_ece / 2


def test_without_drift_the_online_map_stays_calibrated():
    evidence, moment = _series(3, 6000, 0.0)
    calibration = evidence.case < 1000
    fixed = Platt(evidence.score[calibration], evidence.breached[calibration])
    online = online_risks(evidence, evidence.score[~calibration], moment[~calibration], 1000, fixed)
    assert expected_calibration_error(evidence.breached[~calibration], online) < 0.03


def test_platt_matches_an_unpenalised_logistic_regression_on_the_log_odds():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(4)
    score = rng.uniform(0.01, 0.99, 3000)
    y = (rng.uniform(size=3000) < score ** 0.6).astype(int)
    reference = LogisticRegression(C=1e4, tol=1e-10, max_iter=10_000).fit(_logit(score)[:, None], y)
    assert np.allclose(Platt(score, y).predict(score), reference.predict_proba(_logit(score)[:, None])[:, 1],
                       atol=1e-6)


def test_the_card_says_when_the_shown_risks_use_the_online_map_in_both_languages():
    import datetime as dt

    from procmine.prediction.evaluation import ModelCard
    from procmine.prediction.wording import card_details, card_summary, online_map_sentence

    card = ModelCard("rule", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 700, 300, 900, 0.4, shown="boosting",
                     calibration={"boosting": "online", "logistic": "none"},
                     fixed_calibration={"boosting": "platt", "logistic": "none"},
                     fixed_map_ece={"boosting": 0.061, "logistic": 0.05},
                     online_map_ece={"boosting": 0.042, "logistic": 0.05}, online_window_cases=140)
    english, danish = online_map_sentence(card, "en"), online_map_sentence(card, "da")
    assert "refitted, every 5 days" in english and "0.042" in english and "(Platt) 0.061" in english
    assert "140 cases" in english
    assert "genberegnes, hver 5. dag" in danish and "0,042" in danish and "0,061" in danish
    assert english in card_details(card, "en")[0] and danish in card_details(card, "da")[0]
    assert english not in card_summary(card, "en")                        # the summary stays short
    fixed = dataclasses.replace(card, calibration={"boosting": "platt", "logistic": "none"})
    assert online_map_sentence(fixed, "en") == "" and card_summary(fixed, "en").startswith("Trained on")
