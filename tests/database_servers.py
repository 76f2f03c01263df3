"""The real PostgreSQL and MariaDB servers of the tests: fresh databases, dropped afterwards.

A server that is not running skips the test with "not reachable" (a failure in CI, where
PROCMINE_REQUIRE_SERVICES=1, see conftest.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

SERVERS = {"postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432",
           "mariadb": "mysql+pymysql://root@127.0.0.1:3306"}


def _admin_url(kind: str) -> str:
    return SERVERS[kind] + ("/postgres" if kind == "postgresql" else "/")


def database_factory() -> Iterator[Callable[[str], str]]:
    """Yield a factory 'sqlite'/'postgresql'/'mariadb' -> URL of a fresh database; drop them after."""
    created: list[tuple[str, str]] = []

    def make(kind: str, folder=None) -> str:
        name = f"procmine_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        if kind == "sqlite":
            return f"sqlite:///{folder / (name + '.db')}" if folder else "sqlite://"
        engine = sa.create_engine(_admin_url(kind), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(f"CREATE DATABASE {name}"))
        except sa.exc.OperationalError as exc:
            pytest.skip(f"{kind} server at {SERVERS[kind]} is not reachable: {exc.orig}")
        finally:
            engine.dispose()
        created.append((kind, name))
        return f"{SERVERS[kind]}/{name}"

    yield make
    for kind, name in created:
        engine = sa.create_engine(_admin_url(kind), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            force = " WITH (FORCE)" if kind == "postgresql" else ""
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}{force}"))
        engine.dispose()
