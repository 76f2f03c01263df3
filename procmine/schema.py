"""The canonical event-log columns: one place for their names and types."""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 2   # procmine/dataset_meta_migration.py holds the history

CASE_ID = "case_id"
ACTIVITY = "activity"
TIMESTAMP = "timestamp"
START_TIMESTAMP = "start_timestamp"
RESOURCE = "resource"
LIFECYCLE = "lifecycle"
# Position of the event in the stored order (case, time, order as read): the stable tie-breaker.
EVENT_INDEX = "event_index"
# Dense integer code of the case, 0..cases-1 in stored order, for vectorised kernels.
CASE_INDEX = "case_index"

TIMESTAMP_TYPE = pa.timestamp("us", tz="UTC")
ACTIVITY_TYPE = pa.dictionary(pa.int32(), pa.string())

REQUIRED_EVENT_COLUMNS = (CASE_ID, ACTIVITY, TIMESTAMP)
# Canonical columns in the order they are stored; event attributes follow them.
CORE_EVENT_COLUMNS = (CASE_INDEX, EVENT_INDEX, CASE_ID, ACTIVITY, TIMESTAMP,
                      START_TIMESTAMP, RESOURCE, LIFECYCLE)
CORE_EVENT_TYPES = {
    CASE_INDEX: pa.int32(),
    EVENT_INDEX: pa.int64(),
    CASE_ID: pa.string(),
    ACTIVITY: ACTIVITY_TYPE,
    TIMESTAMP: TIMESTAMP_TYPE,
    START_TIMESTAMP: TIMESTAMP_TYPE,
    RESOURCE: pa.string(),
    LIFECYCLE: pa.string(),
}

DEFAULT_TIMEZONE = "Europe/Copenhagen"

EVENTS_FILE = "events.parquet"
EVENTS_DIR = "events"
CASES_FILE = "cases.parquet"
META_FILE = "procmine.json"
