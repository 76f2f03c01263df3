"""The report's words (texts/report.yaml); its figures are formatted by procmine.report.figures."""

from __future__ import annotations

from procmine.i18n import text
from procmine.languages import Language


class Words:
    """Texts of one language: `words.t("report.title")` (the "report." prefix may be left out)."""

    def __init__(self, lang: Language):
        self.lang = lang

    def t(self, key: str, **values: object) -> str:
        return text(key if key.startswith("report.") else f"report.{key}", self.lang, **values)
