"""The model card and the reasons in words, English or Danish: one wording for the app, report and CLI."""

from __future__ import annotations

import math

import pandas as pd

from procmine.formatting import format_date, format_number, format_percent
from procmine.i18n import text
from procmine.languages import Language
from procmine.prediction.conformal import MIN_GROUP
from procmine.prediction.evaluation import ECE_BINS, MAX_ECE, ModelCard, choose_shown
from procmine.prediction.models import KINDS
from procmine.prediction.radar import Reason
from procmine.prediction.recalibration import MIN_SETTLED, ONLINE, REFIT_DAYS
from procmine.prediction.scoring import EceSpread


def verdict(card: ModelCard, lang: Language) -> str:
    """One plain sentence: does the model beat the baselines, and which risks are shown."""
    if card.note is not None:
        return text(f"card.verdict.{card.note}", lang, cases=format_number(card.train_cases, lang))
    model = card.scores.get("boosting")
    model_validation = card.validation.get("boosting")
    baseline = "logistic" if card.shown == "boosting" else card.shown
    values = {"auc": _figure(model.auc if model else math.nan, lang),
              "brier": _figure(model.brier if model else math.nan, lang),
              "baseline": text(f"card.kind.{baseline}", lang),
              "baseline_auc": _figure(card.scores[baseline].auc, lang),
              "baseline_brier": _figure(card.scores[baseline].brier, lang)}
    if card.shown == "boosting":
        best = min(("logistic", "constant"), key=lambda k: card.scores[k].brier)
        values.update(baseline_auc=_figure(max(card.scores[k].auc for k in ("logistic", "constant")), lang),
                      baseline_brier=_figure(card.scores[best].brier, lang))
        if card.holds_on_test:
            return text("card.verdict.model", lang, **values)
        if model is not None and choose_shown(card.scores) == "boosting":     # better on test, not calibrated there
            return text("card.verdict.model_uncalibrated_on_test", lang, ece=_figure(model.ece, lang),
                        limit=_figure(MAX_ECE, lang), **values)
        return text("card.verdict.model_unconfirmed", lang, **values)
    if card.withheld == "calibration" and model_validation is not None:
        return text("card.verdict.uncalibrated", lang, ece=_figure(model_validation.gate_ece, lang),
                    limit=_figure(MAX_ECE, lang), **values)
    return text("card.verdict.baseline", lang, **values)


def card_summary(card: ModelCard, lang: Language) -> str:
    """What a reader needs beside the verdict: the split and its sizes, and the remaining time's error and
    coverage ("" if nothing was measured). How each was measured: card_details."""
    return " ".join(sentence for sentence in (_split_summary(card, lang), _remaining_summary(card, lang)) if sentence)


def card_details(card: ModelCard, lang: Language) -> list[str]:
    """How the card was measured, a paragraph each: how the model and its calibration were chosen, the
    online map (when the shown risks use it), what the remaining time counts and how its interval is made."""
    paragraphs = []
    if card.split_at is not None:
        chosen = text("card.split.details", lang, validation=format_number(card.validation_cases, lang))
        paragraphs.append(f"{chosen} {online}" if (online := online_map_sentence(card, lang)) else chosen)
    if not math.isnan(card.mae):
        paragraphs += [text("card.remaining.details", lang, unseen=format_percent(card.unseen_share, lang)),
                       interval_sentence(card, lang)]
    return paragraphs


def _split_summary(card: ModelCard, lang: Language) -> str:
    if card.split_at is None:
        return ""
    return text("card.split.summary", lang, train=format_number(card.train_cases, lang),
                date=format_date(card.split_at, lang), test=format_number(card.test_cases, lang),
                prefixes=format_number(card.test_prefixes, lang), share=format_percent(card.test_breach_share, lang))


def _remaining_summary(card: ModelCard, lang: Language) -> str:
    if math.isnan(card.mae):
        return ""
    return text("card.remaining.summary", lang, mae=format_number(card.mae, lang, 1),
                baseline_mae=format_number(card.baseline_mae, lang, 1), level=format_percent(card.level, lang, 0),
                coverage=format_percent(card.coverage, lang), low=format_percent(card.coverage_interval[0], lang),
                high=format_percent(card.coverage_interval[1], lang))


def online_map_sentence(card: ModelCard, lang: Language) -> str:
    """How the shown risks are calibrated online and what that map and the best fixed one gave on test ("" if
    the shown risks use a fixed map)."""
    kind = card.shown
    if card.calibration.get(kind) != ONLINE or kind not in card.online_map_ece:
        return ""
    return text("card.online_map", lang, kind=text(f"card.kind.{kind}", lang), days=format_number(REFIT_DAYS, lang),
                cases=format_number(card.online_window_cases, lang), min=format_number(MIN_SETTLED, lang),
                online=_figure(card.online_map_ece[kind], lang),
                fixed=_figure(card.fixed_map_ece.get(kind, math.nan), lang),
                fixed_method=_method(card.fixed_calibration.get(kind), lang))


def interval_sentence(card: ModelCard, lang: Language) -> str:
    """How the interval is made (plain, recency-weighted and/or by current step, its level adapted online) and
    what it held on validation and test, adapted and at the fixed level."""
    half_life, by_activity = card.interval
    method = (text("card.interval.plain", lang) if math.isinf(half_life)
              else text("card.interval.recent", lang, share=format_percent(half_life, lang, 0)))
    if by_activity:
        method += text("card.interval.by_activity", lang, min=format_number(MIN_GROUP, lang))
    sentences = [text("card.interval", lang, method=method, coverage=format_percent(card.validation_coverage, lang)),
                 text("card.interval.adaptive", lang, gamma=format_number(card.adaptive_step, lang, 3),
                      miss=format_number(1.0 - card.level, lang, 2), rate=format_number(card.moments_per_day, lang, 1),
                      adaptive=format_percent(card.validation_adaptive_coverage, lang),
                      test=format_percent(card.coverage, lang), fixed=format_percent(card.fixed_coverage, lang))]
    if not math.isnan(card.current_level):
        sentences.append(text("card.interval.now", lang, level=format_percent(card.current_level, lang)))
    return " ".join(sentences)


def card_table(card: ModelCard, lang: Language) -> pd.DataFrame:
    """The three models' test figures, one row each, the shown one marked."""
    rows = []
    for kind in KINDS:
        scores = card.scores.get(kind)
        if scores is None:
            continue
        name = text(f"card.kind.{kind}", lang)
        rows.append({text("card.model", lang): name + (f" ({text('card.shown', lang)})" if kind == card.shown else ""),
                     text("card.auc", lang): _figure(scores.auc, lang),
                     text("card.brier", lang): _figure(scores.brier, lang),
                     text("card.ece", lang, bins=ECE_BINS): _figure(scores.ece, lang),
                     text("card.ece_interval", lang): _spread_interval(card.ece_spread.get(kind), lang),
                     text("card.ece_chance", lang): _figure(_chance(card.ece_spread.get(kind)), lang),
                     text("card.calibration", lang): _method(card.calibration.get(kind), lang),
                     text("card.validation_auc", lang): _figure(_validation_auc(card, kind), lang)})
    return pd.DataFrame(rows)


def driver_label(kind: str, driver: str, value: str, lang: Language) -> str:
    """A driver as a reader names it: its kind in words, then the attribute and its value (a row of
    procmine.prediction.drivers' table: kind, driver, value)."""
    named = text(f"driver.kind.{kind}", lang)
    return f"{named}: {driver} = {value}" if kind == "attribute" else f"{named}: {value}"


def reason_text(reason: Reason, lang: Language) -> str:
    """A reason as "caseworkers so far = 3" ("arbejdsdage gået = 7,2" in Danish)."""
    value = reason.value
    shown = value if isinstance(value, str) else format_number(value, lang, 0 if float(value).is_integer() else 1)
    return f"{text(f'feature.{reason.feature}', lang)} = {shown}"


def reasons_text(reasons: list[Reason], lang: Language) -> str:
    return "; ".join(reason_text(r, lang) for r in reasons)


def reasons_note(kind: str, lang: Language) -> str:
    """Where the reasons come from (TreeSHAP, the linear terms, or none)."""
    key = {"boosting": "radar.reasons_model", "logistic": "radar.reasons_logistic"}.get(kind, "radar.reasons_constant")
    return text(key, lang)


def _spread_interval(spread: EceSpread | None, lang: Language) -> str:
    """The test ECE's 95 % case-bootstrap interval, "0.018–0.057"."""
    return "–" if spread is None else f"{_figure(spread.low, lang)}–{_figure(spread.high, lang)}"


def _chance(spread: EceSpread | None) -> float | None:
    """The ECE a perfectly calibrated model reaches by chance in 95 % of such slices (above it: miscalibrated)."""
    return None if spread is None else spread.floor_p95


def _figure(value: float | None, lang: Language) -> str:
    return "–" if value is None or math.isnan(value) else format_number(value, lang, 3)


def _method(method: str | None, lang: str) -> str:
    return "–" if method is None else text(f"card.method.{method}", lang)


def _validation_auc(card: ModelCard, kind: str) -> float:
    scores = card.validation.get(kind)
    return math.nan if scores is None else scores.auc
