"""Conformance of a log against a reference model: token replay, alignments and precision.

Everything is computed once per variant and weighted by the variant's cases, so a
log with 150,000 cases and 231 variants costs 231 replays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.conformance.alignment import Aligner, Alignment
from procmine.conformance.models import PetriModel
from procmine.conformance.precision import etc_precision
from procmine.errors import ModelError

CASE_COLUMNS = ("case_id", "variant", "token_fitness", "alignment_fitness", "skipped", "inserted")


@dataclass(frozen=True)
class VariantConformance:
    """Per-variant replay results, in the order of `variants`."""

    variants: tuple[tuple[str, ...], ...]
    cases: np.ndarray
    token_fitness: np.ndarray
    alignment_fitness: np.ndarray
    skipped: tuple[tuple[str, ...], ...]
    inserted: tuple[tuple[str, ...], ...]
    log_token_fitness: float
    log_alignment_fitness: float
    precision: float


@dataclass(frozen=True)
class ConformanceResult:
    """Log-level fitness and precision, plus one row per case with its fitness and deviations."""

    token_fitness: float
    alignment_fitness: float
    precision: float
    fitting_cases_share: float
    num_cases: int
    num_variants: int
    cases: pd.DataFrame

    def deviating_cases(self) -> pd.DataFrame:
        return self.cases[self.cases["alignment_fitness"] < 1.0].reset_index(drop=True)

    def summary(self) -> dict[str, float | int]:
        return {"token_fitness": self.token_fitness, "alignment_fitness": self.alignment_fitness,
                "precision": self.precision, "fitting_cases_share": self.fitting_cases_share,
                "cases": self.num_cases, "variants": self.num_variants}


def check_variants(variants: Mapping[tuple[str, ...], int], model: PetriModel) -> VariantConformance:
    """Token replay, alignments and precision of variants (sequence -> cases) against a model."""
    sequences = tuple(tuple(v) for v in variants)
    weights = np.array([int(variants[v]) for v in sequences], dtype=np.float64)
    if not sequences or weights.sum() == 0:
        raise ModelError("The (filtered) log has no cases, so there is nothing to check. Loosen the filter.")
    _require_overlap(sequences, model)
    replay = _token_replay(sequences, model)
    token = np.array([r["trace_fitness"] for r in replay])
    sums = {key: float(np.dot(weights, [r[key] for r in replay]))
            for key in ("missing_tokens", "consumed_tokens", "remaining_tokens", "produced_tokens")}
    log_token = 0.5 * (1 - _ratio(sums["missing_tokens"], sums["consumed_tokens"])) \
        + 0.5 * (1 - _ratio(sums["remaining_tokens"], sums["produced_tokens"]))
    aligned = _alignments(sequences, model)
    # Whole deviations only, so that nets with the same language but other silent transitions
    # get the same fitness; the worst case is pm4py's: every event a log move plus the
    # shortest complete run of the model.
    costs = np.array([a.deviations for a in aligned], dtype=np.float64)
    worst = np.array([len(s) for s in sequences], dtype=np.float64) + _fewest_model_moves(model)
    moves = [_deviations(a.moves) for a in aligned]
    return VariantConformance(
        variants=sequences, cases=weights.astype(np.int64), token_fitness=token,
        alignment_fitness=np.where(worst > 0, 1 - costs / np.maximum(worst, 1), 0.0),
        skipped=tuple(m[0] for m in moves), inserted=tuple(m[1] for m in moves),
        log_token_fitness=log_token,
        log_alignment_fitness=1 - _ratio(float(np.dot(weights, costs)), float(np.dot(weights, worst))),
        precision=etc_precision(sequences, weights.astype(np.int64), model.net, model.initial_marking))


def check_conformance(log, model: PetriModel) -> ConformanceResult:
    """Conformance of an EventLog (filtered or not) against a reference model."""
    from procmine.analysis.variants import case_variants

    if log.num_cases == 0:
        raise ModelError("The (filtered) log has no cases, so there is nothing to check. Loosen the filter.")
    variant_of_case, found = case_variants(log)
    result = check_variants(dict(zip(found.sequences, found.cases.tolist())), model)
    case_ids = log.cases_table().column("case_id").to_pylist()
    skipped = np.array([", ".join(s) for s in result.skipped], dtype=object)
    inserted = np.array([", ".join(s) for s in result.inserted], dtype=object)
    cases = pd.DataFrame({
        "case_id": case_ids, "variant": variant_of_case + 1,
        "token_fitness": result.token_fitness[variant_of_case],
        "alignment_fitness": result.alignment_fitness[variant_of_case],
        "skipped": skipped[variant_of_case], "inserted": inserted[variant_of_case]},
        columns=list(CASE_COLUMNS))
    fitting = float(np.dot(result.cases, result.alignment_fitness >= 1.0) / result.cases.sum())
    return ConformanceResult(result.log_token_fitness, result.log_alignment_fitness, result.precision,
                             fitting, int(result.cases.sum()), len(result.variants), cases)


def _token_replay(sequences, model: PetriModel) -> list[dict]:
    from pm4py.algo.conformance.tokenreplay.variants import token_replay

    return token_replay.apply(_pm4py_log(sequences), model.net, model.initial_marking,
                              model.final_marking, parameters={"show_progress_bar": False})


def _alignments(sequences, model: PetriModel) -> list[Alignment]:
    """An optimal alignment per variant (the fewest deviations, as pm4py's alignments)."""
    aligner = Aligner(model.net, model.initial_marking, model.final_marking)
    found = []
    for sequence in sequences:
        alignment = aligner.align(sequence)
        if alignment is None:
            raise ModelError(f"The final marking of the model {model.source} cannot be reached from its "
                             "initial marking. Repair the model so that every run can end.")
        found.append(alignment)
    return found


def _fewest_model_moves(model: PetriModel) -> int:
    """The fewest visible steps from the initial to the final marking (the empty trace's deviations)."""
    fewest = Aligner(model.net, model.initial_marking, model.final_marking).fewest_model_moves()
    if fewest is None:
        raise ModelError(f"The final marking of the model {model.source} cannot be reached from its "
                         "initial marking. Repair the model so that every run can end.")
    return fewest


def _deviations(alignment) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(activities the case skipped, activities it did that the model does not allow there)."""
    skipped = tuple(dict.fromkeys(model for log, model in alignment if log == ">>" and model is not None))
    inserted = tuple(dict.fromkeys(log for log, model in alignment if model == ">>"))
    return skipped, inserted


def _pm4py_log(sequences):
    from pm4py.objects.log.obj import Event, EventLog, Trace

    return EventLog([Trace([Event({"concept:name": a}) for a in sequence]) for sequence in sequences])


def _require_overlap(sequences, model: PetriModel) -> None:
    in_log = {a for sequence in sequences for a in sequence}
    if not in_log & model.activity_names:
        raise ModelError(
            f"None of the model's activities ({', '.join(sorted(model.activity_names)[:5]) or 'none'}...) "
            f"occurs in the log ({', '.join(sorted(in_log)[:5])}...) (model {model.source}). "
            "Check that the model's task names are the log's activity names.")


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.0

