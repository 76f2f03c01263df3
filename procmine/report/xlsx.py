"""The report's tables as an Excel workbook: one sheet per table, numbers as numbers, dates as dates.

Durations are in days (the report's unit; a `*_seconds` column of the engine becomes
`*_days`), shares are fractions shown as percentages, times are local (Excel has no
time zones) with their time of day. Each column's number format follows its kind
(procmine.result_tables), as in every other face.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from procmine import result_tables as tables
from procmine.atomic import atomic_file
from procmine.report.builder import ReportData
from procmine.report.texts import Words
from procmine.result_tables import ResultTable, kind_of
from procmine.units import in_days

# The Excel number format of each kind; counts stay whole, measured days one decimal.
_FORMAT_OF_KIND = {"share": "share", "change": "share", "count": "number", "days": "days",
                   "working_days": "days", "duration": "days", "number": "decimal"}
SHEETS = {"kpis": tables.REPORT_KPIS, "trend": tables.PERIOD_TREND, "groups": tables.GROUPS,
          "variants": tables.VARIANTS, "bottlenecks": tables.TRANSITIONS, "workload": tables.WORKLOAD}


def report_tables(data: ReportData) -> dict[str, pd.DataFrame]:
    """Sheet name -> table, in the report's order; column names are the engine's."""
    words = Words(data.settings.lang)
    kpis = pd.DataFrame({
        "kpi": [c.name for c in data.changes], "label": [words.t(f"kpi.{c.name}") for c in data.changes],
        "value": [c.current for c in data.changes], "previous": [c.previous for c in data.changes],
        "difference": [c.difference for c in data.changes], "verdict": [c.verdict for c in data.changes]})
    sheets = {"kpis": kpis, "trend": data.trend, "compliance_case_type": data.compliance.by_case_type,
              "compliance_kle": data.compliance.by_kle, "compliance_group": data.compliance.by_group,
              "groups": data.groups,
              "variants": data.variants.assign(activities=data.variants["activities"].map(" → ".join)),
              "bottlenecks": data.bottlenecks.assign(median_days=in_days(data.bottlenecks["median_seconds"]),
                                                     total_days=in_days(data.bottlenecks["total_seconds"])),
              "workload": data.workload, "rare_activities": data.quality.rare_activities}
    return {name: with_days(frame) for name, frame in sheets.items() if frame is not None}


def with_days(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every `*_seconds` column as `*_days` (kept once where both exist)."""
    renamed = {}
    for column in [c for c in frame.columns if str(c).endswith("_seconds")]:
        days = str(column).removesuffix("_seconds") + "_days"
        if days not in frame.columns:
            renamed[days] = in_days(frame[column])
    return frame.drop(columns=[c for c in frame.columns if str(c).endswith("_seconds")]).assign(**renamed)


def write_xlsx(data: ReportData, path: str | os.PathLike) -> Path:
    """Write every table of the report to `path` (one sheet each), atomically."""
    import xlsxwriter

    path = Path(path)
    with atomic_file(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"nan_inf_to_errors": True})
        formats = {"header": workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True}),
                   "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
                   "time": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
                   "share": workbook.add_format({"num_format": "0.0%"}),
                   "days": workbook.add_format({"num_format": "0.0"}),
                   "number": workbook.add_format({"num_format": "#,##0"}),
                   "decimal": workbook.add_format({"num_format": "#,##0.00"}),
                   # differences with their sign, as everywhere else ("+5", "−1.1", "+18.7%")
                   "signed_number": workbook.add_format({"num_format": "+#,##0;-#,##0;0"}),
                   "signed_days": workbook.add_format({"num_format": "+0.0;-0.0;0.0"}),
                   "signed_share": workbook.add_format({"num_format": "+0.0%;-0.0%;0.0%"})}
        for name, frame in report_tables(data).items():
            _sheet(workbook.add_worksheet(name[:31]), frame.reset_index(drop=True), formats,
                   data.settings.timezone, SHEETS.get(name))
        workbook.close()
    return path


def _sheet(sheet, frame: pd.DataFrame, formats: dict, timezone: str, declared: ResultTable | None) -> None:
    """One table on one sheet; aware times are written as wall-clock times in `timezone` (the report's)."""
    # The KPI sheet holds one figure per row: its value, previous value and difference share its kind.
    row_kinds = [_kpi_kind(name) for name in frame["kpi"]] if "kpi" in frame.columns else None
    for column, name in enumerate(frame.columns):
        sheet.write_string(0, column, str(name), formats["header"])
        kind = _kind(name, frame[name], declared)
        sheet.set_column(column, column, 14 if kind != "text" else 28)
        for row, value in enumerate(frame[name].tolist(), start=1):
            shown = row_kinds[row - 1] if row_kinds and kind != "text" else kind
            if name == "difference" and shown in ("number", "days", "share"):
                shown = f"signed_{shown}"
            _write(sheet, row, column, value, shown, formats, timezone)
    sheet.freeze_panes(1, 0)
    if len(frame.columns):
        sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)


def _kpi_kind(name: str) -> str:
    """A KPI row's format by the KPI's declared kind (tables.PERIOD_KPIS): shares, measured days, else counts."""
    kind = tables.PERIOD_KPIS.kinds().get(name)
    return "share" if kind == "share" else "days" if kind in ("days", "working_days") else "number"


def _kind(name: str, column: pd.Series, declared: ResultTable | None = None) -> str:
    kind = kind_of(str(name), declared)
    if kind in ("share", "change"):
        return "share"
    if pd.api.types.is_integer_dtype(column):
        return "number"   # counts, also of days (active_days)
    if kind in _FORMAT_OF_KIND and kind != "number" and pd.api.types.is_numeric_dtype(column):
        return _FORMAT_OF_KIND[kind]
    if pd.api.types.is_float_dtype(column):
        return "decimal"
    return "text"


def _write(sheet, row: int, column: int, value, kind: str, formats: dict, timezone: str) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        sheet.write_blank(row, column, None)
    elif isinstance(value, pd.Timestamp):
        local = value if value.tzinfo is None else value.tz_convert(timezone).tz_localize(None)
        sheet.write_datetime(row, column, local.to_pydatetime(),
                             formats["date" if local == local.normalize() else "time"])
    elif isinstance(value, dt.datetime) and value.tzinfo is not None:
        sheet.write_datetime(row, column, value.astimezone(ZoneInfo(timezone)).replace(tzinfo=None),
                             formats["date"])
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(row, column, value if isinstance(value, dt.datetime)
                             else dt.datetime.combine(value, dt.time(0)), formats["date"])
    elif isinstance(value, bool) or (hasattr(value, "item") and isinstance(value.item(), bool)):
        sheet.write_boolean(row, column, bool(value))
    elif isinstance(value, (int, float)) or hasattr(value, "item"):
        sheet.write_number(row, column, float(value), formats.get(kind, formats["decimal"]))
    else:
        sheet.write_string(row, column, str(value))
