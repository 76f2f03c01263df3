"""The report's optional "Cases at risk" section (`procmine report --predict`): open cases per department
by predicted risk, each rule's model card (verdict, how it was measured, the figures), and the top drivers of long throughput.

The figures come from procmine.prediction (one function each); this module only shapes and renders them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup, escape

from procmine.eventlog import EventLog
from procmine.i18n import text
from procmine.languages import Language
from procmine.prediction import Drivers, Forecast, drivers, predict, wording
from procmine.prediction.drivers import MIN_CASES
from procmine.report.figures import Figures
from procmine.result_tables import DRIVERS, RISK_DEPARTMENTS
from procmine.workcalendar import WorkCalendar

HIGH_RISK = 0.5
DRIVERS_SHOWN = 8
DEPARTMENT_COLUMNS = ("department", "open", "at_risk", "overdue", "expected")


@dataclass(frozen=True)
class RiskSection:
    """The forecast and the drivers the section shows."""

    forecast: Forecast
    drivers: Drivers


def build_risk(log: EventLog, rules, calendar: WorkCalendar) -> RiskSection:
    """Forecast and drivers over the report's (filtered) log."""
    return RiskSection(forecast=predict(log, rules, calendar), drivers=drivers(log, rules, calendar))


def by_department(forecast: Forecast) -> pd.DataFrame:
    """Per department: open cases, those at risk ≥ 50 %, overdue cases and the expected breaches."""
    cases = forecast.cases.assign(department=forecast.cases["department"].fillna("–").astype(str))
    open_cases = cases["status"] == "open"
    frame = pd.DataFrame({
        "department": cases["department"], "open": open_cases,
        "at_risk": open_cases & (cases["risk"] >= HIGH_RISK), "overdue": cases["status"] == "overdue",
        "expected": cases["risk"].where(open_cases, 0.0).fillna(0.0)})
    table = frame.groupby("department", sort=True).sum().reset_index()
    return table.sort_values(["at_risk", "open"], ascending=False, kind="stable", ignore_index=True)


def render_risk(section: RiskSection | None, lang: Language) -> Markup:
    """The section as HTML (empty when the report was made without --predict)."""
    if section is None:
        return Markup("")
    t = lambda key, **values: escape(text(key, lang, **values))  # noqa: E731
    parts = [Markup('<section id="risk" data-section="risk">'), Markup("<h2>%s</h2>") % t("report.risk.title"),
             Markup('<p class="lead">%s</p>') % t("report.risk.intro")]
    for card in section.forecast.cards:
        parts.append(_card(card, lang))
    table = by_department(section.forecast)
    fig = Figures(lang)
    if table.empty:
        parts.append(Markup('<p class="notice">%s</p>') % t("report.risk.no_open"))
    else:
        parts.append(_table("risk-departments", [text("radar.department", lang), text("report.risk.open", lang),
                                                 text("report.risk.at_risk", lang), text("report.risk.overdue", lang),
                                                 text("report.risk.expected", lang)],
                            [[fig.column(c, getattr(row, c), RISK_DEPARTMENTS) for c in DEPARTMENT_COLUMNS]
                             for row in table.itertuples()]))
    parts.append(Markup("<h3>%s</h3>") % t("report.risk.drivers"))
    top = section.drivers.table.head(DRIVERS_SHOWN)
    if top.empty:
        parts.append(Markup('<p class="notice">%s</p>') % t("driver.none", min=MIN_CASES))
    else:
        parts.append(_table("risk-drivers", [text("driver.driver", lang), text("driver.cases", lang),
                                             text("driver.difference", lang), text("driver.compliance", lang)],
                            [_driver_row(r, fig, lang) for r in top.itertuples()]))
    parts.append(Markup("</section>"))
    return Markup("\n").join(parts)


def _driver_row(r, fig: Figures, lang: Language) -> list[str]:
    """A driver's row: the driver, the cases with / without it, the difference in median working days with
    its interval, and the compliance with / without it."""
    def shown(column: str) -> str:
        return fig.column(column, getattr(r, column), DRIVERS)

    return [wording.driver_label(r.kind, r.driver, r.value, lang), f"{shown('cases_with')} / {shown('cases_without')}",
            f"{shown('difference')} ({shown('difference_low')} … {shown('difference_high')})",
            f"{shown('compliance_with')} / {shown('compliance_without')}"]


def _card(card, lang: Language) -> Markup:
    """A rule's model card: the verdict, how it was measured, and the three models' test figures."""
    parts = [Markup('<p class="notice" data-rule="%s"><strong>%s:</strong> %s</p>')
             % (card.rule, card.rule, wording.verdict(card, lang))]
    if summary := wording.card_summary(card, lang):
        parts.append(Markup('<p class="caption" data-card="%s">%s</p>') % (card.rule, summary))
    if details := wording.card_details(card, lang):
        paragraphs = Markup("").join(Markup('<p class="caption">%s</p>') % paragraph for paragraph in details)
        parts.append(Markup('<details data-card-details="%s"><summary>%s</summary>%s</details>')
                     % (card.rule, text("card.how_measured", lang), paragraphs))
    if card.scores:
        table = wording.card_table(card, lang)
        parts.append(_table("risk-card", list(table.columns), table.astype(str).values.tolist()))
    return Markup("\n").join(parts)


def _table(name: str, headers: list[str], rows: list[list[str]]) -> Markup:
    """A table of figures whose first column names the row (left-aligned and wrapped: a driver can be a
    long variant)."""
    def cells(tag: str, values: list[str]) -> Markup:
        return Markup("").join(Markup('<%s class="text">%s</%s>') % (tag, v, tag) if i == 0
                               else Markup("<%s>%s</%s>") % (tag, v, tag) for i, v in enumerate(values))

    head = cells("th", headers)
    body = Markup("").join(Markup("<tr>%s</tr>") % cells("td", row) for row in rows)
    return Markup('<div class="table-wrap"><table class="numbers" data-table="%s"><thead><tr>%s</tr></thead>'
                  '<tbody>%s</tbody></table></div>') % (name, head, body)
