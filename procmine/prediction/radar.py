"""The deadline radar: per rule, the model card and every open case's risk, remaining time and reasons.

Example: `forecast = predict(procmine.open("sample_logs/aktindsigt"))`; `forecast.cases` holds
one row per open case and rule, riskiest first; `forecast.cards` what the risk is worth.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.analysis.deadlines import DEFAULT_RULES, DeadlineRule
from procmine.eventlog import EventLog
from procmine.prediction.clock import RuleClock, rule_clock
from procmine.prediction.evaluation import ModelCard, evaluate
from procmine.prediction.features import DEPARTMENT, LogFacts, Prefixes, prefixes_at
from procmine.prediction.models import RiskModels, fit_models
from procmine.prediction.samples import labelled_prefixes
from procmine.workcalendar import WorkCalendar

TOP_REASONS = 3
REASONED = 1_000       # open cases per rule whose reasons are computed: the riskiest
CASE_COLUMNS = ("rule", "case_id", "status", "risk", "model", "remaining_days", "remaining_low",
                "remaining_high", "due", "days_left", "activity", "department", "reasons")
Progress = Callable[[str, int, int], None]   # (rule, rules done, rules in all)


@dataclass(frozen=True)
class Reason:
    """One feature's push on a case's risk: its value and its contribution (log-odds, + raises the risk)."""

    feature: str
    value: str | float   # a category's name, or a number (days with one decimal, counts whole)
    contribution: float


@dataclass(frozen=True)
class Forecast:
    """Model cards per rule, the open (and overdue) cases with their risk, and the rules that did not fit."""

    cards: tuple[ModelCard, ...]
    cases: pd.DataFrame
    skipped: tuple[str, ...]
    calendar: str

    def card(self, rule: str) -> ModelCard:
        return next(card for card in self.cards if card.rule == rule)

    def cards_frame(self) -> pd.DataFrame:
        return pd.DataFrame([card.row() for card in self.cards])


def predict(log: EventLog, rules: tuple[DeadlineRule, ...] | None = None, calendar: WorkCalendar | None = None,
            progress: Progress | None = None) -> Forecast:
    """Evaluate, fit and score every rule (the built-in rules that fit the log when `rules` is None)."""
    calendar = calendar or WorkCalendar()
    strict = rules is not None
    chosen = rules if rules is not None else DEFAULT_RULES
    facts = LogFacts(log, calendar)
    cards, frames, skipped = [], [], []
    for done, rule in enumerate(chosen):
        if progress:
            progress(rule.name, done, len(chosen))
        clock = rule_clock(log, rule, calendar, strict=strict)
        if clock is None:
            skipped.append(rule.name)
            continue
        card, frame = _one_rule(log, facts, clock)
        cards.append(card)
        frames.append(frame)
    if progress:
        progress("", len(chosen), len(chosen))
    cases = pd.concat(frames, ignore_index=True) if frames else _no_cases()
    cases = cases.sort_values(["risk", "days_left"], ascending=[False, True], kind="stable", ignore_index=True)
    return Forecast(cards=tuple(cards), cases=cases, skipped=tuple(skipped), calendar=calendar.describe())


def _no_cases() -> pd.DataFrame:
    """The cases table when no rule fits: no rows, but the columns' types of a table with rows."""
    return pd.DataFrame(columns=list(CASE_COLUMNS)).astype(
        {"risk": float, "remaining_days": float, "remaining_low": float, "remaining_high": float,
         "due": "datetime64[s]", "days_left": float})


def _one_rule(log: EventLog, facts: LogFacts, clock: RuleClock) -> tuple[ModelCard, pd.DataFrame]:
    known = np.flatnonzero(clock.settled)
    data = labelled_prefixes(facts, clock, known)
    card = evaluate(data, known, clock.start[known], clock.rule.name)
    scored = np.flatnonzero(clock.open)
    now = np.full(len(scored), clock.log_end, np.int64)
    prefixes = prefixes_at(facts, clock, scored, now)
    models = (fit_models(data, methods=card.calibration, interval=card.interval, now=clock.log_end,   # as validated
                         fixed=card.fixed_calibration)
              if card.note is None else None)
    if models is not None and models.quantiles is not None:   # the level its intervals use now
        card = dataclasses.replace(card, current_level=1.0 - models.adaptive_alpha)
    frame = _open_cases(log, clock, prefixes, models, card)
    return card, pd.concat([frame, _overdue_cases(log, clock)], ignore_index=True)


def _open_cases(log: EventLog, clock: RuleClock, prefixes: Prefixes, models: RiskModels | None,
                card: ModelCard) -> pd.DataFrame:
    kind = models.usable(card.shown) if models is not None else "none"
    return _case_rows(log, clock, prefixes.entry, prefixes, dict(status="open", model=kind,
                                                                 **score(prefixes, models, kind)))


def score(prefixes: Prefixes, models: RiskModels | None, kind: str) -> dict:
    """Risk, remaining working days with interval, and top reasons of each prefix by the model `kind`.

    Reasons (TreeSHAP costs about a hundred times a prediction) are given for the REASONED
    riskiest prefixes, the ones a caseworker looks at; the others get an empty list.
    """
    features = prefixes.features
    if models is None:
        empty = np.full(len(features), np.nan)
        return {"risk": empty, "remaining_days": empty, "remaining_low": empty, "remaining_high": empty,
                "reasons": [[] for _ in range(len(features))]}
    risk = models.risk(kind, features)
    remaining, low, high = models.remaining(features)
    reasons: list[list[Reason]] = [[] for _ in range(len(features))]
    riskiest = np.argsort(-risk, kind="stable")[:REASONED]
    explained = Prefixes(entry=prefixes.entry[riskiest], moment=prefixes.moment[riskiest],
                         features=features[riskiest], names=prefixes.names, categorical=prefixes.categorical,
                         levels=prefixes.levels)
    for row, found in zip(riskiest, top_reasons(explained, models.contributions(kind, features[riskiest]))):
        reasons[row] = found
    return {"risk": risk, "remaining_days": remaining, "remaining_low": low, "remaining_high": high,
            "reasons": reasons}


def _overdue_cases(log: EventLog, clock: RuleClock) -> pd.DataFrame:
    entry = np.flatnonzero(clock.overdue)
    n = len(entry)
    return _case_rows(log, clock, entry, None, {
        "status": "overdue", "risk": np.ones(n), "model": "observed", "remaining_days": np.full(n, np.nan),
        "remaining_low": np.full(n, np.nan), "remaining_high": np.full(n, np.nan), "reasons": [[] for _ in range(n)]})


def _case_rows(log: EventLog, clock: RuleClock, entry: np.ndarray, prefixes: Prefixes | None,
               values: dict) -> pd.DataFrame:
    from procmine.analysis import kernels as k

    arrays = log.arrays
    case = clock.case[entry]
    last = arrays.activity[arrays.case_starts[1:][case] - 1] if len(case) else np.zeros(0, np.int64)
    names = np.array(arrays.activity_names, dtype=object)
    table = log.cases_table()
    department = (table.column(DEPARTMENT).to_numpy(zero_copy_only=False)[case]
                  if DEPARTMENT in table.column_names else np.full(len(case), None))
    due_day = k.local_days(clock.due[entry], log.dataset.meta.timezone) if len(entry) else np.zeros(0, np.int64)
    days_left = (prefixes.features[:, prefixes.names.index("days_left")] if prefixes is not None
                 else np.full(len(entry), np.nan))
    return pd.DataFrame({
        "rule": clock.rule.name, "case_id": log.case_ids(case).to_pylist(),
        "status": values["status"], "risk": values["risk"], "model": values["model"],
        "remaining_days": values["remaining_days"], "remaining_low": values["remaining_low"],
        "remaining_high": values["remaining_high"], "due": due_day.astype("datetime64[D]"),
        "days_left": days_left, "activity": names[last] if len(case) else [], "department": department,
        "reasons": values["reasons"]}, columns=list(CASE_COLUMNS))


def top_reasons(prefixes: Prefixes, contributions: np.ndarray, top: int = TOP_REASONS) -> list[list[Reason]]:
    """The `top` features pushing each case's risk up most (positive contributions only)."""
    if len(contributions) == 0:
        return []
    order = np.argsort(-contributions, axis=1)[:, :top]
    result = []
    for row, columns in enumerate(order):
        result.append([Reason(prefixes.names[c], describe_value(prefixes, row, c), float(contributions[row, c]))
                       for c in columns if contributions[row, c] > 0])
    return result


def describe_value(prefixes: Prefixes, row: int, column: int) -> str | float:
    """A feature value as a user reads it: a category's name, or the number (days to one decimal, counts whole).

    Numbers stay numbers: each face writes them in its language (`wording.reason_text`).
    """
    name = prefixes.names[column]
    value = prefixes.features[row, column]
    if np.isnan(value):
        return "–"
    if name in prefixes.levels:
        return str(prefixes.levels[name][int(value)])
    return round(float(value), 1) if name.endswith("days") else float(round(float(value)))
