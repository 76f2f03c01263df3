"""The access rule as a filter, and the log cut down to it (beneath every user filter)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import field_validator

from procmine import schema as s
from procmine.access.grants import ANY, Grant
from procmine.dataset import Dataset
from procmine.eventlog import EventLog
from procmine.filters.attributes import quoted
from procmine.filters.base import REGISTRY, Filter
from procmine.filters.wording import listing
from procmine.formatting import Language


class AccessFilter(Filter):
    """The cases a user may see: those matching any grant of the user's roles (none without a grant).

    A grant that names departments or case types keeps nothing from a log without that case
    attribute: an unknown department is never taken as "every department".
    """

    kind: Literal["access"] = "access"
    roles: tuple[str, ...]
    grants: tuple[Grant, ...]
    department_attribute: str = "department"
    case_type_attribute: str = "case_type"

    @field_validator("invert")
    @classmethod
    def _never_inverted(cls, invert: bool) -> bool:
        if invert:
            raise ValueError("an access rule cannot be inverted")
        return invert

    def allows_dataset(self, name: str) -> bool:
        """True when one of the user's grants lets them open the dataset folder `name`."""
        return any(grant.allows_dataset(name) for grant in self.grants)

    def sees_everything(self) -> bool:
        """True when one of the user's grants covers every department, case type and dataset."""
        return any(g.departments == ANY and g.case_types == ANY and g.datasets == ANY for g in self.grants)

    def matches(self, log: EventLog) -> np.ndarray:
        allowed = np.zeros(log.num_cases, dtype=bool)
        for grant in self.grants:
            allowed |= (_column_in(log, self.department_attribute, grant.departments)
                        & _column_in(log, self.case_type_attribute, grant.case_types))
        return allowed

    def _matching_sql(self) -> tuple[str, list]:
        conditions, params = [], []
        for grant in self.grants:
            parts = []
            for attribute, values in ((self.department_attribute, grant.departments),
                                      (self.case_type_attribute, grant.case_types)):
                if values != ANY:
                    parts.append(f"list_contains(?, CAST({quoted(attribute)} AS VARCHAR))")
                    params.append(list(values))
            conditions.append("(" + (" AND ".join(parts) or "TRUE") + ")")
        return f"SELECT case_index FROM cases WHERE {' OR '.join(conditions) or 'FALSE'}", params

    def _phrase(self, lang: Language) -> str:
        if not self.grants:
            return "no cases (no role with access)" if lang == "en" else "ingen sager (ingen rolle med adgang)"
        return "; ".join(self._grant_phrase(g, lang) for g in self.grants)

    def _grant_phrase(self, grant: Grant, lang: Language) -> str:
        if grant.departments == ANY and grant.case_types == ANY:
            return "all cases" if lang == "en" else "alle sager"
        parts = []
        if grant.departments != ANY:
            parts.append(f"{self.department_attribute} {listing(grant.departments, lang)}")
        if grant.case_types != ANY:
            parts.append(f"{self.case_type_attribute} {listing(grant.case_types, lang)}")
        joined = " and ".join(parts) if lang == "en" else " og ".join(parts)
        return f"cases of {joined}" if lang == "en" else f"sager med {joined}"


# The access rule is no user filter: not offered by the add-filter form, not read from filter files.
REGISTRY.pop(AccessFilter.model_fields["kind"].default, None)


def _column_in(log: EventLog, attribute: str, values) -> np.ndarray:
    """Bool per selected case: its case attribute `attribute` is one of `values` (False without it)."""
    if values == ANY:
        return np.ones(log.num_cases, dtype=bool)
    if attribute not in log.case_columns:
        return np.zeros(log.num_cases, dtype=bool)
    column = log.case_column(attribute)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    hit = pc.is_in(column.cast(pa.string()), value_set=pa.array(list(values), pa.string()))
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def restricted_log(log: EventLog, access: AccessFilter) -> EventLog:
    """A new unfiltered log holding only the cases `access` allows: its base, tables and SQL
    views contain nothing else, so no filter stack, page or export can reach other cases.

    The rule is kept as `log.access` (shown to the user, written in the audit log).
    """
    full = log.unfiltered()
    allowed = full.filter(access)
    arrays = allowed.arrays
    events = full.events_table().take(pa.array(arrays.event_index))
    events = events.set_column(events.column_names.index(s.CASE_INDEX), s.CASE_INDEX, pa.array(arrays.case))
    events = events.set_column(events.column_names.index(s.EVENT_INDEX), s.EVENT_INDEX,
                               pa.array(np.arange(events.num_rows, dtype=np.int64)))
    cases = full.dataset.cases
    if cases is not None:
        cases = cases.filter(pc.is_in(cases.column(s.CASE_ID), value_set=allowed.case_ids()))
    meta = full.dataset.meta.replaced(cases=allowed.num_cases, events=events.num_rows)
    return EventLog.from_dataset(Dataset(full.dataset.path, events, cases, meta), access=access)
