"""Raw labelled rows of a source plan -> canonical, pseudonymised event and case tables."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from connectors.cpr import scrub_cpr_labels
from connectors.pseudonymise import Pseudonymiser, scrub_cpr_column
from connectors.sql import ATTRIBUTE_PREFIX, CURSOR, FIELD_PREFIX, KEY_PREFIX, CasePlan, SourcePlan
from procmine import schema as s
from procmine.dataset import as_utc_timestamp
from procmine.errors import ConfigError, ConnectorError, LogValidationError

EVENT_KEY = "event_key"
_ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "float": pa.float64(),
                "boolean": pa.bool_(), "timestamp": s.TIMESTAMP_TYPE}


def event_schema(plans: list[SourcePlan]) -> pa.Schema:
    """The schema of every part: canonical columns, the union of attributes, then event_key."""
    attributes: dict[str, str] = {}
    for plan in plans:
        for name, kind in plan.attribute_types.items():
            if attributes.setdefault(name, kind) != kind:
                raise ConfigError(f"attribute {name!r} is {attributes[name]} in one source and {kind} "
                                  f"in source {plan.name!r}. Give it one type everywhere.")
    reserved = {s.CASE_ID, s.ACTIVITY, s.TIMESTAMP, s.RESOURCE, EVENT_KEY, *s.CORE_EVENT_COLUMNS}
    clash = sorted(reserved & attributes.keys())
    if clash:
        raise ConfigError(f"attribute name(s) {', '.join(clash)} are reserved for canonical columns. "
                          "Rename the attribute(s) in the config.")
    fields = [(s.CASE_ID, pa.string()), (s.ACTIVITY, s.ACTIVITY_TYPE), (s.TIMESTAMP, s.TIMESTAMP_TYPE),
              (s.RESOURCE, pa.string())]
    fields += [(name, _ARROW_TYPES[kind]) for name, kind in attributes.items()]
    return pa.schema(fields + [(EVENT_KEY, pa.string())])


def max_cursor(raw: pa.Table):
    """The largest cursor value of a raw chunk, as a Python datetime or integer."""
    column = raw.column(CURSOR)
    if pa.types.is_string(column.type) or pa.types.is_date(column.type):
        column = column.cast(pa.timestamp("us"))
    if not (pa.types.is_timestamp(column.type) or pa.types.is_integer(column.type)):
        raise ConnectorError(f"the incremental cursor holds {column.type}; it must be a timestamp or "
                             "an integer. Name such a column as `cursor:` of the source.")
    return pc.max(column).as_py()


def to_events(raw: pa.Table, plan: SourcePlan, target: pa.Schema, pseudonyms: Pseudonymiser,
              timezone: str) -> pa.Table:
    """Canonical events of one raw chunk, with the columns and types of `target`."""
    origin = f"event source {plan.name!r}"
    timestamps = _timestamps(raw.column("timestamp"), "timestamp", origin, timezone)
    # A CPR number in a column used by the activity template must not become an activity name.
    activity = scrub_cpr_labels(_activity(raw, plan))
    columns = {
        s.CASE_ID: pseudonyms.pseudonymise(raw.column("case_id"), "case"),
        s.ACTIVITY: activity,
        s.TIMESTAMP: timestamps,
        s.RESOURCE: pseudonyms.pseudonymise(raw.column("resource"), "user")
        if "resource" in raw.column_names else pa.nulls(raw.num_rows, pa.string()),
    }
    columns.update(_attributes(raw, plan.attribute_types, plan, pseudonyms, timezone, origin))
    columns[EVENT_KEY] = _event_keys(raw, plan, activity, timestamps, pseudonyms)
    for field in target:
        if field.name not in columns:
            columns[field.name] = pa.nulls(raw.num_rows, field.type)
    events = pa.table(columns)
    _require_values(events, origin)
    # Parts are not sorted here: read_dataset orders all parts together anyway.
    return events.select(target.names).cast(target)


def _require_values(events: pa.Table, origin: str) -> None:
    for name in s.REQUIRED_EVENT_COLUMNS:
        column = events.column(name)
        if column.null_count:
            first = pc.index(pc.is_null(column), True).as_py()
            raise LogValidationError(
                f"{origin}: column {name!r} is empty in {column.null_count} event(s) of a chunk, "
                f"first at its row {first + 1}. Every event needs a {name}; filter such rows out "
                "in a `query:` source or map another column.")


def to_cases(raw: pa.Table, plan: CasePlan, pseudonyms: Pseudonymiser, timezone: str) -> pa.Table:
    """Case attributes of one raw chunk: pseudonymised case id, typed and scrubbed attributes."""
    columns = {s.CASE_ID: pseudonyms.pseudonymise(raw.column("case_id"), "case")}
    columns.update(_attributes(raw, plan.attribute_types, plan, pseudonyms, timezone, "case source"))
    return pa.table(columns)


def _activity(raw: pa.Table, plan: SourcePlan) -> pa.Array:
    if plan.activity_template is None:
        return raw.column("activity").cast(pa.string())
    pieces = re.split(r"\{([^{}]*)\}", plan.activity_template)
    parts = [raw.column(f"{FIELD_PREFIX}{piece}").cast(pa.string()) if i % 2 else piece
             for i, piece in enumerate(pieces) if piece or i % 2]
    if len(parts) == 1 and isinstance(parts[0], str):
        return pa.array([parts[0]] * raw.num_rows, pa.string())
    return pc.binary_join_element_wise(*parts, "")


def _attributes(raw, types, plan, pseudonyms, timezone, origin) -> dict[str, pa.Array]:
    columns = {}
    for name, kind in types.items():
        column = raw.column(f"{ATTRIBUTE_PREFIX}{name}")
        if name in plan.citizen_attributes:
            column = pseudonyms.citizens(column)
        elif name in plan.person_attributes:
            column = pseudonyms.pseudonymise(column, "person")
        elif kind == "timestamp":
            column = _timestamps(column, name, origin, timezone)
        else:
            column = _cast(column, _ARROW_TYPES[kind], name, origin)
        if name in plan.scrub:
            column = scrub_cpr_column(column)
        columns[name] = column
    return columns


def _cast(column, kind: pa.DataType, name: str, origin: str):
    if pa.types.is_decimal(column.type) and pa.types.is_floating(kind):
        column = column.cast(pa.string())  # Arrow's decimal->float cast is not correctly rounded
    try:
        return column.cast(kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ConnectorError(f"{origin}: attribute {name!r} cannot be read as {kind} ({exc}). "
                             "Give the attribute the right `type:` in the config.") from None


def _timestamps(column, name: str, origin: str, timezone: str):
    if pa.types.is_string(column.type) or pa.types.is_date(column.type) or pa.types.is_null(column.type):
        column = _cast(column, pa.timestamp("us"), name, origin)
    return as_utc_timestamp(column, name, origin, timezone)


def _event_keys(raw, plan, activity, timestamps, pseudonyms) -> pa.Array:
    keys = [raw.column(c).cast(pa.string()) for c in raw.column_names if c.startswith(KEY_PREFIX)]
    if not keys:
        keys = [raw.column("case_id").cast(pa.string())]
    micros = timestamps.cast(pa.int64()).cast(pa.string())
    joined = pc.binary_join_element_wise(plan.name, *keys, activity, micros, "\x1f",
                                         null_handling="replace", null_replacement="")
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    return pseudonyms.event_keys(joined)
