"""Turn ReportData into what the template shows: words, formatted figures, raw values and SVG charts."""

from __future__ import annotations

import math

import pandas as pd

from procmine import __version__
from procmine.analysis.bottlenecks import NO_VALUE
from procmine.analysis.breakdown import ALL, NO_GROUP
from procmine.i18n import text
from procmine.report import charts
from procmine.report.builder import ReportData
from procmine.report.dcr_section import dcr_view
from procmine.report.journeys_section import journeys_view
from procmine.report.texts import Words
from procmine.units import in_days

KPI_UNITS = {"median_days": "days", "p90_days": "days", "median_working_days": "working_days",
             "p90_working_days": "working_days"}


def raw(value) -> str:
    """A figure as the data-value attribute carries it: full precision, empty when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if hasattr(value, "item"):
        value = value.item()
    return repr(float(value)) if isinstance(value, float) else str(value)


def shown_name(value, words: Words) -> str:
    """A group or performer name; the engine's "(none)" for a missing value in the report's language."""
    return words.t("none") if value in (NO_GROUP, NO_VALUE) or value is None else str(value)


def cell(field: str, value, shown: str) -> dict:
    return {"field": field, "value": raw(value), "shown": shown}


def report_view(data: ReportData) -> dict:
    """Every section's texts and figures, ready for templates/report.html.j2."""
    words = Words(data.settings.lang)
    settings = data.settings
    period = words.period(data.window, settings.period)
    comparison = words.period(data.comparison, settings.period) if data.comparison else None
    return {
        "lang": settings.lang, "w": words, "period": period, "comparison": comparison,
        "title": settings.title or words.t("title"), "header": _header(data, words, period, comparison),
        "empty": data.empty, "data_end": _data_end(data, words), "kpis": _kpis(data, words, comparison), "trend": _trend(data, words),
        "compliance": _compliance(data, words), "groups": _groups(data, words),
        "variants": _variants(data, words), "bottlenecks": _bottlenecks(data, words),
        "map": data.process_map, "workload": _workload(data, words), "quality": _quality(data, words),
        "version": __version__, "calendar": data.compliance.calendar,
        "eyebrow": data.organisation or data.dataset_name,
        "quality_counts": (data.quality.cases, data.quality.events),
        "dcr": dcr_view(data.dcr, words, settings.top),
        "risk": _risk(data),
        "benchmark": _benchmark(data),
        "journeys": journeys_view(data.journeys, words),
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


def _header(data: ReportData, words: Words, period: str, comparison: str | None) -> list[tuple[str, str]]:
    filters = [f.describe(data.settings.lang) for f in data.filters]
    rows = [(words.t("organisation"), data.organisation)] if data.organisation else []
    return rows + [
        (words.t("dataset"), data.dataset_name), (words.t("period"), period),
        (words.t("compared_with"), comparison or words.t("no_comparison")),
        (words.t("data_period"), words.t("period.range", start=words.date(data.first_event),
                                         end=words.date(data.last_event))),
        (words.t("extracted"), words.date(data.extracted_at)),
        (words.t("generated"), words.date(data.generated_at)),
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


def _data_end(data: ReportData, words: Words) -> str | None:
    """A note when the data end before the report period does (its figures cover part of it)."""
    if data.data_ends_early:
        return words.t("data_ends_early", day=words.date(data.last_event), period=words.period(
            data.window, data.settings.period))
    return None


def _kpis(data: ReportData, words: Words, comparison: str | None) -> list[dict]:
    cards = []
    for change in data.changes:
        shown, unit = _kpi_parts(change.name, change.current, words)
        detail = ""
        if change.name == "deadline_compliance" and data.kpis.deadline_cases:
            detail = words.t("kpi.compliance_detail", met=words.number(data.kpis.deadline_met),
                             cases=words.number(data.kpis.deadline_cases))
        cards.append({"name": change.name, "label": words.t(f"kpi.{change.name}"), "shown": shown, "unit": unit,
                      "value": raw(change.current), "previous": raw(change.previous), "detail": detail,
                      "verdict": change.verdict or "none", "change": _change_text(change, words),
                      "before": words.t("kpi.previous", period=comparison,
                                        value=_kpi_value(change.name, change.previous, words))
                      if comparison and change.previous is not None else ""})
    return cards


def _kpi_value(name: str, value, words: Words) -> str:
    if name == "deadline_compliance":
        return words.percent(value)
    if name in KPI_UNITS:
        return words.days(value, KPI_UNITS[name])
    return words.number(value)


def _kpi_parts(name: str, value, words: Words) -> tuple[str, str]:
    """The big number of a KPI card and its unit word, shown smaller."""
    if name in KPI_UNITS and value is not None and not math.isnan(value):
        return words.number(value, 1), words.t(f"kpi.unit.{KPI_UNITS[name]}")
    return _kpi_value(name, value, words), ""


def _change_text(change, words: Words) -> str:
    if change.difference is None:
        return words.t("kpi.no_change") if change.previous is None and change.current is not None else ""
    arrow = "▲" if change.difference > 0 else "▼" if change.difference < 0 else "="
    if change.name == "deadline_compliance":
        amount = words.t("kpi.points", value=words.number(abs(change.difference) * 100, 1))
    elif change.relative is not None:
        amount = words.percent(abs(change.relative))
    else:
        amount = words.number(abs(change.difference), 0 if float(change.difference).is_integer() else 1)
    verdict = words.t(f"kpi.{change.verdict}")
    return f"{arrow} {amount} · {verdict}" if change.verdict != "same" else f"= {verdict}"


def _trend(data: ReportData, words: Words) -> dict:
    kind = data.settings.period
    rows, points = [], []
    for row in data.trend.itertuples(index=False):
        label = words.period_label(row.start, kind)
        points.append(charts.TrendPoint(label, float(row.cases_closed), float(row.median_days), float(row.p90_days)))
        rows.append({"label": label, "start": row.start.isoformat(), "cells": [
            cell("cases_started", row.cases_started, words.number(row.cases_started)),
            cell("cases_closed", row.cases_closed, words.number(row.cases_closed)),
            cell("open_cases", row.open_cases, words.number(row.open_cases)),
            cell("median_days", row.median_days, words.number(row.median_days, 1)),
            cell("p90_days", row.p90_days, words.number(row.p90_days, 1)),
            cell("median_working_days", row.median_working_days, words.number(row.median_working_days, 1)),
            cell("p90_working_days", row.p90_working_days, words.number(row.p90_working_days, 1))]})
    labels = {"title": words.t("section.trend"), "days": words.t("chart.days"), "cases": words.t("chart.cases"),
              "bars": words.t("chart.cases_closed"), "median": words.t("chart.median"), "p90": words.t("chart.p90")}
    return {"rows": rows, "chart": charts.trend_chart(points, labels, words.axis_number),
            "kind": words.t(f"period.{kind}"),
            "columns": [words.t(f"column.{c}") for c in ("period", "cases_started", "cases_closed", "open_cases",
                                                          "median_days", "p90_days", "median_working_days",
                                                          "p90_working_days")]}


def _compliance(data: ReportData, words: Words) -> list[dict]:
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
        rows = [{"group": shown_name(r.group, words), "key": r.group, "rule": r.rule, "cells": [
            cell("cases", r.cases, words.number(r.cases)), cell("met", r.met, words.number(r.met)),
            cell("breaches", r.breaches, words.number(r.breaches)),
            cell("share_met", r.share_met, words.percent(r.share_met))]} for r in frame.itertuples(index=False)]
        one_rule_each = not frame["group"].duplicated().any()
        bars = [(_bar_label(r.group, r.rule, one_rule_each), float(r.share_met), words.percent(r.share_met))
                for r in frame.itertuples(index=False)]
        shown.append({"key": key, "title": title, "rows": rows, "chart": charts.compliance_bars(
            bars, target, words.t("section.compliance.target", share=words.percent(target, 0)))})
    return shown


def _bar_label(group: str, rule: str, one_rule_each: bool) -> str:
    if group == ALL:
        return rule
    return group if one_rule_each else f"{group}: {rule}"  # several rules per group: name both


def _groups(data: ReportData, words: Words) -> dict | None:
    if data.groups is None:
        return None
    names = ("cases", "median_days", "p90_days", "median_working_days", "p90_working_days", "deadline_compliance")
    rows = [{"group": shown_name(r.group, words), "key": r.group, "cells": [
        cell("cases", r.cases, words.number(r.cases)),
        *(cell(n, getattr(r, n), words.number(getattr(r, n), 1)) for n in names[1:5]),
        cell("deadline_compliance", r.deadline_compliance, words.percent(r.deadline_compliance))]}
        for r in data.groups.itertuples(index=False)]
    return {"attribute": data.settings.group_by, "rows": rows,
            "columns": [words.t("column.group")] + [words.t(f"column.{n}") for n in names]}


def _variants(data: ReportData, words: Words) -> dict:
    table = data.variants
    seen = list(dict.fromkeys(a for sequence in table["activities"] for a in sequence))
    colours = charts.activity_colours(seen)
    rows = [{"rank": int(r.variant), "activities": " → ".join(r.activities),
             "strip": charts.chevron_strip(tuple(r.activities), colours), "cells": [
                 cell("cases", r.cases, words.number(r.cases)), cell("share", r.share, words.percent(r.share)),
                 cell("median_throughput_seconds", r.median_throughput_seconds,
                      words.wait(r.median_throughput_seconds))]} for r in table.itertuples(index=False)]
    return {"rows": rows, "count": len(rows), "share": words.percent(data.variants_share)}


def _bottlenecks(data: ReportData, words: Words) -> list[dict]:
    return [{"source": r.source, "target": r.target, "cells": [
        cell("count", r.count, words.number(r.count)), cell("cases", r.cases, words.number(r.cases)),
        cell("median_seconds", r.median_seconds, words.wait(r.median_seconds)),
        cell("median_working_days", r.median_working_days, words.days(r.median_working_days, "working_days")),
        cell("total_seconds", r.total_seconds, words.days(in_days(r.total_seconds)))]}
        for r in data.bottlenecks.itertuples(index=False)]


def _workload(data: ReportData, words: Words) -> dict | None:
    column = data.workload_column
    if data.workload is None or column is None:   # the builder sets both or neither
        return None
    frame: pd.DataFrame = data.workload
    top = max(int(frame["events"].max()), 1) if len(frame) else 1
    rows = [{"name": shown_name(getattr(r, column), words), "key": getattr(r, column), "bar": round(100 * r.events / top, 1), "cells": [
        cell("events", r.events, words.number(r.events)), cell("cases", r.cases, words.number(r.cases)),
        cell("active_days", r.active_days, words.number(r.active_days))]} for r in frame.itertuples(index=False)]
    return {"column": words.t(f"column.{column}"), "rows": rows}


def _quality(data: ReportData, words: Words) -> list[dict]:
    q = data.quality
    ends = ", ".join(q.end_activities) or words.t("quality.rare_none")
    checks = ", ".join(words.t(f"quality.check.{c}") for c in q.out_of_order_checks)
    rare = ", ".join(f"{r.activity} ({words.number(r.cases)})" for r in q.rare_activities.itertuples(index=False))
    notes = [
        ("open_cases", words.t("quality.open_cases"), q.open_cases, words.number(q.open_cases)),
        ("cases_without_end", words.t("quality.without_end", activities=ends), q.cases_without_end,
         words.number(q.cases_without_end)),
        ("identical_timestamps", words.t("quality.identical"), q.identical_timestamps,
         words.number(q.identical_timestamps)),
        ("out_of_order", words.t("quality.out_of_order", checks=checks) if checks
         else words.t("quality.out_of_order_none"), q.out_of_order if checks else None,
         words.number(q.out_of_order) if checks else "–"),
        ("rare_activities", words.t("quality.rare", share=words.percent(q.rare_share, 0)),
         len(q.rare_activities), rare or words.t("quality.rare_none")),
    ]
    rows: list[dict[str, object]] = [{"key": key, "label": label, "value": raw(value), "shown": shown}
                                     for key, label, value, shown in notes]
    if q.open_cases is None:
        rows[0]["shown"] = words.t("unknown")
        rows[0]["label"] = words.t("quality.open_unknown")
    if data.left_out:
        from procmine.importing.quarantine import describe_places
        rows.append({"key": "left_out_at_import", "value": data.left_out.events,
                     "label": words.t("quality.left_out", places=describe_places(data.left_out, words.lang)),
                     "shown": words.number(data.left_out.events)})
    return rows
