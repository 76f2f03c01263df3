"""Database triggers that make the audit table append-only (deletes only behind a checkpoint)."""

from __future__ import annotations

import sqlalchemy as sa

_MESSAGE = "the procmine audit log is append-only"


def install_guards(con, table: sa.Table) -> None:
    """Refuse UPDATE always and DELETE of any record at or after the newest checkpoint."""
    if con.dialect.name == "sqlite":
        _sqlite(con, table.name)
    elif con.dialect.name == "postgresql":
        _postgresql(con, table)


def _sqlite(con, name: str) -> None:
    con.exec_driver_sql(f'CREATE TRIGGER IF NOT EXISTS "{name}_no_update" BEFORE UPDATE ON "{name}" '
                        f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")
    con.exec_driver_sql(
        f'CREATE TRIGGER IF NOT EXISTS "{name}_no_delete" BEFORE DELETE ON "{name}" '
        f"WHEN OLD.seq >= COALESCE((SELECT max(seq) FROM \"{name}\" WHERE action = 'checkpoint'), -1) "
        f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")


def _postgresql(con, table: sa.Table) -> None:
    prefix = f'"{table.schema}".' if table.schema else ""
    qualified = f'{prefix}"{table.name}"'
    function = f'{prefix}"{table.name}_append_only"'
    con.exec_driver_sql(f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $body$
        BEGIN
          IF TG_OP = 'UPDATE' OR OLD.seq >= COALESCE(
              (SELECT max(seq) FROM {qualified} WHERE action = 'checkpoint'), -1) THEN
            RAISE EXCEPTION '{_MESSAGE}';
          END IF;
          RETURN OLD;
        END $body$ LANGUAGE plpgsql""")
    exists = con.execute(sa.text("SELECT 1 FROM pg_trigger WHERE tgname = :name AND tgrelid = "
                                 "to_regclass(:table)"),
                         {"name": f"{table.name}_append_only", "table": qualified}).first()
    if not exists:
        con.exec_driver_sql(f'CREATE TRIGGER "{table.name}_append_only" BEFORE UPDATE OR DELETE ON '
                            f"{qualified} FOR EACH ROW EXECUTE FUNCTION {function}()")
