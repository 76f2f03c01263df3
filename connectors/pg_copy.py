"""PostgreSQL fast path: a plan's SELECT streamed by `COPY (...) TO STDOUT` as CSV into typed Arrow.

Measured on 1M rows (benchmarks/RESULTS.md): COPY moves the rows in less than half the time of a
server-side binary cursor whose tuples are turned into Arrow columns, at about a quarter of its
CPU time (pyarrow parses the CSV in C++; the cursor builds a Python object per value), so it is
the path for `postgresql+psycopg`. COPY takes no server-side parameters, so the bound values are merged in
by psycopg's ClientCursor, which quotes each one with the driver's own adapters (the same escaping
as any client-side binding); SQL text is never formatted from values here. Column types come from
the server's description of the query (type OIDs), never guessed from the data.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa

from procmine.errors import ConnectorError

_INTEGERS = {20, 21, 23, 26}            # int8, int2, int4, oid
_FLOATS = {700, 701}                    # float4, float8
_BOOLEAN, _DATE, _TIMESTAMP, _TIMESTAMPTZ = 16, 1082, 1114, 1184
_BLOCK_BYTES = 8 << 20
_PLAIN_VALUES = (bool, int, float, str, type(None))


def copy_supported(connection: sa.Connection) -> bool:
    """True for psycopg 3 connections in UTF-8 whose server writes dates in ISO style."""
    dialect = connection.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        return False
    driver = connection.connection.driver_connection
    if driver is None:
        return False
    info = driver.info
    date_style = info.parameter_status("DateStyle") or ""
    # pyarrow reads UTF-8 only; other client encodings take the cursor path.
    return date_style.startswith("ISO") and info.encoding == "utf-8"


def copy_rows(connection: sa.Connection, statement: sa.Select, chunk_size: int
              ) -> Iterator[pa.Table]:
    """Yield the rows of `statement` as Arrow tables of at most `chunk_size` rows."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise ConnectorError("The database connection is closed; it cannot copy rows.")
    sql, params = client_bound(statement, connection.dialect)
    with psycopg.ClientCursor(driver) as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) AS procmine_rows LIMIT 0", params)
        if cursor.description is None:  # a SELECT always describes its columns
            raise ConnectorError("The database gave no columns for the extraction query.")
        columns = [(column.name, column.type_code) for column in cursor.description]
        repeats = _repeats(statement, [name for name, _ in columns])
        copied = [(name, oid) for name, oid in columns if name not in repeats]
        with cursor.copy(_copy_statement(sql, copied, connection.dialect), params) as copy:
            stream = _CopyStream(copy)
            if stream.at_end():  # pyarrow refuses an empty CSV
                return
            reader = pacsv.open_csv(stream, **_csv_options(copied))
            try:
                for table in _typed_chunks(reader, copied, chunk_size):
                    yield pa.table({name: table.column(repeats.get(name, name)) for name, _ in columns})
            finally:
                reader.close()


def _repeats(statement: sa.Select, names: list[str]) -> dict[str, str]:
    """Output columns that repeat an earlier one's expression (the cursor is often the timestamp):
    each is sent once by COPY and shared in Arrow."""
    selected = list(statement.selected_columns)
    if len(selected) != len(names):
        return {}
    first: dict[int, str] = {}
    repeats = {}
    for name, column in zip(names, selected):
        element = getattr(column, "element", column)
        if id(element) in first:
            repeats[name] = first[id(element)]
        else:
            first[id(element)] = name
    return repeats


def client_bound(statement: sa.Select, dialect: sa.Dialect) -> tuple[str, dict]:
    """The statement's SQL with %(name)s placeholders and its processed values (plain types only)."""
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    params = {}
    for bind, name in compiled.bind_names.items():
        value = values[name]
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        value = processor(value) if processor is not None else value
        if not isinstance(value, _PLAIN_VALUES) and not hasattr(value, "isoformat"):
            raise ConnectorError(f"a bound value of type {type(value).__name__} cannot be sent "
                                 "with COPY; bind only numbers, text, dates and times.")
        params[name] = value
    return compiled.string, params


def _copy_statement(sql: str, columns: list[tuple[str, int]], dialect: sa.Dialect) -> str:
    # timestamptz is written as UTC wall time so that the CSV never holds zone offsets
    # (the session zone of the query itself is left alone).
    quote = dialect.identifier_preparer.quote_identifier
    outputs = [f"(procmine_rows.{quote(name)} AT TIME ZONE 'UTC')" if oid == _TIMESTAMPTZ
               else f"procmine_rows.{quote(name)}" for name, oid in columns]
    return (f"COPY (SELECT {', '.join(outputs)} FROM ({sql}) AS procmine_rows) "
            "TO STDOUT (FORMAT csv)")


def arrow_type(oid: int) -> pa.DataType:
    """The Arrow type a column of PostgreSQL type `oid` is read as (text for other types)."""
    if oid in _INTEGERS:
        return pa.int64()
    if oid in _FLOATS:
        return pa.float64()
    if oid == _BOOLEAN:
        return pa.bool_()
    if oid == _DATE:
        return pa.date32()
    if oid in (_TIMESTAMP, _TIMESTAMPTZ):
        return pa.timestamp("us")
    return pa.string()  # numeric, text, uuid, json, ...: PostgreSQL's own text form


def _csv_options(columns: list[tuple[str, int]]) -> dict:
    names = [name for name, _ in columns]
    return {
        "read_options": pacsv.ReadOptions(column_names=names, block_size=_BLOCK_BYTES),
        "parse_options": pacsv.ParseOptions(newlines_in_values=True),
        "convert_options": pacsv.ConvertOptions(
            column_types={name: arrow_type(oid) for name, oid in columns},
            null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False,
            true_values=["t"], false_values=["f"]),
    }


def _typed_chunks(reader, columns, chunk_size: int) -> Iterator[pa.Table]:
    zoned = [i for i, (_, oid) in enumerate(columns) if oid == _TIMESTAMPTZ]
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in _batches(reader):
        pending.append(batch)
        rows += batch.num_rows
        while rows >= chunk_size:
            table = pa.Table.from_batches(pending)
            yield _with_zones(table.slice(0, chunk_size), zoned)
            rest = table.slice(chunk_size)
            pending, rows = rest.to_batches(), rest.num_rows
    if rows:
        yield _with_zones(pa.Table.from_batches(pending), zoned)


def _batches(reader) -> Iterator[pa.RecordBatch]:
    while True:
        try:
            yield reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as exc:
            raise ConnectorError(f"a value from PostgreSQL cannot be read as its column's type "
                                 f"({exc}). Filter such values (e.g. 'infinity' dates) out in a "
                                 "`query:` source or cast the column.") from None


def _with_zones(table: pa.Table, zoned: list[int]) -> pa.Table:
    for index in zoned:
        column = table.column(index).cast(pa.timestamp("us", tz="UTC"))
        table = table.set_column(index, table.field(index).name, column)
    return table


class _CopyStream(io.RawIOBase):
    """A read-only file over a COPY TO STDOUT: PostgreSQL sends one message per row."""

    def __init__(self, copy: psycopg.Copy):
        super().__init__()
        self._copy = copy
        self._pending = bytearray()

    def readable(self) -> bool:
        """Always readable."""
        return True

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (everything left with -1); b'' at the end of the COPY."""
        buffer = self._pending  # a bytearray: appending rows to it is cheap, joining is not
        next_row = self._copy.read
        while size < 0 or len(buffer) < size:
            row = next_row()
            if not row:
                break
            buffer += row
        if size < 0 or len(buffer) <= size:
            self._pending = bytearray()
            return bytes(buffer)
        self._pending = buffer[size:]
        return bytes(buffer[:size])

    def at_end(self) -> bool:
        """True if the COPY holds no rows at all (checked before the first read)."""
        if not self._pending:
            self._pending += self._copy.read()
        return not self._pending

    def readinto(self, buffer) -> int:
        """Fill `buffer` from the COPY; returns the number of bytes written."""
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)
