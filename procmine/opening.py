"""`procmine.open`: a dataset folder as an EventLog, or as a SqlLog on DuckDB or Spark.

It sits above the engine (eventlog) because it picks among the higher layers that
build a log: the object-centric case notions and the SQL engines.
"""

from __future__ import annotations

import os
from pathlib import Path

from procmine.dataset import read_dataset
from procmine.errors import ConfigError
from procmine.eventlog import EventLog


def open_log(path: str | os.PathLike, case_notion: str | None = None, engine: str = "numpy"):
    """Open a dataset folder as an EventLog (`procmine.open`).

    `case_notion` picks what a case is: an object type of an object-centric dataset
    (default: the one it was imported with), or a case attribute such as "citizen" of
    a case-centric one (default: its cases). See procmine.ocel.notion.
    engine="duckdb" or "spark" gives a `procmine.sqlforms.log.SqlLog` instead: the same analyses
    through their SQL forms, over the dataset (or a folder of `municipality=NAME/` datasets).
    """
    if engine != "numpy":
        from procmine.sqlforms.log import check_engine, open_sql_log
        if case_notion is not None:
            raise ConfigError("A case notion other than the dataset's own works on the numpy engine only; "
                              "leave out --case-notion or use --engine numpy.")
        return open_sql_log(path, check_engine(engine))
    dataset = read_dataset(Path(path))
    if case_notion is not None or dataset.meta.object_centric:
        from procmine.ocel.notion import with_case_notion
        dataset = with_case_notion(dataset, case_notion)
    return EventLog.from_dataset(dataset)
