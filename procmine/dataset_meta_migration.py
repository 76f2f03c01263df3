"""The history of procmine.json's schema versions, and the in-memory migration of old files.

Version 1 (procmine from 2026-11-28 until the typed DatasetMeta): flat keys. Every folder
had schema_version, source, created_at, timezone, events, cases; one written by import or
simulation also activities and notes (then quarantine for a lenient import, ocel for an
object-centric log); one written by a connector also extracted_at, runs, lookback_hours,
watermarks, pseudonymisation, counts {events, cases, events_per_source, last_run
[, last_run_retracted]} and parts. Until 2026-12-02 14:38 (c514dfc) a lenient import wrote
the quarantine's first places as English text ("row 4", "row 3 in sheet 'Sager'", "event 1 of
trace 2 (case '2')"); later ones as data ({"row": 4}, {"trace": 2, "event": 1, "case": "2"}).

Version 2: a connector's incremental state sits under "incremental" (runs, lookback_hours,
watermarks, parts, events_per_source, last_run, last_run_retracted), apart from the
dataset's facts; counts.events and counts.cases, copies of events and cases, are gone;
quarantine places are data.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

from procmine import schema as s
from procmine.errors import DatasetError

_INCREMENTAL_KEYS = ("runs", "lookback_hours", "watermarks", "parts")
_RUN_COUNTS = ("events_per_source", "last_run", "last_run_retracted")


_ROW_TEXT = re.compile(r"""row (?P<row>\d+)(?: in sheet (?P<sheet>'.*'|".*"))?""")
_EVENT_TEXT = re.compile(r"""event (?P<event>\d+) of trace (?P<trace>\d+) \(case (?P<case>'.*'|".*"|None)\)""")
_AGAIN = "Re-create the dataset with procmine import or procmine extract --full."


def _place_of_text(place: object, key: str, meta_file: Path) -> object:
    """A quarantine place an early version 1 wrote as English text, as data; data stays as it is."""
    if not isinstance(place, str):
        return place
    found = _ROW_TEXT.fullmatch(place) or _EVENT_TEXT.fullmatch(place)
    try:
        if found is None:
            raise ValueError(place)
        return {name: int(value) if name in ("row", "trace", "event") else ast.literal_eval(value)
                for name, value in found.groupdict().items() if value is not None}
    except (ValueError, SyntaxError):   # no match, or a quoted part that is not Python text
        raise DatasetError(f"{meta_file} is damaged: {key!r} is {place!r}, not a place procmine wrote (such as "
                           f"\"row 4\" or \"event 1 of trace 2 (case '2')\"). {_AGAIN}") from None


def _quarantine_as_data(content: dict, meta_file: Path) -> None:
    record = content.get("quarantine")
    if isinstance(record, dict) and "first" in record and isinstance(record["first"], list):
        content["quarantine"] = {**record, "first": [_place_of_text(place, f"quarantine.first.{i}", meta_file)
                                                     for i, place in enumerate(record["first"])]}


def _from_1(content: dict, meta_file: Path) -> dict:
    """Version 1 to 2: a connector's state moves under "incremental"; the copied counts go; quarantine
    places written as text become data."""
    _quarantine_as_data(content, meta_file)
    moved = {key: content.pop(key) for key in _INCREMENTAL_KEYS if key in content}
    counts = content.pop("counts", None)
    if counts is not None and not isinstance(counts, dict):
        raise DatasetError(f"{meta_file} is damaged: 'counts' is {type(counts).__name__}, not an object. {_AGAIN}")
    counts = counts or {}
    moved.update({key: counts[key] for key in _RUN_COUNTS if key in counts})
    if moved:
        content["incremental"] = moved
    return content


# Each step takes a version's content to the next version's.
_STEPS: dict[int, Callable[[dict, Path], dict]] = {1: _from_1}


def migrate(content: dict, meta_file: Path) -> dict:
    """procmine.json's content in the current schema version (a copy; the file is not touched)."""
    if "schema_version" not in content:
        raise DatasetError(f"{meta_file} is damaged: the key 'schema_version' is missing. Re-create the "
                           "dataset with procmine import or procmine extract --full.")
    version = content["schema_version"]
    if type(version) is not int or version < 1:
        raise DatasetError(f"{meta_file} has schema version {version!r}, not a version procmine ever wrote "
                           f"(1 to {s.SCHEMA_VERSION}). Re-create the dataset with procmine import or "
                           "procmine extract --full.")
    if version > s.SCHEMA_VERSION:
        raise DatasetError(f"{meta_file} has dataset schema version {version}, newer than the version "
                           f"{s.SCHEMA_VERSION} this procmine reads: a later procmine wrote it. Update procmine "
                           "(pip install --upgrade procmine) to open it, or re-import the source with this one.")
    content = dict(content)
    while version < s.SCHEMA_VERSION:
        content = _STEPS[version](content, meta_file)
        version += 1
    content["schema_version"] = version
    return content

