"""The shared `--engine` option: run a command's analysis on the NumPy kernels, DuckDB or Spark.

numpy (default) is the single-machine engine; duckdb and spark run the same analyses through
their SQL forms (procmine.sqlforms) over the dataset's Parquet. Spark's master comes from
PROCMINE_SPARK_MASTER (default local[2]); see docs/ENGINE_SQL.md for a cluster.
"""

from __future__ import annotations

from pathlib import Path

import typer

import procmine
from procmine.errors import ConfigError
from procmine.sqlforms.log import analyse  # noqa: F401  (the commands call it from here)

EngineOption = typer.Option("numpy", "--engine",
                            help="numpy (default), duckdb or spark (PROCMINE_SPARK_MASTER, default local[2]).")


def open_on(dataset: Path, engine: str, filters: list | None = None):
    """The dataset on the engine; filters need the numpy engine (they compile to DuckDB over its arrays)."""
    if engine != "numpy" and filters:
        raise ConfigError(f"--filter works with --engine numpy only, not {engine!r}. Drop --filter, or run "
                          "without --engine to filter on this machine.")
    return procmine.open(dataset, engine=engine)
