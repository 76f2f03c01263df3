"""Every text a user sees, in English and Danish, and numbers and dates formatted per language.

Texts live in YAML files under procmine/texts/ (one per face: app.yaml, report.yaml...),
each key holding an `en` and a `da` text. The formats (1.234,5 and 28. nov. 2026) come from
procmine.formatting and are re-exported here.

>>> text("kpi.cases", "da")
'Sager'
>>> format_number(1234.5, "da", decimals=1)
'1.234,5'
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from procmine.errors import ConfigError

# The one formatting module of every face (CLI, app, report, maps), re-exported for the pages.
from procmine.formatting import (  # noqa: F401
    column_label,
    format_count,
    format_date,
    format_datetime,
    format_duration,
    format_month,
    format_number,
    format_percent,
    format_period,
    format_share_difference,
    format_signed_duration,
    format_signed_number,
    format_signed_percent,
    iso_instant,
    local_time,
)

LANGUAGES = ("en", "da")
LANGUAGE_NAMES = {"en": "English", "da": "Dansk"}
TEXTS_DIR = Path(__file__).with_name("texts")



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
