"""The one interface the SQL forms run on, and its DuckDB implementation.

An engine answers a query (DuckDB-dialect SQL plus bound values) with a pandas table and can
register a small Arrow table (the day table, windows, end activities) under a name.
`procmine.spark` implements the same interface on Apache Spark.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from procmine import schema as s
from procmine.errors import DatasetError

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class SqlEngine(Protocol):
    """What a form needs from an engine: tables `events`, `cases`, plus registered ones."""

    dialect: str

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame: ...

    def register(self, name: str, table: pa.Table) -> None: ...

    def columns(self, table: str) -> list[str]: ...


def used_parameters(sql: str, params: dict | None) -> dict:
    """Only the values the SQL names (engines reject values they are not asked for)."""
    wanted = set(_PARAMETER.findall(sql))
    return {name: value for name, value in (params or {}).items() if name in wanted}


class DuckDBEngine:
    """The forms on embedded DuckDB, over a connection that has views `events` and `cases`."""

    dialect = "duckdb"

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.connection = connection
        self.connection.execute("SET TimeZone = 'UTC'")

    @classmethod
    def for_log(cls, log) -> "DuckDBEngine":
        """Over an EventLog's selection (procmine.EventLog.sql)."""
        return cls(log.sql())

    @classmethod
    def for_dataset(cls, path: str | Path) -> "DuckDBEngine":
        """Over a dataset folder's Parquet files, read where they lie."""
        path = Path(path)
        events = path / s.EVENTS_FILE
        if not events.exists():
            events = path / s.EVENTS_DIR / "**" / "*.parquet"
            if not (path / s.EVENTS_DIR).is_dir():
                raise DatasetError(f"{path}: no {s.EVENTS_FILE} or {s.EVENTS_DIR}/ folder. "
                                   "Give a dataset folder written by procmine import.")
        connection = duckdb.connect()
        # A view cannot take bound values, so the paths are SQL string literals (quotes doubled).
        connection.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet({_literal(events)}, "
                           "hive_partitioning = true)")
        cases = path / s.CASES_FILE
        if cases.exists():
            connection.execute(f"CREATE VIEW cases AS SELECT * FROM read_parquet({_literal(cases)})")
        else:
            connection.execute("CREATE VIEW cases AS SELECT DISTINCT case_id FROM events")
        return cls(connection)

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        return self.connection.execute(sql, used_parameters(sql, params)).fetch_df()

    def register(self, name: str, table: pa.Table) -> None:
        self.connection.register(name, table)

    def columns(self, table: str) -> list[str]:
        return [row[0] for row in self.connection.execute(f'DESCRIBE "{table}"').fetchall()]


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
