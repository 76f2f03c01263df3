"""procmine.json: the typed facts of a dataset folder, with its one reader and its one writer.

Every field has its type and default here; nothing else reads or writes the file.

Keys: the model refuses keys it does not know (`extra="forbid"`), so a typo in code is an
error. A file may still hold keys this procmine does not know (one a user added by hand, or
one of a later minor change): `read_meta` keeps them in `other`, uninterpreted, and a
rewrite of the folder's facts (`replaced`, a connector run) writes them back unchanged. A
new import writes a new folder and starts without them.

Versions (`migrate` holds the history): a folder of an older schema version opens as it
did and is migrated in memory on read; the file is rewritten in the current version only
when procmine writes the folder anyway (an import or simulation replaces it, a connector
run commits). A folder of a newer version is refused, saying to update procmine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
)

from procmine import schema as s
from procmine.atomic import atomic_file
from procmine.dataset_meta_migration import migrate
from procmine.errors import ConfigError, DatasetError, one_line
from procmine.timezones import check_timezone

MAX_META_BYTES = 64 << 20
_AGAIN = "Re-create the dataset (procmine import or procmine extract --full)."

# Times are written as Python's ISO text ("2026-11-28T20:56:42+00:00"), as every version did.
Instant = Annotated[dt.datetime, BeforeValidator(lambda v: _iso_text(v)),
                    PlainSerializer(dt.datetime.isoformat, return_type=str, when_used="json")]
Count = Annotated[int, Field(ge=0, strict=True)]
# An incremental cursor: a time (naive when the source's cursor column is) or a whole number.
Watermark = Annotated[int | dt.datetime, BeforeValidator(lambda v: _cursor(v)),
                      PlainSerializer(lambda v: v.isoformat() if isinstance(v, dt.datetime) else v,
                                      when_used="json")]


def _iso_text(value: object) -> object:
    """Only ISO text (or a datetime made in code) is a time; a number is not read as seconds since 1970."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return dt.datetime.fromisoformat(value)
    raise ValueError("not an ISO 8601 time")   # pydantic reports a ValueError as the key's problem


def _cursor(value: object) -> object:
    """A watermark as read back: ISO text is a time (as written), a whole number stays one."""
    if isinstance(value, str):
        return _iso_text(value)
    if isinstance(value, bool) or not isinstance(value, int | dt.datetime):
        raise ValueError("not a time or a whole number")
    return value


def _without_absent(model: BaseModel, written: dict) -> dict:
    """A model's keys as written: an optional fact that is None is left out, as every version did."""
    return {k: v for k, v in written.items() if v is not None or k not in type(model).model_fields}


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_serializer(mode="wrap")
    def _written(self, handler: SerializerFunctionWrapHandler) -> dict:
        return _without_absent(self, handler(self))


class Source(BaseModel):
    """Where the events came from. The facts differ by kind of source (an import's encoding or
    sheet, a simulation's seed and period, a connector's sources), so keys beyond the common ones
    below are kept as they are (`extra="allow"`) and read as attributes or `model_extra`."""

    model_config = ConfigDict(extra="allow", frozen=True)

    @model_serializer(mode="wrap")
    def _written(self, handler: SerializerFunctionWrapHandler) -> dict:
        return _without_absent(self, handler(self))

    format: str | None = None      # an imported file's format: csv, xlsx, xes, ocel2, pandas
    kind: str | None = None        # "simulation"
    connector: str | None = None   # a connector's label: sbsys, ...
    path: str | None = None        # the imported file
    url: str | None = None         # a connector's database, password masked
    name: str | None = None

    @property
    def described_kind(self) -> str:
        """What kind of source it was: its format, kind or connector ("" when none is known)."""
        return self.format or self.kind or self.connector or ""

    @property
    def place(self) -> str:
        """Where it was: its name, path or database ("" when none is known)."""
        return self.name or self.path or self.url or ""


class Place(_Facts):
    """Where a left-out event was: a row (of a sheet) of a table, or an event of a trace."""

    row: int | None = None
    sheet: str | None = None
    trace: int | None = None
    event: int | None = None
    case: str | None = None


class LeftOut(_Facts):
    """What a lenient import left out ("quarantine"): event counts by reason, cases, first places."""

    events: Count
    without_activity: Count = 0
    without_timestamp: Count = 0
    cases_left_out: Count = 0
    first: list[Place] = []


class OcelFacts(_Facts):
    """An object-centric dataset's attribute declarations, default case notion and counts."""

    event_types: dict[str, dict[str, str]]
    object_types: dict[str, dict[str, str]]
    default_case_notion: str
    objects: Count
    event_objects: Count


class Pseudonymisation(_Facts):
    """How a connector pseudonymised person identifiers: never the key itself."""

    enabled: bool
    method: str | None = None
    key_env: str | None = None
    key_id: str | None = None
    key_fingerprint: str | None = None
    cpr_replacement: str | None = None


class Part(_Facts):
    """One committed part of a connector dataset (events/part-NNNNNN.parquet)."""

    file: str
    events: Count
    extracted_at: Instant
    watermarks: dict[str, Watermark] = {}


class Incremental(_Facts):
    """A connector dataset's incremental state: runs, look-back, watermarks, parts, counts by source."""

    runs: Count
    lookback_hours: float
    watermarks: dict[str, Watermark] = {}
    parts: list[Part] = []
    events_per_source: dict[str, int] = {}
    last_run: dict[str, int] = {}
    last_run_retracted: dict[str, int] = {}


class DatasetMeta(_Facts):
    """The facts of a dataset folder (procmine.json), typed; `other` holds keys this version does not know."""

    schema_version: int = s.SCHEMA_VERSION
    source: Source = Source()
    created_at: Instant
    extracted_at: Instant | None = None
    timezone: str = s.DEFAULT_TIMEZONE
    events: Count
    cases: Count                        # an object-centric dataset: the default notion's objects
    activities: Count | None = None     # a connector dataset does not count them
    notes: list[str] = []
    organisation: str | None = None     # declared by hand; the report's heading
    end_activities: list[str] | None = None   # declared by hand; cases that reached one are closed
    quarantine: LeftOut | None = None
    ocel: OcelFacts | None = None
    pseudonymisation: Pseudonymisation | None = None
    incremental: Incremental | None = None
    other: dict[str, JsonValue] = Field(default={}, exclude=True)
    # Set on a view of an object-centric dataset flattened by a case notion; never written.
    case_notion: str | None = Field(default=None, exclude=True)
    flattening: dict[str, int | str] | None = Field(default=None, exclude=True)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            return check_timezone(value, "timezone")
        except ConfigError as exc:
            raise ValueError(str(exc).removeprefix("timezone: ")) from None

    @field_validator("created_at", "extracted_at")
    @classmethod
    def _in_a_zone(cls, value: dt.datetime | None) -> dt.datetime | None:
        # Every writer wrote UTC with its offset; a hand-edited time without one is read as UTC.
        return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value

    @classmethod
    def of_events(cls, events: pa.Table, **facts: Any) -> DatasetMeta:
        """The facts of normalised `events` (counts, created now) and the given `facts`."""
        counts = {"events": events.num_rows,
                  "cases": int(events.column(s.CASE_INDEX)[-1].as_py()) + 1 if events.num_rows else 0,
                  "activities": len(events.column(s.ACTIVITY).combine_chunks().dictionary)}
        return cls(**{"created_at": now(), **counts, **facts})

    @property
    def object_centric(self) -> bool:
        return self.ocel is not None

    @property
    def written_at(self) -> dt.datetime:
        """When the data was last extracted, else when the folder was created."""
        return self.extracted_at or self.created_at

    def replaced(self, **facts: Any) -> DatasetMeta:
        """A copy with `facts` changed, checked like a file's."""
        return type(self).model_validate({**self.model_dump(), "other": self.other,
                                          "case_notion": self.case_notion, "flattening": self.flattening,
                                          **facts})

    def to_json(self) -> str:
        """The text of procmine.json: the keys this version knows, then the kept unknown ones."""
        known = self.model_dump(mode="json")
        return json.dumps({**self.other, **known}, indent=2, ensure_ascii=False) + "\n"


def now() -> dt.datetime:
    """The current UTC time to the second: what created_at and extracted_at record."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def read_meta(meta_file: Path) -> DatasetMeta:
    """The facts in `meta_file`, migrated to the current schema version; a DatasetError if damaged."""
    if meta_file.stat().st_size > MAX_META_BYTES:
        raise DatasetError(f"{meta_file} is larger than {MAX_META_BYTES >> 20} MiB, far more than dataset "
                           "facts take. Re-create the dataset.")
    try:
        content = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{meta_file} cannot be read: {one_line(exc)}. Re-create the dataset.") from None
    except RecursionError:
        raise DatasetError(f"{meta_file} is nested too deeply to be dataset facts. Re-create the dataset.") from None
    return meta_from_content(content, meta_file)


def meta_from_content(content: object, meta_file: Path) -> DatasetMeta:
    """Parsed procmine.json `content` as facts of the current version (`meta_file` for messages)."""
    if not isinstance(content, dict):
        raise DatasetError(f"{meta_file} holds {type(content).__name__}, not an object of dataset facts. {_AGAIN}")
    content = migrate(content, meta_file)
    known = {k: v for k, v in content.items() if k in _FILE_KEYS}
    other = {k: v for k, v in content.items() if k not in _FILE_KEYS}
    try:
        return DatasetMeta.model_validate({**known, "other": other})
    except ValidationError as exc:
        raise DatasetError(f"{meta_file} is damaged: {'; '.join(_problems(exc))}. {_AGAIN}") from None


def _problems(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors(include_url=False)[:5]:
        key = ".".join(str(part) for part in item["loc"])
        if item["type"] == "missing":
            problems.append(f"the key {key!r} is missing")
        else:
            value = one_line(repr(item["input"]))[:60]
            problems.append(f"{key!r} is {value}: {item['msg'].removeprefix('Value error, ')}")
    return problems


@contextlib.contextmanager
def staged_meta(folder: Path, meta: DatasetMeta) -> Iterator[None]:
    """Write `meta` beside `folder`'s procmine.json; it replaces the file when the block succeeds.

    The replacement is a connector run's commit point; `write_meta` is the plain case.
    """
    with atomic_file(folder / s.META_FILE) as temporary:
        temporary.write_text(meta.to_json(), encoding="utf-8")
        yield


def write_meta(folder: Path, meta: DatasetMeta) -> None:
    """Write `meta` as `folder`'s procmine.json, atomically."""
    with staged_meta(folder, meta):
        pass


_FILE_KEYS = frozenset(name for name, field in DatasetMeta.model_fields.items() if not field.exclude)
