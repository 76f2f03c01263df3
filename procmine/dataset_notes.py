"""A dataset's notes in the reader's language.

Notes are stored in procmine.json in English, as the importer or simulator wrote
them. The known kinds are recognised here and told again in Danish (the work
calendar's sentence is rebuilt from its parts); any other note is shown as it is.

>>> note_text("3 trace(s) without events were left out.", "da")
'3 spor uden hændelser blev udeladt.'
"""

from __future__ import annotations

import datetime as dt
import re

from procmine.errors import ProcmineError
from procmine.formatting import Language
from procmine.i18n import text
from procmine.workcalendar import WEEKDAYS, WorkCalendar

_KNOWN = (
    (re.compile(r"Synthetic event log simulated by procmine: no real cases or persons\."), "note.synthetic"),
    (re.compile(r"(?P<count>\d[\d,]*) trace\(s\) without events were left out\."), "note.empty_traces"),
    (re.compile(r"The attribute (?P<attribute>.+) is written with several types \((?P<names>.+)\); kept as text\."),
     "note.mixed_types"),
    (re.compile(r"(?P<count>\d[\d,]*) list or container attribute\(s\) of traces and events were skipped: "
                r"they have no single value\."), "note.containers_skipped"),
    (re.compile(r"(?P<count>\d[\d,]*) nested attribute\(s\) inside trace or event attributes were skipped; "
                r"the outer attribute keeps its own value\."), "note.nested_skipped"),
)
_CALENDAR = re.compile(r"Working days by the Danish calendar: weekdays except public holidays"
                       r"(?: and (?P<closed>.+?))?; office hours (?P<hours>.+) \((?P<zone>[^()]+)\)\.")
_DAY_NAMES = [day[:3].capitalize() for day in WEEKDAYS]
_HOURS = re.compile(r"(?P<first>\w{3})(?:–(?P<last>\w{3}))? (?P<opens>\d\d:\d\d)–(?P<closes>\d\d:\d\d)")


def note_text(note: str, lang: Language) -> str:
    """The note in `lang`: a known note translated, any other as written."""
    if lang == "en":
        return note
    for pattern, key in _KNOWN:
        found = pattern.fullmatch(note.strip())
        if found:
            return text(key, lang, **found.groupdict())
    found = _CALENDAR.fullmatch(note.strip())
    if found:
        calendar = _calendar_of(found)
        if calendar is not None:
            return calendar.describe(lang)
    return note


def _calendar_of(found: re.Match) -> WorkCalendar | None:
    """The work calendar a description was written from; None when it cannot be read back."""
    closed = []
    for part in (found["closed"] or "").split(", ") if found["closed"] else []:
        pieces = part.split()
        try:
            day = dt.datetime.strptime(" ".join(pieces[:2]) + " 2000", "%d %B %Y").date()  # noqa: DTZ007 - a day of the year, not an instant
        except ValueError:
            return None
        closed.append(f"{day:%m-%d}" if len(pieces) == 2 else f"{pieces[2]}-{day:%m-%d}")
    hours: list = [None] * 7
    for group in _HOURS.finditer(found["hours"]):
        if group["first"] not in _DAY_NAMES or (group["last"] or group["first"]) not in _DAY_NAMES:
            return None
        first, last = _DAY_NAMES.index(group["first"]), _DAY_NAMES.index(group["last"] or group["first"])
        for weekday in range(first, last + 1):
            hours[weekday] = (dt.time.fromisoformat(group["opens"]), dt.time.fromisoformat(group["closes"]))
    try:
        return WorkCalendar(extra_closed=tuple(closed), office_hours=tuple(hours), timezone=found["zone"])
    except ProcmineError:
        return None
