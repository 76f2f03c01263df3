"""The audit log on real SQLite and a real PostgreSQL: chained, append-only, tamper-evident, pruned."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
import sqlalchemy as sa

from procmine.audit import GENESIS, AuditLog

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_up() -> bool:
    try:
        with sa.create_engine(POSTGRES).connect():
            return True
    except Exception:   # noqa: BLE001 - any failure to connect means the service is absent
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def audit(request, tmp_path):
    """An empty audit log in a fresh SQLite file or a fresh PostgreSQL schema (dropped afterwards)."""
    if request.param == "sqlite":
        yield AuditLog(f"sqlite:///{tmp_path / 'audit.sqlite'}")
        return
    if not _postgres_up():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    schema = f"audit_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(POSTGRES)
    with engine.begin() as con:
        con.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield AuditLog(POSTGRES, schema=schema)
    finally:
        with engine.begin() as con:
            con.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()


def _fill(audit: AuditLog) -> None:
    audit.append(user="anna@kommune.dk", role="byg", action="sign_in")
    audit.append(user="anna@kommune.dk", role="byg", action="page_view", dataset="byggetilladelse",
                 criterion={"page": "variants", "filters": [{"kind": "variants", "top": 5}]})
    audit.append(user="anna@kommune.dk", role="byg", action="case_view", dataset="byggetilladelse",
                 case_id="BYG-0000042")
    audit.append(user="bo@kommune.dk", role="social", action="export", dataset="merudgifter",
                 criterion={"file": "cases.csv", "filters": [{"kind": "case_attribute",
                                                              "values": ["BYG-0000042"]}]})
    audit.append(user="bo@kommune.dk", role="social", action="case_view", dataset="merudgifter",
                 case_id="MER-0000001")


def test_records_chain_from_genesis_and_verify(audit):
    _fill(audit)
    records = audit.records()
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    assert len({r.hash for r in records}) == 5
    assert audit.verify() is None


def test_who_saw_finds_drill_downs_and_criteria_naming_the_pseudonym(audit):
    _fill(audit)
    seen = audit.who_saw("BYG-0000042")
    assert [(r.user, r.action) for r in seen] == [("anna@kommune.dk", "case_view"), ("bo@kommune.dk", "export")]
    assert audit.who_saw("BYG-00000%") == []   # LIKE wildcards in the pseudonym are taken literally


def test_updates_and_deletes_are_refused_by_the_database(audit):
    _fill(audit)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), audit.engine.begin() as con:
        con.execute(audit.table.update().where(audit.table.c.seq == 3).values(case_id="X"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), audit.engine.begin() as con:
        con.execute(audit.table.delete().where(audit.table.c.seq == 1))
    assert audit.verify() is None


def _drop_guards(audit: AuditLog) -> None:
    """What someone with full database rights could do before tampering."""
    with audit.engine.begin() as con:
        if con.dialect.name == "sqlite":
            con.exec_driver_sql('DROP TRIGGER "audit_log_no_update"')
            con.exec_driver_sql('DROP TRIGGER "audit_log_no_delete"')
        else:
            con.exec_driver_sql(f'DROP TRIGGER "audit_log_append_only" ON "{audit.table.schema}"."audit_log"')


def test_a_changed_record_is_named_by_verify(audit):
    _fill(audit)
    _drop_guards(audit)
    with audit.engine.begin() as con:
        con.execute(audit.table.update().where(audit.table.c.seq == 3).values(user="someone-else"))
    broken = audit.verify()
    assert broken is not None and broken.seq == 3 and "changed" in broken.reason


def test_a_deleted_record_and_a_rehashed_record_are_named_by_verify(audit):
    _fill(audit)
    _drop_guards(audit)
    with audit.engine.begin() as con:
        con.execute(audit.table.delete().where(audit.table.c.seq == 2))
    assert audit.verify().seq == 2
    with audit.engine.begin() as con:
        con.execute(audit.table.delete().where(audit.table.c.seq == 1))
    assert audit.verify().seq == 3 and "pruned" in audit.verify().reason


def test_pruning_keeps_the_chain_verifiable_behind_a_checkpoint(audit):
    _fill(audit)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=200)
    assert audit.prune(183, now=later) == 5
    remaining = audit.records()
    assert [r.action for r in remaining] == ["checkpoint"] and remaining[0].seq == 6
    assert audit.verify() is None
    audit.append(user="anna@kommune.dk", role="byg", action="sign_in")
    assert audit.verify() is None
    assert audit.prune(183) == 0    # nothing is older than six months now
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), audit.engine.begin() as con:
        con.execute(audit.table.delete().where(audit.table.c.seq == 6))


def _append_many(url: str, schema: str | None, user: str, count: int) -> None:
    log = AuditLog(url, schema=schema)
    for number in range(count):
        log.append(user=user, role="tm", action="page_view", criterion={"n": number})


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_concurrent_writers_keep_one_unbroken_chain(audit):
    """Sessions write from threads of one server, and two servers may share the database."""
    import multiprocessing
    import threading
    url = audit.url
    schema = audit.table.schema
    threads = [threading.Thread(target=_append_many, args=(url, schema, f"thread{i}", 15)) for i in range(3)]
    process = multiprocessing.get_context("spawn").Process(target=_append_many, args=(url, schema, "process", 15))
    process.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    process.join(timeout=120)
    assert process.exitcode == 0
    records = audit.records()
    assert sorted({r.user for r in records}) == ["process", "thread0", "thread1", "thread2"], len(records)
    assert len(records) == 60 and [r.seq for r in records] == list(range(1, 61))
    assert audit.verify() is None
