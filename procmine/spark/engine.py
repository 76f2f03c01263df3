"""SparkEngine: the SqlEngine interface (procmine.sqlforms.engines) on a SparkSession."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa

from procmine.errors import ProcmineError
from procmine.sqlforms.common import (
    partition_offsets,
    partitioned_cases_sql,
    partitioned_events_sql,
)
from procmine.sqlforms.dialects import transpile
from procmine.sqlforms.engines import dataset_files, used_parameters
from procmine.sqlforms.selection import Selection, select

DEFAULT_MASTER = "local[2]"
_ENGINES = itertools.count(1)


def spark_session(master: str | None = None, shuffle_partitions: int = 4, driver_memory: str | None = None):
    """A SparkSession (the active one if there is one) with UTC session time and Arrow transfers.

    The session time zone must be UTC: the forms convert to local dates themselves. In local mode
    the driver does the work, so `driver_memory` (e.g. "6g"; PROCMINE_SPARK_DRIVER_MEMORY) is its heap.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ProcmineError("The Spark engine needs PySpark: pip install 'pyspark>=4,<5' (and Java 17).") from None
    builder = (SparkSession.builder.appName("procmine")
               .master(master or os.environ.get("PROCMINE_SPARK_MASTER", DEFAULT_MASTER))
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.ansi.enabled", "false")
               # Event attributes may differ from the canonical columns only in case (XES "Activity").
               .config("spark.sql.caseSensitive", "true"))
    memory = driver_memory or os.environ.get("PROCMINE_SPARK_DRIVER_MEMORY")
    if memory:
        builder = builder.config("spark.driver.memory", memory)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.conf.set("spark.sql.session.timeZone", "UTC")
    return session


class SparkEngine:
    """The SQL forms on Spark, over temporary views `events` and `cases` of one session.

    Temporary views are shared by everything on a Spark session, so each engine keeps its views
    under its own prefix (`procmine_<n>_events`...) and rewrites the names its SQL reads to them:
    two engines on one session (two datasets, or a dataset and a filtered copy) never see each
    other's `events`.
    """

    dialect = "spark"

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        """What a query that does not fit the data raises (an unknown column, a wrong type)."""
        from pyspark.errors import PySparkException

        return (PySparkException,)

    def __init__(self, session, prefix: str | None = None):
        self.session = session
        self.prefix = f"procmine_{next(_ENGINES)}_" if prefix is None else prefix
        self.materialised: set[str] = set()   # tables computed from the current `events`
        self._persisted: dict = {}

    @classmethod
    def for_dataset(cls, path: str | Path, session=None) -> SparkEngine:
        """Over a dataset folder (events.parquet or events/, cases.parquet) or a folder of datasets
        partitioned hive-style as `municipality=NAME/` (each with events.parquet and cases.parquet)."""
        path = Path(path)
        files = dataset_files(path)
        engine = cls(session or spark_session())
        read = engine.session.read.option("basePath", str(path)) if files.partitioned else engine.session.read
        events = files.events.replace("/**/*.parquet", "")
        engine.name_view(read.parquet(events), "raw_events" if files.partitioned else "dataset_events")
        if files.partitioned:
            engine.name_view(read.parquet(files.cases), "raw_cases")
            engine.register("partition_offsets", partition_offsets(engine))
            engine.view("dataset_events", partitioned_events_sql(engine.columns("raw_events")))
            engine.view("dataset_cases", partitioned_cases_sql(engine.columns("raw_cases")))
        elif files.cases is not None:
            engine.name_view(engine.session.read.parquet(files.cases), "dataset_cases")
        else:
            engine.view("dataset_cases", "SELECT DISTINCT case_id FROM dataset_events")
        select(engine, Selection())
        return engine

    def view(self, name: str, sql: str) -> None:
        """A temporary view of a query (DuckDB dialect, no bound values)."""
        self.name_view(self.session.sql(self._spark_sql(sql)), name)

    def name_view(self, frame, name: str) -> None:
        """`frame` as this engine's temporary view `name` (stored under the engine's prefix)."""
        frame.createOrReplaceTempView(self.prefix + name)

    def _spark_sql(self, sql: str) -> str:
        return transpile(sql, self.dialect, self.prefix)

    @classmethod
    def for_tables(cls, events: pa.Table, cases: pa.Table, session=None) -> SparkEngine:
        """Over in-memory Arrow tables (an EventLog's selection: events_table() and cases_table())."""
        engine = cls(session or spark_session())
        engine.register("events", events)
        engine.register("cases", cases)
        return engine

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        frame = self.session.sql(self._spark_sql(sql), args=used_parameters(sql, params) or None)
        return frame.toPandas()

    def register(self, name: str, table: pa.Table) -> None:
        """A small table as a temporary view (Spark broadcasts tables this small in its joins)."""
        table = pa.table({n: _plain(table.column(n)) for n in table.column_names})
        self.name_view(self.session.createDataFrame(table), name)

    def materialise(self, name: str, sql: str, params: dict | list | None = None, zone: str = "UTC") -> None:
        """A query kept in memory (spilling to disk) once first computed, as the temporary view `name`.

        It is analysed with `zone` as the session time zone (dates and naive times compare in it).
        """
        from pyspark import StorageLevel

        if name in self._persisted:
            self._persisted.pop(name).unpersist()
        values = params if isinstance(params, list) else used_parameters(sql, params)
        self.session.conf.set("spark.sql.session.timeZone", zone)
        try:
            frame = self.session.sql(self._spark_sql(sql), args=values or None)
        finally:
            self.session.conf.set("spark.sql.session.timeZone", "UTC")
        frame = frame.persist(StorageLevel.MEMORY_AND_DISK)
        self.name_view(frame, name)
        self._persisted[name] = frame

    def columns(self, table: str) -> list[str]:
        return list(self.session.table(self.prefix + table).columns)


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dictionary columns as their values (Spark reads them from Parquet that way too)."""
    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column
