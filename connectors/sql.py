"""The generic SQLAlchemy source: a plan per event source, streamed as Arrow tables in chunks.

A plan is a SELECT whose columns carry fixed internal labels (`case_id`, `timestamp`,
`attr__<name>`, ...); config values only ever become quoted identifiers, never SQL text,
and the incremental lower bound is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

from connectors.config import CITIZEN_ATTRIBUTE, Attribute, CaseSource, EventSource, ExtractConfig, template_fields
from procmine.errors import ConfigError, ConnectorError

CURSOR = "cursor__"
ATTRIBUTE_PREFIX = "attr__"
FIELD_PREFIX = "field__"
KEY_PREFIX = "key__"


@dataclass(frozen=True)
class SourcePlan:
    """One event source as a labelled SELECT plus how to turn its rows into events."""

    name: str
    select: sa.Select
    cursor: sa.ColumnElement
    activity_template: str | None = None
    attribute_types: dict[str, str] = field(default_factory=dict)
    person_attributes: frozenset[str] = frozenset()
    scrub: frozenset[str] = frozenset()
    cursor_is_timestamp: bool = False
    citizen_attributes: frozenset[str] = frozenset()
    # Rows whose events were extracted once and must go again (e.g. documents deleted since),
    # labelled like `select`, with their deletion time as the cursor.
    retractions: sa.Select | None = None
    retraction_cursor: sa.ColumnElement | None = None

    @property
    def retraction_source(self) -> str:
        """The watermark name of the retractions: `<source>.retracted`."""
        return f"{self.name}.retracted"

    def since(self, lower_bound) -> sa.Select:
        """The SELECT restricted to rows whose cursor is past `lower_bound` (None: all rows)."""
        return _past(self.select, self.cursor, lower_bound)

    def retracted_since(self, lower_bound) -> sa.Select:
        """The retraction SELECT restricted to rows retracted past `lower_bound`."""
        if self.retractions is None or self.retraction_cursor is None:
            raise ValueError(f"source {self.name!r} declares no retractions")  # callers check first
        return _past(self.retractions, self.retraction_cursor, lower_bound)


def _past(select: sa.Select, cursor: sa.ColumnElement, lower_bound) -> sa.Select:
    if lower_bound is None:
        return select
    kind = sa.DateTime(timezone=lower_bound.tzinfo is not None) \
        if isinstance(lower_bound, dt.datetime) else sa.BigInteger()
    return select.where(cursor > sa.bindparam("lower_bound", lower_bound, type_=kind))


@dataclass(frozen=True)
class CasePlan:
    """Case attributes: a labelled SELECT with `case_id` and `attr__<name>` columns."""

    select: sa.Select
    attribute_types: dict[str, str] = field(default_factory=dict)
    person_attributes: frozenset[str] = frozenset()
    scrub: frozenset[str] = frozenset()
    citizen_attributes: frozenset[str] = frozenset()


def create_engine(url: str, *, existing: bool = True) -> sa.Engine:
    """An engine for `url`; a malformed URL or a missing driver is a ConfigError without the password.

    With `existing` (reading a case system), a SQLite file that is not there is an error too:
    SQLite would otherwise create an empty database at the mistyped path.
    """
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise ConfigError("the database url cannot be parsed. Write it as "
                          "dialect+driver://user:${PASSWORD_VAR}@host:port/database.") from None
    if existing and parsed.get_backend_name() == "sqlite" and _missing_sqlite_file(parsed.database):
        raise ConfigError(f"the SQLite database {parsed.database} does not exist. Check the path in the url "
                          "(sqlite:///relative/path.db or sqlite:////absolute/path.db).")
    try:
        return sa.create_engine(parsed)
    except (sa.exc.NoSuchModuleError, ImportError) as exc:
        raise ConfigError(f"no database driver for {parsed.drivername!r} ({exc}). Install the driver "
                          "package or use one of postgresql+psycopg, mysql+pymysql, sqlite, "
                          "mssql+pyodbc.") from None


def _missing_sqlite_file(database: str | None) -> bool:
    if not database or database == ":memory:" or database.startswith("file:"):
        return False   # in memory, or a URI whose mode (ro, rwc) SQLite itself enforces
    return not Path(database).is_file()


def safe_url(url: str | sa.URL) -> str:
    """The url as it may be shown or stored: the password replaced by ***."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unparsable url)"


def database_error(exc: Exception, url: str, where: str) -> ConnectorError:
    """A ConnectorError for a driver error, never showing the SQL parameters or the password."""
    original = getattr(exc, "orig", None) or exc
    text = " ".join(str(original).split())
    password = sa.make_url(url).password if "://" in url else None
    if password:
        text = text.replace(str(password), "***")
    return ConnectorError(f"{where}: the database at {safe_url(url)} reported: {text}. "
                          "Check the url, credentials, network and that the tables exist, "
                          "then run the extraction again.")


def plans_from_config(config: ExtractConfig) -> tuple[list[SourcePlan], CasePlan | None]:
    """Build the plans of a generic config: identifiers quoted by SQLAlchemy, nothing formatted."""
    rules = config.pseudonymise
    persons = frozenset(rules.person_attributes) if rules else frozenset()
    scrub = frozenset(k for k, v in config.free_text.items() if v == "scrub")
    drop = frozenset(k for k, v in config.free_text.items() if v == "drop")
    plans = [_event_plan(source, persons, scrub, drop) for source in config.events]
    cases = None
    if config.cases is not None:
        rows, attributes = _rows_and_attributes(config.cases, [], drop)
        labelled = [rows.c[config.cases.case_id].label("case_id")] + attributes
        cases = CasePlan(sa.select(*labelled), _types(config.cases, drop), persons, scrub,
                         _citizens(config.cases))
    return plans, cases


def _event_plan(source: EventSource, persons, scrub, drop) -> SourcePlan:
    fields = template_fields(source.activity_template) if source.activity_template else []
    extra = [source.timestamp, source.cursor or source.timestamp, *fields, *source.row_key]
    extra += [c for c in (source.activity, source.resource) if c]
    rows, attributes = _rows_and_attributes(source, extra, drop)
    labelled = [rows.c[source.case_id].label("case_id"),
                rows.c[source.timestamp].label("timestamp")]
    if source.activity:
        labelled.append(rows.c[source.activity].label("activity"))
    labelled += [rows.c[f].label(f"{FIELD_PREFIX}{f}") for f in dict.fromkeys(fields)]
    if source.resource:
        labelled.append(rows.c[source.resource].label("resource"))
    labelled += attributes
    labelled += [rows.c[k].label(f"{KEY_PREFIX}{i}") for i, k in enumerate(source.row_key)]
    cursor = rows.c[source.cursor or source.timestamp]
    labelled.append(cursor.label(CURSOR))
    select = sa.select(*labelled).where(cursor.is_not(None), rows.c[source.timestamp].is_not(None))
    return SourcePlan(source.name, select, cursor, source.activity_template,
                      _types(source, drop), persons, scrub,
                      cursor_is_timestamp=source.cursor in (None, source.timestamp),
                      citizen_attributes=_citizens(source))


def _rows_and_attributes(source: EventSource | CaseSource, extra: list[str], drop: frozenset):
    kept = {name: spec for name, spec in _specs(source).items() if name not in drop}
    if source.citizen is not None:
        kept[CITIZEN_ATTRIBUTE] = Attribute(column=source.citizen)
    needed = list(dict.fromkeys([source.case_id, *extra, *(s.column for s in kept.values())]))
    columns: list[sa.ColumnClause[Any]] = [sa.column(name) for name in needed]
    rows: sa.FromClause
    if source.table is not None:
        schema, _, table = source.table.rpartition(".")
        rows = sa.table(table, *columns, schema=schema or None)
    elif source.query is not None:
        rows = sa.text(source.query).columns(*columns).subquery("source_rows")
    else:  # the config's validator asks for exactly one of the two
        raise ConfigError("A source gives neither a table nor a query; give one of them.")
    attributes = [rows.c[spec.column].label(f"{ATTRIBUTE_PREFIX}{name}")
                  for name, spec in kept.items()]
    return rows, attributes


def _specs(source: EventSource | CaseSource) -> dict[str, Attribute]:
    """The source's attributes as validated: the config's validator made every bare column name an Attribute."""
    return cast("dict[str, Attribute]", source.attributes)


def _types(source: EventSource | CaseSource, drop: frozenset) -> dict[str, str]:
    types: dict[str, str] = {name: spec.type for name, spec in _specs(source).items() if name not in drop}
    if source.citizen is not None:
        types[CITIZEN_ATTRIBUTE] = "string"
    return types


def _citizens(source: EventSource | CaseSource) -> frozenset[str]:
    return frozenset({CITIZEN_ATTRIBUTE}) if source.citizen is not None else frozenset()
