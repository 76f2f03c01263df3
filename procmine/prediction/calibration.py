"""Maps from a classifier's score to a calibrated probability, fitted on a later slice than the classifier.

Three candidates, fitted on the calibration slice: `none` (the score as it is; log-loss training
already calibrates it on cases like the training ones), `platt` (a logistic regression on the
score's log-odds: two parameters, so it cannot overfit a small slice) and `isotonic` (any monotone
map: more flexible, needs more cases). Which one a rule uses is chosen on the validation slice,
never on the test slice (procmine.prediction.evaluation).
"""

from __future__ import annotations

import numpy as np

METHODS = ("none", "platt", "isotonic")
EDGE = 1e-6


class Unchanged:
    """The classifier's own probabilities."""

    def predict(self, scores: np.ndarray) -> np.ndarray:
        return np.clip(scores, 0.0, 1.0)


class Platt:
    """p = sigmoid(a · logit(score) + b), a and b fitted by (nearly unpenalised) logistic regression."""

    def __init__(self, scores: np.ndarray, y: np.ndarray) -> None:
        from sklearn.linear_model import LogisticRegression

        self.model = LogisticRegression(C=1e4, max_iter=1000).fit(_logit(scores)[:, None], y)

    def predict(self, scores: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(_logit(scores)[:, None])[:, 1]


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
