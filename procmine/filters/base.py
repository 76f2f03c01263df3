"""The Filter base: frozen data that keeps what matches, compiles to SQL, describes itself.

A filter either keeps whole cases (its SQL selects `case_index` values from the
views `events` and `cases`) or trims events (its SQL selects `event_index`
values). It answers two questions only: which of a view's cases (or events) match
(`matches`, NumPy) and what its SQL is (`to_sql`); the EventLog stacks the answer on its
selection. `invert=True` keeps the complement within the current selection.
Every kind registers itself under its `kind` so a stack can be read back from
JSON or YAML.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from procmine.errors import FilterError
from procmine.eventlog import EventLog
from procmine.languages import LANGUAGES, Language
from procmine.validation import problems

REGISTRY: dict[str, type[Filter]] = {}

_EXCEPT = {
    ("en", True): "all cases except {}", ("da", True): "alle sager undtagen {}",
    ("en", False): "all events except {}", ("da", False): "alle hændelser undtagen {}",
}


class Filter(BaseModel):
    """Base of every filter: keeps the cases or events that match, or the rest when invert=True."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    invert: bool = False
    if TYPE_CHECKING:   # every subclass declares its own `kind: Literal[...]` field
        kind: str

    def __init__(self, **data: Any):
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise FilterError(validation_message(type(self).model_fields.get("kind"), exc)) from None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        field = cls.model_fields.get("kind")
        if field is not None and isinstance(field.default, str):
            REGISTRY[field.default] = cls

    @property
    def keeps_whole_cases(self) -> bool:
        """True when the filter keeps or drops whole cases; False when it trims events."""
        return True

    def describe(self, lang: str = "en") -> str:
        """One sentence saying what the filter keeps, in English ("en") or Danish ("da")."""
        if lang not in LANGUAGES:
            raise FilterError(f"Unknown language {lang!r} for a filter description. "
                              f"Use one of {', '.join(LANGUAGES)}.")
        language: Language = "en" if lang == "en" else "da"
        phrase = self._phrase(language)
        return _EXCEPT[language, self.keeps_whole_cases].format(phrase) if self.invert else phrase

    def to_sql(self) -> tuple[str, list]:
        """SQL over the views `events` and `cases` selecting the kept case_index or event_index values.

        Filter values are bound parameters (`?`); they never appear in the SQL text.
        """
        sql, params = self._matching_sql()
        if not self.invert:
            return sql, params
        if self.keeps_whole_cases:
            return f"SELECT case_index FROM cases WHERE case_index NOT IN ({sql})", params
        return f"SELECT event_index FROM events WHERE event_index NOT IN ({sql})", params

    def check(self, log: EventLog) -> None:
        """Raise FilterError when a value does not fit the log (unknown activity, attribute...)."""

    def to_dict(self) -> dict:
        """The serialised form: {"kind": ..., fields..., "invert": ...}."""
        data = self.model_dump(mode="json")
        invert = data.pop("invert")
        return {"kind": data.pop("kind"), **data, "invert": invert}

    def error(self, message: str, hint: str) -> FilterError:
        """A FilterError that names this filter, the problem and what to do."""
        return FilterError(f"{self.kind} filter: {message.rstrip('.')}. {hint.rstrip('.')}.")

    @abstractmethod
    def matches(self, log: EventLog) -> np.ndarray:
        """Bool per selected case (keeps_whole_cases) or per selected event of `log` that matches.

        `invert` is not applied here: the log stacks the answer on its selection (EventLog.filter).
        """

    @abstractmethod
    def _matching_sql(self) -> tuple[str, list]:
        """SQL selecting the matching case_index (or event_index) values, and its parameters."""

    @abstractmethod
    def _phrase(self, lang: Language) -> str:
        """What the filter keeps, in words, without the inversion."""


def validation_message(kind_field: Any, exc: ValidationError) -> str:
    """A one-line FilterError message from a pydantic ValidationError."""
    kind = getattr(kind_field, "default", None) or "unknown"
    fields = ", ".join(n for n in REGISTRY[kind].model_fields if n != "kind") if kind in REGISTRY else ""
    found = problems(exc, unknown_key=f"unknown key; the keys of a {kind} filter are {fields}", whole="(filter)")
    return f"{kind} filter: {found}. Correct the value and try again."
