"""The SBSYS tables are the ones of ../shared/SBSYS_SCHEMA.md, on SQLite, PostgreSQL and MariaDB.

The schema module is checked against the markdown itself (parsed here, independently), and the
tables created from it are read back from each real database: every column, its type and its
NOT NULL; a row that forgets a NOT NULL column fails to insert, as it would in SBSYS.
"""

from __future__ import annotations

import random
import re

import pytest
import sqlalchemy as sa
from database_servers import database_factory
from shared_data import SHARED_DATA

from connectors.sbsys_demo import simulate
from connectors.sbsys_schema import SBSYS_SCHEMA
from connectors.sbsys_tables import sbsys_tables

SCHEMA_DOCUMENT = SHARED_DATA.parent / "SBSYS_SCHEMA.md"
DIALECTS = ["sqlite", "postgresql", "mariadb"]
# What each SQL Server type may read back as, per database (SQLAlchemy's reflected type names).
READ_BACK = {
    "int": {"INTEGER"}, "bigint": {"BIGINT"}, "tinyint": {"SMALLINT", "TINYINT"},
    "bit": {"BOOLEAN", "TINYINT"}, "datetime": {"DATETIME", "TIMESTAMP"},
    "uniqueidentifier": {"UUID", "CHAR"}, "nvarchar": {"VARCHAR", "TEXT"},
    "varchar": {"VARCHAR", "TEXT"}, "char": {"CHAR"}, "text": {"TEXT"}, "ntext": {"TEXT"}}


def _document_tables() -> dict[str, list[tuple[str, str, bool]]]:
    """Table -> [(column, 'type(size)', not null)] as the markdown's table lists them."""
    text = SCHEMA_DOCUMENT.read_text(encoding="utf-8")
    tables = {}
    for table, columns in re.findall(r"^\| `([A-Za-z]+)` \| ([^|]+) \|\s*$", text, re.MULTILINE):
        parsed = []
        for column in columns.split(","):
            name, _, kind = column.strip().partition(":")
            parsed.append((name, kind.removesuffix(" NN"), kind.endswith(" NN")))
        tables[table] = parsed
    return tables


def test_schema_module_is_the_schema_document():
    document = _document_tables()
    assert len(document) == 23
    module = {table: [(c.name, c.type + (f"({c.size})" if c.size is not None else ""), c.not_null)
                      for c in columns] for table, columns in SBSYS_SCHEMA.items()}
    assert list(module) == list(document)
    for table, columns in document.items():
        assert module[table] == columns, table


def test_the_points_that_matter_are_in_the_schema():
    columns = {table: {c.name: c for c in cols} for table, cols in SBSYS_SCHEMA.items()}
    assert "DokumentArt" not in columns and "DokumentArtID" in columns["Dokument"]
    assert columns["DokumentRegistrering"]["DeletedState"].type == "tinyint"
    assert columns["Erindring"]["Annulleret"].type == "datetime"
    assert columns["Erindring"]["ErAnnulleret"].not_null
    assert columns["SagsStatus"]["IsDeleted"].not_null
    assert columns["Person"]["CprNummer"].size == 11 and not columns["Person"]["CprNummer"].not_null
    assert {"LogonPassword", "LogonSalt"} <= set(columns["Bruger"])


@pytest.fixture(scope="module")
def database():
    yield from database_factory()


@pytest.fixture(scope="module", params=DIALECTS)
def created(request, database, tmp_path_factory):
    """An engine on a fresh database of each kind with the 23 SBSYS tables created."""
    url = database(request.param, tmp_path_factory.mktemp("schema"))
    engine = sa.create_engine(url)
    sbsys_tables().metadata.create_all(engine)
    yield request.param, engine
    engine.dispose()


def test_every_column_with_its_type_and_not_null_is_created(created):
    kind, engine = created
    inspector = sa.inspect(engine)
    assert set(SBSYS_SCHEMA) <= set(inspector.get_table_names())
    for table, columns in SBSYS_SCHEMA.items():
        found = {c["name"]: c for c in inspector.get_columns(table)}
        assert list(found) == ["ID", *(c.name for c in columns)], (kind, table)
        assert inspector.get_pk_constraint(table)["constrained_columns"] == ["ID"]
        for column in columns:
            read = found[column.name]
            where = (kind, table, column.name)
            assert read["nullable"] is (not column.not_null), where
            assert type(read["type"]).__name__.upper() in READ_BACK[column.type] or \
                read["type"].__visit_name__.upper() in READ_BACK[column.type], (where, read["type"])
            if column.type in ("nvarchar", "varchar") and isinstance(column.size, int):
                assert read["type"].length == column.size, where


def test_a_forgotten_not_null_column_fails_the_insert(created):
    kind, engine = created
    rows, _ = simulate(random.Random(4), cases=40)
    tables = sbsys_tables()
    for name, columns in SBSYS_SCHEMA.items():
        table, complete = tables.table(name), rows[name][0]
        for column in (c for c in columns if c.not_null):
            forgotten = {k: v for k, v in complete.items() if k != column.name}
            with pytest.raises(sa.exc.DBAPIError) as failure, engine.begin() as connection:
                connection.execute(table.insert(), [forgotten])
            assert column.name in str(failure.value.orig), (kind, name, column.name)
        with engine.begin() as connection:  # the complete row goes in
            connection.execute(table.insert(), [complete])
