"""What the validation folds gather: each fold's models' risks and interval hits on the validation cases,
pooled over the folds (procmine.prediction.evaluation.select decides on them)."""

from __future__ import annotations

import dataclasses

import numpy as np

from procmine.prediction.adaptive import QuantileTable, online_intervals
from procmine.prediction.censoring import case_standard_error, weighted_share
from procmine.prediction.conformal import INTERVALS, interval_hits
from procmine.prediction.models import RiskModels
from procmine.prediction.recalibration import ONLINE
from procmine.prediction.samples import Labelled
from procmine.prediction.scoring import Scores, expected_calibration_error, score


class FoldRisks:
    """Outcomes, cases and risks by (kind, method) of validation prefixes, gathered fold by fold."""

    def __init__(self) -> None:
        self.y: list[np.ndarray] = []
        self.owner: list[np.ndarray] = []
        self.risks: dict[tuple[str, str], list[np.ndarray]] = {}
        self.folds = 0

    def add(self, models: RiskModels, cases: Labelled, online: dict[str, np.ndarray]) -> None:
        """The risks of `models` on `cases`; the online map's are `online` (by kind: RiskModels.online_risk)."""
        features = cases.prefixes.features
        self.folds += 1
        self.y.append(cases.breached.astype(int))
        self.owner.append(cases.prefixes.entry)
        self.risks.setdefault(("constant", "none"), []).append(models.risk("constant", features))
        for kind in ("boosting", "logistic"):
            if models.usable(kind) != kind:
                continue
            raw = models.raw_score(kind, features)
            for method, calibrator in models.calibrators[kind].items():
                risk = online[kind] if method == ONLINE else calibrator.predict(raw)
                self.risks.setdefault((kind, method), []).append(risk)

    def fill(self, key: tuple[str, str], source: tuple[str, str]) -> None:
        """Where the risks of `key` are open (NaN), those of `source`: the online map's fallback, once chosen."""
        for risk, other in zip(self.risks.get(key, ()), self.risks.get(source, ())):
            np.copyto(risk, other, where=np.isnan(risk))

    def refitted(self, key: tuple[str, str]) -> bool:
        """Whether every fold holds `key`'s risks and some are its own (not yet filled in from a fallback: fill)."""
        return self.complete(key) and any(np.isfinite(risk).any() for risk in self.risks[key])

    def complete(self, key: tuple[str, str]) -> bool:
        return len(self.risks.get(key, ())) == self.folds > 0

    def score(self, key: tuple[str, str], forward: FoldRisks) -> Scores:
        """The pooled figures of `key`, with the ECE of `forward` (NaN where a forward fold lacks it)."""
        y, owner = np.concatenate(self.y), np.concatenate(self.owner)
        pooled = score(y, np.concatenate(self.risks[key]), owner)
        ahead = (expected_calibration_error(np.concatenate(forward.y), np.concatenate(forward.risks[key]))
                 if forward.complete(key) else np.nan)
        return dataclasses.replace(pooled, ece_forward=ahead)


class FoldCoverage:
    """Per interval method (INTERVALS), whether each validation prefix fell in its interval and its weight;
    and the folds' models and data, to replay the adaptive level of the method chosen (adaptive_share)."""

    def __init__(self) -> None:
        self.parts: dict[tuple[float, bool], list[tuple[np.ndarray, np.ndarray]]] = {}
        self.owner: list[np.ndarray] = []
        self.fits: list[tuple[RiskModels, Labelled, int]] = []

    def add(self, models: RiskModels, development: Labelled, origin: int) -> None:
        """The interval hits of `models` (fitted on the cases before `origin`) on every case from `origin` on."""
        cases = development.subset(development.case_start >= origin)
        if models.residuals is None or not len(cases):
            return
        self.fits.append((models, development, origin))
        features = cases.prefixes.features
        self.owner.append(cases.prefixes.entry)
        log_days = models.log_remaining(features)
        for interval in INTERVALS:
            self.parts.setdefault(interval, []).append(interval_hits(
                cases.remaining, cases.horizon, log_days, models.halfwidths(features, interval)))

    def shares(self) -> tuple[dict[tuple[float, bool], float], float]:
        """The coverage of each method, and the standard error of the plain one's (whole cases resampled)."""
        result, error = {}, np.nan
        for interval, parts in self.parts.items():
            inside, status = (np.concatenate(column) for column in zip(*parts))
            result[interval] = weighted_share(inside, status) if status.sum() > 0 else np.nan
            if interval == INTERVALS[0] and status.sum() > 0:
                error = case_standard_error(inside, status, np.concatenate(self.owner))
        return result, error

    def adaptive_share(self, interval: tuple[float, bool]) -> float:
        """The pooled coverage of the method `interval` at the adaptive level, each fold's replay running from
        its models' calibration slice over every case after its origin (procmine.prediction.adaptive)."""
        inside, status = [], []
        for models, development, origin in self.fits:
            if models.residuals is None:   # add keeps only fitted ones
                continue
            history = development.subset(development.case_start >= models.calibration_from)
            features = history.prefixes.features
            hit, weight, _ = online_intervals(QuantileTable(models.residuals, interval), history,
                                              models.log_remaining(features), models.activity_codes(features),
                                              models.level, history.case_start >= origin,
                                              models.adaptive_step)
            inside.append(hit)
            status.append(weight)
        weights = np.concatenate(status) if status else np.zeros(0)
        return weighted_share(np.concatenate(inside), weights) if weights.sum() > 0 else np.nan
