"""Attribute filters: case attributes (values or a range) and event attributes or activities."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import StrictBool, StrictFloat, StrictInt, StrictStr, field_validator, model_validator

from procmine import schema as s
from procmine.filters.base import Filter
from procmine.filters.columns import activity_lookup, any_per_case, case_column, coded_event_column, event_values_match
from procmine.filters.wording import listing, range_text
from procmine.formatting import column_label
from procmine.languages import Language
from procmine.ranges import Between, LocalDatetime
from procmine.timezones import localise

Value = StrictStr | StrictBool | StrictInt | StrictFloat
Bound = StrictInt | StrictFloat | LocalDatetime


def quoted(name: str) -> str:
    """A column name as a SQL identifier (names are identifiers, never values)."""
    return '"' + name.replace('"', '""') + '"'


class CaseAttributeFilter(Filter):
    """Cases whose attribute is one of `values`, or lies in `between=(low, high)` (numbers or dates)."""

    kind: Literal["case_attribute"] = "case_attribute"
    attribute: str
    values: tuple[Value, ...] = ()
    between: Between[Bound] | None = None

    @model_validator(mode="after")
    def _one_condition(self) -> CaseAttributeFilter:
        if bool(self.values) == (self.between is not None):
            raise ValueError("give either values or between (one of them, not both)")
        return self

    def _range(self) -> Between[Bound]:
        """`between`, for a filter without values (the validator makes it one or the other)."""
        if self.between is None:
            raise self.error("it has neither values nor between", "Give values or between")
        return self.between

    def check(self, log) -> None:
        column = case_column(self, log, self.attribute)
        if self.between is not None:
            _comparable(self, log, column)

    def matches(self, log) -> np.ndarray:
        column = case_column(self, log, self.attribute)
        if self.values:
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            try:
                wanted = pa.array(list(self.values)).cast(column.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
                raise self.error(f"values = {list(self.values)!r} do not fit case attribute "
                                 f"{self.attribute!r} of type {column.type} ({exc})",
                                 f"Give values of type {column.type}") from None
            hit = pc.is_in(column, value_set=wanted)
        else:
            column = _comparable(self, log, column)
            hit = pa.array(np.ones(len(column), dtype=bool))
            low, high = (_scalar(b) for b in self._range())
            if low is not None:
                hit = pc.and_(hit, pc.greater_equal(column, low))
            if high is not None:
                hit = pc.and_(hit, pc.less_equal(column, high))
        return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)

    def _matching_sql(self) -> tuple[str, list]:
        name = quoted(self.attribute)
        if self.values:
            return f"SELECT case_index FROM cases WHERE list_contains(?, {name})", [list(self.values)]
        conditions, params = [], []
        low, high = self._range()
        for operator, bound in ((">=", low), ("<=", high)):
            if bound is not None:
                conditions.append(f"{name} {operator} ?")
                params.append(bound)
        return f"SELECT case_index FROM cases WHERE {' AND '.join(conditions)}", params

    def _phrase(self, lang: Language) -> str:
        condition = listing(self.values, lang) if self.values else range_text(self._range(), lang)
        name = _attribute_words(self.attribute, lang)
        if lang == "en":
            return f"cases whose {name} is {condition}"
        return f"sager hvor {name} er {condition}"


def _attribute_words(attribute: str, lang: Language) -> str:
    """A known column in words within a sentence ("afdeling"), any other name as it is."""
    label = column_label(attribute, "da" if lang == "da" else "en")
    if label == attribute or label.isupper():
        return label
    return label[0].lower() + label[1:]


class EventAttributeFilter(Filter):
    """Cases that contain any, all or none of `values` of an event attribute, or (mode="keep") only those events."""

    kind: Literal["event_attribute"] = "event_attribute"
    attribute: str = s.ACTIVITY
    values: tuple[Value, ...]
    mode: Literal["any", "all", "none", "keep"] = "any"

    @field_validator("values")
    @classmethod
    def _not_empty(cls, values: tuple) -> tuple:
        if not values:
            raise ValueError("give at least one value")
        return values

    @property
    def keeps_whole_cases(self) -> bool:
        return self.mode != "keep"

    def check(self, log) -> None:
        if self.attribute == s.ACTIVITY:
            activity_lookup(self, log, tuple(str(v) for v in self.values), "values")
        else:
            coded_event_column(self, log, self.attribute)

    def matches(self, log) -> np.ndarray:
        if self.mode == "keep":
            return event_values_match(self, log, self.attribute, self.values)
        if self.mode == "all":
            keep = np.ones(log.arrays.num_cases, dtype=bool)
            for value in dict.fromkeys(self.values):
                keep &= any_per_case(log.arrays, event_values_match(self, log, self.attribute, (value,)))
            return keep
        contains = any_per_case(log.arrays, event_values_match(self, log, self.attribute, self.values))
        return contains if self.mode == "any" else ~contains

    def _matching_sql(self) -> tuple[str, list]:
        name, values = quoted(self.attribute), list(self.values)
        if self.mode == "keep":
            return f"SELECT event_index FROM events WHERE list_contains(?, {name})", [values]
        if self.mode == "all":
            return ((f"SELECT case_index FROM events WHERE list_contains(?, {name}) GROUP BY case_index "
                    f"HAVING count(DISTINCT {name}) = ?"), [values, len(dict.fromkeys(values))])
        contains = f"SELECT case_index FROM events WHERE list_contains(?, {name})"
        if self.mode == "any":
            return contains, [values]
        return f"SELECT case_index FROM cases WHERE case_index NOT IN ({contains})", [values]

    def _phrase(self, lang: Language) -> str:
        what = "activity" if self.attribute == s.ACTIVITY else _attribute_words(self.attribute, "en")
        hvad = "aktiviteten" if self.attribute == s.ACTIVITY else _attribute_words(self.attribute, "da")
        values = listing(self.values, lang, "and" if self.mode == "all" else "or")
        en = {"any": f"cases that contain {what} {values}",
              "all": f"cases that contain all of {what} {values}",
              "none": f"cases that contain no {what} {values}",
              "keep": f"events whose {what} is {values}"}
        da = {"any": f"sager der indeholder {hvad} {values}",
              "all": f"sager der indeholder alle af {hvad} {values}",
              "none": f"sager der ikke indeholder {hvad} {values}",
              "keep": f"hændelser hvor {hvad} er {values}"}
        return (en if lang == "en" else da)[self.mode]


def _comparable(f: CaseAttributeFilter, log, column: pa.Array) -> pa.Array:
    """The column in a form the range bounds compare with; FilterError on a type mismatch."""
    dates = any(isinstance(b, dt.datetime) for b in f._range())
    kind = column.type
    if dates and (pa.types.is_timestamp(kind) or pa.types.is_date(kind)):
        if pa.types.is_date(kind) or kind.tz is None:
            zone = log.dataset.meta.timezone
            column = localise(column.cast(pa.timestamp("us")), zone)
        return column.cast(pa.timestamp("us", "UTC"))
    if not dates and (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        return column
    wanted = "dates" if dates else "numbers"
    raise f.error(f"between = {f.between!r} gives {wanted}, but case attribute {f.attribute!r} "
                  f"holds {kind}", "Give a range of the attribute's type, or filter by values")


def _scalar(bound):
    if isinstance(bound, dt.datetime):
        return pa.scalar(bound.astimezone(dt.UTC), pa.timestamp("us", "UTC"))
    return bound
