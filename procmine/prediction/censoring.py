"""What the log's end hides: remaining times of cases that had not ended by then, and how figures weigh that.

A prefix's remaining time is seen only if its case reached the rule's end before the log ends,
i.e. if it is shorter than the prefix's horizon (working days from its moment to the log's end,
known for every prefix, seen or not). Figures over the seen prefixes alone would describe the
faster cases; inverse-probability-of-censoring weights (IPCW) let a seen long remaining time
count also for the unseen ones. The calibration of the interval and its evaluation use the same
weights, so both speak of the same population: every prefix of a settled case.
"""

from __future__ import annotations

import numpy as np

BOOTSTRAP_ROUNDS = 400


def seen_weights(remaining: np.ndarray, horizon: np.ndarray) -> np.ndarray:
    """Inverse-probability-of-censoring weights of the seen remaining times.

    The weight of a seen time t is 1 / P(horizon > t) over all prefixes of the slice (`horizon`
    holds every prefix's, seen or not), so long remaining times, often unseen, count for the ones
    that are missing (administrative censoring, independent of the case).
    """
    ordered = np.sort(horizon)
    still_seen = 1.0 - np.searchsorted(ordered, remaining, side="left") / len(ordered)
    return 1.0 / np.maximum(still_seen, 1.0 / len(ordered))


def weighted_conformal_quantile(residuals: np.ndarray, weights: np.ndarray, level: float) -> float:
    """The smallest residual whose weighted share (with one more point of mean weight) reaches `level`.

    With equal weights this is the split-conformal quantile, the ceil((n + 1) * level)-th smallest.
    """
    order = np.argsort(residuals, kind="stable")
    cumulative = np.cumsum(weights[order])
    total = cumulative[-1] + float(np.mean(weights))
    rank = int(np.searchsorted(cumulative, level * total - 1e-9 * total, side="left"))
    return float(residuals[order][min(rank, len(order) - 1)])


def weighted_share(hit: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sum(weights * hit) / np.sum(weights))


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
