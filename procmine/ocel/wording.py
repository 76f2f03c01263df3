"""The flattening report and the case notions in words, in English and Danish (for the app and the CLI)."""

from __future__ import annotations

from procmine.formatting import format_number
from procmine.i18n import all_texts, text
from procmine.languages import Language


def flattening_lines(report: dict, lang: Language) -> list[str]:
    """The flattening report in sentences (divergence, convergence, events left out)."""

    def number(value: float) -> str:
        return format_number(value, lang)

    notion = notion_label(report["case_notion"], lang)
    lines = [text("notion.flattened", lang, notion=notion, rows=number(report["rows"]), cases=number(report["cases"]))]
    if report["duplicated_events"]:
        lines.append(text("notion.divergence", lang, notion=notion, events=number(report["duplicated_events"]),
                          copies=number(report["extra_copies"])))
    if report["merged_object_pairs"]:
        lines.append(text("notion.convergence", lang, pairs=number(report["merged_object_pairs"]),
                          cases=number(report["cases_with_merges"])))
    if report["dropped_events"]:
        lines.append(text("notion.dropped", lang, notion=notion, events=number(report["dropped_events"])))
    return lines


def notion_label(notion: str, lang: Language) -> str:
    """The name of a case notion in `lang`: the known object types are translated, others shown as they are."""
    key = f"notion.type.{notion}"
    return text(key, lang) if key in all_texts() else notion
