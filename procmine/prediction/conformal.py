"""The remaining-time interval under drift: split conformal with residuals weighted by recency.

Split conformal holds its level when the later cases are exchangeable with the calibration slice.
When the process drifts they are not, and the residuals of the latest calibration cases describe
the cases to come best. Weighted (non-exchangeable) split conformal (Barber, Candès, Ramdas and
Tibshirani 2023, "Conformal prediction beyond exchangeability") weights each calibration residual
by 0.5 ** (age / half_life), the age being the share of the calibration slice's cases that started
after its case (0 for the latest), and gives the new case the weight of the latest; its coverage
gap is bounded by the weighted distance from exchangeability, so lighter weights on older cases
trade a little variance for less drift. The weights multiply the inverse-probability-of-censoring
weights (procmine.prediction.censoring).

Mondrian (group-conditional) split conformal takes the quantile within the prefixes of the same
current activity, known when a prefix is scored: it holds the level within each activity, so it
holds it too when the mix of activities drifts. An activity whose calibration residuals weigh less
than MIN_GROUP effective prefixes (Kish: (Σw)² / Σw²) falls back to the pooled quantile.

The interval's method (a half-life, math.inf for every residual alike, plain split conformal; with
or without the activity groups) is chosen on the validation folds only: the one whose pooled
coverage is nearest the stated level, if nearer than plain split conformal by more than the
plain one's standard error (procmine.prediction.evaluation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from procmine.prediction.censoring import coverage_weights, inside_interval, weighted_conformal_quantile

HALF_LIVES = (math.inf, 0.5, 0.25, 0.1)   # in shares of the calibration slice's cases
INTERVALS = tuple((half_life, by_activity) for by_activity in (False, True) for half_life in HALF_LIVES)
MIN_GROUP = 50


@dataclass(frozen=True)
class Residuals:
    """Absolute log residuals of the calibration slice, their censoring weights, their cases' ages and
    their prefixes' current activity (a code)."""

    residual: np.ndarray
    weight: np.ndarray
    age: np.ndarray
    group: np.ndarray

    def halfwidth(self, level: float, half_life: float = math.inf) -> float:
        """The weighted conformal quantile at `level`; the new case weighs as the latest calibration case."""
        return _quantile(self.residual, self.weight, self.weight * recency_weights(self.age, half_life), level)

    def group_halfwidths(self, level: float, half_life: float = math.inf) -> dict[int, float]:
        """Per activity with at least MIN_GROUP effective prefixes, its own weighted conformal quantile."""
        combined = self.weight * recency_weights(self.age, half_life)
        return {group: _quantile(self.residual[mine], self.weight[mine], combined[mine], level)
                for group, mine in self.groups(half_life).items()}

    def groups(self, half_life: float = math.inf) -> dict[int, np.ndarray]:
        """The activities with at least MIN_GROUP effective prefixes (Kish), each with its residuals' mask."""
        combined = self.weight * recency_weights(self.age, half_life)
        result = {}
        for group in np.unique(self.group):
            mine = self.group == group
            w = combined[mine]
            if w.sum() > 0 and w.sum() ** 2 / np.sum(w**2) >= MIN_GROUP:
                result[int(group)] = mine
        return result


def per_prefix_halfwidth(pooled: float, by_group: dict[int, float], group: np.ndarray) -> np.ndarray:
    """Each prefix's halfwidth: its activity's (`by_group`), else the pooled one."""
    result = np.full(len(group), pooled)
    for code, value in by_group.items():
        result[group == code] = value
    return result


def _quantile(residual: np.ndarray, censoring: np.ndarray, weight: np.ndarray, level: float) -> float:
    return weighted_conformal_quantile(residual, weight, level, test_weight=float(np.mean(censoring)))


def recency_ages(case_start: np.ndarray) -> np.ndarray:
    """Per prefix, the share of the distinct case starts among `case_start` that are later than its own."""
    starts = np.unique(case_start)
    later = len(starts) - 1 - np.searchsorted(starts, case_start)
    return later / max(len(starts), 1)


def recency_weights(age: np.ndarray, half_life: float) -> np.ndarray:
    """0.5 ** (age / half_life); every weight 1 for an infinite half-life."""
    if math.isinf(half_life):
        return np.ones(len(age))
    return np.power(0.5, age / half_life)


def interval_hits(remaining: np.ndarray, horizon: np.ndarray, log_days: np.ndarray,
                  halfwidth: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(inside, status weight) of each prefix for the interval exp(log_days ± halfwidth) − 1, as the test counts."""
    low = np.expm1(np.maximum(log_days - halfwidth, 0.0))
    high = np.expm1(np.maximum(log_days + halfwidth, 0.0))
    return inside_interval(remaining, low, high), coverage_weights(remaining, horizon, high)


def choose_interval(coverage: dict[tuple[float, bool], float], level: float, error: float = 0.0) -> tuple[float, bool]:
    """The (half-life, by activity) whose validation coverage is nearest `level`; plain split conformal
    (INTERVALS[0]) unless another is nearer by at least `error`, the standard error of the plain one's
    coverage (a gap within the noise of a few hundred validation cases is no reason to weight or
    group). INTERVALS' order breaks ties."""
    plain = INTERVALS[0]
    tried = [key for key in INTERVALS if key in coverage and not math.isnan(coverage[key])]
    if plain not in tried:
        return plain
    best = min(tried, key=lambda key: abs(coverage[key] - level))
    gain = abs(coverage[plain] - level) - abs(coverage[best] - level)
    return best if gain >= np.nan_to_num(error) and gain > 0 else plain
