"""The model card: a temporal split that cannot leak, the model against two baselines, per rule.

Cases with a known outcome are split by when their clock started: the earliest
TRAIN_SHARE are for training (the latest part of them calibrates), later ones test.
Every test prefix is seen at its own moment. The figures: AUC, Brier score, expected
calibration error (ECE, 10 equal-width bins), MAE of remaining working days against
a constant median, and the share of test prefixes whose remaining time falls in the
conformal interval. The slowest test cases have not ended by the log's end, so their remaining
time is unseen (censored): the share is weighted by the inverse probability of being seen
(IPCW), or it would be measured on the easier cases only and over-state the coverage. The boosting model is *shown* only where it beat both baselines
on the test cases (AUC at least MIN_AUC_GAIN higher than the better baseline's and a
Brier score no worse); otherwise the better baseline is shown, with its own figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from procmine.prediction.models import KINDS, RiskModels, fit_models
from procmine.prediction.samples import Labelled

TRAIN_SHARE = 0.7
MIN_AUC_GAIN = 0.01
MIN_CASES = 60        # with known outcome, for a model card at all
ECE_BINS = 10


@dataclass(frozen=True)
class Scores:
    """Figures of one risk model on the test prefixes."""

    auc: float
    brier: float
    ece: float


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
    coverage: float = np.nan
    level: float = 0.9
    shown: str = "constant"
    note: str | None = None      # "too_few_cases" or "one_class" when no fair test was possible

    @property
    def beats_baseline(self) -> bool:
        return self.shown == "boosting"

    def row(self) -> dict:
        """The card as one flat record (for tables, CSV and JSON)."""
        record = {"rule": self.rule, "split_at": self.split_at, "train_cases": self.train_cases,
                  "test_cases": self.test_cases, "test_prefixes": self.test_prefixes,
                  "test_breach_share": self.test_breach_share}
        for kind in KINDS:
            scores = self.scores.get(kind)
            for name in ("auc", "brier", "ece"):
                record[f"{kind}_{name}"] = getattr(scores, name) if scores else np.nan
        record.update(mae=self.mae, baseline_mae=self.baseline_mae, coverage=self.coverage, level=self.level,
                      shown=self.shown, beats_baseline=self.beats_baseline, note=self.note)
        return record


def evaluate(data: Labelled, cases: np.ndarray, case_start: np.ndarray, rule: str) -> ModelCard:
    """Train on the earlier cases of `data`, test on the later ones; `cases`/`case_start` per known case."""
    if len(cases) < MIN_CASES:
        return ModelCard(rule, None, len(cases), 0, 0, np.nan, note="too_few_cases")
    split = np.sort(case_start)[int(len(case_start) * TRAIN_SHARE)]
    train = data.subset(data.case_start < split)
    test = data.subset(data.case_start >= split)
    train_cases, test_cases = int((case_start < split).sum()), int((case_start >= split).sum())
    split_at = dt.datetime.fromtimestamp(int(split) / 1e6, dt.UTC)
    y = test.breached.astype(int)
    base = dict(rule=rule, split_at=split_at, train_cases=train_cases, test_cases=test_cases,
                test_prefixes=len(test), test_breach_share=float(y.mean()) if len(y) else np.nan)
    if len(test) == 0 or y.min() == y.max() or train.breached.min() == train.breached.max():
        return ModelCard(**base, note="one_class")
    models = fit_models(train)
    scores = {kind: score(y, models.risk(kind, test.prefixes.features)) for kind in KINDS
              if kind != "boosting" or models.boosting is not None}
    mae, baseline_mae, coverage = _remaining_figures(models, train, test)
    return ModelCard(**base, scores=scores, mae=mae, baseline_mae=baseline_mae, coverage=coverage,
                     level=models.level, shown=choose_shown(scores))


def choose_shown(scores: dict[str, Scores]) -> str:
    """boosting if it beat both baselines on AUC (by MIN_AUC_GAIN) and Brier; else the better baseline."""
    baselines = [k for k in ("logistic", "constant") if k in scores]
    best_baseline = min(baselines, key=lambda k: scores[k].brier)
    model = scores.get("boosting")
    best_auc = max(np.nan_to_num(scores[k].auc, nan=0.5) for k in baselines)
    if model is not None and model.auc >= best_auc + MIN_AUC_GAIN and model.brier <= scores[best_baseline].brier:
        return "boosting"
    return best_baseline


def score(y: np.ndarray, p: np.ndarray) -> Scores:
    from sklearn.metrics import roc_auc_score

    auc = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else np.nan
    return Scores(auc=auc, brier=float(np.mean((p - y) ** 2)), ece=expected_calibration_error(y, p))


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = ECE_BINS) -> float:
    """Σ over equal-width probability bins of (share of prefixes) × |mean predicted − observed share|."""
    if len(y) == 0:
        return np.nan
    which = np.minimum((p * bins).astype(int), bins - 1)
    predicted = np.bincount(which, weights=p, minlength=bins)
    observed = np.bincount(which, weights=y, minlength=bins)
    return float(np.abs(predicted - observed).sum() / len(y))


def _remaining_figures(models: RiskModels, train: Labelled, test: Labelled) -> tuple[float, float, float]:
    known = ~np.isnan(test.remaining)
    if models.regressor is None or not known.any():
        return np.nan, np.nan, np.nan
    actual = test.remaining[known]
    predicted, low, high = models.remaining(test.prefixes.features[known])
    constant = np.nanmedian(train.remaining)
    inside = (actual >= low - 1e-9) & (actual <= high + 1e-9)
    weights = seen_weights(actual, test.horizon)
    return (float(np.mean(np.abs(predicted - actual))), float(np.mean(np.abs(constant - actual))),
            float(np.sum(weights * inside) / np.sum(weights)))


def seen_weights(remaining: np.ndarray, horizon: np.ndarray) -> np.ndarray:
    """Inverse-probability-of-censoring weights of the seen remaining times.

    A test prefix's remaining time is seen only if it is shorter than its `horizon` (working
    days to the log's end, known for every test prefix, seen or not). The weight of a seen time t
    is 1 / P(horizon > t) over all test prefixes, so long remaining times, often unseen, count
    for the ones that are missing (administrative censoring, independent of the case).
    """
    ordered = np.sort(horizon)
    still_seen = 1.0 - np.searchsorted(ordered, remaining, side="left") / len(ordered)
    return 1.0 / np.maximum(still_seen, 1.0 / len(ordered))
