"""Numbers, durations and fixed texts for maps and models, in English or Danish."""

from __future__ import annotations

import math
from typing import Literal

Language = Literal["en", "da"]
LANGUAGES = ("en", "da")

_TEXTS = {
    "start": {"en": "Start", "da": "Start"},
    "end": {"en": "End", "da": "Slut"},
    "events": {"en": "events", "da": "hændelser"},
    "cases": {"en": "cases", "da": "sager"},
    "median": {"en": "median", "da": "median"},
    "mean": {"en": "mean", "da": "gennemsnit"},
    "p90": {"en": "P90", "da": "P90"},
    "total": {"en": "total", "da": "i alt"},
    "max": {"en": "max", "da": "maks"},
    "instant": {"en": "instant", "da": "straks"},
}
_HOUR = {"en": "h", "da": "t"}


def text(key: str, lang: Language) -> str:
    """The fixed text `key` in `lang` (e.g. text("end", "da") == "Slut")."""
    return _TEXTS[key][lang]


def format_number(value: float, lang: Language, decimals: int = 0) -> str:
    """A number with thousands separators: 1234.5 -> "1,234.5" (en) or "1.234,5" (da)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    english = f"{value:,.{decimals}f}"
    if lang == "en":
        return english
    return english.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_duration(seconds: float, lang: Language) -> str:
    """A duration in the largest fitting unit: "3.2 d" / "3,2 d", "4 h 12 m" / "4 t 12 m", "45 s"."""
    if seconds is None or math.isnan(seconds):
        return "–"
    seconds = max(0.0, float(seconds))
    if seconds < 1:
        return text("instant", lang)
    if seconds < 60:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} m"
    if seconds < 86_400:
        hours, rest = divmod(minutes, 60)
        return f"{hours} {_HOUR[lang]} {rest} m" if rest else f"{hours} {_HOUR[lang]}"
    return f"{format_number(seconds / 86_400, lang, 1)} d"
