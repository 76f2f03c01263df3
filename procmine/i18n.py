"""Every text a user sees, in English and Danish: the one words catalogue and its `text()` lookup.

Texts live in YAML files under procmine/texts/ (one per face: app.yaml, report.yaml...),
each key holding an `en` and a `da` text: the one words catalogue, read through `text()`.
The languages and the calendar's names are procmine.languages; the formats (1.234,5 and
28. nov. 2026) are procmine.formatting, which takes its unit words from here.

>>> text("kpi.cases", "da")
'Sager'
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from procmine.errors import ConfigError
from procmine.languages import LANGUAGE_NAMES, LANGUAGES, check_language  # noqa: F401  (the pages' imports)

TEXTS_DIR = Path(__file__).with_name("texts")


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
