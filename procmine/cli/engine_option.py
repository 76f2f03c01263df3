"""The shared `--engine` option: run a command's analysis on the NumPy kernels, DuckDB or Spark.

numpy (default) is the single-machine engine; duckdb and spark run the same analyses through
their SQL forms (procmine.sqlforms) over the dataset's Parquet; filter stacks run on every engine
(each filter's to_sql() on DuckDB or Spark, procmine.sqlforms.selection). Spark's master comes from
PROCMINE_SPARK_MASTER (default local[2]); see docs/ENGINE_SQL.md for a cluster.
"""

from __future__ import annotations

from pathlib import Path

import typer

import procmine
from procmine.errors import ConfigError
from procmine.sqlforms.log import analyse, compare_stacks  # noqa: F401  (the commands call them from here)

EngineOption = typer.Option("numpy", "--engine",
                            help="numpy (default), duckdb or spark (PROCMINE_SPARK_MASTER, default local[2]).")


def open_on(dataset: Path, engine: str, case_notion: str | None = None):
    """The dataset on the engine: an EventLog (numpy, seen with `case_notion`) or a SqlLog."""
    if engine != "numpy" and case_notion is not None:
        raise ConfigError("--case-notion works with --engine numpy only; drop one of them.")
    return procmine.open(dataset, case_notion=case_notion, engine=engine)
