"""The report's citizen journeys section: shown when the cases name citizens and at least a tenth of
the citizens have more than one case (a journey, not a single case)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from procmine.analysis.journeys import CITIZEN_COLUMNS, Journeys, journeys
from procmine.eventlog import EventLog
from procmine.report.figures import Figures
from procmine.report.texts import Words
from procmine.result_tables import CASEWORKER_HANDOVERS, JOURNEY_CONTINUITY, JOURNEY_SUMMARY, JOURNEY_VARIANTS

MIN_SHARE_SEVERAL = 0.10
TOP_JOURNEYS = 8


@dataclass(frozen=True)
class JourneySection:
    """What the section shows: the summary, the most common journeys and caseworker continuity."""

    summary: dict
    variants: pd.DataFrame
    continuity: pd.DataFrame
    caseworker_handovers: pd.DataFrame


def journey_section(log: EventLog, rules=None) -> JourneySection | None:
    """The section's figures, or None when the log has no journeys worth a section."""
    if log.num_cases == 0 or not any(c in log.case_columns for c in CITIZEN_COLUMNS):
        return None
    result: Journeys = journeys(log, rules)
    if result.summary["share_several_cases"] < MIN_SHARE_SEVERAL:
        return None
    return JourneySection(result.summary, result.variants.head(TOP_JOURNEYS), result.continuity,
                          result.caseworker_handovers)


def journeys_view(section: JourneySection | None, words: Words, fig: Figures) -> dict | None:
    """Texts and figures of the section for the template (None: no section)."""
    if section is None:
        return None
    summary = section.summary
    variants = [{"journey": r.journey, "cells": fig.cells(r, ("citizens", "share"), JOURNEY_VARIANTS)}
                for r in section.variants.itertuples(index=False)]
    continuity = [{"caseworkers": str(r.caseworkers), "cells": fig.cells(
        r, ("cases", "median_throughput_days", "deadline_share_met"), JOURNEY_CONTINUITY)}
        for r in section.continuity.itertuples(index=False)]
    handovers = dict(zip(section.caseworker_handovers["scope"], section.caseworker_handovers["handovers"]))
    per_citizen = section.caseworker_handovers["per_citizen"].sum()

    def summed(key: str) -> str:
        return fig.column(key, summary[key], JOURNEY_SUMMARY)

    def handed(scope: str) -> str:
        return fig.column("handovers", handovers.get(scope, 0), CASEWORKER_HANDOVERS)

    return {"lead": words.t("journeys.lead", citizens=summed("citizens"), cases=summed("cases"),
                            several=summed("share_several_cases"), parallel=summed("share_parallel_cases")),
            "variants": variants, "continuity": continuity,
            "handovers": words.t("journeys.handovers", within=handed("within a case"),
                                 between=handed("between a citizen's cases"),
                                 per_citizen=fig.column("per_citizen", per_citizen, CASEWORKER_HANDOVERS))
            if handovers else None}
