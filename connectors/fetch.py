"""Rows of a plan's SELECT as Arrow tables: COPY for PostgreSQL, plain DBAPI tuples elsewhere.

Neither path builds SQLAlchemy Row objects: the generic path takes the driver's tuples through
the result's own fetch strategy (the one path that also holds the rows SQLAlchemy has already
fetched ahead), transposes them and builds one Arrow array per column.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import sqlalchemy as sa

from connectors.pg_copy import copy_rows, copy_supported
from connectors.prefetch import prefetched
from procmine.errors import ConnectorError


def stream_rows(connection: sa.Connection, statement: sa.Select, chunk_size: int
                ) -> Iterator[pa.Table]:
    """Run `statement` and yield its rows as Arrow tables of at most `chunk_size` rows."""
    driver_error = connection.dialect.loaded_dbapi.Error
    try:
        if copy_supported(connection):
            # COPY and CSV parsing run ahead in a thread while the caller processes a chunk.
            yield from prefetched(copy_rows(connection, statement, chunk_size))
        else:
            yield from fetch_rows(connection, statement, chunk_size)
    except driver_error as exc:  # raised by the driver outside SQLAlchemy's own calls
        raise sa.exc.DBAPIError(None, None, exc) from None


def fetch_rows(connection: sa.Connection, statement: sa.Select, chunk_size: int
               ) -> Iterator[pa.Table]:
    """The generic path: a server-side cursor read in chunks of driver tuples."""
    result = connection.execution_options(stream_results=True).execute(statement)
    names = list(result.keys())
    try:
        while True:
            # Looked up each time: when the rows run out, SQLAlchemy swaps in a closed strategy.
            rows = result.cursor_strategy.fetchmany(result, result.cursor, chunk_size)
            if not rows:
                return
            columns = zip(*rows)
            yield pa.table({name: _as_arrow(values, name) for name, values in zip(names, columns)})
    finally:
        result.close()


def _as_arrow(values: tuple, name: str) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ConnectorError(f"column {name!r} holds values of mixed types ({exc}). Cast the "
                             "column to one type in a `query:` source.") from None
