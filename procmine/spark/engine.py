"""SparkEngine: the SqlEngine interface (procmine.sqlforms.engines) on a SparkSession."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa

from procmine import schema as s
from procmine.errors import DatasetError, ProcmineError
from procmine.sqlforms.dialects import transpile
from procmine.sqlforms.engines import used_parameters

DEFAULT_MASTER = "local[2]"


def spark_session(master: str | None = None, shuffle_partitions: int = 4):
    """A SparkSession (the active one if there is one) with UTC session time and Arrow transfers.

    The session time zone must be UTC: the forms convert to local dates themselves.
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
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.conf.set("spark.sql.session.timeZone", "UTC")
    return session


class SparkEngine:
    """The SQL forms on Spark, over temporary views `events` and `cases` of one session."""

    dialect = "spark"

    def __init__(self, session, prefix: str = ""):
        self.session = session
        self.prefix = prefix

    @classmethod
    def for_dataset(cls, path: str | Path, session=None) -> "SparkEngine":
        """Over a dataset folder (events.parquet or events/ with hive partitions, cases.parquet)."""
        path = Path(path)
        session = session or spark_session()
        events = path / s.EVENTS_FILE
        if not events.exists():
            events = path / s.EVENTS_DIR
            if not events.is_dir():
                raise DatasetError(f"{path}: no {s.EVENTS_FILE} or {s.EVENTS_DIR}/ folder. "
                                   "Give a dataset folder written by procmine import.")
        session.read.parquet(str(events)).createOrReplaceTempView("events")
        cases = path / s.CASES_FILE
        if cases.exists():
            session.read.parquet(str(cases)).createOrReplaceTempView("cases")
        else:
            session.sql("SELECT DISTINCT case_id FROM events").createOrReplaceTempView("cases")
        return cls(session)

    @classmethod
    def for_tables(cls, events: pa.Table, cases: pa.Table, session=None) -> "SparkEngine":
        """Over in-memory Arrow tables (an EventLog's selection: events_table() and cases_table())."""
        engine = cls(session or spark_session())
        engine.register("events", events)
        engine.register("cases", cases)
        return engine

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        frame = self.session.sql(transpile(sql, self.dialect), args=used_parameters(sql, params) or None)
        return frame.toPandas()

    def register(self, name: str, table: pa.Table) -> None:
        """A small table as a temporary view (Spark broadcasts tables this small in its joins)."""
        table = pa.table({n: _plain(table.column(n)) for n in table.column_names})
        self.session.createDataFrame(table).createOrReplaceTempView(name)

    def columns(self, table: str) -> list[str]:
        return list(self.session.table(table).columns)


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dictionary columns as their values (Spark reads them from Parquet that way too)."""
    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column
