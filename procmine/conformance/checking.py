"""Conformance of a log against a reference model: token replay, alignments and precision.

Everything is computed once per variant and weighted by the variant's cases, so a
log with 150,000 cases and 231 variants costs 231 replays.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from procmine.errors import ModelError

_DEVIATION_COST = 10_000
CASE_COLUMNS = ("case_id", "variant", "token_fitness", "alignment_fitness", "skipped", "inserted")


@dataclass(frozen=True)
class PetriModel:
    """An accepting Petri net (pm4py objects) and where it came from."""

    net: Any
    initial_marking: Any
    final_marking: Any
    source: str

    @property
    def activity_names(self) -> set[str]:
        return {t.label for t in self.net.transitions if t.label is not None}


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


def read_model(path: str | os.PathLike) -> PetriModel:
    """A reference model from a .bpmn or .pnml file, as an accepting Petri net."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".bpmn" or suffix == ".xml":
        from procmine.bpmn_import import read_bpmn
        from procmine.bpmn_model import to_petri_net
        return PetriModel(*to_petri_net(read_bpmn(path)), str(path))
    if suffix == ".pnml":
        return _read_pnml(path)
    raise ModelError(f"Cannot read a model from {path.name!r}: unknown suffix {path.suffix!r}. "
                     "Give a .bpmn or .pnml file.")


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
    # Whole deviations only (pm4py adds 1 per silent step to 10,000 per deviation), so that
    # nets with the same language but other silent transitions get the same fitness.
    costs = np.array([a["cost"] // _DEVIATION_COST for a in aligned], dtype=np.float64)
    worst = np.array([a["bwc"] // _DEVIATION_COST for a in aligned], dtype=np.float64)
    moves = [_deviations(a["alignment"]) for a in aligned]
    return VariantConformance(
        variants=sequences, cases=weights.astype(np.int64), token_fitness=token,
        alignment_fitness=np.array([a["fitness"] for a in aligned]),
        skipped=tuple(m[0] for m in moves), inserted=tuple(m[1] for m in moves),
        log_token_fitness=log_token,
        log_alignment_fitness=1 - _ratio(float(np.dot(weights, costs)), float(np.dot(weights, worst))),
        precision=weighted_precision(sequences, weights, model))


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


def weighted_precision(sequences, weights: np.ndarray, model: PetriModel) -> float:
    """ETC precision (as pm4py's token-based etconformance) with prefixes weighted by cases."""
    from pm4py.algo.conformance.tokenreplay.variants import token_replay
    from pm4py.objects.petri_net.utils.align_utils import get_visible_transitions_eventually_enabled_by_marking

    following: dict[tuple[str, ...], set[str]] = {}
    prefix_weight: Counter = Counter()
    for sequence, weight in zip(sequences, weights):
        for i in range(1, len(sequence)):
            following.setdefault(sequence[:i], set()).add(sequence[i])
            prefix_weight[sequence[:i]] += weight
    prefixes = list(following)
    replayed = token_replay.apply(_pm4py_log(prefixes), model.net, model.initial_marking,
                                  model.final_marking, parameters=_PRECISION_REPLAY) if prefixes else []
    initial = {t.label for t in get_visible_transitions_eventually_enabled_by_marking(
        model.net, model.initial_marking)}
    starts = {s[0] for s in sequences if s}
    total_cases = float(weights.sum())
    activated, escaping = total_cases * len(initial), total_cases * len(initial - starts)
    for prefix, result in zip(prefixes, replayed):
        if result["trace_is_fit"]:
            enabled = {t.label for t in result["enabled_transitions_in_marking"] if t.label is not None}
            activated += len(enabled) * prefix_weight[prefix]
            escaping += len(enabled - following[prefix]) * prefix_weight[prefix]
    return 1.0 - escaping / activated if activated > 0 else 1.0


_PRECISION_REPLAY = {"consider_remaining_in_fitness": False,
                     "try_to_reach_final_marking_through_hidden": False,
                     "stop_immediately_when_unfit": True, "walk_through_hidden_trans": True,
                     "cleaning_token_flood": False, "show_progress_bar": False}


def _token_replay(sequences, model: PetriModel) -> list[dict]:
    from pm4py.algo.conformance.tokenreplay.variants import token_replay

    return token_replay.apply(_pm4py_log(sequences), model.net, model.initial_marking,
                              model.final_marking, parameters={"show_progress_bar": False})


def _alignments(sequences, model: PetriModel) -> list[dict]:
    from pm4py.algo.conformance.alignments.petri_net import algorithm as alignments

    return alignments.apply_log(_pm4py_log(sequences), model.net, model.initial_marking,
                                model.final_marking, parameters={"show_progress_bar": False})


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


def _read_pnml(path: Path) -> PetriModel:
    from pm4py.objects.petri_net.importer.variants import pnml

    if not path.is_file():
        raise ModelError(f"The model file {path} does not exist. Check the path.")
    try:
        net, im, fm = pnml.import_net(str(path))
    except Exception as exc:  # pm4py raises bare lxml and KeyError types for bad PNML
        raise ModelError(f"{path} is not a readable PNML Petri net ({type(exc).__name__}: {exc}). "
                         "Give a PNML file with an initial and a final marking.") from exc
    if not im or not fm:
        raise ModelError(f"{path}: the Petri net has no {'initial' if not im else 'final'} marking. "
                         "Add it to the PNML file.")
    return PetriModel(net, im, fm, str(path))
