"""Resources: cases touched by given resources or org units (the `org_unit` event attribute)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import model_validator

from procmine import schema as s
from procmine.filters.base import Filter
from procmine.filters.columns import any_per_case, event_values_match, require_known
from procmine.filters.wording import listing
from procmine.languages import Language

ORG_UNIT = "org_unit"


class ResourcesFilter(Filter):
    """Cases with at least one event by one of `resources` or in one of `org_units`."""

    kind: Literal["resources"] = "resources"
    resources: tuple[str, ...] = ()
    org_units: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _needs_a_name(self) -> ResourcesFilter:
        if not self.resources and not self.org_units:
            raise ValueError("give at least one resource or org unit")
        return self

    def check(self, log) -> None:
        if self.resources:
            require_known(self, log, s.RESOURCE, self.resources, "resources", "resource")
        if self.org_units:
            require_known(self, log, ORG_UNIT, self.org_units, "org_units", "org unit")

    def matches(self, log) -> np.ndarray:
        touched = np.zeros(log.arrays.num_events, dtype=bool)
        if self.resources:
            touched |= event_values_match(self, log, s.RESOURCE, self.resources, "resources")
        if self.org_units:
            touched |= event_values_match(self, log, ORG_UNIT, self.org_units, "org_units")
        return any_per_case(log.arrays, touched)

    def _matching_sql(self) -> tuple[str, list]:
        conditions, params = [], []
        if self.resources:
            conditions.append("list_contains(?::VARCHAR[], resource)")
            params.append(list(self.resources))
        if self.org_units:
            conditions.append(f"list_contains(?::VARCHAR[], {ORG_UNIT})")
            params.append(list(self.org_units))
        return "SELECT DISTINCT case_index FROM events WHERE " + " OR ".join(conditions), params

    def _phrase(self, lang: Language) -> str:
        parts = []
        if self.resources:
            parts.append(listing(self.resources, lang))
        if self.org_units:
            units = listing(self.org_units, lang)
            parts.append(f"org unit {units}" if lang == "en" else f"enheden {units}")
        who = (" or " if lang == "en" else " eller ").join(parts)
        return f"cases touched by {who}" if lang == "en" else f"sager berørt af {who}"
