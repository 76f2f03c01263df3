"""The one interface the SQL forms run on, and its DuckDB implementation.

An engine answers a query (DuckDB-dialect SQL plus bound values) with a pandas table and can
register a small Arrow table (the day table, windows, end activities) under a name.
`procmine.spark` implements the same interface on Apache Spark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from procmine import schema as s
from procmine.errors import DatasetError
from procmine.sqlforms.common import (
    PARTITION,
    partition_offsets,
    partitioned_cases_sql,
    partitioned_events_sql,
)
from procmine.sqlforms.selection import Selection, select

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class SqlEngine(Protocol):
    """What a form needs from an engine: tables `events`, `cases`, plus registered ones."""

    dialect: str

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame: ...

    def register(self, name: str, table: pa.Table) -> None: ...

    def columns(self, table: str) -> list[str]: ...

    errors: tuple[type[Exception], ...]   # what a query that does not fit the data raises
    materialised: set[str]   # per-selection tables computed (common.prepare_case_runs)

    def materialise(self, name: str, sql: str, params: dict | list | None = None, zone: str = "UTC") -> None: ...

    def view(self, name: str, sql: str) -> None: ...


def used_parameters(sql: str, params: dict | None) -> dict:
    """Only the values the SQL names (engines reject values they are not asked for)."""
    wanted = set(_PARAMETER.findall(sql))
    return {name: value for name, value in (params or {}).items() if name in wanted}


@dataclass(frozen=True)
class DatasetFiles:
    """Where a dataset's Parquet lies: glob patterns or paths of events and cases (None: no case table)."""

    events: str
    cases: str | None
    partitioned: bool


def dataset_files(path: Path) -> DatasetFiles:
    """The Parquet of a dataset folder, or of a folder of datasets partitioned as `municipality=NAME/`."""
    if (path / s.EVENTS_FILE).exists():
        cases = path / s.CASES_FILE
        return DatasetFiles(str(path / s.EVENTS_FILE), str(cases) if cases.exists() else None, False)
    if (path / s.EVENTS_DIR).is_dir():
        cases = path / s.CASES_FILE
        return DatasetFiles(str(path / s.EVENTS_DIR / "**" / "*.parquet"), str(cases) if cases.exists() else None,
                            False)
    parts = sorted(path.glob(f"{PARTITION}=*/{s.EVENTS_FILE}"))
    if parts:
        missing = [p.parent.name for p in parts if not (p.parent / s.CASES_FILE).exists()]
        if missing:
            raise DatasetError(f"{path}: {', '.join(missing)} has no {s.CASES_FILE}; every municipal dataset "
                               "needs one (re-import it with its case table).")
        return DatasetFiles(str(path / f"{PARTITION}=*" / s.EVENTS_FILE),
                            str(path / f"{PARTITION}=*" / s.CASES_FILE), True)
    raise DatasetError(f"{path}: no {s.EVENTS_FILE}, no {s.EVENTS_DIR}/ folder and no {PARTITION}=NAME/ "
                       "datasets. Give a dataset folder written by procmine import.")


class DuckDBEngine:
    """The forms on embedded DuckDB, over a connection that has views `events` and `cases`."""

    dialect = "duckdb"
    errors = (duckdb.Error,)        # what a query that does not fit the data raises

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.connection = connection
        self.connection.execute("SET TimeZone = 'UTC'")
        self.materialised: set[str] = set()   # tables computed from the current `events` (dropped when it changes)

    @classmethod
    def for_log(cls, log) -> DuckDBEngine:
        """Over an EventLog's selection (procmine.EventLog.sql)."""
        return cls(log.sql())

    @classmethod
    def for_dataset(cls, path: str | Path) -> DuckDBEngine:
        """Over a dataset folder's Parquet files, or a folder of datasets (`municipality=NAME/`)."""
        path = Path(path)
        files = dataset_files(path)
        connection = duckdb.connect()
        engine = cls(connection)
        # A view cannot take bound values, so the paths are SQL string literals (quotes doubled).
        if files.partitioned:
            if files.cases is None:  # dataset_files refuses a partition without its case table
                raise DatasetError(f"{path}: the partitioned datasets have no {s.CASES_FILE}.")
            connection.execute(f"CREATE VIEW raw_events AS SELECT * FROM read_parquet({_literal(files.events)}, "
                               "hive_partitioning = true)")
            engine.register("partition_offsets", partition_offsets(engine))
            engine.view("dataset_events", partitioned_events_sql(engine.columns("raw_events")))
            connection.execute(f"CREATE VIEW raw_cases AS SELECT * FROM read_parquet({_literal(files.cases)}, "
                               "hive_partitioning = true, union_by_name = true)")
            engine.view("dataset_cases", partitioned_cases_sql(engine.columns("raw_cases")))
        else:
            engine.view("dataset_events", f"SELECT * FROM read_parquet({_literal(files.events)}, "
                                          "hive_partitioning = true)")
            engine.view("dataset_cases", f"SELECT * FROM read_parquet({_literal(files.cases)})"
                        if files.cases is not None else "SELECT DISTINCT case_id FROM dataset_events")
        select(engine, Selection())
        return engine

    def view(self, name: str, sql: str) -> None:
        """A view of a query (no bound values), replacing one of that name."""
        self.connection.execute(f'CREATE OR REPLACE VIEW "{name}" AS {sql}')

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        return self.connection.execute(sql, used_parameters(sql, params)).fetch_df()

    def register(self, name: str, table: pa.Table) -> None:
        self.connection.register(name, table)

    def materialise(self, name: str, sql: str, params: dict | list | None = None, zone: str = "UTC") -> None:
        """A temporary table of a query that later queries read by `name` (run with `zone` as the
        session time zone, in which dates and naive times are compared)."""
        values = params if isinstance(params, list) else used_parameters(sql, params)
        self.connection.execute(f"SET TimeZone = {_literal(zone)}")
        try:
            self.connection.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {sql}', values)
        finally:
            self.connection.execute("SET TimeZone = 'UTC'")

    def columns(self, table: str) -> list[str]:
        return [row[0] for row in self.connection.execute(f'DESCRIBE "{table}"').fetchall()]


def _literal(path: str) -> str:
    return "'" + str(path).replace("'", "''") + "'"
