"""The report's citizen journeys section: shown when the cases name citizens and at least a tenth of
the citizens have more than one case (a journey, not a single case)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from procmine.analysis.journeys import CITIZEN_COLUMNS, Journeys, journeys
from procmine.eventlog import EventLog

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


def journeys_view(section: JourneySection | None, words) -> dict | None:
    """Texts and figures of the section for the template (None: no section)."""
    if section is None:
        return None
    summary = section.summary

    def cell(field: str, value, shown: str) -> dict:
        return {"field": field, "value": "" if pd.isna(value) else repr(value), "shown": shown}

    variants = [{"journey": r.journey, "cells": [cell("citizens", int(r.citizens), words.number(r.citizens)),
                                                 cell("share", float(r.share), words.percent(r.share))]}
                for r in section.variants.itertuples(index=False)]
    continuity = [{"caseworkers": str(r.caseworkers), "cells": [
        cell("cases", int(r.cases), words.number(r.cases)),
        cell("median_throughput_days", float(r.median_throughput_days), words.days(r.median_throughput_days)),
        cell("deadline_share_met", float(r.deadline_share_met),
             "–" if pd.isna(r.deadline_share_met) else words.percent(r.deadline_share_met))]}
        for r in section.continuity.itertuples(index=False)]
    handovers = dict(zip(section.caseworker_handovers["scope"], section.caseworker_handovers["handovers"]))
    per_citizen = section.caseworker_handovers["per_citizen"].sum()
    return {"lead": words.t("journeys.lead", citizens=words.number(summary["citizens"]),
                            cases=words.number(summary["cases"]), several=words.percent(summary["share_several_cases"]),
                            parallel=words.percent(summary["share_parallel_cases"])),
            "variants": variants, "continuity": continuity,
            "handovers": words.t("journeys.handovers", within=words.number(handovers.get("within a case", 0)),
                                 between=words.number(handovers.get("between a citizen's cases", 0)),
                                 per_citizen=words.number(per_citizen, 1)) if handovers else None}
