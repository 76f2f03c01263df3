"""What an importer is told (ImportOptions) and what it gives back (RawLog)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from procmine.importing.quarantine import Quarantine
from procmine.schema import DEFAULT_TIMEZONE
from procmine.timezones import check_timezone


@dataclass(frozen=True)
class ImportOptions:
    """Column mapping and parsing choices; None means auto-detect."""

    case_id: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    start_timestamp: str | None = None
    resource: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    sheet: str | None = None
    format: str | None = None
    strict: bool = False  # refuse events without an activity or a timestamp instead of leaving them out

    def __post_init__(self) -> None:
        check_timezone(self.timezone)


@dataclass
class RawLog:
    """Events (canonical column names, not yet sorted) and optional case attributes as read."""

    events: pa.Table
    cases: pa.Table | None = None
    notes: list[str] = field(default_factory=list)
    source_info: dict = field(default_factory=dict)
    quarantine: Quarantine | None = None  # events left out by a lenient import
