"""Every text a user sees, in English and Danish, and numbers and dates formatted per language.

Texts live in YAML files under procmine/texts/ (one per face: app.yaml, report.yaml...),
each key holding an `en` and a `da` text. Danish formatting: 1.234,5 and 28. nov. 2026.

>>> text("kpi.cases", "da")
'Sager'
>>> format_number(1234.5, "da", decimals=1)
'1.234,5'
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from procmine.errors import ConfigError
# One number and duration format for maps, app and report: the map's (1.234,5 / "3,2 d").
from procmine.render.formatting import format_duration, format_number  # noqa: F401
from procmine.schema import DEFAULT_TIMEZONE

LANGUAGES = ("en", "da")
LANGUAGE_NAMES = {"en": "English", "da": "Dansk"}
TEXTS_DIR = Path(__file__).with_name("texts")

_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "da": ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."),
}


def check_language(lang: str) -> str:
    """Return `lang` when it is a known language, else raise a ConfigError naming the choices."""
    if lang not in LANGUAGES:
        raise ConfigError(f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)} (e.g. --lang da).")
    return lang


@functools.cache
def all_texts() -> dict[str, dict[str, str]]:
    """Every text key with its translations, read once from procmine/texts/*.yaml."""
    texts: dict[str, dict[str, str]] = {}
    for file in sorted(TEXTS_DIR.glob("*.yaml")):
        loaded = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for key, translations in loaded.items():
            missing = [lang for lang in LANGUAGES if not isinstance(translations, dict)
                       or not translations.get(lang)]
            if missing:
                raise ConfigError(f"{file}: text {key!r} has no {', '.join(missing)} translation. "
                                  "Add it next to the others.")
            if key in texts:
                raise ConfigError(f"{file}: text {key!r} is defined twice. Rename one of them.")
            texts[key] = translations
    return texts


def text(key: str, lang: str, **values: object) -> str:
    """The text `key` in `lang`, with {placeholders} filled from `values`."""
    try:
        template = all_texts()[key][check_language(lang)]
    except KeyError:
        raise ConfigError(f"No text with key {key!r} in {TEXTS_DIR}. Add it to one of the YAML files.") \
            from None
    return template.format(**values) if values else template


def format_percent(fraction: float | None, lang: str, decimals: int = 1) -> str:
    """A fraction 0..1 as a percentage: 12.5 % (en) or 12,5 % (da)."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "–"
    return f"{format_number(fraction * 100, lang, decimals)} %"


def local_time(value: dt.datetime | dt.date, timezone: str = DEFAULT_TIMEZONE) -> dt.datetime | dt.date:
    """A UTC (or naive-UTC) timestamp in the local zone; dates are returned as they are."""
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return aware.astimezone(ZoneInfo(timezone))
    return value


def format_date(value: dt.datetime | dt.date | None, lang: str, timezone: str = DEFAULT_TIMEZONE) -> str:
    """A date as '28. nov. 2026' (da) or '28 Nov 2026' (en); datetimes in the local zone."""
    if value is None:
        return "–"
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    local = local_time(value, timezone)
    month = _MONTHS[check_language(lang)][local.month - 1]
    if lang == "da":
        return f"{local.day}. {month} {local.year}"
    return f"{local.day} {month} {local.year}"


def format_datetime(value: dt.datetime | None, lang: str, timezone: str = DEFAULT_TIMEZONE) -> str:
    """A timestamp as '28. nov. 2026 14.05' (da) or '28 Nov 2026 14:05' (en), in the local zone."""
    if value is None:
        return "–"
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    local = local_time(value, timezone)
    separator = "." if lang == "da" else ":"
    return f"{format_date(local, lang, timezone)} {local.hour:02d}{separator}{local.minute:02d}"
