"""The remaining-time interval online: adaptive conformal inference with delayed feedback.

Split conformal holds its level while later cases are like the calibration slice; under drift
they are not, and no weighting of the slice's residuals foresees a change that has not happened
yet. Adaptive conformal inference (Gibbs and Candès 2021, "Adaptive conformal inference under
distribution shift") keeps the conformal quantile function and moves its miss rate α online:
α_{t+1} = α_t + γ (α − err_t), err_t = 1 when the interval missed. A miss lowers α (wider
intervals), a hit raises it by a little; over T outcomes the share of misses stays within
(1 + γ) / (γ T) of α whatever the drift. α ≤ 0 gives an interval without a top, α ≥ 1 an empty one.

Delayed feedback: prefixes are taken in the order of their moments, and the update for a prefix
is applied only once its outcome is known, so each prefix's level is built from the outcomes
known before its moment, as the radar sees them when it is run on that day's extract.

The step: Gibbs and Candès' γ = GAMMA is per observation of a daily series. Here many prefixes
fall on one working day, and γ per prefix would move α by γ times that many each day (on Road
Traffic Fines, thousands of fines are sent on one day: one day's outcomes moved α by more than 9).
So every outcome moves α by γ / r (outcome_step), r the prefixes per working day of the
calibration slice (at least 1): a working day's worth of outcomes moves it by γ, as one day of
their series does, and the bound holds per prefix (T counted in working days' worth). (One update
per working day by the share of misses among that day's outcomes was tried and dropped: it counts
a day of one outcome like a day of thousands, while misses become known spread over the days
their tops pass and hits in batches when clocks stop, so it over-covered.) A prefix's
outcome becomes known when its deadline clock stops (a hit if the remaining time fell inside,
else a miss), or, if the clock still runs, when the interval's top passes: then it is a miss
whatever follows (a case still open at the log's end past its top is such a known miss). So
every outcome is known by the moment plus the interval's top; one whose top lies beyond the
log's end, with the clock still running there, is never known and never updates. Moments and
outcomes are compared in working days before the log's end (a prefix's horizon); an outcome
known at the same working-day position as a moment (a weekend) counts as not yet known then.

The replay starts at α = 1 − level at the first prefix of the models' calibration slice and runs
with the fitted models' predictions. The calibration residuals define the quantile, so their own
hits are in-sample for it, but only as a new case is: a residual lies under the weighted quantile
of a set that holds it exactly when it lies under the quantile of the set with its own value
replaced by +∞ (the conformal rank argument), and the regressor never learnt from that slice.
GAMMA is fixed in advance, the step Gibbs and Candès use.
"""

from __future__ import annotations

import bisect
import heapq
import math
from dataclasses import dataclass

import numpy as np

from procmine.prediction.censoring import coverage_weights, inside_interval
from procmine.prediction.conformal import Residuals, recency_weights
from procmine.prediction.samples import Labelled

GAMMA = 0.005
POOLED = -1   # the group key of the pooled quantile


class QuantileTable:
    """The weighted conformal quantile of a calibration slice's residuals at any level, pooled or by activity."""

    def __init__(self, residuals: Residuals, interval: tuple[float, bool]) -> None:
        half_life, by_activity = interval
        combined = residuals.weight * recency_weights(residuals.age, half_life)
        test_weight = float(np.mean(residuals.weight))
        masks = {POOLED: np.ones(len(residuals.residual), bool)}
        if by_activity:
            masks.update(residuals.groups(half_life))
        self._tables: dict[int, tuple[list[float], list[float], float]] = {}
        for group, mine in masks.items():
            order = np.argsort(residuals.residual[mine], kind="stable")
            cumulative = np.cumsum(combined[mine][order])
            total = float(cumulative[-1]) + test_weight if len(cumulative) else 0.0
            self._tables[group] = (residuals.residual[mine][order].tolist(), cumulative.tolist(), total)

    def halfwidth(self, level: float, group: int = POOLED) -> float:
        """The smallest residual whose weighted share reaches `level` (+∞ beyond the slice, 0 at level ≤ 0)."""
        values, cumulative, total = self._tables.get(group, self._tables[POOLED])
        if level <= 0 or not values:
            return 0.0 if level <= 0 else math.inf
        rank = bisect.bisect_left(cumulative, level * total - 1e-9 * total)
        return values[rank] if rank < len(values) else math.inf

    def key(self, group: int) -> int:
        """The table a prefix of activity `group` reads: its own, else the pooled one."""
        return group if group in self._tables else POOLED


@dataclass(frozen=True)
class Replay:
    """Per prefix (in the order given) its miss rate α and halfwidth, and α once every known outcome counted."""

    alpha: np.ndarray
    halfwidth: np.ndarray
    final_alpha: float
    revealed: int


def replay(table: QuantileTable, data: Labelled, log_days: np.ndarray, group: np.ndarray, level: float,
           step: float = GAMMA) -> Replay:
    """Adaptive conformal inference over the prefixes of `data`, each outcome moving α by `step` once known.

    `log_days`: the model's prediction of log(1 + remaining working days); `group`: each prefix's activity code.
    """
    target = 1.0 - level
    position = (-np.asarray(data.horizon, np.float64)).tolist()   # working days before the log's end
    order = np.lexsort((position, data.prefixes.moment)).tolist()
    remaining, predicted = data.remaining.tolist(), np.asarray(log_days, np.float64).tolist()
    keys = [table.key(int(g)) for g in group.tolist()]
    alphas, halfwidths = np.empty(len(order)), np.empty(len(order))
    pending: list[tuple[float, int]] = []   # (working-day position its outcome is known at, miss)
    alpha, revealed = target, 0
    for i in order:
        while pending and pending[0][0] < position[i]:
            alpha += step * (target - heapq.heappop(pending)[1])
            revealed += 1
        halfwidth = table.halfwidth(1.0 - alpha, keys[i])
        alphas[i], halfwidths[i] = alpha, halfwidth
        outcome = _outcome(predicted[i], halfwidth, remaining[i], -position[i])
        if outcome is not None:
            heapq.heappush(pending, (position[i] + outcome[0], outcome[1]))
    for _, miss in pending:   # every pushed outcome is known by the log's end
        alpha += step * (target - miss)
    return Replay(alphas, halfwidths, alpha, revealed + len(pending))


def outcome_step(calibration: Labelled, gamma: float = GAMMA) -> float:
    """γ per outcome: `gamma` / the prefixes per working day of the calibration slice (at least one per day)."""
    if len(calibration) == 0:
        return gamma
    span = float(np.max(calibration.horizon) - np.min(calibration.horizon))
    return gamma / max(len(calibration) / max(span, 1.0), 1.0)


def _outcome(log_days: float, halfwidth: float, remaining: float, horizon: float) -> tuple[float, int] | None:
    """(working days after the moment its outcome is known, 1 for a miss), or None if the log's end hides it."""
    high = math.expm1(max(log_days + halfwidth, 0.0))
    if math.isnan(remaining):
        return (high, 1) if horizon >= high else None
    low = math.expm1(max(log_days - halfwidth, 0.0))
    inside = low - 1e-9 <= remaining <= high + 1e-9
    return (remaining, 0) if inside else (min(remaining, high), 1)


def online_intervals(table: QuantileTable, history: Labelled, log_days: np.ndarray, group: np.ndarray,
                     level: float, later: np.ndarray, step: float = GAMMA) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inside, status weight, halfwidth) of the prefixes `later` (a mask of `history`) under the replay
    over all of `history`, as the coverage counts them (procmine.prediction.censoring)."""
    found = replay(table, history, log_days, group, level, step)
    halfwidth = found.halfwidth[later]
    low = np.expm1(np.maximum(log_days[later] - halfwidth, 0.0))
    high = np.expm1(np.maximum(log_days[later] + halfwidth, 0.0))
    remaining, horizon = history.remaining[later], history.horizon[later]
    return inside_interval(remaining, low, high), coverage_weights(remaining, horizon, high), halfwidth
