"""The YAML config of the generic SQL connector: typed, strict, secrets only from `${ENV_VAR}`."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from procmine.errors import ConfigError
from procmine.validation import validated

# A column or table name: letters, digits and underscores, never quotes, spaces or SQL.
IDENTIFIER = re.compile(r"^[A-Za-z_ÆØÅæøå][A-Za-z0-9_ÆØÅæøå]*$")
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
AttributeType = Literal["string", "integer", "float", "boolean", "timestamp"]
DEFAULT_KEY_ENV = "PROCMINE_PSEUDONYM_KEY"
CITIZEN_ATTRIBUTE = "citizen"


def check_identifier(value: str, what: str) -> str:
    """Return `value` if it is a plain SQL identifier, else raise ValueError naming `what`."""
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        raise ValueError(
            f"{what} {value!r} is not a plain identifier (letters, digits, underscores); "
            "name a column or table exactly, with no quotes, spaces or SQL")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Attribute(_Strict):
    """An attribute column with an explicit Arrow type."""

    column: str
    type: AttributeType = "string"

    @field_validator("column")
    @classmethod
    def _plain(cls, value: str) -> str:
        return check_identifier(value, "column")


class _Rows(_Strict):
    """Where rows come from: a table (optionally `schema.table`) or one SELECT statement."""

    table: str | None = None
    query: str | None = None
    case_id: str
    # The column with the citizen's CPR number (any written form), CVR number or other person
    # id: it becomes the attribute `citizen`, an HMAC pseudonym (the SBSYS preset's `citizen`).
    citizen: str | None = None
    attributes: dict[str, str | Attribute] = Field(default_factory=dict)

    @field_validator("table")
    @classmethod
    def _table(cls, value: str | None) -> str | None:
        if value is not None:
            for part in value.split("."):
                check_identifier(part, "table")
        return value

    @field_validator("query")
    @classmethod
    def _query(cls, value: str | None) -> str | None:
        if value is None:
            return value
        body = value.strip().rstrip(";").strip()
        if ";" in body or not re.match(r"(?is)^(select|with)\b", body):
            raise ValueError("query must be one SELECT (or WITH ... SELECT) statement without ';'")
        return body

    @field_validator("case_id")
    @classmethod
    def _case(cls, value: str) -> str:
        return check_identifier(value, "case_id column")

    @field_validator("citizen")
    @classmethod
    def _citizen(cls, value: str | None) -> str | None:
        return value if value is None else check_identifier(value, "citizen column")

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict) -> dict[str, Attribute]:
        typed = {}
        for name, spec in value.items():
            check_identifier(name, "attribute name")
            typed[name] = spec if isinstance(spec, Attribute) else Attribute(column=spec)
        return typed

    @model_validator(mode="after")
    def _one_origin(self):
        if (self.table is None) == (self.query is None):
            raise ValueError("give exactly one of 'table' or 'query'")
        if self.citizen is not None and CITIZEN_ATTRIBUTE in self.attributes:
            raise ValueError("the attribute name 'citizen' is taken by the `citizen:` key; "
                             "rename the attribute")
        return self


class EventSource(_Rows):
    """One kind of event: which columns give case, activity, time, resource and attributes."""

    name: str
    activity: str | None = None
    activity_template: str | None = None
    timestamp: str
    resource: str | None = None
    cursor: str | None = None
    row_key: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_identifier(value, "source name")

    @field_validator("activity", "timestamp", "resource", "cursor")
    @classmethod
    def _column(cls, value: str | None) -> str | None:
        return value if value is None else check_identifier(value, "column")

    @field_validator("row_key")
    @classmethod
    def _row_key(cls, value: list[str]) -> list[str]:
        return [check_identifier(v, "row_key column") for v in value]

    @field_validator("activity_template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        if value is not None:
            for field in template_fields(value):
                check_identifier(field, "activity_template placeholder")
        return value

    @model_validator(mode="after")
    def _one_activity(self):
        if (self.activity is None) == (self.activity_template is None):
            raise ValueError("give exactly one of 'activity' (a column) or 'activity_template'")
        return self


class CaseSource(_Rows):
    """Case attributes: one row per case."""


class Pseudonymisation(_Strict):
    """Case ids and resources always become keyed pseudonyms; `person_attributes` too."""

    key_env: str = DEFAULT_KEY_ENV
    key_id: str | None = None
    person_attributes: list[str] = Field(default_factory=list)


class Incremental(_Strict):
    """How far before the saved watermark each run reads again, to catch late rows."""

    lookback_hours: float = Field(default=48.0, ge=0)


class ExtractConfig(_Strict):
    """The whole connector config: connection, sources, privacy rules and output."""

    url: str
    output: Path
    events: list[EventSource] = Field(min_length=1)
    cases: CaseSource | None = None
    pseudonymise: Pseudonymisation | Literal[False] = Field(default_factory=Pseudonymisation)
    free_text: dict[str, Literal["scrub", "drop"]] = Field(default_factory=dict)
    incremental: Incremental = Field(default_factory=Incremental)
    timezone: str = "Europe/Copenhagen"
    chunk_size: int = Field(default=50_000, ge=1)
    source_label: str = "sql"

    @field_validator("pseudonymise", mode="before")
    @classmethod
    def _switch(cls, value):
        return {} if value is True else value

    @model_validator(mode="after")
    def _unique_sources(self):
        names = [source.name for source in self.events]
        doubles = sorted({n for n in names if names.count(n) > 1})
        if doubles:
            raise ValueError(f"event source names must be unique; repeated: {', '.join(doubles)}")
        with_citizen = [s for s in [*self.events, self.cases] if s is not None and s.citizen]
        if with_citizen and self.pseudonymise is False:
            raise ValueError("`citizen:` needs pseudonymisation (a citizen id is never written in "
                             "clear); remove `pseudonymise: false` or the `citizen:` key")
        return self


class SbsysConfig(_Strict):
    """The SBSYS preset as a config file: `preset: sbsys` plus connection and privacy choices."""

    preset: Literal["sbsys"]
    url: str
    output: Path
    database_schema: str | None = None
    include_protected: bool = False
    # PartTypeOpslag.Navn of person and company parties (matched by name, ignoring case).
    person_part_type: str = Field(default="Person", min_length=1)
    company_part_type: str = Field(default="Firma", min_length=1)
    pseudonymise: Pseudonymisation | Literal[False] = Field(default_factory=Pseudonymisation)
    incremental: Incremental = Field(default_factory=Incremental)
    timezone: str = "Europe/Copenhagen"
    chunk_size: int = Field(default=50_000, ge=1)

    @field_validator("database_schema")
    @classmethod
    def _schema(cls, value: str | None) -> str | None:
        return value if value is None else check_identifier(value, "database_schema")

    @field_validator("pseudonymise", mode="before")
    @classmethod
    def _switch(cls, value):
        return {} if value is True else value


def template_fields(template: str) -> list[str]:
    """The placeholder names of an activity template, e.g. ['status_name']."""
    return _PLACEHOLDER.findall(template)


def interpolate_env(value, key: str = ""):
    """Replace `${NAME}` in every string of a parsed YAML value by the environment variable."""
    if isinstance(value, dict):
        return {k: interpolate_env(v, f"{key}.{k}" if key else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate_env(v, f"{key}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def _lookup(match: re.Match) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ConfigError(f"config key {key!r} refers to the environment variable ${{{name}}}, "
                              f"which is not set. Set {name} before running the extraction.")
        return os.environ[name]

    return _ENV_REFERENCE.sub(_lookup, value)


def load_config(path: str | os.PathLike) -> ExtractConfig | SbsysConfig:
    """Read and check a connector config file; relative output paths are relative to it."""
    path = Path(path)
    from procmine.safe_load import load_yaml  # the project's one safe YAML reader (limits, aliases)

    raw = load_yaml(path, "connector config")
    if not isinstance(raw, dict):
        raise ConfigError(f"the connector config {path} must be a mapping of keys to values.")
    config = parse_config(interpolate_env(raw), origin=str(path))
    if not config.output.is_absolute():
        config = config.model_copy(update={"output": (path.parent / config.output).resolve()})
    return config


def parse_config(raw: dict, origin: str = "the connector config") -> ExtractConfig | SbsysConfig:
    """Check a parsed config mapping; every problem is reported with its key."""
    # The values are never shown: the url may hold a password.
    wording = {"unknown_key": "unknown key", "whole": "(top)", "show_values": False}
    where, hint = f"{origin} is invalid", "Fix these keys (see connectors/examples/)"
    if "preset" in raw:
        return validated(SbsysConfig, raw, ConfigError, where, hint, **wording)
    return validated(ExtractConfig, raw, ConfigError, where, hint, **wording)
