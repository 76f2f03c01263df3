"""The languages a user can choose and the calendar's names in each: the ground floor of every face's words.

Nothing here imports procmine above `procmine.errors`; the words catalogue (procmine.i18n)
and the formats (procmine.formatting) stand on this.

>>> month_name(3, "da"), month_name(3, "da", long=True), weekday_name(0, "en")
('mar.', 'marts', 'Mon')
"""

from __future__ import annotations

from typing import Literal

from procmine.errors import ConfigError

Language = Literal["en", "da"]
LANGUAGES: tuple[Language, ...] = ("en", "da")
LANGUAGE_NAMES = {"en": "English", "da": "Dansk"}

# One table of month and weekday names: short (tables, dates) and long (sentences), Monday first.
_MONTHS = {
    "en": {"short": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
           "long": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                    "October", "November", "December")},
    "da": {"short": ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.",
                     "dec."),
           "long": ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
                    "oktober", "november", "december")},
}
_WEEKDAYS = {
    "en": {"short": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
           "long": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")},
    "da": {"short": ("man", "tirs", "ons", "tors", "fre", "lør", "søn"),
           "long": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")},
}


def check_language(lang: str) -> Language:
    """Return `lang` when it is a known language, else raise a ConfigError naming the choices."""
    if lang not in LANGUAGES:
        raise ConfigError(f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)} (e.g. --lang da).")
    return lang


def month_name(month: int, lang: str, *, long: bool = False) -> str:
    """The name of month 1..12: 'okt.' / 'Oct', or with `long` 'oktober' / 'October'."""
    return _MONTHS[check_language(lang)]["long" if long else "short"][month - 1]


def weekday_name(weekday: int, lang: str, *, long: bool = False) -> str:
    """The name of weekday 0..6 (Monday first): 'tirs' / 'Tue', or with `long` 'tirsdag' / 'Tuesday'."""
    return _WEEKDAYS[check_language(lang)]["long" if long else "short"][weekday]
