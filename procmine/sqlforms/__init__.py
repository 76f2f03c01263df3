"""Reference SQL forms of the analyses: written once in DuckDB SQL, transpiled by SQLGlot for other engines.

One module per analysis (overview, variants, dfg, throughput, bottlenecks, deadlines, compare,
periods). Each holds its SQL text, with values as bound `$name` parameters and only identifiers
(validated) assembled in Python, and a `compute(engine, ...)` that runs it on any `SqlEngine`
and returns plain tables. The SQL reads the canonical dataset columns: `events`
(case_index, event_index, case_id, activity, timestamp UTC, start_timestamp, resource, ...),
`cases` (case_id + attributes) and `days`, the working-day calendar as a join table
(procmine.daytable). See docs/ENGINE_SQL.md for why it is written this way.
"""

from __future__ import annotations

from procmine.sqlforms.dialects import transpile
from procmine.sqlforms.engines import DuckDBEngine, SqlEngine

FORMS = ("overview", "variants", "dfg", "throughput", "bottlenecks", "deadlines", "compare", "periods")

__all__ = ["FORMS", "DuckDBEngine", "SqlEngine", "transpile"]
