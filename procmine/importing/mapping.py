"""Which source column is the case id, activity, time, resource: detected from common headers.

Recognised, case-insensitively and in this order of preference: pm4py's names
(`case:concept:name`, `concept:name`, `time:timestamp`, `org:resource`,
`lifecycle:transition`), Disco's (`Case ID`, `Activity`, `Start Timestamp`,
`Complete Timestamp`, `Resource`) and Danish ones (`Sagsnr`, `Sagsnummer`, `Sag`,
`Sags-id`, `Aktivitet`, `Hændelse`, `Tidspunkt`, `Dato`, `Sagsbehandler`,
`Ressource`). A column named in ImportOptions always wins.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from procmine import schema as s
from procmine.errors import LogValidationError, located
from procmine.importing.options import ImportOptions

CANDIDATES: dict[str, tuple[str, ...]] = {
    s.CASE_ID: ("case:concept:name", "case id", "case_id", "caseid", "case", "sagsnummer",
                "sagsnr", "sagsnr.", "sags-nr", "sags nr", "sags-id", "sagsid", "sags id", "sag", "sag id",
                "sag_id"),
    s.ACTIVITY: ("concept:name", "activity", "activity name", "aktivitet", "hændelse",
                 "haendelse", "event", "event name"),
    s.TIMESTAMP: ("time:timestamp", "complete timestamp", "end timestamp", "timestamp",
                  "tidspunkt", "tidsstempel", "dato", "time", "date", "datetime"),
    s.START_TIMESTAMP: ("start_timestamp", "start timestamp", "start time", "starttidspunkt",
                        "start"),
    s.RESOURCE: ("org:resource", "resource", "sagsbehandler", "ressource", "medarbejder", "user", "bruger"),
    s.LIFECYCLE: ("lifecycle:transition", "lifecycle"),
}
_OPTION_FLAGS = {s.CASE_ID: "--case-id", s.ACTIVITY: "--activity", s.TIMESTAMP: "--timestamp",
                 s.START_TIMESTAMP: "--start-timestamp", s.RESOURCE: "--resource"}


@dataclass(frozen=True)
class ColumnMapping:
    """Source column name for each canonical role; None where the source has none."""

    case_id: str
    activity: str
    timestamp: str
    start_timestamp: str | None = None
    resource: str | None = None
    lifecycle: str | None = None

    def roles(self) -> dict[str, str]:
        """Canonical name → source column, for the roles that are mapped."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


def detect_mapping(columns: list[str], options: ImportOptions, origin: str) -> ColumnMapping:
    """Map canonical roles to source columns: explicit options first, then known header names."""
    chosen: dict[str, str | None] = {}
    for role in CANDIDATES:
        explicit = getattr(options, role, None)
        chosen[role] = (_find_explicit(columns, explicit, role, origin) if explicit
                        else _find_known(columns, role, taken=set(filter(None, chosen.values()))))
    if chosen[s.TIMESTAMP] is None and chosen[s.START_TIMESTAMP] is not None:
        # A log with only a start time: that time is the event's time.
        chosen[s.TIMESTAMP], chosen[s.START_TIMESTAMP] = chosen[s.START_TIMESTAMP], None
    missing = [role for role in s.REQUIRED_EVENT_COLUMNS if chosen[role] is None]
    if missing:
        raise LogValidationError(located(
            f"Cannot find the {' and '.join(_describe(m) for m in missing)} column among "
            f"{_listing(columns)}", file=origin,
            hint="Name the columns with " + ", ".join(f"{_OPTION_FLAGS[m]} COLUMN" for m in missing)))
    case_id, activity, timestamp = chosen.pop(s.CASE_ID), chosen.pop(s.ACTIVITY), chosen.pop(s.TIMESTAMP)
    if case_id is None or activity is None or timestamp is None:  # refused just above, as `missing`
        raise LogValidationError(f"{origin}: a required column is not mapped.")
    return ColumnMapping(case_id, activity, timestamp, **chosen)


def _find_explicit(columns: list[str], name: str, role: str, origin: str) -> str:
    if name in columns:
        return name
    folded = [c for c in columns if c.strip().casefold() == name.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise LogValidationError(located(
        f"The {_describe(role)} column {name!r} given with {_OPTION_FLAGS.get(role, role)} is not "
        f"in the file, which has {_listing(columns)}", file=origin,
        hint="Use one of the column names shown"))


def _find_known(columns: list[str], role: str, taken: set[str]) -> str | None:
    by_folded: dict[str, str] = {}
    for column in columns:
        by_folded.setdefault(column.strip().casefold(), column)
    for candidate in CANDIDATES[role]:
        found = by_folded.get(candidate)
        if found is not None and found not in taken:
            return found
    return None


def _describe(role: str) -> str:
    return {s.CASE_ID: "case id", s.START_TIMESTAMP: "start time",
            s.TIMESTAMP: "timestamp"}.get(role, role)


def _listing(columns: list[str]) -> str:
    shown = ", ".join(repr(c) for c in columns[:30])
    more = f" and {len(columns) - 30} more" if len(columns) > 30 else ""
    return f"the columns {shown}{more}" if columns else "no columns"
