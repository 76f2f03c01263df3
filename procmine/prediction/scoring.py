"""The figures of a risk model on a slice's prefixes: AUC, Brier score, expected calibration error (ECE)
and the ECE beyond noise."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ECE_BINS = 10


@dataclass(frozen=True)
class Scores:
    """Figures of one risk model on a slice's prefixes."""

    auc: float
    brier: float
    ece: float
    ece_beyond_noise: float = np.nan   # reported only: the ECE less what chance alone shows (NaN: not measured)
    ece_forward: float = np.nan        # validation only: on every case after each fold's origin, by its models

    @property
    def gate_ece(self) -> float:
        """The ECE the gate and the map choice read: the forward ECE where measured, else the ECE."""
        return self.ece if math.isnan(self.ece_forward) else self.ece_forward


def score(y: np.ndarray, p: np.ndarray, owner: np.ndarray | None = None) -> Scores:
    """AUC, Brier score and ECE of risks `p` for outcomes `y`; with `owner` (each prefix's case) also the
    ECE beyond noise."""
    from sklearn.metrics import roc_auc_score

    auc = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else np.nan
    return Scores(auc=auc, brier=float(np.mean((p - y) ** 2)) if len(y) else np.nan,
                  ece=expected_calibration_error(y, p),
                  ece_beyond_noise=ece_beyond_noise(y, p, owner) if owner is not None else np.nan)


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = ECE_BINS) -> float:
    """Σ over equal-width probability bins of (share of prefixes) × |mean predicted − observed share|."""
    if len(y) == 0:
        return np.nan
    which = np.minimum((p * bins).astype(int), bins - 1)
    predicted = np.bincount(which, weights=p, minlength=bins)
    observed = np.bincount(which, weights=y, minlength=bins)
    return float(np.abs(predicted - observed).sum() / len(y))


def ece_beyond_noise(y: np.ndarray, p: np.ndarray, owner: np.ndarray, bins: int = ECE_BINS) -> float:
    """The ECE with, bin by bin, the gap chance alone gives a perfectly calibrated model taken out.

    In a bin of n prefixes the gap d = mean predicted − observed share has E[d²] = bias² + Var(d),
    and for a model whose risks are right Var(d) = Σ over the bin's cases of m² p̄ (1 − p̄) / n²
    (a case's m prefixes in the bin share one outcome, breached with their mean risk p̄). So
    max(d² − Var(d), 0) estimates bias² without the noise's part; the figure is the prefix-weighted
    sum of its square roots. For a calibrated model it is near 0 whatever the number of cases; for
    a model off by b it is near b once the cases are enough to see b at all.
    """
    if len(y) == 0:
        return np.nan
    which = np.minimum((p * bins).astype(int), bins - 1)
    _, case = np.unique(owner, return_inverse=True)
    groups, group = np.unique(which.astype(np.int64) * (case.max() + 1) + case, return_inverse=True)
    m = np.bincount(group).astype(np.float64)
    risk = np.bincount(group, weights=p)
    variance = np.bincount(groups // (case.max() + 1), weights=risk * (m - risk), minlength=bins)
    n = np.bincount(which, minlength=bins).astype(np.float64)
    gap = np.bincount(which, weights=p - y, minlength=bins)
    filled = n > 0
    bias_squared = np.maximum(gap[filled] ** 2 - variance[filled], 0.0) / n[filled] ** 2
    return float(np.sum(n[filled] * np.sqrt(bias_squared)) / len(y))


ECE_ROUNDS = 200   # resamples for the ECE's case-bootstrap interval and draws for its noise floor


@dataclass(frozen=True)
class EceSpread:
    """How far a slice's ECE can be read: its 95 % case-bootstrap interval and a calibrated model's ECE there."""

    ece: float
    low: float           # the 95 % case-bootstrap interval of the ECE
    high: float
    floor: float         # the median ECE of a perfectly calibrated model at the same risks and cases
    floor_p95: float     # its 95th percentile: an ECE above it is evidence of miscalibration

    @property
    def miscalibrated(self) -> bool:
        """Whether the ECE is above what chance gives a calibrated model in 95 % of draws."""
        return self.ece > self.floor_p95


def ece_spread(y: np.ndarray, p: np.ndarray, owner: np.ndarray, seed: int = 0) -> EceSpread:
    """The ECE of risks `p` for outcomes `y` (`owner`: each prefix's case), its interval and its noise floor."""
    low, high = ece_case_interval(y, p, owner, seed=seed)
    floor, floor_p95 = ece_noise_floor(p, owner, seed=seed)
    return EceSpread(expected_calibration_error(y, p), low, high, floor, floor_p95)


def ece_case_interval(y: np.ndarray, p: np.ndarray, owner: np.ndarray, rounds: int = ECE_ROUNDS, seed: int = 0,
                      bins: int = ECE_BINS) -> tuple[float, float]:
    """95 % percentile interval of the ECE over `rounds` resamples of whole cases (`owner` per prefix).

    A case's prefixes share one outcome, so they are drawn together, as the coverage's interval
    draws them (procmine.prediction.censoring.case_bootstrap_interval). Each resample's ECE is
    that of the drawn cases' prefixes: per case and bin the sum of (risk − outcome) is taken once,
    and a round weighs it by how often the case was drawn. The interval is the figure's spread on
    slices of that many cases, not an interval for the model's true calibration error: resampling
    adds its own noise, so for a calibrated model it lies above 0 (compare ece_noise_floor).
    """
    if len(y) == 0:
        return np.nan, np.nan
    which = _bin_of(p, bins)
    _, case = np.unique(owner, return_inverse=True)
    cases = int(case.max()) + 1
    gap = np.bincount(case * bins + which, weights=p - y, minlength=cases * bins).reshape(cases, bins)
    size = np.bincount(case, minlength=cases).astype(np.float64)
    rng = np.random.default_rng(seed)
    values = np.empty(rounds)
    for round_ in range(rounds):   # one round at a time: rounds × cases counts would not fit a large log
        times = np.bincount(rng.integers(0, cases, cases), minlength=cases).astype(np.float64)
        values[round_] = np.abs(times @ gap).sum() / (times @ size)
    low, high = np.quantile(values, [0.025, 0.975])
    return float(low), float(high)


def ece_noise_floor(p: np.ndarray, owner: np.ndarray, rounds: int = ECE_ROUNDS, seed: int = 0,
                    bins: int = ECE_BINS) -> tuple[float, float]:
    """Median and 95th percentile of the ECE a perfectly calibrated model shows at risks `p` by chance alone.

    Each round draws outcomes for which the risks are right and measures the ECE at the same
    risks, bins and prefixes. How a case's prefixes share an outcome decides the spread: the
    case has one outcome, so its prefixes are not independent draws (per-prefix draws would
    count a case of m prefixes as m cases and give too low a floor). One outcome per case
    drawn with its prefixes' mean risk shares the outcome, but then a prefix whose risk is
    above its case's mean would be breached less often than it says: the simulated model would
    not be calibrated in its bin, and the floor would hold a bias, not only noise. So each case
    draws one uniform U, and its prefix with risk p is breached when U < p: every prefix is
    breached with exactly its risk (calibrated in every bin), prefixes of equal risk share the
    outcome, and the case's prefixes are as strongly tied as their risks allow (a calibrated
    model's risks of one case move towards its outcome as the case goes on; they are one draw).
    """
    if len(p) == 0:
        return np.nan, np.nan
    which = _bin_of(p, bins)
    _, case = np.unique(owner, return_inverse=True)
    predicted = np.bincount(which, weights=p, minlength=bins)
    rng = np.random.default_rng(seed)
    values = np.empty(rounds)
    for round_ in range(rounds):
        breached = rng.random(int(case.max()) + 1)[case] < p
        values[round_] = np.abs(predicted - np.bincount(which, weights=breached, minlength=bins)).sum() / len(p)
    median, p95 = np.quantile(values, [0.5, 0.95])
    return float(median), float(p95)


def _bin_of(p: np.ndarray, bins: int) -> np.ndarray:
    return np.minimum((p * bins).astype(int), bins - 1)
