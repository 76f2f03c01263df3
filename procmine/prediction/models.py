"""The three risk models compared on every rule, and the remaining-time model with its interval.

- boosting: LightGBM gradient boosting on every prefix feature; its reasons are exact TreeSHAP
  contributions (LightGBM's `pred_contrib`) in log-odds of the uncalibrated score.
- logistic: the baseline the literature finds hard to beat, a logistic regression on elapsed
  working days and the current activity; its reasons are the exact terms of the linear score.
- constant: the training cases' breach share, for every prefix.

Both classifiers first learn from the earlier cases of what they are given; their scores of the
latest CALIBRATION_SHARE (by case start, the cases most like the ones to come) fit every calibration
map (procmine.prediction.calibration), and `methods` says which map each classifier uses. Then the
classifiers are fitted again on all cases, the latest included, and keep those maps. Those scores
are kept (`evidence`) for the online map (procmine.prediction.recalibration): replayed over later
cases by `online_risk`, and, as the map `online`, refitted at `now` on the calibration slice's
cases whose deadline had passed by then.

Remaining working days: LightGBM on log(1 + days), fitted on the earlier cases, with a
split-conformal interval from the absolute log residuals on the calibration slice, weighted for the
remaining times the log's end hides (procmine.prediction.censoring) and, with a finite `half_life`,
for recency (procmine.prediction.conformal). The interval shown moves its level online from the
calibration slice on (adaptive conformal inference with delayed feedback, procmine.prediction.adaptive):
`adaptive_alpha` is the miss rate once every outcome the data knows has counted.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from procmine.prediction.adaptive import QuantileTable, outcome_step, replay
from procmine.prediction.calibration import Calibrator, fit_calibrators
from procmine.prediction.censoring import remaining_weights, weighted_conformal_quantile
from procmine.prediction.conformal import INTERVALS, Residuals, per_prefix_halfwidth, recency_ages
from procmine.prediction.recalibration import ONLINE, Evidence, Undecided, map_at, online_risks
from procmine.prediction.samples import Labelled

KINDS = ("boosting", "logistic", "constant")
LEVEL = 0.9
CALIBRATION_SHARE = 0.2
BOOSTING = {"learning_rate": 0.05, "num_leaves": 7, "min_data_in_leaf": 200, "bagging_fraction": 0.8,
            "bagging_freq": 1, "feature_fraction": 0.9, "lambda_l2": 1.0, "num_threads": 1, "verbose": -1, "seed": 0,
            "max_cat_to_onehot": 8, "cat_smooth": 20}
ROUNDS = 150
PREDICT_THREADS = 2   # scoring many open cases at once is worth both cores; training small slices is not
DEFAULT_METHODS = {"boosting": "isotonic", "logistic": "none"}   # until a validation slice chose


@dataclass
class RiskModels:
    """Fitted models of one rule: classifiers by kind, their calibration maps and the remaining-time model."""

    names: tuple[str, ...]
    categorical: tuple[str, ...]
    # A lightgbm Booster, a scikit-learn Pipeline and a Booster: Any, as both libraries ship no types.
    boosting: Any | None
    logistic: Any | None
    constant: float
    regressor: Any | None
    interval_halfwidth: float        # in log(1 + working days)
    level: float = LEVEL
    calibrators: dict[str, dict[str, Calibrator]] = field(default_factory=dict)   # kind → method → map
    methods: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_METHODS))
    interval: tuple[float, bool] = INTERVALS[0]   # conformal half-life, and whether by current activity
    residuals: Residuals | None = None
    group_halfwidth: dict[int, float] = field(default_factory=dict)   # by activity code, when by activity
    calibration_from: int = 0        # µs: the first case start of the calibration slice
    quantiles: QuantileTable | None = None   # the calibration residuals' quantile at any level, by `interval`
    adaptive_alpha: float = np.nan   # the miss rate adaptive conformal inference reached over the calibration slice
    adaptive_step: float = np.nan    # its step per outcome (procmine.prediction.adaptive.outcome_step)
    evidence: dict[str, Evidence] = field(default_factory=dict)   # kind → its out-of-sample calibration scores

    def usable(self, kind: str) -> str:
        """`kind` if it was fitted, else the next simpler model (boosting → logistic → constant)."""
        if kind == "boosting" and self.boosting is None:
            kind = "logistic"
        return "constant" if kind == "logistic" and self.logistic is None else kind

    def risk(self, kind: str, features: np.ndarray, method: str | None = None) -> np.ndarray:
        """Probability of a breach for each prefix by the model `kind`, calibrated by `method` (default: its chosen one)."""
        if len(features) == 0:
            return np.zeros(0)
        if kind == "constant" or self.usable(kind) != kind:
            return np.full(len(features), self.constant)
        maps = self.calibrators[kind]
        return maps.get(method or self.methods[kind], maps["none"]).predict(self.raw_score(kind, features))

    def online_risk(self, kind: str, later: Labelled, fixed: str | None) -> np.ndarray:
        """Risks of the prefixes of `later` (cases after the calibration slice) by the classifier `kind`, frozen,
        and the online map replayed from the calibration slice on (procmine.prediction.recalibration); where it
        has too few settled cases, the fixed map `fixed` (None: NaN, for the caller to fill)."""
        raw = self.raw_score(kind, later.prefixes.features)
        start = self.evidence[kind]
        ahead = Evidence(raw, later.breached, later.prefixes.entry, later.case_start, later.due)
        if fixed is None:
            return online_risks(start.join(ahead), raw, later.prefixes.moment, start.cases, Undecided())
        return online_risks(start.join(ahead), raw, later.prefixes.moment, start.cases, self.fixed_map(kind, fixed))

    def fixed_map(self, kind: str, method: str) -> Calibrator:
        """The fixed map `method` fitted once on the calibration slice (the classifier's own score if it has none)."""
        maps = self.calibrators[kind]
        return maps.get(method, maps["none"])

    def raw_score(self, kind: str, features: np.ndarray) -> np.ndarray:
        """The classifier's own probability, before calibration."""
        model = self.boosting if kind == "boosting" else self.logistic
        if model is None:   # callers ask only for a fitted kind (see usable)
            raise ValueError(f"The {kind} model of this rule was not fitted.")
        if kind == "boosting":
            return model.predict(features, num_threads=PREDICT_THREADS)
        return model.predict_proba(self._baseline_columns(features))[:, 1]

    def remaining(self, features: np.ndarray, adaptive: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Predicted remaining working days with the conformal interval (low, high): at the adaptive level
        (`adaptive_alpha`), or with `adaptive=False` at the fixed one."""
        if self.regressor is None or len(features) == 0:
            return (np.full(len(features), np.nan),) * 3
        log_days = self.log_remaining(features)
        activity = self.activity_codes(features)
        if adaptive and self.quantiles is not None:
            table, level = self.quantiles, 1.0 - self.adaptive_alpha
            found = {int(code): table.halfwidth(level, table.key(int(code))) for code in np.unique(activity)}
            halfwidth = per_prefix_halfwidth(np.nan, found, activity)
        else:
            halfwidth = per_prefix_halfwidth(self.interval_halfwidth, self.group_halfwidth, activity)
        return (np.expm1(np.maximum(log_days, 0.0)), np.expm1(np.maximum(log_days - halfwidth, 0.0)),
                np.expm1(np.maximum(log_days + halfwidth, 0.0)))

    def halfwidths(self, features: np.ndarray, interval: tuple[float, bool]) -> np.ndarray:
        """Each prefix's conformal halfwidth (log days) by the method `interval` (callers check it was fitted)."""
        if self.residuals is None:
            raise ValueError("The remaining-time model of this rule was not fitted.")
        half_life, by_activity = interval
        groups = self.residuals.group_halfwidths(self.level, half_life) if by_activity else {}
        return per_prefix_halfwidth(self.residuals.halfwidth(self.level, half_life), groups, self.activity_codes(features))

    def activity_codes(self, features: np.ndarray) -> np.ndarray:
        return np.nan_to_num(features[:, self.names.index("activity")], nan=-1).astype(np.int64)

    def log_remaining(self, features: np.ndarray) -> np.ndarray:
        """The remaining-time model's prediction of log(1 + working days) (callers check it was fitted)."""
        if self.regressor is None:
            raise ValueError("The remaining-time model of this rule was not fitted.")
        return self.regressor.predict(features, num_threads=PREDICT_THREADS)

    def contributions(self, kind: str, features: np.ndarray) -> np.ndarray:
        """Per prefix and feature, its additive part of the risk score (log-odds); zeros for `constant`."""
        if len(features) == 0:
            return np.zeros(features.shape)
        if kind == "boosting" and self.boosting is not None:
            return self.boosting.predict(features, pred_contrib=True, num_threads=PREDICT_THREADS)[:, :-1]
        result = np.zeros(features.shape, np.float64)
        if kind == "logistic" and self.logistic is not None:
            result[:, self.names.index("elapsed_working_days")] = self._logistic_terms(features, numeric=True)
            result[:, self.names.index("activity")] = self._logistic_terms(features, numeric=False)
        return result

    def _baseline_columns(self, features: np.ndarray) -> np.ndarray:
        return features[:, [self.names.index("elapsed_working_days"), self.names.index("activity")]]

    def _logistic_terms(self, features: np.ndarray, numeric: bool) -> np.ndarray:
        """The logistic score's terms of one input, centred on the training mean (exact for a linear model)."""
        if self.logistic is None or self.baseline_means is None:   # callers check the logistic model is fitted
            raise ValueError("The logistic model of this rule was not fitted.")
        prepare, model = self.logistic.steps[0][1], self.logistic.steps[-1][1]
        encoded = prepare.transform(self._baseline_columns(features))
        part = slice(0, 1) if numeric else slice(1, None)
        coef = model.coef_[0][part]
        return np.asarray(encoded[:, part] @ coef).ravel() - float(coef @ self.baseline_means[part])

    baseline_means: np.ndarray | None = None


def fit_models(data: Labelled, *, methods: dict[str, str] | None = None, level: float = LEVEL,
               remaining: bool = True, interval: tuple[float, bool] = INTERVALS[0], now: int | None = None,
               fixed: dict[str, str] | None = None) -> RiskModels:
    """Fit all models on `data`; the latest CALIBRATION_SHARE of its cases (by start) calibrates.

    `remaining=False` leaves out the remaining-time model; `interval` (half-life, by activity) says
    how its conformal residuals are weighted by recency and grouped (procmine.prediction.conformal).
    `now` (µs; default: just after the latest prefix) is the moment of the online map `online`, and `fixed`
    the fixed map it falls back on per classifier, with too few settled cases (default: DEFAULT_METHODS').
    """
    prefixes = data.prefixes
    fit, calibrate = _temporal_slices(data.case_start)
    y = data.breached.astype(int)
    models = RiskModels(names=prefixes.names, categorical=prefixes.categorical, boosting=None, logistic=None,
                        constant=float(y.mean()) if len(y) else 0.0, regressor=None, interval_halfwidth=np.nan,
                        level=level, methods={**DEFAULT_METHODS, **(methods or {})}, interval=interval)
    if _two_classes(y[fit]) and _two_classes(y[calibrate]):
        x = prefixes.features[fit]
        models.boosting = _boosting(x, y[fit], prefixes.names, prefixes.categorical, "binary")
        models.logistic, models.baseline_means = _logistic(models._baseline_columns(x), y[fit])
        for kind in ("boosting", "logistic"):
            scores = models.raw_score(kind, prefixes.features[calibrate])
            models.calibrators[kind] = fit_calibrators(scores, y[calibrate])
            models.evidence[kind] = Evidence(scores, y[calibrate], prefixes.entry[calibrate],
                                             data.case_start[calibrate], data.due[calibrate])
            at = int(prefixes.moment.max()) + 1 if now is None else now
            fallback = models.fixed_map(kind, {**DEFAULT_METHODS, **(fixed or {})}[kind])
            models.calibrators[kind][ONLINE] = map_at(models.evidence[kind], at, models.evidence[kind].cases,
                                                      fallback)
        # Then both classifiers learn again from every case, the latest ones included: those are the
        # most like the cases to come (on Road Traffic Fines and the driven simulations this halved the
        # test ECE of the shown model). The maps stay those fitted on the earlier model's scores of
        # the calibration slice, which it had not seen.
        models.boosting = _boosting(prefixes.features, y, prefixes.names, prefixes.categorical, "binary")
        models.logistic, models.baseline_means = _logistic(models._baseline_columns(prefixes.features), y)
    if remaining:
        _fit_remaining(models, data, fit, calibrate)
    return models


def _fit_remaining(models: RiskModels, data: Labelled, fit: np.ndarray, calibrate: np.ndarray) -> None:
    known = ~np.isnan(data.remaining)
    seen = calibrate & known
    if (fit & known).sum() < 50 or seen.sum() < 20:
        return
    target = np.log1p(np.maximum(data.remaining, 0.0))
    x = data.prefixes.features
    models.regressor = _boosting(x[fit & known], target[fit & known], models.names,
                                 models.categorical, "regression")
    residual = np.abs(models.regressor.predict(x[seen]) - target[seen])
    weights = remaining_weights(data.remaining[calibrate], data.horizon[calibrate])[known[calibrate]]
    ages = recency_ages(data.case_start[calibrate])[known[calibrate]]
    models.residuals = Residuals(residual, weights, ages, models.activity_codes(x[seen]))
    half_life, by_activity = models.interval
    models.interval_halfwidth = models.residuals.halfwidth(models.level, half_life)
    if by_activity:
        models.group_halfwidth = models.residuals.group_halfwidths(models.level, half_life)
    models.calibration_from = int(data.case_start[calibrate].min())
    models.quantiles = QuantileTable(models.residuals, models.interval)
    history = data.subset(calibrate)
    features = history.prefixes.features
    models.adaptive_step = outcome_step(history)
    models.adaptive_alpha = replay(models.quantiles, history, models.log_remaining(features),
                                   models.activity_codes(features), models.level, models.adaptive_step).final_alpha


def conformal_quantile(residuals: np.ndarray, level: float) -> float:
    """The split-conformal quantile: the ceil((n + 1) * level)-th smallest residual."""
    return weighted_conformal_quantile(residuals, np.ones(len(residuals)), level)


def _temporal_slices(case_start: np.ndarray, share: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(fit, calibrate) masks: calibrate holds the prefixes of the latest-starting `share` of cases."""
    share = CALIBRATION_SHARE if share is None else share
    starts = np.unique(case_start)
    cut = starts[int(len(starts) * (1 - share))] if len(starts) > 1 else np.inf
    return case_start < cut, case_start >= cut


def _two_classes(y: np.ndarray) -> bool:
    return len(y) >= 20 and 0 < y.sum() < len(y)


def _boosting(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], categorical: tuple[str, ...],
              objective: str):
    """A LightGBM booster (binary: predicts probabilities; regression: the target)."""
    import lightgbm as lgb

    data = lgb.Dataset(x, label=y, feature_name=list(names), categorical_feature=list(categorical),
                       free_raw_data=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lgb.train({**BOOSTING, "objective": objective}, data, num_boost_round=ROUNDS)


def _logistic(columns: np.ndarray, y: np.ndarray):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    prepare = ColumnTransformer([("elapsed", StandardScaler(), [0]),
                                 ("activity", OneHotEncoder(handle_unknown="ignore"), [1])])
    model = Pipeline([("prepare", prepare), ("logistic", LogisticRegression(max_iter=1000))]).fit(columns, y)
    return model, np.asarray(prepare.transform(columns).mean(axis=0)).ravel()
