"""What the log's end hides: remaining times of cases that had not ended by then, and how figures weigh that.

A prefix's remaining time (until its clock stops: the rule's end, or the case closing without it,
procmine.prediction.clock) is seen only if the clock stopped before the log ends,
i.e. if it is shorter than the prefix's horizon (working days from its moment to the log's end,
known for every prefix, seen or not). Figures over the seen prefixes alone would describe the
faster cases; inverse-probability-of-censoring weights (IPCW) let what is seen count also for
what is hidden. The probability of staying uncensored is the reverse Kaplan–Meier estimate over
the prefixes actually censored, so a slice where nothing is hidden weighs every prefix once.

Whether an interval held is known earlier than the remaining time itself: a case still open when
the log's end lies past the interval's top is a known miss (it may never reach the rule's end at
all, as a fine paid before one is sent in a log that does not say the payment closed it). The
evaluation weighs the coverage on that status, over
every prefix of a settled case. The conformal quantile is calibrated on the seen remaining times
with their weights: calibrating it on the status too would reward an interval so wide that its
misses fall beyond the log's end and become hidden (on Road Traffic Fines a median 1,807 working days).
"""

from __future__ import annotations

import numpy as np

BOOTSTRAP_ROUNDS = 400


def censoring_weights(time: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """1 / P(not censored before `time`) for each uncensored prefix, 0 for a censored one.

    `time` is when a prefix's status became known (uncensored) or when the log's end hid it
    (censored). The probability is the reverse Kaplan–Meier estimate; at equal times the known
    status comes first.
    """
    time, censored = np.asarray(time, np.float64), np.asarray(censored, bool)
    n = len(time)
    order = np.lexsort((censored, time))
    at_risk = n - np.arange(n)
    step = np.where(censored[order], np.log1p(-1.0 / np.maximum(at_risk, 2)), 0.0)
    before = np.concatenate(([0.0], np.cumsum(step)[:-1]))    # censorings strictly earlier in the order
    weights = np.zeros(n)
    weights[order] = np.where(censored[order], 0.0, np.exp(-before))
    return weights


def remaining_weights(remaining: np.ndarray, horizon: np.ndarray) -> np.ndarray:
    """Weights of the seen remaining times (NaN: unseen, hidden at the horizon), 0 for the unseen."""
    seen = ~np.isnan(remaining)
    return censoring_weights(np.where(seen, remaining, horizon), ~seen)


def coverage_weights(remaining: np.ndarray, horizon: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Weights of the prefixes whose interval status is known (0 where the log's end hides it).

    Known: the case ended (the status is known at min(end, top)), or it had not ended when the
    log's end lay past the interval's top `high` (a miss, known at the top).
    """
    seen = ~np.isnan(remaining)
    known = seen | (horizon >= high)
    time = np.where(seen, np.minimum(np.nan_to_num(remaining), high), np.where(known, high, horizon))
    return censoring_weights(time, ~known)


def inside_interval(remaining: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Whether each prefix's case reached the rule's end within [low, high] (False where unseen)."""
    seen = ~np.isnan(remaining)
    value = np.nan_to_num(remaining)
    return seen & (value >= low - 1e-9) & (value <= high + 1e-9)


def weighted_conformal_quantile(residuals: np.ndarray, weights: np.ndarray, level: float,
                                test_weight: float | None = None) -> float:
    """The smallest residual whose weighted share (with one more point, at infinity, of weight
    `test_weight`, default the mean weight) reaches `level`.

    With equal weights this is the split-conformal quantile, the ceil((n + 1) * level)-th smallest.
    """
    order = np.argsort(residuals, kind="stable")
    cumulative = np.cumsum(weights[order])
    total = cumulative[-1] + (float(np.mean(weights)) if test_weight is None else test_weight)
    rank = int(np.searchsorted(cumulative, level * total - 1e-9 * total, side="left"))
    return float(residuals[order][min(rank, len(order) - 1)])


def weighted_share(hit: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sum(weights * hit) / np.sum(weights))


def case_standard_error(values: np.ndarray, weights: np.ndarray, owner: np.ndarray) -> float:
    """The standard error of the weighted mean of `values` with whole cases (`owner`) as the units sampled."""
    _, case = np.unique(owner, return_inverse=True)
    total = float(np.sum(weights))
    mean = float(np.sum(weights * values)) / total
    per_case = np.bincount(case, weights * (values - mean))
    return float(np.sqrt(np.sum(per_case**2)) / total)


def case_bootstrap_interval(values: np.ndarray, weights: np.ndarray, owner: np.ndarray,
                            seed: int = 0) -> tuple[float, float]:
    """95 % interval of the weighted mean of `values`, resampling whole cases (`owner` per prefix).

    A case's prefixes succeed or fail together, so resampling prefixes would claim a precision the
    number of cases does not give.
    """
    _, case = np.unique(owner, return_inverse=True)
    sums = np.bincount(case, weights * values)
    totals = np.bincount(case, weights)
    rng = np.random.default_rng(seed)
    means = []
    for _ in range(BOOTSTRAP_ROUNDS):   # one round at a time: rounds × cases indices would not fit a large log
        draw = rng.integers(0, len(sums), len(sums))
        means.append(sums[draw].sum() / max(totals[draw].sum(), 1e-12))
    low, high = np.quantile(means, [0.025, 0.975])
    return float(low), float(high)
