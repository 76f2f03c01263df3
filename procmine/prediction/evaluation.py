"""The model card: a temporal split that cannot leak, the model against two baselines, per rule.

Cases with a known outcome are ordered by when their clock started and cut in three: the earliest
TRAIN_SHARE develop the models, later ones test. Within the development cases, those from
VALIDATION_FROM[0] on are the validation slice, in rolling-origin folds: each fold (from one origin
of VALIDATION_FROM to the next) is scored by models fitted on the cases started before it (the
latest of those calibrate), and the folds' scores are pooled. The same models also score every
validation case after their origin, as the final models score the test slice (the first fold's
models see 30 % of the cases ahead): the forward ECE, pooled over the folds. The validation slice
alone chooses each classifier's fixed calibration map (by Brier score among the maps whose forward ECE
is at most MAX_ECE: choose_calibration), the fallback of the online map (procmine.prediction.recalibration,
which on each fold is replayed from its models' calibration slice over the cases after its origin, and
on test from the final models' calibration slice over the test slice); the online map is used wherever
its window of settled cases lets it refit on validation (see select), which model is shown (it must beat both baselines and its forward ECE be at
most MAX_ECE, the figure the target is stated in, measured as the test measures it; when only the
ECE fails, the card says so) and how the remaining-time interval is made (plain, recency-weighted
or by current activity: procmine.prediction.conformal). The folds pool [0.4, 0.7) because one fold of a
simulated log's few hundred cases gives a calibrated model a plain ECE of 0.05-0.09 by noise
alone; the card also reports the ECE beyond noise (ece_beyond_noise: the ECE less, bin by bin,
what chance shows a calibrated model on that many cases), as information only: it is
systematically below the plain ECE and would show models whose ECE exceeds MAX_ECE. Then the
models are fitted again on all development cases with those choices and the test slice only
reports: a test label cannot change what is shown. Every prefix is seen at its own moment. The
figures: AUC, Brier score, expected calibration error (ECE, ECE_BINS equal-width bins of predicted
probability, weighted by prefixes), MAE of remaining working days against a constant median, and
the share of test prefixes whose case reached the rule's end within the conformal interval, with a
95 % case-bootstrap interval. The interval shown moves its level online (adaptive conformal inference with
delayed feedback, procmine.prediction.adaptive): on the test slice its replay runs from the final models'
calibration slice over every test prefix, each prefix's level built from the outcomes known before its
moment; the coverage at the fixed level is reported beside it, on validation too. The test ECE carries its own 95 % case-bootstrap interval and the ECE a
perfectly calibrated model shows at the same risks and cases by chance (scoring.ece_spread): reported
only, like every test figure, as is each classifier's test ECE with its best fixed map and with the online map. What the log's end hides is weighted for
(procmine.prediction.censoring); a case still open when the log's end lies past its interval's top
counts as a miss.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from procmine.prediction.adaptive import GAMMA, QuantileTable, online_intervals
from procmine.prediction.calibration import METHODS
from procmine.prediction.censoring import (
    case_bootstrap_interval,
    coverage_weights,
    inside_interval,
    remaining_weights,
    weighted_share,
)
from procmine.prediction.conformal import INTERVALS, choose_interval
from procmine.prediction.folds import FoldCoverage, FoldRisks
from procmine.prediction.models import KINDS, LEVEL, RiskModels, fit_models
from procmine.prediction.recalibration import ONLINE
from procmine.prediction.samples import Labelled
from procmine.prediction.scoring import ECE_BINS, EceSpread, Scores, ece_spread, expected_calibration_error, score

TRAIN_SHARE = 0.7
# Of all settled cases by case start: the validation folds [0.4, 0.5), [0.5, 0.6), [0.6, 0.7), each scored
# by models fitted on the cases before it (one fold [0.5, 0.7) had too few cases to tell noise from error).
VALIDATION_FROM = (0.4, 0.5, 0.6)
MIN_AUC_GAIN = 0.01
MIN_CASES = 60        # with known outcome, for a model card at all
MAX_ECE = 0.05   # on the validation slice: a calibration map within it is preferred, and the model needs it to be shown


@dataclass(frozen=True)
class Selection:
    """What the validation slice chose: the shown model, each classifier's calibration, and its figures."""

    shown: str
    methods: dict[str, str]
    scores: dict[str, Scores]
    cases: int
    withheld: str | None = None   # "calibration": the model beat the baselines but its ECE exceeded MAX_ECE
    interval: tuple[float, bool] = INTERVALS[0]   # the conformal half-life, and whether by activity
    coverage: dict[tuple[float, bool], float] = field(default_factory=dict)   # validation coverage of each
    adaptive_coverage: float = np.nan   # validation coverage of the chosen method at the adaptive level
    fixed_methods: dict[str, str] = field(default_factory=dict)   # each classifier's map chosen among the fixed ones


@dataclass(frozen=True)
class ModelCard:
    """What was measured for one rule, and which model the radar therefore uses."""

    rule: str
    split_at: dt.datetime | None
    train_cases: int
    test_cases: int
    test_prefixes: int
    test_breach_share: float
    scores: dict[str, Scores] = field(default_factory=dict)
    mae: float = np.nan
    baseline_mae: float = np.nan
    coverage: float = np.nan         # of the interval shown: at the adaptive level
    coverage_interval: tuple[float, float] = (np.nan, np.nan)
    fixed_coverage: float = np.nan   # of the same method at the fixed level
    fixed_coverage_interval: tuple[float, float] = (np.nan, np.nan)
    unseen_share: float = np.nan     # of test prefixes whose remaining time the log's end hides
    level: float = 0.9
    shown: str = "constant"
    note: str | None = None      # "too_few_cases" or "one_class" when no fair test was possible
    validation_cases: int = 0
    validation: dict[str, Scores] = field(default_factory=dict)
    calibration: dict[str, str] = field(default_factory=dict)
    withheld: str | None = None   # why the model is not shown although it beat the baselines ("calibration")
    interval: tuple[float, bool] = INTERVALS[0]   # conformal half-life and whether by activity, chosen on validation
    validation_coverage: float = np.nan   # the interval's coverage on validation so computed, at the fixed level
    validation_adaptive_coverage: float = np.nan   # ... and at the adaptive level
    adaptive_step: float = GAMMA     # per working day's worth of moments
    moments_per_day: float = np.nan  # of the final models' calibration slice: the step per outcome is GAMMA / this
    current_level: float = np.nan    # the adaptive level the radar's intervals use now (set by the radar)
    coverage_by_interval: dict[tuple[float, bool], float] = field(default_factory=dict)   # on validation, each tried
    ece_spread: dict[str, EceSpread] = field(default_factory=dict)   # test ECE's interval and floor: shown, boosting
    fixed_calibration: dict[str, str] = field(default_factory=dict)   # each classifier's best fixed map on validation
    fixed_map_ece: dict[str, float] = field(default_factory=dict)     # test ECE with that fixed map (reported only)
    online_map_ece: dict[str, float] = field(default_factory=dict)    # test ECE with the online map (reported only)
    online_window_cases: int = 0     # cases the online map learns from (the final models' calibration slice)

    @property
    def beats_baseline(self) -> bool:
        return self.shown == "boosting"

    @property
    def holds_on_test(self) -> bool:
        """Whether the test slice confirms the validation's choice (the same rule applied to its figures)."""
        if not self.scores:
            return True
        return (choose_shown(self.scores, max_ece=MAX_ECE) == "boosting") == (self.shown == "boosting")

    def row(self) -> dict:
        """The card as one flat record (for tables, CSV and JSON)."""
        record = {"rule": self.rule, "split_at": self.split_at, "train_cases": self.train_cases,
                  "validation_cases": self.validation_cases, "test_cases": self.test_cases,
                  "test_prefixes": self.test_prefixes, "test_breach_share": self.test_breach_share}
        for prefix, table in (("", self.scores), ("validation_", self.validation)):
            for kind in KINDS:
                scores = table.get(kind)
                for name in ("auc", "brier", "ece", "ece_beyond_noise", "ece_forward"):
                    record[f"{prefix}{kind}_{name}"] = getattr(scores, name) if scores else np.nan
        for kind in ("boosting", "logistic"):
            record.update({f"{kind}_calibration": self.calibration.get(kind),
                           f"{kind}_fixed_calibration": self.fixed_calibration.get(kind),
                           f"{kind}_ece_fixed_map": self.fixed_map_ece.get(kind, np.nan),
                           f"{kind}_ece_online_map": self.online_map_ece.get(kind, np.nan)})
        record.update(mae=self.mae, baseline_mae=self.baseline_mae, coverage=self.coverage,
                      coverage_low=self.coverage_interval[0], coverage_high=self.coverage_interval[1],
                      unseen_share=self.unseen_share, level=self.level, ece_bins=ECE_BINS, shown=self.shown,
                      beats_baseline=self.beats_baseline, holds_on_test=self.holds_on_test, note=self.note,
                      withheld=self.withheld, max_ece=MAX_ECE,
                      half_life=None if math.isinf(self.interval[0]) else self.interval[0],   # None: plain
                      interval_by_activity=self.interval[1], validation_coverage=self.validation_coverage,
                      fixed_coverage=self.fixed_coverage, fixed_coverage_low=self.fixed_coverage_interval[0],
                      fixed_coverage_high=self.fixed_coverage_interval[1],
                      validation_adaptive_coverage=self.validation_adaptive_coverage,
                      adaptive_step=self.adaptive_step, moments_per_day=self.moments_per_day,
                      current_level=self.current_level)
        return record


def evaluate(data: Labelled, cases: np.ndarray, case_start: np.ndarray, rule: str) -> ModelCard:
    """Develop on the earlier cases of `data`, test on the later ones; `cases`/`case_start` per known case."""
    if len(cases) < MIN_CASES:
        return ModelCard(rule, None, len(cases), 0, 0, np.nan, note="too_few_cases")
    ordered = np.sort(case_start)
    split = ordered[int(len(ordered) * TRAIN_SHARE)]
    origins = tuple(int(ordered[int(len(ordered) * share)]) for share in VALIDATION_FROM)
    development, test = data.subset(data.case_start < split), data.subset(data.case_start >= split)
    y = test.breached.astype(int)
    base: dict[str, Any] = {"rule": rule, "split_at": dt.datetime.fromtimestamp(int(split) / 1e6, dt.UTC),
            "train_cases": int((case_start < split).sum()), "test_cases": int((case_start >= split).sum()),
            "test_prefixes": len(test), "test_breach_share": float(y.mean()) if len(y) else np.nan}
    if len(test) == 0 or y.min() == y.max() or development.breached.min() == development.breached.max():
        return ModelCard(**base, note="one_class")
    choice = select(development, origins, int(((case_start >= origins[0]) & (case_start < split)).sum()))
    models = fit_models(development, methods=choice.methods, interval=choice.interval, fixed=choice.fixed_methods)
    classifiers: list[str] = [kind for kind in ("boosting", "logistic") if models.usable(kind) == kind]
    online = {kind: models.online_risk(kind, test, choice.fixed_methods.get(kind, models.methods[kind]))
              for kind in classifiers}
    fixed = {kind: models.risk(kind, test.prefixes.features, choice.fixed_methods.get(kind)) for kind in classifiers}
    risks = {kind: online[kind] if choice.methods.get(kind) == ONLINE else models.risk(kind, test.prefixes.features)
             for kind in classifiers}
    risks["constant"] = models.risk("constant", test.prefixes.features)
    scores = {kind: score(y, risk, test.prefixes.entry) for kind, risk in risks.items()}
    shown = models.usable(choice.shown)
    spread = {kind: ece_spread(y, risks[kind], test.prefixes.entry) for kind in KINDS   # the shown risks and the model's
              if kind in risks and kind in (shown, "boosting")}
    history = data.subset(data.case_start >= models.calibration_from)
    return ModelCard(**base, **remaining_figures(models, development, test, history, history.case_start >= split),
                     scores=scores, level=models.level,
                     shown=shown, validation_cases=choice.cases, validation=choice.scores,
                     calibration=choice.methods, withheld=choice.withheld, interval=choice.interval,
                     validation_coverage=choice.coverage.get(choice.interval, np.nan),
                     validation_adaptive_coverage=choice.adaptive_coverage,
                     moments_per_day=GAMMA / models.adaptive_step if models.residuals is not None else np.nan,
                     coverage_by_interval=choice.coverage, ece_spread=spread,
                     fixed_calibration=choice.fixed_methods,
                     fixed_map_ece={kind: expected_calibration_error(y, risk) for kind, risk in fixed.items()},
                     online_map_ece={kind: expected_calibration_error(y, risk) for kind, risk in online.items()},
                     online_window_cases=models.evidence[classifiers[0]].cases if classifiers else 0)


def select(development: Labelled, origins: tuple[int, ...], cases: int) -> Selection:
    """Choose on the development cases started from `origins[0]` on, in rolling-origin folds.

    The fold from origins[i] to origins[i + 1] (the last: to the end of development) is scored by
    models fitted on the cases started before origins[i]; the folds' outcomes and risks are pooled
    and scored together. The same models also score every validation case after their origin:
    the forward ECE, pooled over the folds, judges the calibration as the test slice does (the
    models of the first fold see 30 % of the cases ahead, as the final ones see the test slice),
    and it is what the gate and the map choice read (Scores.gate_ece). The interval's method is
    the one whose coverage on those same cases is nearest the level; its coverage at the adaptive
    level is measured on them too (reported). A classifier or map a fold could not fit (one class
    among its cases) is not tried.

    Each classifier's fixed map is chosen by choose_calibration; the online map, which falls back on
    it, is used wherever it refitted on some fold (its window held enough settled cases), without a
    contest on the validation slice: such a contest compares maps over at most 30 % of the cases
    ahead, and on the test slices of 20 simulated logs no choice had been made on (seeds 21-24,
    benchmarks/bench_predict_seeds.py) the online map's ECE was below the fixed map's for 34 of
    the 40 classifiers (median 0.056 against 0.098), where the contest had kept a fixed map for 14.
    """
    bounds = (*origins, np.iinfo(np.int64).max)
    pooled, forward, coverage = FoldRisks(), FoldRisks(), FoldCoverage()
    for low, high in itertools.pairwise(bounds):
        later = development.subset((development.case_start >= low) & (development.case_start < high))
        if len(later) == 0:
            continue
        models = fit_models(development.subset(development.case_start < low))
        ahead = development.subset(development.case_start >= low)
        online: dict[str, np.ndarray] = {kind: models.online_risk(kind, ahead, None) for kind in ("boosting", "logistic")
                                         if models.usable(kind) == kind}
        inside = ahead.case_start < high
        pooled.add(models, later, {kind: risk[inside] for kind, risk in online.items()})
        forward.add(models, ahead, online)
        coverage.add(models, development, low)
    methods: dict[str, str] = {}
    scores = {"constant": pooled.score(("constant", "none"), forward)} if pooled.folds else {}
    fixed: dict[str, str] = {}
    for kind in ("boosting", "logistic"):
        tried = {method: pooled.score((kind, method), forward) for method in METHODS if pooled.complete((kind, method))}
        if not tried:
            continue
        fixed[kind] = choose_calibration(tried)
        refits = pooled.refitted((kind, ONLINE))
        if refits:
            for risks in (pooled, forward):   # the online map falls back on the fixed map chosen
                risks.fill((kind, ONLINE), (kind, fixed[kind]))
            tried[ONLINE] = pooled.score((kind, ONLINE), forward)
        methods[kind] = ONLINE if refits else fixed[kind]
        scores[kind] = tried[methods[kind]]
    found, error = coverage.shares()
    interval = choose_interval(found, LEVEL, error)
    adaptive = coverage.adaptive_share(interval)
    if not scores:
        return Selection(shown="constant", methods=methods, scores=scores, cases=cases, interval=interval,
                         coverage=found, adaptive_coverage=adaptive, fixed_methods=fixed)
    shown = choose_shown(scores, max_ece=MAX_ECE)
    withheld = "calibration" if shown != "boosting" and choose_shown(scores) == "boosting" else None
    return Selection(shown=shown, methods=methods, scores=scores, cases=cases, withheld=withheld,
                     interval=interval, coverage=found, adaptive_coverage=adaptive, fixed_methods=fixed)


def choose_calibration(tried: dict[str, Scores]) -> str:
    """The map with the lowest Brier score among those whose ECE (pooled and forward: Scores.gate_ece) is
    at most MAX_ECE, else the lowest such ECE.

    (By Brier score alone, the validation slice chose maps whose risks were off by 0.09-0.12 on
    average on later cases; a map is first of all to make the risks mean what they say.)

    METHODS' order breaks ties: the simplest map.
    """
    calibrated = [method for method in tried if tried[method].gate_ece <= MAX_ECE]
    if calibrated:
        return min(calibrated, key=lambda method: tried[method].brier)
    return min(tried, key=lambda method: tried[method].gate_ece)


def choose_shown(scores: dict[str, Scores], max_ece: float = np.inf) -> str:
    """boosting if it beat both baselines on AUC (by MIN_AUC_GAIN) and Brier and its ECE (pooled and,
    where measured, forward: Scores.gate_ece) is at most `max_ece`; else the better baseline."""
    baselines = [k for k in ("logistic", "constant") if k in scores]
    best_baseline = min(baselines, key=lambda k: scores[k].brier)
    model = scores.get("boosting")
    best_auc = max(np.nan_to_num(scores[k].auc, nan=0.5) for k in baselines)
    if (model is not None and model.auc >= best_auc + MIN_AUC_GAIN and model.brier <= scores[best_baseline].brier
            and model.gate_ece <= max_ece):
        return "boosting"
    return best_baseline


def remaining_figures(models: RiskModels, development: Labelled, test: Labelled, history: Labelled,
                      later: np.ndarray) -> dict[str, Any]:
    """MAE (model and constant median) and interval coverage on the test prefixes, weighted for censoring.

    MAE weighs the seen remaining times (remaining_weights); the coverage weighs every prefix whose
    interval status is known, including the known misses of cases still open past the interval's
    top (coverage_weights), as the conformal quantile was calibrated. The coverage is that of the
    adaptive level, replayed over `history` (the models' calibration slice and the test slice, whose
    prefixes are `later`), and that of the fixed level.
    """
    seen = ~np.isnan(test.remaining)
    if models.regressor is None or models.residuals is None or not seen.any():
        return {}
    predicted, low, high = models.remaining(test.prefixes.features, adaptive=False)
    constant = np.nanmedian(development.remaining)
    actual = np.nan_to_num(test.remaining)
    weights = remaining_weights(test.remaining, test.horizon)
    features = history.prefixes.features
    adaptive_inside, adaptive_status, _ = online_intervals(
        QuantileTable(models.residuals, models.interval), history, models.log_remaining(features),
        models.activity_codes(features), models.level, later, models.adaptive_step)
    fixed, fixed_interval = _coverage(inside_interval(test.remaining, low, high),
                                      coverage_weights(test.remaining, test.horizon, high), test.prefixes.entry)
    adaptive, adaptive_interval = _coverage(adaptive_inside, adaptive_status, history.prefixes.entry[later])
    return {"mae": weighted_share(np.abs(predicted - actual)[seen], weights[seen]),
            "baseline_mae": weighted_share(np.abs(constant - actual)[seen], weights[seen]),
            "coverage": adaptive, "coverage_interval": adaptive_interval,
            "fixed_coverage": fixed, "fixed_coverage_interval": fixed_interval,
            "unseen_share": float(1.0 - seen.mean())}


def _coverage(inside: np.ndarray, status: np.ndarray, owner: np.ndarray) -> tuple[float, tuple[float, float]]:
    """The weighted share of hits among the prefixes whose status is known, and its 95 % case-bootstrap interval."""
    counted = status > 0
    return (weighted_share(inside[counted], status[counted]),
            case_bootstrap_interval(inside[counted], status[counted], owner[counted]))
