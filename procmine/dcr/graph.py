"""A DCR graph (Dynamic Condition Response graph): events, four relations, a marking, roles and times.

Relations are boolean matrices indexed [source, target] over `activities`:
`conditions[a, b]` is a →• b (b needs a executed, or excluded, before it), `responses[a, b]`
is a •→ b (after a, b is due), `excludes[a, b]` is a →% b and `includes[a, b]` a →+ b.
`delays` hold a condition's least time between a and b, `deadlines` a response's most
time from a to b, both in `time_unit` (Danish working days or calendar days).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from procmine.errors import ModelError
from procmine.formatting import Language

RelationKind = Literal["condition", "response", "exclude", "include"]
RELATION_KINDS: tuple[RelationKind, ...] = ("condition", "response", "exclude", "include")
TimeUnit = Literal["working_days", "days"]
TIME_UNITS: tuple[TimeUnit, ...] = ("working_days", "days")
GLYPHS = {"condition": "→•", "response": "•→", "exclude": "→%", "include": "→+"}


@dataclass(frozen=True)
class Rule:
    """One relation of a graph, as a rule a case can break; `time` is its delay or deadline, if any."""

    kind: RelationKind
    source: str
    target: str
    time: float | None = None

    def describe(self, unit: TimeUnit = "working_days", lang: Language = "en") -> str:
        """The rule in the DCR notation, e.g. 'Høring →• Afgørelse' or 'A •→ B (≤ 7 working days)'."""
        text = f"{self.source} {GLYPHS[self.kind]} {self.target}"
        if self.time is None:
            return text
        sign = "≥" if self.kind == "condition" else "≤"
        return f"{text} ({sign} {time_text(self.time, unit, lang)})"


def time_text(time: float, unit: TimeUnit, lang: Language = "en") -> str:
    """'7 working days', '1 arbejdsdag', '2,5 days'."""
    from procmine.formatting import format_number
    from procmine.i18n import text

    decimals = 0 if float(time).is_integer() else 1
    key = f"dcr.unit1.{unit}" if time == 1 else f"dcr.unit.{unit}"
    return f"{format_number(time, lang, decimals)} {text(key, lang)}"


@dataclass(frozen=True)
class DcrGraph:
    """Events (activity names), relations as [source, target] matrices, initial marking, roles, times."""

    activities: tuple[str, ...]
    conditions: np.ndarray
    responses: np.ndarray
    excludes: np.ndarray
    includes: np.ndarray
    included: np.ndarray
    executed: np.ndarray
    pending: np.ndarray
    roles: tuple[str, ...] = ()
    delays: dict[tuple[str, str], float] = field(default_factory=dict)
    deadlines: dict[tuple[str, str], float] = field(default_factory=dict)
    time_unit: TimeUnit = "working_days"

    def __post_init__(self):
        size = len(self.activities)
        if len(set(self.activities)) != size:
            raise ModelError("A DCR graph has two events with the same label; give each activity one event.")
        for kind in RELATION_KINDS:
            matrix = np.asarray(getattr(self, _matrix_name(kind)), dtype=bool)
            if matrix.shape != (size, size):
                raise ModelError(f"The {kind} relation of a DCR graph of {size} events has shape "
                                 f"{matrix.shape}; it must be {size} x {size}.")
            object.__setattr__(self, _matrix_name(kind), matrix)
        for name in ("included", "executed", "pending"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=bool).reshape(size))
        object.__setattr__(self, "roles", tuple(self.roles) or ("",) * size)
        if len(self.roles) != size:
            raise ModelError(f"A DCR graph of {size} events has {len(self.roles)} roles; give one per event.")
        if self.time_unit not in TIME_UNITS:
            raise ModelError(f"Unknown time unit {self.time_unit!r}; use working_days or days.")

    @classmethod
    def empty(cls, activities) -> DcrGraph:
        """A graph of the activities without relations, every event included, nothing executed or pending."""
        size = len(activities)
        conditions, responses, excludes, includes = (np.zeros((size, size), bool) for _ in RELATION_KINDS)
        return cls(tuple(activities), conditions, responses, excludes, includes,
                   np.ones(size, bool), np.zeros(size, bool), np.zeros(size, bool))

    def relation(self, kind: RelationKind) -> np.ndarray:
        return getattr(self, _matrix_name(kind))

    def rules(self) -> tuple[Rule, ...]:
        """Every relation as a Rule, by kind (conditions, responses, exclusions, inclusions), then names."""
        return self._rules

    @functools.cached_property
    def _rules(self) -> tuple[Rule, ...]:
        found = []
        for kind in RELATION_KINDS:
            times = self.delays if kind == "condition" else self.deadlines if kind == "response" else {}
            for source, target in zip(*np.nonzero(self.relation(kind))):
                pair = (self.activities[source], self.activities[target])
                found.append(Rule(kind, *pair, times.get(pair)))
        return tuple(found)

    def relation_sets(self) -> dict[str, set[tuple[str, str]]]:
        """{kind: {(source, target), ...}}: the relations by activity name (what tests compare)."""
        return {kind: {(self.activities[s], self.activities[t]) for s, t in zip(*np.nonzero(self.relation(kind)))}
                for kind in RELATION_KINDS}

    def with_times(self, delays: dict, deadlines: dict, unit: TimeUnit) -> DcrGraph:
        """The same graph with these condition delays and response deadlines (in `unit`)."""
        from dataclasses import replace
        return replace(self, delays=dict(delays), deadlines=dict(deadlines), time_unit=unit)

    def with_roles(self, roles: tuple[str, ...]) -> DcrGraph:
        from dataclasses import replace
        return replace(self, roles=tuple(roles))

    def same_as(self, other: DcrGraph) -> bool:
        """True when both graphs have the same events, relations, marking, roles and times."""
        if set(self.activities) != set(other.activities):
            return False
        order = [other.activities.index(a) for a in self.activities]
        grid = np.ix_(order, order)
        return (all(np.array_equal(self.relation(k), other.relation(k)[grid]) for k in RELATION_KINDS)
                and all(np.array_equal(getattr(self, m), getattr(other, m)[order])
                        for m in ("included", "executed", "pending"))
                and self.roles == tuple(other.roles[i] for i in order)
                and self.delays == other.delays and self.deadlines == other.deadlines
                and (self.time_unit == other.time_unit or not (self.delays or self.deadlines)))


def _matrix_name(kind: str) -> str:
    return {"condition": "conditions", "response": "responses", "exclude": "excludes",
            "include": "includes"}[kind]
