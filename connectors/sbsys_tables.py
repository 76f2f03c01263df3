"""The 23 SBSYS tables as SQLAlchemy Core, built from `connectors.sbsys_schema`: names are quoted.

Each SQL Server type becomes the nearest portable type, so the same tables (every column, its
type and its NOT NULL) are created on SQLite, PostgreSQL, MariaDB and MS SQL Server.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import mssql, mysql

from connectors.sbsys_schema import SBSYS_SCHEMA, SbsysColumn

# MariaDB keeps no fractions of seconds in DATETIME unless told to.
DateTime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
TinyInteger = sa.SmallInteger().with_variant(mssql.TINYINT(), "mssql") \
    .with_variant(mysql.TINYINT(unsigned=True), "mysql", "mariadb")


def column_type(column: SbsysColumn) -> sa.types.TypeEngine:
    """The portable SQLAlchemy type of an SBSYS column (`nvarchar(50)` -> Unicode(50), ...)."""
    size = column.size
    length = size if isinstance(size, int) else None  # the parser gives a number, "max" or no size
    if column.type in ("nvarchar", "varchar"):
        text = sa.Unicode if column.type == "nvarchar" else sa.String
        return sa.UnicodeText() if size == "max" else text(length)
    simple: dict[str, sa.types.TypeEngine] = {"int": sa.Integer(), "bigint": sa.BigInteger(), "tinyint": TinyInteger,
              "bit": sa.Boolean(), "datetime": DateTime, "uniqueidentifier": sa.Uuid(),
              "text": sa.Text(), "ntext": sa.UnicodeText(), "char": sa.CHAR(length)}
    if column.type not in simple:
        raise ValueError(f"no portable type for the SBSYS column {column.name} ({column.type})")
    return simple[column.type]


@dataclass(frozen=True)
class SbsysTables:
    """The SBSYS tables of one database schema: `tables.Sag`, `tables.table("Sag")`."""

    metadata: sa.MetaData

    def table(self, name: str) -> sa.Table:
        """The table called `name` (a KeyError names an unknown table)."""
        return self.metadata.tables[f"{self.metadata.schema}.{name}" if self.metadata.schema
                                    else name]

    def __getattr__(self, name: str) -> sa.Table:
        if name.startswith("_") or name not in SBSYS_SCHEMA:
            raise AttributeError(name)
        return self.table(name)

    @property
    def names(self) -> list[str]:
        """The table names, in the order of the schema document."""
        return list(SBSYS_SCHEMA)


def sbsys_tables(schema: str | None = None) -> SbsysTables:
    """Table objects for SBSYS in `schema` (e.g. 'dbo' on MS SQL Server; None: the default)."""
    metadata = sa.MetaData(schema=schema)
    for name, columns in SBSYS_SCHEMA.items():
        # No foreign keys, like many SBSYS copies; ID is the IDENTITY primary key of every table.
        sa.Table(name, metadata, sa.Column("ID", sa.Integer, primary_key=True),
                 *[sa.Column(c.name, column_type(c), nullable=not c.not_null) for c in columns])
    return SbsysTables(metadata)
