"""What an importer is told (ImportOptions) and what it gives back (RawLog)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from procmine.schema import DEFAULT_TIMEZONE


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


@dataclass
class RawLog:
    """Events (canonical column names, not yet sorted) and optional case attributes as read."""

    events: pa.Table
    cases: pa.Table | None = None
    notes: list[str] = field(default_factory=list)
    source_info: dict = field(default_factory=dict)
