"""Fixed texts for maps and models, in English or Danish; numbers and durations from procmine.formatting."""

from __future__ import annotations

# One number and duration format for maps, app, CLI and report (1.234,5 / "3,2 d").
from procmine.formatting import Language, format_duration, format_number  # noqa: F401

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


def text(key: str, lang: Language) -> str:
    """The fixed text `key` in `lang` (e.g. text("end", "da") == "Slut")."""
    return _TEXTS[key][lang]
