"""Turn ReportData into what the template shows: words, formatted figures, raw values and SVG charts."""

from __future__ import annotations

import pandas as pd

from procmine import __version__
from procmine.analysis.bottlenecks import NO_VALUE
from procmine.analysis.breakdown import ALL, NO_GROUP
from procmine.analysis.periods import KpiChange
from procmine.i18n import text
from procmine.report import charts
from procmine.report.builder import ReportData
from procmine.report.dcr_section import dcr_view
from procmine.report.figures import Figures, known, raw
from procmine.report.journeys_section import journeys_view
from procmine.report.texts import Words
from procmine.result_tables import (
    COMPLIANCE,
    DATA_QUALITY,
    GROUPS,
    MEASURED_DAYS,
    PERIOD_KPIS,
    PERIOD_TREND,
    RARE_ACTIVITIES,
    TRANSITIONS,
    VARIANTS,
    WORKLOAD,
    Kind,
)

TREND_FIELDS = ("cases_started", "cases_closed", "open_cases", "median_days", "p90_days", "median_working_days",
                "p90_working_days")
GROUP_FIELDS = ("cases", "median_days", "p90_days", "median_working_days", "p90_working_days",
                "deadline_compliance")


def shown_name(value, words: Words) -> str:
    """A group or performer name; the engine's "(none)" for a missing value in the report's language."""
    return words.t("none") if value in (NO_GROUP, NO_VALUE) or value is None else str(value)


def report_view(data: ReportData) -> dict:
    """Every section's texts and figures, ready for templates/report.html.j2."""
    settings = data.settings
    words, fig = Words(settings.lang), Figures(settings.lang, settings.timezone)
    period = fig.period(data.window, settings.period)
    comparison = fig.period(data.comparison, settings.period) if data.comparison else None
    return {
        "lang": settings.lang, "w": words, "period": period, "comparison": comparison,
        "title": settings.title or words.t("title"), "header": _header(data, words, fig, period, comparison),
        "empty": data.empty, "data_end": _data_end(data, words, fig),
        "kpis": _kpis(data, words, fig, comparison), "trend": _trend(data, words, fig),
        "compliance": _compliance(data, words, fig), "groups": _groups(data, words, fig),
        "variants": _variants(data, fig), "bottlenecks": _bottlenecks(data, fig),
        "map": data.process_map, "map_shown": {"activities": fig.value("share", data.process_map.activities),
                                               "paths": fig.value("share", data.process_map.paths)},
        "workload": _workload(data, words, fig), "quality": _quality(data, words, fig),
        "version": __version__, "calendar": data.compliance.calendar,
        "eyebrow": data.organisation or data.dataset_name,
        "quality_counts": (fig.column("cases", data.quality.cases, DATA_QUALITY),
                           fig.column("events", data.quality.events, DATA_QUALITY)),
        "dcr": dcr_view(data.dcr, words, fig, settings.top),
        "risk": _risk(data),
        "benchmark": _benchmark(data),
        "journeys": journeys_view(data.journeys, words, fig),
    }


def _benchmark(data: ReportData):
    if data.benchmark is None:
        return ""
    from markupsafe import Markup

    from procmine.report.benchmark_html import benchmark_section

    return Markup(benchmark_section(data.benchmark, data.settings.lang))   # escaped cell by cell


def _risk(data: ReportData):
    from procmine.report.risk_section import render_risk

    return render_risk(data.risk, data.settings.lang)


def _header(data: ReportData, words: Words, fig: Figures, period: str,
            comparison: str | None) -> list[tuple[str, str]]:
    filters = [f.describe(data.settings.lang) for f in data.filters]
    rows = [(words.t("organisation"), data.organisation)] if data.organisation else []
    return rows + [
        (words.t("dataset"), data.dataset_name), (words.t("period"), period),
        (words.t("compared_with"), comparison or words.t("no_comparison")),
        (words.t("data_period"), words.t("period.range", start=fig.date(data.first_event),
                                         end=fig.date(data.last_event))),
        (words.t("extracted"), fig.date(data.extracted_at)),
        (words.t("generated"), fig.date(data.generated_at)),
        (words.t("case_notion"), _case_notion(data, words)),
        (words.t("filters"), "; ".join(filters) if filters else words.t("no_filters")),
    ]


def _case_notion(data: ReportData, words: Words) -> str:
    """What a case is in this report: the dataset's own cases, or the notion it was seen by, with
    what that did (events copied, objects merged, events left out)."""
    from procmine.ocel.wording import flattening_lines, notion_label

    if data.flattening is None:
        return text("notion.case", words.lang)
    notion = notion_label(data.flattening["case_notion"], words.lang)
    return f"{notion}. " + " ".join(flattening_lines(data.flattening, words.lang))


def _data_end(data: ReportData, words: Words, fig: Figures) -> str | None:
    """A note when the data end before the report period does (its figures cover part of it)."""
    if data.data_ends_early:
        return words.t("data_ends_early", day=fig.date(data.last_event), period=fig.period(
            data.window, data.settings.period))
    return None


def _kpis(data: ReportData, words: Words, fig: Figures, comparison: str | None) -> list[dict]:
    cards = []
    for change in data.changes:
        kind = PERIOD_KPIS.kinds()[change.name]
        detail = ""
        if change.name == "deadline_compliance" and data.kpis.deadline_cases:
            detail = words.t("kpi.compliance_detail", met=fig.value("count", data.kpis.deadline_met),
                             cases=fig.value("count", data.kpis.deadline_cases))
        cards.append({"name": change.name, "label": words.t(f"kpi.{change.name}"),
                      "shown": fig.value(kind, change.current), "unit": _unit(kind, change.current, words),
                      "value": raw(change.current), "previous": raw(change.previous), "detail": detail,
                      "verdict": change.verdict or "none", "change": _change_text(change, kind, words, fig),
                      "before": words.t("kpi.previous", period=comparison, value=" ".join(filter(None, (
                          fig.value(kind, change.previous), _unit(kind, change.previous, words)))))
                      if comparison and change.previous is not None else ""})
    return cards


def _unit(kind: Kind, value, words: Words) -> str:
    """The unit word a KPI card shows after measured days ("dage", "arbejdsdage"); none for other kinds."""
    return words.t(f"kpi.unit.{kind}") if kind in MEASURED_DAYS and known(value) else ""


def _change_text(change: KpiChange, kind: Kind, words: Words, fig: Figures) -> str:
    if change.difference is None:
        return words.t("kpi.no_change") if change.previous is None and change.current is not None else ""
    arrow = "▲" if change.difference > 0 else "▼" if change.difference < 0 else "="
    verdict = words.t(f"kpi.{change.verdict}")
    amount = fig.change(kind, change.difference, change.relative)
    return f"{arrow} {amount} · {verdict}" if change.verdict != "same" else f"= {verdict}"


def _trend(data: ReportData, words: Words, fig: Figures) -> dict:
    kind = data.settings.period
    rows, points = [], []
    for row in data.trend.itertuples(index=False):
        label = fig.period_label(row.start, kind)
        points.append(charts.TrendPoint(label, float(row.cases_closed), float(row.median_days), float(row.p90_days)))
        rows.append({"label": label, "start": raw(row.start), "cells": fig.cells(row, TREND_FIELDS, PERIOD_TREND)})
    labels = {"title": words.t("section.trend"), "left_axis": words.t("chart.days"),
              "right_axis": words.t("chart.cases"), "bars": words.t("chart.cases_closed"),
              "median": words.t("chart.median"), "p90": words.t("chart.p90")}
    return {"rows": rows, "chart": charts.trend_chart(points, labels, fig.axis),
            "kind": words.t(f"period.{kind}"),
            "columns": [words.t(f"column.{c}") for c in ("period", *TREND_FIELDS)]}


def _compliance(data: ReportData, words: Words, fig: Figures) -> list[dict]:
    tables = [("case_type", words.t("section.compliance.by_case_type"), data.compliance.by_case_type),
              ("kle_group", words.t("section.compliance.by_kle"), data.compliance.by_kle)]
    if data.compliance.by_group is not None:
        group = data.settings.group_by
        if group is None:   # the builder groups compliance only by settings.group_by
            raise ValueError("Compliance by group without a group_by setting.")
        tables.append((group, words.t("section.compliance.by_group", attribute=group), data.compliance.by_group))
    target = data.settings.compliance_target
    shown = []
    for key, title, frame in tables:
        if frame is None or frame.empty:
            continue
        # Cases closed without the rule's end activity get a column only where there are any.
        closed_without_end = bool(frame["closed_without_end"].any())
        fields = ("cases", "met", "breaches", "share_met") + (("closed_without_end",) if closed_without_end else ())
        rows = [{"group": shown_name(r.group, words), "key": r.group, "rule": r.rule,
                 "cells": fig.cells(r, fields, COMPLIANCE)} for r in frame.itertuples(index=False)]
        one_rule_each = not frame["group"].duplicated().any()
        bars = [(_bar_label(r.group, r.rule, one_rule_each), float(r.share_met),
                 fig.column("share_met", r.share_met, COMPLIANCE)) for r in frame.itertuples(index=False)]
        chart = charts.compliance_bars(bars, target,
                                       words.t("section.compliance.target", share=fig.value("share", target)))
        shown.append({"key": key, "title": title, "rows": rows, "closed_without_end": closed_without_end,
                      "chart": chart})
    return shown


def _bar_label(group: str, rule: str, one_rule_each: bool) -> str:
    if group == ALL:
        return rule
    return group if one_rule_each else f"{group}: {rule}"  # several rules per group: name both


def _groups(data: ReportData, words: Words, fig: Figures) -> dict | None:
    if data.groups is None:
        return None
    rows = [{"group": shown_name(r.group, words), "key": r.group, "cells": fig.cells(r, GROUP_FIELDS, GROUPS)}
            for r in data.groups.itertuples(index=False)]
    return {"attribute": data.settings.group_by, "rows": rows,
            "columns": [words.t("column.group")] + [words.t(f"column.{n}") for n in GROUP_FIELDS]}


def _variants(data: ReportData, fig: Figures) -> dict:
    table = data.variants
    seen = list(dict.fromkeys(a for sequence in table["activities"] for a in sequence))
    colours = charts.activity_colours(seen)
    rows = [{"rank": int(r.variant), "activities": " → ".join(r.activities),
             "strip": charts.chevron_strip(tuple(r.activities), colours),
             "cells": fig.cells(r, ("cases", "share", "median_throughput_seconds"), VARIANTS)}
            for r in table.itertuples(index=False)]
    return {"rows": rows, "count": len(rows), "share": fig.value("share", data.variants_share)}


def _bottlenecks(data: ReportData, fig: Figures) -> list[dict]:
    fields = ("count", "cases", "median_seconds", "median_working_days", "total_seconds")
    return [{"source": r.source, "target": r.target, "cells": fig.cells(r, fields, TRANSITIONS)}
            for r in data.bottlenecks.itertuples(index=False)]


def _workload(data: ReportData, words: Words, fig: Figures) -> dict | None:
    column = data.workload_column
    if data.workload is None or column is None:   # the builder sets both or neither
        return None
    frame: pd.DataFrame = data.workload
    top = max(int(frame["events"].max()), 1) if len(frame) else 1
    rows = [{"name": shown_name(getattr(r, column), words), "key": getattr(r, column),
             "bar": charts.bar_length(r.events, top), "cells": fig.cells(r, ("events", "cases", "active_days"), WORKLOAD)}
            for r in frame.itertuples(index=False)]
    return {"column": words.t(f"column.{column}"), "rows": rows}


def _quality(data: ReportData, words: Words, fig: Figures) -> list[dict]:
    q = data.quality
    ends = ", ".join(q.end_activities) or words.t("quality.rare_none")
    checks = ", ".join(words.t(f"quality.check.{c}") for c in q.out_of_order_checks)
    rare = ", ".join(f"{r.activity} ({fig.column('cases', r.cases, RARE_ACTIVITIES)})"
                     for r in q.rare_activities.itertuples(index=False))
    notes = [
        ("open_cases", words.t("quality.open_cases"), q.open_cases),
        ("cases_without_end", words.t("quality.without_end", activities=ends), q.cases_without_end),
        ("identical_timestamps", words.t("quality.identical"), q.identical_timestamps),
        ("out_of_order", words.t("quality.out_of_order", checks=checks) if checks
         else words.t("quality.out_of_order_none"), q.out_of_order if checks else None),
        ("rare_activities", words.t("quality.rare", share=fig.column("rare_share", q.rare_share, DATA_QUALITY)),
         len(q.rare_activities)),
    ]
    rows: list[dict[str, object]] = [{"key": key, "label": label, "value": raw(value),
                                      "shown": fig.column(key, value, DATA_QUALITY)} for key, label, value in notes]
    rows[-1]["shown"] = rare or words.t("quality.rare_none")
    if q.open_cases is None:
        rows[0]["shown"] = words.t("unknown")
        rows[0]["label"] = words.t("quality.open_unknown")
    if data.left_out:
        from procmine.importing.quarantine import describe_places
        rows.append({"key": "left_out_at_import", "value": data.left_out.events,
                     "label": words.t("quality.left_out", places=describe_places(data.left_out, words.lang)),
                     "shown": fig.value("count", data.left_out.events)})
    return rows
