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
