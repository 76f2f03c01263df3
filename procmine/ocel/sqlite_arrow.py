"""Columns of an SQLite table straight into Arrow arrays through the ADBC SQLite driver (C: no Python
object per value; about twice the speed of joining a column into one string and splitting it).

The driver types a result column by its first batch and refuses a later value of another type, so
text columns are read as `CAST(column AS TEXT)`; when a column is null through the whole first batch
(typed as a number then), as `coalesce(CAST(column AS TEXT), marker)` with the marker turned back
into null. A column the driver still cannot give (e.g. numbers and text mixed in one
typed column) gives None, and the caller reads it another way. Batches of 64k rows: whole tables in one
batch took as much user time and, growing their buffers, page-faulted anew on every read (measured at
1M events: 170k faults and 1.2-1.6 s of system time per import, against 20k and 0.3-1.6 s).

A column of TEXT affinity (its declared type says CHAR, CLOB or TEXT, not INT) holds only text, blobs
and nulls (SQLite turns a number into its text when it is stored), so its text is the value as stored:
it is read without the CAST (a fifth less time in SQLite for event_object). A blob makes the driver
give bytes: then the column is read with the CAST after all.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pyarrow.compute as pc


def _driver() -> ModuleType | None:
    """The ADBC SQLite driver; it is a dependency, and without it the columns are read in bulk text."""
    try:
        import adbc_driver_sqlite.dbapi as dbapi
    except ImportError:
        return None
    return dbapi


adbc = _driver()
_READ_ERRORS: tuple[type[Exception], ...] = (OSError,) if adbc is None else (OSError, adbc.Error)

NULL_MARKER = "\x1e"
BATCH_ROWS = 1 << 16


class ArrowReader:
    """One read-only ADBC connection to the database at `path` (no connection when the driver is missing)."""

    def __init__(self, path: Path):
        self.connection = None
        if adbc is not None:
            try:
                self.connection = adbc.connect(f"file:{Path(path).resolve()}?mode=ro")
            except _READ_ERRORS:
                self.connection = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()

    def text(self, table: str, columns: list[str], stored_as_text: frozenset[str] = frozenset()) -> list[pa.Array] | None:
        """The columns as text arrays in rowid order, or None when the driver cannot read them
        (`stored_as_text`: the columns of TEXT affinity, read without a CAST)."""
        if not columns:
            return []
        if stored_as_text & set(columns):
            direct = self._direct_text(table, columns, stored_as_text)
            if direct is not None:
                return direct
        cast = ", ".join(f"CAST({quoted(c)} AS TEXT) AS {quoted(c)}" for c in columns)
        read = self._query(f"SELECT {cast} FROM {quoted(table)} ORDER BY rowid")
        if read is not None:
            return [whole(read.column(i)).cast(pa.string()) for i in range(len(columns))]
        # a column null through the whole first batch was typed as a number: give the nulls a text
        marked = ", ".join(f"coalesce(CAST({quoted(c)} AS TEXT), '{NULL_MARKER}') AS {quoted(c)}" for c in columns)
        read = self._query(f"SELECT {marked} FROM {quoted(table)} ORDER BY rowid")
        if read is None:
            return None
        null = pa.scalar(None, pa.string())
        return [pc.if_else(pc.equal(column, NULL_MARKER), null, column)
                for column in (whole(read.column(i)).cast(pa.string()) for i in range(len(columns)))]

    def _direct_text(self, table: str, columns: list[str], stored_as_text: frozenset[str]) -> list[pa.Array] | None:
        """The columns with those of TEXT affinity as stored; None when one of them holds a blob (the
        driver then gives bytes) or is not text through the first batch (all null: a number type)."""
        selected = ", ".join(quoted(c) if c in stored_as_text else f"CAST({quoted(c)} AS TEXT) AS {quoted(c)}"
                             for c in columns)
        read = self._query(f"SELECT {selected} FROM {quoted(table)} ORDER BY rowid")
        if read is None:
            return None
        arrays = [whole(read.column(i)) for i in range(len(columns))]
        if not all(pa.types.is_string(a.type) or a.null_count == len(a) for a in arrays):
            return None
        return [a.cast(pa.string()) for a in arrays]

    def values(self, table: str, column: str) -> pa.Array | None:
        """A column as SQLite typed its values (int64 or double), or as SQLite's text of them when any
        is text (the driver's own text of a number is not SQLite's); None when the driver cannot."""
        read = self._query(f"SELECT {quoted(column)} FROM {quoted(table)} ORDER BY rowid")
        if read is None:
            return None
        values = whole(read.column(0))
        if pa.types.is_string(values.type) or pa.types.is_binary(values.type):
            texts = self.text(table, [column])
            return None if texts is None else texts[0]
        return values

    def _query(self, sql: str) -> pa.Table | None:
        if self.connection is None:
            return None
        cursor = self.connection.cursor()
        try:
            cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
            cursor.execute(sql)
            return cursor.fetch_arrow_table()
        except _READ_ERRORS:
            return None
        finally:
            cursor.close()


def whole(column: pa.ChunkedArray) -> pa.Array:
    """The column as one array (a single chunk as it is: Arrow's concatenation copies even one)."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
