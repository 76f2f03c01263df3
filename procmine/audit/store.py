"""The audit log's storage: one append-only table in SQLite or PostgreSQL (SQLAlchemy Core)."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, InternalError, OperationalError, ProgrammingError, SQLAlchemyError

from procmine.audit.chain import ACTIONS, GENESIS, AuditRecord, canonical_json, record_hash, sealed, utc_now
from procmine.audit.guards import install_guards
from procmine.errors import ConfigError

URL_ENV = "PROCMINE_AUDIT_URL"
RETENTION_ENV = "PROCMINE_AUDIT_RETENTION_DAYS"
TABLE = "audit_log"
_FIELDS = ("seq", "time", "user", "role", "action", "dataset", "criterion", "case_id", "prev_hash", "hash")
_write_lock = threading.Lock()


def audit_url() -> str:
    """PROCMINE_AUDIT_URL, or an SQLite file in the user's data folder."""
    configured = os.environ.get(URL_ENV)
    if configured:
        return configured
    home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{home / 'procmine' / 'audit.sqlite'}"


def default_retention_days() -> int:
    """PROCMINE_AUDIT_RETENTION_DAYS, else 183 (six months, what processor agreements commonly ask)."""
    value = os.environ.get(RETENTION_ENV, "183")
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{RETENTION_ENV}={value!r} is not a number of days; give e.g. 183.")
    return int(value)


@dataclass(frozen=True)
class Broken:
    """The first record that does not verify, and why."""

    seq: int
    reason: str


class AuditLog:
    """An append-only, hash-chained audit log at an SQLAlchemy URL (optionally in a PostgreSQL schema)."""

    def __init__(self, url: str | None = None, *, schema: str | None = None):
        self.url = url or audit_url()
        if self.url.startswith("sqlite:///"):
            folder = Path(self.url.removeprefix("sqlite:///")).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"The audit log's folder {folder} cannot be made: {exc}. Give another "
                                  f"audit URL ({URL_ENV} or [procmine] audit_url).") from None
        try:
            self.engine = sa.create_engine(self.url, future=True)
        except (SQLAlchemyError, ValueError, ImportError) as exc:
            raise ConfigError(f"The audit log URL {self.url!r} cannot be used: {exc}. Give e.g. "
                              "sqlite:///audit.sqlite or postgresql+psycopg://user@host/db.") from None
        metadata = sa.MetaData(schema=schema)
        self.table = sa.Table(
            TABLE, metadata,
            sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
                      autoincrement=False),
            *(sa.Column(name, sa.Text, nullable=False) for name in _FIELDS[1:]),
            sa.Index(f"{TABLE}_case", "case_id"))
        self._create(metadata)

    def _create(self, metadata: sa.MetaData) -> None:
        """The table and its guards, once; servers starting together may race, so retry a little."""
        problem: SQLAlchemyError | None = None
        for attempt in range(10):
            try:
                with self.engine.begin() as con:
                    if self.engine.dialect.name == "postgresql":
                        con.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('procmine_audit_log'))"))
                    metadata.create_all(con)
                    install_guards(con, self.table)
                return
            except (OperationalError, IntegrityError, InternalError, ProgrammingError) as exc:
                problem = exc
                if isinstance(exc, ProgrammingError) and "already exists" not in str(exc):
                    break
                time.sleep(0.1 * (attempt + 1))
            except SQLAlchemyError as exc:
                problem = exc
                break
        raise ConfigError(f"The audit log at {self.engine.url!r} cannot be opened: "
                          f"{problem.__class__.__name__}: {str(problem).splitlines()[0]}. "
                          "Check the URL and that the database is reachable.") from None

    def append(self, *, user: str, role: str, action: str, dataset: str = "", criterion: str | dict = "",
               case_id: str = "") -> AuditRecord:
        """Write one record after the current last one (retried when another writer came first)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        criterion = criterion if isinstance(criterion, str) else canonical_json(criterion)
        problem = None
        for _ in range(20):
            try:
                with _write_lock, self.engine.begin() as con:
                    self._lock(con)
                    last = con.execute(sa.select(self.table.c.seq, self.table.c.hash)
                                       .order_by(self.table.c.seq.desc()).limit(1)).first()
                    record = sealed(AuditRecord(
                        seq=(last.seq + 1) if last else 1, time=utc_now(), user=user, role=role,
                        action=action, dataset=dataset, criterion=criterion, case_id=case_id,
                        prev_hash=last.hash if last else GENESIS))
                    con.execute(self.table.insert().values(**_row(record)))
                    return record
            except IntegrityError:
                continue   # another process appended the same seq first: link to its record instead
            except OperationalError as exc:
                problem = exc      # SQLite: another process held the write lock too long; or the server is down
                time.sleep(0.05)
        reason = f": {str(problem).splitlines()[0]}" if problem is not None else ""
        raise ConfigError(f"Cannot append to the audit log at {self.engine.url!r}{reason}. Nothing is shown "
                          "until it can be written; check that the database is reachable.")

    def records(self, where=None) -> list[AuditRecord]:
        query = sa.select(self.table).order_by(self.table.c.seq)
        if where is not None:
            query = query.where(where)
        with self.engine.connect() as con:
            return [_record(row) for row in con.execute(query).mappings()]

    def who_saw(self, pseudonym: str) -> list[AuditRecord]:
        """Every record naming the case pseudonym: drill-downs, and views or exports whose criterion holds it."""
        escaped = pseudonym.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self.records(sa.or_(self.table.c.case_id == pseudonym,
                                   self.table.c.criterion.like(f"%{escaped}%", escape="\\")))

    def verify(self) -> Broken | None:
        """The first record whose hash, link or sequence number is wrong; None when the chain holds."""
        records = self.records()
        if not records:
            return None
        checkpoints = {}
        for record in records:
            if record.action == "checkpoint":
                data = json.loads(record.criterion)
                checkpoints[data["pruned_through_seq"]] = data["last_pruned_hash"]
        first = records[0]
        if first.seq == 1 and first.prev_hash != GENESIS:
            return Broken(first.seq, "the first record does not start the chain")
        if first.seq != 1 and checkpoints.get(first.seq - 1) != first.prev_hash:
            return Broken(first.seq, f"records before {first.seq} are missing and no checkpoint "
                                     "says they were pruned")
        previous = None
        for record in records:
            if previous is not None and record.seq != previous.seq + 1:
                return Broken(previous.seq + 1, f"records {previous.seq + 1}-{record.seq - 1} are missing")
            if previous is not None and record.prev_hash != previous.hash:
                return Broken(record.seq, "its previous hash does not match the record before it")
            if record_hash(record) != record.hash:
                return Broken(record.seq, "its content does not match its hash (it was changed)")
            previous = record
        return None

    def prune(self, days: int, *, user: str = "procmine", now: dt.datetime | None = None) -> int:
        """Drop records older than `days` behind a checkpoint record; the number dropped."""
        cutoff = ((now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)).isoformat()
        with self.engine.connect() as con:
            newest_old = con.execute(sa.select(self.table.c.seq, self.table.c.hash)
                                     .where(self.table.c.time < cutoff)
                                     .order_by(self.table.c.seq.desc()).limit(1)).first()
        if newest_old is None:
            return 0
        self.append(user=user, role="", action="checkpoint", criterion={
            "pruned_through_seq": newest_old.seq, "last_pruned_hash": newest_old.hash,
            "retention_days": days})
        with _write_lock, self.engine.begin() as con:
            return con.execute(self.table.delete().where(self.table.c.seq <= newest_old.seq)).rowcount

    def _lock(self, con) -> None:
        if self.engine.dialect.name == "postgresql":
            con.execute(sa.text(f"LOCK TABLE {_qualified(self.table)} IN SHARE ROW EXCLUSIVE MODE"))


def _qualified(table: sa.Table) -> str:
    return f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'


def _row(record: AuditRecord) -> dict:
    return {name: getattr(record, name) for name in _FIELDS}


def _record(row) -> AuditRecord:
    return AuditRecord(**{name: row[name] for name in _FIELDS})
