"""Maps from a classifier's score to a calibrated probability, fitted on a later slice than the classifier.

Three candidates, fitted on the calibration slice: `none` (the score as it is; log-loss training
already calibrates it on cases like the training ones), `platt` (a logistic regression on the
score's log-odds: two parameters, so it cannot overfit a small slice) and `isotonic` (any monotone
map: more flexible, needs more cases). Which one a rule uses is chosen on the validation slice,
never on the test slice (procmine.prediction.evaluation). It is the fallback of the online map
(procmine.prediction.recalibration), a Platt map refitted as outcomes become known, which is used
wherever enough outcomes are known to refit it.
"""

from __future__ import annotations

import numpy as np

METHODS = ("none", "platt", "isotonic")
EDGE = 1e-6
PLATT_RIDGE = 1e-4


class Unchanged:
    """The classifier's own probabilities."""

    def predict(self, scores: np.ndarray) -> np.ndarray:
        return np.clip(scores, 0.0, 1.0)


class Platt:
    """p = sigmoid(a · logit(score) + b), a and b fitted by (nearly unpenalised) logistic regression.

    Fitted by Newton's method on the two parameters, with a ridge of PLATT_RIDGE on a alone (as
    scikit-learn's LogisticRegression(C=1 / PLATT_RIDGE) has it): a few milliseconds on a slice of
    tens of thousands of prefixes, which the online map (procmine.prediction.recalibration) refits
    hundreds of times.
    """

    def __init__(self, scores: np.ndarray, y: np.ndarray) -> None:
        self.slope, self.intercept = _fit_logistic(_logit(scores), np.asarray(y, np.float64))

    def predict(self, scores: np.ndarray) -> np.ndarray:
        return _sigmoid(self.slope * _logit(scores) + self.intercept)


class Isotonic:
    """The monotone step map minimising the squared error on the calibration slice."""

    def __init__(self, scores: np.ndarray, y: np.ndarray) -> None:
        from sklearn.isotonic import IsotonicRegression

        self.model = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(scores, y)

    def predict(self, scores: np.ndarray) -> np.ndarray:
        return np.clip(self.model.predict(scores), 0.0, 1.0)


Calibrator = Unchanged | Platt | Isotonic


def fit_calibrators(scores: np.ndarray, y: np.ndarray) -> dict[str, Calibrator]:
    """Every candidate map fitted on (scores, y) of the calibration slice; only `none` if y has one class."""
    maps: dict[str, Calibrator] = {"none": Unchanged()}
    if 0 < y.sum() < len(y):
        maps["platt"] = Platt(scores, y)
        maps["isotonic"] = Isotonic(scores, y)
    return maps


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EDGE, 1 - EDGE)
    return np.log(p / (1 - p))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) minimising Σ log-loss(y, sigmoid(a x + b)) + PLATT_RIDGE a² / 2 (y holds both classes)."""
    design = np.column_stack([x, np.ones(len(x))])
    ridge = np.array([PLATT_RIDGE, 0.0])

    def loss(w: np.ndarray) -> float:
        z = design @ w
        return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * PLATT_RIDGE * w[0] ** 2)

    w = np.zeros(2)
    current = loss(w)
    for _ in range(100):
        p = _sigmoid(design @ w)
        gradient = design.T @ (p - y) + ridge * w
        hessian = (design.T * (p * (1 - p))) @ design + np.diag(ridge) + 1e-12 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while loss(w - scale * step) > current and scale > 1e-8:   # halve until the loss falls
            scale /= 2
        w = w - scale * step
        previous, current = current, loss(w)
        if previous - current <= 1e-12 * max(1.0, abs(current)):
            break
    return float(w[0]), float(w[1])
