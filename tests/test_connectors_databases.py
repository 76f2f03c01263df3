"""The SBSYS extraction on SQLite, the real PostgreSQL and the real MariaDB: same dataset, safe faults."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os

import pyarrow.compute as pc
import pytest
import sqlalchemy as sa
from database_servers import database_factory

from connectors.runner import run_extraction
from connectors.sbsys import SbsysOptions, sbsys_extraction
from connectors.sbsys_demo import fill_sbsys_demo
from connectors.sbsys_demo_rows import DemoIds, status_change_row
from connectors.sbsys_tables import sbsys_tables
from procmine.dataset import read_dataset
from procmine.errors import ConnectorError

pytestmark = pytest.mark.database
KEY = "test-key-for-databases-0123456789"
CASES = 120


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", KEY)


@pytest.fixture(scope="session")
def server_database():
    """A factory: 'postgresql' or 'mariadb' -> URL of a fresh database, dropped at session end."""
    yield from database_factory()


def _job(url: str, out, chunk_size: int = 50_000):
    return sbsys_extraction(url, out, SbsysOptions(chunk_size=chunk_size))


def _sorted(table):
    return table.take(pc.sort_indices(table, [("event_key", "ascending")]))


def _fingerprint(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sqlite_postgresql_and_mariadb_give_identical_datasets(server_database, tmp_path):
    urls = {"sqlite": f"sqlite:///{tmp_path / 'sbsys.db'}",
            "postgresql": server_database("postgresql"), "mariadb": server_database("mariadb")}
    datasets = {}
    for kind, url in urls.items():
        content = fill_sbsys_demo(url, cases=CASES, seed=7)
        result = run_extraction(_job(url, tmp_path / kind, chunk_size=100))
        assert result.total > 5 * CASES * 0.8
        datasets[kind] = read_dataset(tmp_path / kind)
        _assert_no_personal_data(tmp_path / kind, content)
    reference = datasets["sqlite"]
    citizens = reference.cases.column("citizen")
    assert 0 < citizens.null_count < len(citizens) and len(citizens.unique()) < len(citizens)
    for kind in ("postgresql", "mariadb"):
        other = datasets[kind]
        assert _sorted(other.events.drop_columns(["case_index", "event_index"])).equals(
            _sorted(reference.events.drop_columns(["case_index", "event_index"]))), kind
        assert other.cases.equals(reference.cases), kind
        assert other.meta.incremental.watermarks == reference.meta.incremental.watermarks, kind
        assert other.meta.incremental.events_per_source == \
            reference.meta.incremental.events_per_source, kind


def _assert_no_personal_data(folder, content) -> None:
    """No byte of any output file holds a planted CPR number (any form), name, logon or hash."""
    blobs = [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    forms = [f(cpr) for cpr in content.cprs for f in (
        lambda c: c, lambda c: c.replace("-", ""), lambda c: c.replace("-", " "),
        lambda c: c.replace("-", "\u2013"), lambda c: f"{c[:2]}.{c[2:4]}.{c[4:]}")]
    for secret in forms + content.names + content.user_secrets + content.cvrs:
        assert not any(secret.encode() in blob for blob in blobs), (folder.name, secret)


def _new_status_rows(url: str, count: int) -> None:
    tables = sbsys_tables()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        cases = connection.execute(sa.select(tables.Sag.c.ID).where(
            tables.Sag.c.ErBeskyttet == sa.false()).order_by(tables.Sag.c.ID).limit(count)).scalars()
        when = dt.datetime(2025, 1, 6, 9, 0)
        ids = DemoIds(base=8_000_000 + count, seed=count)
        connection.execute(tables.SagHistorikStatus.insert(), [
            status_change_row(ids, case, before=None, after=105, when=when, user=730_001)
            for case in cases])
    engine.dispose()


def _delete_two_registrations(url: str) -> None:
    tables = sbsys_tables()
    registration = tables.DokumentRegistrering
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        ids = connection.execute(sa.select(registration.c.ID).join(
            tables.Sag, registration.c.SagID == tables.Sag.c.ID).where(
            registration.c.DeletedState == 0, tables.Sag.c.ErBeskyttet == sa.false())
            .order_by(registration.c.ID).limit(2)).scalars().all()
        connection.execute(registration.update().where(registration.c.ID.in_(ids))
                           .values(DeletedState=1, DeletedDate=dt.datetime(2025, 2, 3, 10)))
    engine.dispose()


def _killer(url: str, kind: str):
    """A progress hook that kills the extraction's database session after its first chunk."""
    database = sa.make_url(url).database
    fired = []

    def hook(source: str, rows: int) -> None:
        if fired:
            return
        fired.append(source)
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            if kind == "postgresql":
                connection.execute(sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": database})
            else:
                ids = connection.execute(sa.text(
                    "SELECT id FROM information_schema.processlist "
                    "WHERE db = :db AND id <> connection_id()"), {"db": database}).scalars().all()
                for session in ids:
                    connection.execute(sa.text("KILL :id"), {"id": int(session)})
        engine.dispose()

    return hook, fired


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_killed_connection_leaves_dataset_and_watermark_unchanged(server_database, tmp_path, kind):
    url = server_database(kind)
    fill_sbsys_demo(url, cases=60, seed=3)
    out = tmp_path / "dataset"
    first = run_extraction(_job(url, out))
    _new_status_rows(url, 20)
    before = _fingerprint(out)
    hook, fired = _killer(url, kind)
    with pytest.raises(ConnectorError) as failure:
        run_extraction(_job(url, out, chunk_size=10), progress=hook)
    assert fired, "the hook never ran"
    assert "reading the sources" in str(failure.value)
    assert _fingerprint(out) == before
    again = run_extraction(_job(url, out))
    assert again.new_events["status"] == 20 and again.total == 20
    assert len(read_dataset(out).events) == first.total + 20


def test_wrong_password_is_clear_and_never_shows_the_password(server_database, tmp_path):
    url = server_database("mariadb")
    user = f"procmine_pw_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE USER '{user}'@'%' IDENTIFIED BY 'Right-Secret-4711'"))
    try:
        wrong = "Wr0ng-S3cret-9876"
        bad_url = sa.make_url(url).set(username=user, password=wrong).render_as_string(False)
        with pytest.raises(ConnectorError) as failure:
            run_extraction(_job(bad_url, tmp_path / "dataset"))
        message = str(failure.value)
        assert "Access denied" in message and user in message
        assert wrong not in message and "***" in message
        assert not (tmp_path / "dataset").exists()
        from typer.testing import CliRunner

        from procmine.cli import app
        result = CliRunner().invoke(app, ["extract", "sbsys", "--url", bad_url,
                                          "--out", str(tmp_path / "dataset")])
        assert result.exit_code == 2
        assert wrong not in result.output and "Access denied" in result.output
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP USER '{user}'@'%'"))
        admin.dispose()


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_full_rebuild_equals_incremental_history(server_database, tmp_path, kind):
    url = server_database(kind)
    fill_sbsys_demo(url, cases=40, seed=11)
    run_extraction(_job(url, tmp_path / "incremental"))
    _new_status_rows(url, 15)
    _delete_two_registrations(url)
    second = run_extraction(_job(url, tmp_path / "incremental"))
    assert second.total == 15 and second.retracted == {"dokument": 2}
    run_extraction(_job(url, tmp_path / "once"))
    history = read_dataset(tmp_path / "incremental")
    assert len(history.meta.incremental.parts) == 2
    assert _sorted(history.events.drop_columns(["case_index", "event_index"])).equals(
        _sorted(read_dataset(tmp_path / "once").events.drop_columns(["case_index", "event_index"])))
    run_extraction(_job(url, tmp_path / "incremental"), full=True)
    rebuilt = read_dataset(tmp_path / "incremental")
    assert rebuilt.meta.incremental.runs == 1 and len(rebuilt.meta.incremental.parts) == 1
    run_extraction(dataclasses.replace(_job(url, tmp_path / "fresh")))
    assert _sorted(read_dataset(tmp_path / "fresh").events).equals(_sorted(rebuilt.events))
