"""Variants: the top k, the most frequent covering a share of the cases, or an explicit list.

Variants are ranked as in the variant table, by the one grouping both use
(procmine.variant_grouping): most cases first, ties by the first case in case-id order.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import model_validator

from procmine.filters.base import Filter
from procmine.filters.columns import activity_lookup
from procmine.filters.wording import value_text
from procmine.languages import Language
from procmine.sqlforms.common import SEPARATOR, sequence_sql

# A case's variant is the key of procmine.sqlforms.common's per-case sequence (the events table's
# activity is dictionary-coded, hence the cast).
_SEQUENCE = sequence_sql("CAST(activity AS VARCHAR)")
_RANKED = (f"WITH sequences AS (SELECT case_index, {_SEQUENCE} AS variant FROM events GROUP BY case_index), "
           "counted AS (SELECT variant, count(*) AS cases, min(case_index) AS first_case "
           "FROM sequences GROUP BY variant), "
           "ranked AS (SELECT variant, row_number() OVER (ORDER BY cases DESC, first_case) AS rank, "
           "sum(cases) OVER (ORDER BY cases DESC, first_case ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
           "- cases AS before FROM counted) ")   # windows written out: Spark refuses a named window plus a frame


class VariantsFilter(Filter):
    """Cases of the `top` most frequent variants, of those covering `share` of the cases, or of `variants`."""

    kind: Literal["variants"] = "variants"
    top: int | None = None
    share: float | None = None
    variants: tuple[tuple[str, ...], ...] = ()

    @model_validator(mode="after")
    def _one_choice(self) -> VariantsFilter:
        given = [name for name in ("top", "share", "variants") if getattr(self, name) not in (None, ())]
        if len(given) != 1:
            raise ValueError("give exactly one of top, share or variants")
        if self.top is not None and self.top < 1:
            raise ValueError(f"top must be at least 1, not {self.top}")
        if self.share is not None and not 0 <= self.share <= 1:
            raise ValueError(f"share is a fraction from 0 to 1, not {self.share}")
        if any(len(variant) == 0 for variant in self.variants):
            raise ValueError("a variant needs at least one activity")
        return self

    def check(self, log) -> None:
        for number, variant in enumerate(self.variants, start=1):
            activity_lookup(self, log, variant, f"variant {number}")

    def matches(self, log) -> np.ndarray:
        from procmine.variant_grouping import grouped_cases, variant_sequences

        if log.arrays.num_cases == 0:
            return np.zeros(0, dtype=bool)
        grouping = grouped_cases(log)
        if self.top is not None:
            return grouping.variant_of_case < self.top
        if self.share is not None:
            before = np.cumsum(grouping.cases) - grouping.cases
            return (before < self.share * log.arrays.num_cases)[grouping.variant_of_case]
        wanted = set(self.variants)
        chosen = np.array([sequence in wanted for sequence in variant_sequences(log).names], dtype=bool)
        return chosen[grouping.variant_of_case]

    def _matching_sql(self) -> tuple[str, list]:
        if self.top is not None:
            params: list = [self.top]
            condition = "ranked.rank <= ?"
        elif self.share is not None:
            condition, params = "ranked.before < ? * (SELECT count(*) FROM sequences)", [self.share]
        else:
            condition, params = "list_contains(?::VARCHAR[], ranked.variant)", \
                [[SEPARATOR.join(v) for v in self.variants]]
        return (_RANKED + "SELECT sequences.case_index FROM sequences JOIN ranked "
                f"ON sequences.variant = ranked.variant WHERE {condition}", params)

    def _phrase(self, lang: Language) -> str:
        if self.top is not None:
            return (f"cases of the {self.top} most frequent variants" if lang == "en"
                    else f"sager i de {self.top} hyppigste varianter")
        if self.share is not None:
            percent = value_text(round(self.share * 100, 1), lang)
            return (f"cases of the most frequent variants covering {percent}% of the cases" if lang == "en"
                    else f"sager i de hyppigste varianter, der dækker {percent}% af sagerne")
        shown = "; ".join(" → ".join(v) for v in self.variants)
        return (f"cases that follow the variant(s) {shown}" if lang == "en"
                else f"sager der følger varianten/varianterne {shown}")
