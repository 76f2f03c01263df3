"""The analyses on Apache Spark: the reference SQL forms (procmine.sqlforms), transpiled to Spark SQL.

`SparkEngine.for_dataset(path)` reads a dataset folder's Parquet (or a folder of datasets
partitioned hive-style, e.g. `municipality=...`) and answers the same forms as DuckDB.
Start a session with `spark_session(master)`: "local[2]" on one machine, a cluster's master URL
(spark://host:7077, yarn, k8s://...) otherwise.
"""

from __future__ import annotations

from procmine.spark.engine import SparkEngine, spark_session

__all__ = ["SparkEngine", "spark_session"]
