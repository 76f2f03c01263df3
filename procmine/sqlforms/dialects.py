"""From the one dialect the forms are written in (DuckDB) to another engine's, by SQLGlot.

SQLGlot's DuckDB→Spark translation is right for everything the forms use except two functions,
which are corrected on the syntax tree before Spark SQL is generated (each is covered by the
Spark differential tests):

- `quantile_cont(x, q)` becomes `PERCENTILE_CONT(x, q)`, which Spark does not accept; Spark's
  exact, linearly interpolated quantile (the same as NumPy's and DuckDB's) is `percentile(x, q)`.
- `epoch_us(t)` is passed through unchanged; Spark calls it `unix_micros(t)`.

Filters' SQL (procmine.filters) adds two more: a bound value cast as `?::VARCHAR[]` does not parse
(it is read as `CAST(? AS VARCHAR[])` instead), and an ordered `list(x ORDER BY y)` would lose its
order (SQLGlot gives an unordered COLLECT_LIST), so it is refused rather than answered wrongly: a
form or filter that needs a list in order sorts structs instead (`list_sort(list(struct_pack(...)))`,
as the per-case sequence and the variants filter do), which SQLGlot writes as Spark's ARRAY_SORT.
"""

from __future__ import annotations

import functools
import re

import sqlglot
from sqlglot import exp

from procmine.errors import ProcmineError

SOURCE_DIALECT = "duckdb"
_CAST_MARKER = re.compile(r"\?::([A-Za-z]+(?:\[\])*)")


@functools.lru_cache(maxsize=256)
def transpile(sql: str, dialect: str, prefix: str = "") -> str:
    """The SQL text (DuckDB dialect) in `dialect` ("duckdb" returns it unchanged), with `prefix`
    before the name of every table it reads (an engine's own views, see `prefixed`)."""
    if dialect == SOURCE_DIALECT and not prefix:
        return sql
    tree = sqlglot.parse_one(_CAST_MARKER.sub(r"CAST(? AS \1)", sql), read=SOURCE_DIALECT)
    if prefix:
        tree = prefixed(tree, prefix)
    if dialect == "spark":
        if any(isinstance(node.this, exp.Order) for node in tree.find_all(exp.ArrayAgg)):
            raise ProcmineError("This query collects a list in order (list(... ORDER BY ...)), which has no "
                                "Spark SQL form (the order would be lost). Use --engine duckdb or numpy for it.")
        tree = tree.transform(_spark_function)
    return tree.sql(dialect=dialect)


def prefixed(tree: exp.Expr, prefix: str) -> exp.Expr:
    """The query reading `prefix + name` for each table `name` it reads (not its CTEs), aliased as `name`
    so that columns qualified by the table name still resolve."""
    ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier) or table.db or table.catalog or table.name in ctes:
            continue
        if not table.alias:
            table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
        table.set("this", exp.to_identifier(prefix + table.name))
    return tree


def _spark_function(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.PercentileCont):
        return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "epoch_us":
        return exp.Anonymous(this="unix_micros", expressions=list(node.expressions))
    return node
