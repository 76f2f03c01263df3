"""The radar under drift: the forward calibration gate, and recency-weighted and Mondrian split conformal."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from procmine.prediction.censoring import case_bootstrap_interval, case_standard_error
from procmine.prediction.conformal import INTERVALS, MIN_GROUP, Residuals, choose_interval, per_prefix_halfwidth
from procmine.prediction.evaluation import MAX_ECE, choose_calibration, choose_shown, evaluate
from procmine.prediction.features import Prefixes
from procmine.prediction.samples import Labelled
from procmine.prediction.scoring import Scores


def _drifting(seed: int, cases: int, risk_drift: float) -> tuple[Labelled, np.ndarray, np.ndarray]:
    """Cases started uniformly over time, three prefixes each; the breach risk is sigmoid(2.5 x + drift (t − 0.5)):
    x is a feature, t (the case's start) is not, so with a drift the level moves under the model's feet.
    The logistic baseline's inputs (elapsed days, activity) carry no signal."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(size=cases))
    owner = np.repeat(np.arange(cases), 3)
    x = rng.uniform(-1, 1, cases)
    y = (rng.uniform(size=cases) < 1 / (1 + np.exp(-(2.5 * x + risk_drift * (t - 0.5))))).astype(float)
    features = np.column_stack([np.tile(np.arange(3.0), cases), rng.integers(0, 2, len(owner)), x[owner]])
    prefixes = Prefixes(entry=owner, moment=np.zeros(len(owner), np.int64), features=features.astype(np.float32),
                        names=("elapsed_working_days", "activity", "x"), categorical=("activity",),
                        levels={"activity": ("a", "b")})
    remaining = np.expm1(np.maximum(1.0 + x[owner] + rng.normal(0, 0.3, len(owner)), 0.0))
    start = (t * 1e13).astype(np.int64)
    return (Labelled(prefixes, y[owner], remaining, start[owner], remaining + 1e4, start[owner]), np.arange(cases),
            start)


def test_the_forward_gate_withholds_a_model_whose_calibration_drifts_and_shows_a_steady_one():
    steady = evaluate(*_drifting(1, 4000, 0.0), "steady")
    assert steady.shown == "boosting" and steady.scores["boosting"].ece <= MAX_ECE
    drifting = evaluate(*_drifting(1, 4000, 6.0), "drifting")
    validation = drifting.validation["boosting"]
    # the adjacent folds alone pass it (the gate before this change showed the model) ...
    assert validation.ece <= MAX_ECE < validation.ece_forward
    assert drifting.shown != "boosting" and drifting.withheld == "calibration"
    # ... and the later test cases confirm what the forward ECE said
    assert drifting.scores["boosting"].ece > MAX_ECE
    assert drifting.row()["validation_boosting_ece_forward"] == validation.ece_forward


def test_the_gate_and_the_map_choice_read_the_forward_ece():
    steady_ahead = Scores(0.80, 0.15, 0.04, ece_forward=0.03)
    drifts_ahead = Scores(0.80, 0.15, 0.04, ece_forward=0.08)
    baselines = {"logistic": Scores(0.70, 0.17, 0.02), "constant": Scores(0.5, 0.20, 0.01)}
    assert choose_shown({"boosting": steady_ahead, **baselines}, max_ece=MAX_ECE) == "boosting"
    assert choose_shown({"boosting": drifts_ahead, **baselines}, max_ece=MAX_ECE) == "logistic"
    assert Scores(0.8, 0.15, 0.07).gate_ece == 0.07                    # nothing ahead measured: the ECE
    tried = {"none": Scores(0.8, 0.150, 0.03, ece_forward=0.09), "platt": Scores(0.8, 0.152, 0.04, ece_forward=0.04)}
    assert choose_calibration(tried) == "platt"


def _change_point(seed: int, n: int = 20_000) -> tuple[Residuals, np.ndarray]:
    """Calibration residuals whose latest 30 % of cases spread twice as wide, and new cases like those."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(size=n)
    residual = np.abs(rng.normal(size=n)) * np.where(age < 0.3, 2.0, 1.0)
    return Residuals(residual, np.ones(n), age, np.zeros(n, np.int64)), np.abs(rng.normal(size=200_000)) * 2.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recency_weighted_conformal_reaches_the_level_after_a_change_where_the_plain_one_does_not(seed):
    residuals, new = _change_point(seed)
    assert np.mean(new <= residuals.halfwidth(0.9)) < 0.8                 # exchangeability assumed: far below
    assert np.mean(new <= residuals.halfwidth(0.9, 0.1)) == pytest.approx(0.9, abs=0.02)
    coverages = [np.mean(new <= residuals.halfwidth(0.9, h)) for h in (math.inf, 0.5, 0.25, 0.1)]
    assert coverages == sorted(coverages)                                   # the shorter the half-life, the nearer


def test_censoring_weights_still_count_under_recency_weights():
    rng = np.random.default_rng(3)
    residual = rng.uniform(0, 1, 10_000)
    # the larger residuals weigh double (their like were hidden by the log's end): the quantile moves up
    weight = np.where(residual > 0.5, 2.0, 1.0)
    plain = Residuals(residual, np.ones(len(residual)), np.zeros(len(residual)), np.zeros(len(residual), np.int64))
    weighted = Residuals(residual, weight, np.zeros(len(residual)), np.zeros(len(residual), np.int64))
    assert plain.halfwidth(0.9, 0.1) == pytest.approx(0.9, abs=0.01)
    assert weighted.halfwidth(0.9, 0.1) == pytest.approx(0.5 + 0.5 * (0.9 * 3 - 1) / 2, abs=0.01)


def test_mondrian_conformal_holds_the_level_in_each_activity_when_the_mix_drifts():
    rng = np.random.default_rng(4)
    n = 20_000
    group = (rng.uniform(size=n) < 0.2).astype(np.int64)                  # activity 1: a fifth, and wider
    residual = np.abs(rng.normal(size=n)) * np.where(group == 1, 3.0, 1.0)
    residuals = Residuals(residual, np.ones(n), np.zeros(n), group)
    new_group = (rng.uniform(size=100_000) < 0.8).astype(np.int64)        # later: four fifths
    new = np.abs(rng.normal(size=len(new_group))) * np.where(new_group == 1, 3.0, 1.0)
    pooled = residuals.halfwidth(0.9)
    by_group = per_prefix_halfwidth(pooled, residuals.group_halfwidths(0.9), new_group)
    assert np.mean(new <= pooled) < 0.8
    for code in (0, 1):
        assert np.mean((new <= by_group)[new_group == code]) == pytest.approx(0.9, abs=0.02)   # 4,000+ residuals each


def test_a_small_activity_falls_back_to_the_pooled_quantile():
    rng = np.random.default_rng(5)
    group = np.concatenate([np.zeros(5_000, np.int64), np.ones(MIN_GROUP - 1, np.int64)])
    residual = np.concatenate([rng.uniform(0, 1, 5_000), np.full(MIN_GROUP - 1, 50.0)])
    residuals = Residuals(residual, np.ones(len(residual)), np.zeros(len(residual)), group)
    found = residuals.group_halfwidths(0.9)
    assert set(found) == {0}
    assert per_prefix_halfwidth(residuals.halfwidth(0.9), found, np.array([1, 7]))[0] == residuals.halfwidth(0.9)


def test_plain_split_conformal_is_kept_unless_another_is_nearer_the_level_beyond_the_noise():
    plain, weighted, grouped = INTERVALS[0], (0.1, False), (0.25, True)
    coverage = {plain: 0.880, weighted: 0.893, grouped: 0.899}
    assert choose_interval(coverage, 0.9, error=0.02) == plain            # 1.9 points nearer, within the noise
    assert choose_interval(coverage, 0.9, error=0.01) == grouped
    assert choose_interval({plain: 0.90, weighted: 0.90}, 0.9) == plain     # ties: the plain one
    assert choose_interval({}, 0.9) == plain


def test_the_case_standard_error_matches_the_case_bootstrap():
    rng = np.random.default_rng(6)
    hit = np.repeat(rng.uniform(size=400) < 0.85, 8).astype(float)
    owner = np.repeat(np.arange(400), 8)
    weights = rng.uniform(0.5, 2.0, len(hit))
    low, high = case_bootstrap_interval(hit, weights, owner)
    assert case_standard_error(hit, weights, owner) == pytest.approx((high - low) / (2 * 1.96), rel=0.2)


def test_the_card_says_how_the_interval_was_made_in_english_and_danish():
    from procmine.prediction.evaluation import ModelCard

    def card(interval):
        return ModelCard("r", None, 100, 50, 400, 0.3, mae=3.0, baseline_mae=4.0, coverage=0.9,
                         coverage_interval=(0.88, 0.92), unseen_share=0.1, interval=interval, validation_coverage=0.893)

    plain, recent = card(INTERVALS[0]), card((0.25, True))
    assert plain.row()["half_life"] is None and recent.row()["half_life"] == 0.25   # JSON has no infinity
    assert recent.row()["interval_by_activity"] is True
    assert "plain split conformal" in details_text(plain, "en") and "89.3 %" in details_text(plain, "en")
    assert "almindelig split-konformal" in details_text(plain, "da")
    english, danish = details_text(recent, "en"), details_text(recent, "da")
    assert "weighted split conformal" in english and "every 25 % of those cases" in english
    assert "current step" in english and f"fewer than {MIN_GROUP} moments" in english
    assert "vægtet split-konformal" in danish and "aktuelle trin" in danish and "89,3 %" in danish


def details_text(card, lang):
    """The card's paragraphs on how it was measured, as one text."""
    from procmine.prediction.wording import card_details

    return " ".join(card_details(card, lang))


def _timed(seed: int, cases: int, risk_drift: float) -> tuple[Labelled, np.ndarray, np.ndarray]:
    """_drifting's cases with a day between their prefixes and each outcome known ten days after the start,
    so the online map's window fills as time passes."""
    labelled, entries, start = _drifting(seed, cases, risk_drift)
    day = 86_400_000_000
    moment = labelled.case_start + (np.arange(len(labelled)) % 3) * day
    prefixes = dataclasses.replace(labelled.prefixes, moment=moment)
    return (Labelled(prefixes, labelled.breached, labelled.remaining, labelled.case_start, labelled.horizon,
                     labelled.case_start + 10 * day), entries, start)


def test_the_online_map_is_used_wherever_it_refits_and_its_fallback_elsewhere():
    drifting = evaluate(*_timed(2, 4000, 6.0), "drifting")
    assert drifting.calibration == {"boosting": "online", "logistic": "online"}
    assert drifting.fixed_calibration["boosting"] in ("none", "platt", "isotonic")
    assert drifting.online_map_ece["boosting"] < drifting.fixed_map_ece["boosting"]   # what it is there for
    few = evaluate(*_timed(2, 400, 6.0), "few")        # no fold's window holds 200 settled cases
    assert few.calibration == few.fixed_calibration and "online" not in few.calibration.values()


def test_fold_risks_tell_a_refitted_online_map_from_its_fallback():
    from procmine.prediction.folds import FoldRisks

    risks = FoldRisks()
    risks.folds = 2
    risks.risks[("boosting", "online")] = [np.full(3, np.nan), np.array([np.nan, 0.2, np.nan])]
    risks.risks[("boosting", "platt")] = [np.full(3, 0.1), np.full(3, 0.3)]
    assert risks.refitted(("boosting", "online"))
    risks.risks[("boosting", "online")][1][:] = np.nan
    assert not risks.refitted(("boosting", "online"))
    risks.fill(("boosting", "online"), ("boosting", "platt"))
    assert risks.complete(("boosting", "online")) and risks.refitted(("boosting", "online"))   # filled in, so select asks before fill
