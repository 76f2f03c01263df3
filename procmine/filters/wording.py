"""Words for filter descriptions in English and Danish: lists, ranges, dates, durations."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from procmine import schema as s
from procmine.formatting import format_date, format_datetime
from procmine.languages import Language

_OR = {"en": "or", "da": "eller"}
_AND = {"en": "and", "da": "og"}
_UNITS = {
    "seconds": ("seconds", "sekunder"), "minutes": ("minutes", "minutter"),
    "hours": ("hours", "timer"), "days": ("days", "dage"),
    "working_days": ("working days", "arbejdsdage"), "events": ("events", "hændelser"),
}


def listing(values, lang: Language, joiner: str = "or") -> str:
    """"a, b or c" / "a, b eller c"."""
    words = [value_text(v, lang) for v in values]
    word = (_OR if joiner == "or" else _AND)[lang]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {word} " + words[-1]


def value_text(value, lang: Language) -> str:
    """A value as shown in a sentence: dates in local time, Danish decimal commas."""
    if isinstance(value, dt.datetime):
        local = value.astimezone(ZoneInfo(s.DEFAULT_TIMEZONE)) if value.tzinfo else value
        return local.strftime("%Y-%m-%d") if local.time() == dt.time(0) else \
            local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        text = f"{value:g}"
        return text.replace(".", ",") if lang == "da" else text
    return str(value)


def range_text(between: tuple, lang: Language, unit: str | None = None) -> str:
    """"between 2 and 5 days" / "mellem 2 og 5 dage"; open ends give "at least" / "at most"."""
    low, high = between
    suffix = "" if unit is None else " " + _UNITS[unit][lang == "da"]
    low_text, high_text = value_text(low, lang), value_text(high, lang)
    if low is not None and high is not None:
        return (f"between {low_text} and {high_text}" if lang == "en"
                else f"mellem {low_text} og {high_text}") + suffix
    if low is not None:
        return (f"at least {low_text}" if lang == "en" else f"mindst {low_text}") + suffix
    if high is not None:
        return (f"at most {high_text}" if lang == "en" else f"højst {high_text}") + suffix
    return "any" + suffix if lang == "en" else "vilkårlig" + suffix


def period_text(between: tuple, lang: Language) -> str:
    """"from 1 Jan 2024 through 31 Jan 2024" / "fra 1. jan. 2024 til og med 31. jan. 2024".

    Both ends are included; an end on the last microsecond of a local day is shown as that day.
    """
    low, high = between
    parts = []
    if low is not None:
        parts.append(("from " if lang == "en" else "fra ") + _moment(low, lang))
    if high is not None:
        after = _local(high + dt.timedelta(microseconds=1))
        shown = format_date(after.date() - dt.timedelta(days=1), lang) if after.time() == dt.time(0) \
            else format_datetime(_local(high), lang)
        parts.append(("through " if lang == "en" else "til og med ") + shown)
    return " ".join(parts) or ("any time" if lang == "en" else "når som helst")


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(ZoneInfo(s.DEFAULT_TIMEZONE)) if value.tzinfo else value


def _moment(value: dt.datetime, lang: Language) -> str:
    """A bound as a date when it is local midnight, else as a date and time."""
    local = _local(value)
    return format_date(local, lang) if local.time() == dt.time(0) else format_datetime(local, lang)
