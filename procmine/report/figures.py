"""The HTML report's one formatter: every figure, date and period the report shows, by its kind.

Decided once, here: the report reads like the app and the CLI. A figure is formatted by
its column's kind as its table declares it (procmine.result_tables) through the same
functions as the CLI's and the app's tables (procmine.table_format.format_cell, over
procmine.formatting.format_value), so a median wait of 7.8 days reads "7,8 d" in the
report as in the app and in `procmine bottlenecks`; the report no longer writes its own
longer "7,8 dage", which made one value read two ways. Measured days (kinds "days" and
"working_days") are bare numbers ("6,0") as in every other table; the label that names
them says the unit (the column header, the KPI card's unit word), so a number never
carries a unit in one face and none in another. No other report module formats a
number, a share, a duration or a date (tests/test_report_formatting.py checks).

>>> from procmine.result_tables import COMPLIANCE, TRANSITIONS
>>> Figures("da").column("median_seconds", 674_000.0, TRANSITIONS)
'7,8 d'
>>> Figures("en").cell("share_met", 0.8444, COMPLIANCE)["shown"]
'84.4 %'
"""

from __future__ import annotations

import datetime as dt
import math

from procmine.analysis.periods import PeriodKind, Window, period_containing
from procmine.formatting import format_date, format_datetime, format_month, format_number, format_value, missing
from procmine.i18n import text
from procmine.languages import Language
from procmine.result_tables import Kind, ResultTable
from procmine.schema import DEFAULT_TIMEZONE
from procmine.table_format import format_cell


def known(value) -> bool:
    """False for a figure the engine could not tell (None, NaN), which the report shows as "–"."""
    return not (value is None or missing(value))


def raw(value) -> str:
    """A figure as a data-value attribute carries it for machines: full precision, ISO dates, empty when unknown."""
    if not known(value):
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):   # NumPy scalars
        value = value.item()
    return repr(float(value)) if isinstance(value, float) else str(value)


class Figures:
    """The report's figures in one language and time zone: `Figures("da").value("share", 0.523)` → '52,3 %'."""

    def __init__(self, lang: Language, timezone: str = DEFAULT_TIMEZONE):
        self.lang = lang
        self.timezone = timezone

    def value(self, kind: Kind, value, *, signed: bool = False, like: float | None = None) -> str:
        """A value of a kind; `signed` shows it as a difference ("+7,5 d", "+12,3 pct.-point")."""
        if kind in ("text", "sequence"):
            return format_cell("", value, self.lang, self.timezone)
        if kind == "date":
            return self.date(value)
        if kind == "instant":
            return format_datetime(value, self.lang, self.timezone)
        return format_value(kind, value, self.lang, signed=signed, like=like)

    def column(self, column: str, value, declared: ResultTable) -> str:
        """A value of a declared table's column, as the CLI's and the app's tables show it."""
        return format_cell(column, value, self.lang, self.timezone, declared)

    def cell(self, field: str, value, declared: ResultTable) -> dict[str, str]:
        """A table cell for the template: its column, its raw value and the value as shown."""
        return {"field": field, "value": raw(value), "shown": self.column(field, value, declared)}

    def cells(self, row, fields: tuple[str, ...], declared: ResultTable) -> list[dict[str, str]]:
        """The cells of `fields` of one row (a named tuple) of a declared table."""
        return [self.cell(field, getattr(row, field), declared) for field in fields]

    def change(self, kind: Kind, difference: float, relative: float | None) -> str:
        """A KPI's change since the comparison period: shares in points, else relative where there is a base.

        Shares change in percentage points ("+18,7 pct.-point"), as the compare tables show a
        difference of shares; other figures by their relative change ("−15,4 %"), or by the
        difference itself when the comparison figure was 0 ("+5").
        """
        if kind == "share":
            return self.value("share", difference, signed=True)
        if relative is not None:
            return self.value("change", relative)
        return self.value(kind, difference, signed=True)

    def axis(self, value: float) -> str:
        """A chart axis tick: whole from 10 up or when whole ("15"), else with one decimal ("2,5")."""
        return format_number(value, self.lang, 0 if float(value).is_integer() or value >= 10 else 1)

    def date(self, value: dt.date | dt.datetime | None) -> str:
        """A day ("28. nov. 2026"); times in the report's zone; "ukendt"/"unknown" when there is none."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return text("report.unknown", self.lang)
        return format_date(value, self.lang, self.timezone)

    def period(self, window: Window, kind: PeriodKind) -> str:
        """A window as its period's name ("okt. 2026", "3. kvt. 2026", "2026") or as a date range."""
        if period_containing(window.start, kind) == window:
            return self.period_label(window.start, kind)
        return text("report.period.range", self.lang, start=self.date(window.start), end=self.date(window.last_day))

    def period_label(self, start: dt.date, kind: PeriodKind) -> str:
        """The name of the period of `kind` that starts on `start`."""
        if kind == "month":
            return format_month(start, self.lang)
        if kind == "quarter":
            return text("report.period.quarter_label", self.lang, quarter=(start.month - 1) // 3 + 1,
                        year=start.year)
        return str(start.year)
