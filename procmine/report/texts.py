"""The report's words (texts/report.yaml) over the one formatting module, procmine.formatting."""

from __future__ import annotations

import datetime as dt
import math

from procmine.analysis.periods import PeriodKind, Window, period_containing
from procmine.formatting import format_date, format_duration, format_month, format_number, format_percent
from procmine.i18n import text
from procmine.languages import Language
from procmine.units import DAY_SECONDS as DAY


class Words:
    """Texts and formats of one language: `words.t("report.title")`, `words.number(1234.5, 1)`."""

    def __init__(self, lang: Language):
        self.lang = lang

    def t(self, key: str, **values: object) -> str:
        return text(key if key.startswith("report.") else f"report.{key}", self.lang, **values)

    def number(self, value: float | int | None, decimals: int = 0) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return format_number(value, self.lang, decimals)

    def axis_number(self, value: float) -> str:
        return self.number(value, 0 if float(value).is_integer() or value >= 10 else 1)

    def percent(self, share: float | None, decimals: int = 1) -> str:
        return format_percent(share, self.lang, decimals)

    def days(self, value: float | None, unit: str = "days") -> str:
        if value is None or math.isnan(value):
            return "–"
        return f"{self.number(value, 1)} {self.t(f'kpi.unit.{unit}')}"

    def wait(self, seconds: float | None) -> str:
        """A waiting time: days with one decimal from a day up, hours and minutes below."""
        if seconds is None or math.isnan(seconds):
            return "–"
        return self.days(seconds / DAY) if seconds >= DAY else format_duration(seconds, self.lang)

    def date(self, value: dt.date | dt.datetime | None) -> str:
        return format_date(value, self.lang) if value is not None else self.t("unknown")

    def month(self, day: dt.date) -> str:
        return format_month(day, self.lang)

    def period(self, window: Window, kind: PeriodKind) -> str:
        """A window as its period's name ("okt. 2026", "3. kvt. 2026", "2026") or as a date range."""
        if period_containing(window.start, kind) == window:
            return self.period_label(window.start, kind)
        return self.t("period.range", start=self.date(window.start), end=self.date(window.last_day))

    def period_label(self, start: dt.date, kind: PeriodKind) -> str:
        if kind == "month":
            return self.month(start)
        if kind == "quarter":
            return self.t("period.quarter_label", quarter=(start.month - 1) // 3 + 1, year=start.year)
        return str(start.year)
