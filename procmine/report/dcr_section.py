"""The report's optional DCR section: the DCR rules the period's closed cases break most often.

On with `dcr: true` in report.yaml (or `--dcr`): the closed cases are checked against
their own DCR graph mined with DisCoveR, whose deadlines cover 90 % of the waits seen,
or against the municipality's own graph given as `dcr_model: rules.xml` (DCR XML).
"""

from __future__ import annotations

from procmine.dcr.conformance import DcrConformance
from procmine.report.figures import Figures
from procmine.report.texts import Words
from procmine.result_tables import DCR_RULES


def dcr_conformance(closed, settings) -> DcrConformance | None:
    """The closed cases' DCR conformance when the settings ask for it (None otherwise or without cases)."""
    from procmine.dcr.model import check_dcr_against_discovered, check_dcr_against_file

    if not (settings.dcr or settings.dcr_model) or closed.num_cases == 0:
        return None
    if settings.dcr_model is not None:
        return check_dcr_against_file(closed, settings.dcr_model, lang=settings.lang)
    return check_dcr_against_discovered(closed, lang=settings.lang)


def dcr_view(result: DcrConformance | None, words: Words, fig: Figures, top: int) -> dict | None:
    """The section's lead and rows: rule, cases breaking it, their share, the variants."""
    if result is None:
        return None
    broken = result.broken_rules().head(top)
    rows = [{"rule": r.rule, "cells": fig.cells(r, ("cases", "share"), DCR_RULES), "variants": r.variants}
            for r in broken.itertuples(index=False)]
    return {"lead": words.t("dcr.intro", rules=fig.value("count", len(result.rules)),
                            fitting=fig.value("share", result.fitting_cases_share)),
            "rows": rows, "none": words.t("dcr.none")}
