"""The audit log: who saw what, when, and through which criterion (append-only, hash-chained).

`AuditLog(url)` stores records in SQLite (default) or PostgreSQL (a `postgresql+psycopg://` URL);
`verify()` finds the first record whose hash or link does not match; `prune()` drops records
older than the retention period behind a checkpoint record, so the chain stays verifiable.
"""

from procmine.audit.chain import GENESIS, AuditRecord, record_hash
from procmine.audit.store import AuditLog, Broken, audit_url, default_retention_days

__all__ = ["GENESIS", "AuditLog", "AuditRecord", "Broken", "audit_url", "default_retention_days",
           "record_hash"]
