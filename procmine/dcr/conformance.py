"""Conformance of a log to a DCR graph: per case the rules it breaks, per rule the cases and variants.

Each variant is replayed once (procmine.dcr.semantics) and its result given to all its
cases; timed rules (delays, deadlines) are checked per case on the event times. An
activity the graph does not have breaks the rule "activity ∉ DCR".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.dcr.graph import RELATION_KINDS, DcrGraph, Rule
from procmine.dcr.semantics import INITIAL, Replayer, Violation
from procmine.dcr.timing import late_cases
from procmine.errors import ModelError
from procmine.formatting import Language
from procmine.workcalendar import WorkCalendar

RULE_COLUMNS = ("rule", "kind", "source", "target", "timed", "cases", "share", "variants")
CASE_COLUMNS = ("case_id", "variant", "fits", "broken", "rules")
START = "▶"          # the source of a violation caused by the initial marking
UNKNOWN = "unknown"  # the kind of the rule "activity ∉ DCR"


@dataclass(frozen=True)
class DcrConformance:
    """Rules by how many cases broke them (most first) and one row per case."""

    rules: pd.DataFrame
    cases: pd.DataFrame
    num_cases: int
    num_variants: int

    @property
    def fitting_cases_share(self) -> float:
        return float(self.cases["fits"].mean()) if self.num_cases else 0.0

    def broken_rules(self) -> pd.DataFrame:
        return self.rules[self.rules["cases"] > 0].reset_index(drop=True)

    def deviating_cases(self) -> pd.DataFrame:
        return self.cases[~self.cases["fits"]].reset_index(drop=True)

    def summary(self) -> dict[str, float | int]:
        return {"cases": self.num_cases, "variants": self.num_variants,
                "fitting_cases_share": self.fitting_cases_share, "rules": len(self.rules),
                "broken_rules": int((self.rules["cases"] > 0).sum())}


def check_dcr(log, graph: DcrGraph, calendar: WorkCalendar | None = None, lang: Language = "en") -> DcrConformance:
    """Which rules of `graph` each case of the EventLog (filtered or not) breaks (rule texts in `lang`)."""
    from procmine.analysis.variants import case_variants

    if log.num_cases == 0:
        raise ModelError("The (filtered) log has no cases, so there is nothing to check. Loosen the filter.")
    variant_of_case, found = case_variants(log)
    _require_overlap(found.sequences, graph)
    per_variant = _variant_violations(found.sequences, graph)
    rules, broken = _rule_rows(graph, per_variant, len(found.cases), variant_of_case)
    broken_by_case = {rule: np.asarray(cases) for rule, cases in broken.items()}
    for rule, cases in late_cases(log, graph, calendar).items():
        broken_by_case[timed_text(rule, graph.time_unit, lang)] = cases
    case_rules = _case_rules(len(variant_of_case), broken_by_case)
    case_table = pd.DataFrame({
        "case_id": log.cases_table().column("case_id").to_pylist(), "variant": variant_of_case + 1,
        "fits": np.array([not r for r in case_rules], bool),
        "broken": np.array([len(r) for r in case_rules], np.int64),
        "rules": [" | ".join(r) for r in case_rules]}, columns=list(CASE_COLUMNS))
    table = _rules_table(rules, broken_by_case, variant_of_case, log.num_cases, graph.time_unit, lang)
    return DcrConformance(table, case_table, log.num_cases, len(found.cases))


def _variant_violations(sequences, graph: DcrGraph) -> list[tuple]:
    """Rule keys (kind, source name, target name) broken by each variant."""
    replayer = Replayer(graph)
    index = {a: i for i, a in enumerate(graph.activities)}
    per_variant = []
    for sequence in sequences:
        unknown = tuple(dict.fromkeys((UNKNOWN, START, a) for a in sequence if a not in index))
        known = [index[a] for a in sequence if a in index]
        per_variant.append(unknown + tuple(_key(v, graph) for v in replayer.violations(known)))
    return per_variant


def _key(violation: Violation, graph: DcrGraph) -> tuple[str, str, str]:
    source = START if violation.source == INITIAL else graph.activities[violation.source]
    return violation.kind, source, graph.activities[violation.target]


def _rule_rows(graph: DcrGraph, per_variant, num_variants: int, variant_of_case):
    """Every rule of the graph plus broken pseudo-rules, and the case positions breaking each."""
    rules: dict[str, tuple] = {}
    for rule in graph.rules():
        rules[_text(rule.kind, rule.source, rule.target)] = (rule.kind, rule.source, rule.target, rule.time)
    breakers: dict[str, list[int]] = {}
    for variant, keys in enumerate(per_variant):
        for kind, source, target in keys:
            text = _text(kind, source, target)
            rules.setdefault(text, (kind, source, target, None))
            breakers.setdefault(text, []).append(variant)
    order = np.argsort(variant_of_case, kind="stable")
    starts = np.searchsorted(variant_of_case[order], np.arange(num_variants + 1))
    broken = {text: np.sort(np.concatenate([order[starts[v]:starts[v + 1]] for v in variants]))
              for text, variants in breakers.items()}
    return rules, broken


def _text(kind: str, source: str, target: str) -> str:
    if kind == UNKNOWN:
        return f"{target} ∉ DCR"
    if kind not in RELATION_KINDS:
        raise ModelError(f"Unknown DCR rule kind {kind!r}.")
    return Rule(kind, source, target).describe()


def _case_rules(num_cases: int, broken_by_case: dict[str, np.ndarray]) -> list[list[str]]:
    rules: list[list[str]] = [[] for _ in range(num_cases)]
    for text, cases in broken_by_case.items():
        for case in cases.tolist():
            rules[case].append(text)
    return rules


def _rules_table(rules: dict, broken_by_case: dict, variant_of_case, num_cases: int, unit, lang) -> pd.DataFrame:
    """One row per rule (and one more per timed rule, for its time), most broken first."""
    rows = []
    for text, (kind, source, target, time) in rules.items():
        rows.append(_row(text, kind, source, target, False, broken_by_case.get(text), variant_of_case, num_cases))
        if time is not None:
            late = timed_text(Rule(kind, source, target, time), unit, lang)
            rows.append(_row(late, kind, source, target, True, broken_by_case.get(late), variant_of_case,
                             num_cases))
    table = pd.DataFrame(rows, columns=list(RULE_COLUMNS))
    return table.sort_values(["cases", "rule"], ascending=[False, True], kind="stable").reset_index(drop=True)


def timed_text(rule: Rule, unit, lang: Language = "en") -> str:
    """The text of a rule's time limit: the rule with its delay or deadline ("A •→ B (≤ 7 working days)")."""
    return rule.describe(unit, lang)


def _row(text, kind, source, target, timed, cases, variant_of_case, num_cases) -> tuple:
    if cases is None or not len(cases):
        return text, kind, source, target, timed, 0, 0.0, ""
    variants = np.unique(variant_of_case[cases]) + 1
    return (text, kind, source, target, timed, len(cases), len(cases) / num_cases,
            ", ".join(str(v) for v in variants.tolist()))


def _require_overlap(sequences, graph: DcrGraph) -> None:
    in_log = {a for sequence in sequences for a in sequence}
    if not in_log & set(graph.activities):
        raise ModelError(
            f"None of the DCR graph's events ({', '.join(sorted(graph.activities)[:5]) or 'none'}...) occurs "
            f"in the log ({', '.join(sorted(in_log)[:5])}...). Check that the graph's labels are the log's "
            "activity names.")


