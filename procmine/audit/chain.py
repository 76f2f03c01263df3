"""One audit record and its hash: SHA-256 over the previous record's hash and canonical JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass

GENESIS = "0" * 64   # the "previous hash" of the first record ever written

ACTIONS = ("sign_in", "sign_out", "page_view", "case_view", "export", "report", "checkpoint", "refused")


@dataclass(frozen=True)
class AuditRecord:
    """What was done: when (UTC, ISO 8601), by whom, in which role(s), on which dataset, and the
    criterion (the filter stack, the file exported...) and case pseudonym, when there is one."""

    seq: int
    time: str
    user: str
    role: str
    action: str
    dataset: str
    criterion: str
    case_id: str
    prev_hash: str
    hash: str = ""

    def content(self) -> dict:
        """The fields the hash covers (all but the hash itself)."""
        data = asdict(self)
        data.pop("hash")
        return data


def canonical_json(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_hash(record: AuditRecord) -> str:
    """SHA-256 (hex) of the previous hash followed by the record's canonical JSON."""
    return hashlib.sha256((record.prev_hash + canonical_json(record.content())).encode("utf-8")).hexdigest()


def sealed(record: AuditRecord) -> AuditRecord:
    """The record with its hash filled in."""
    return AuditRecord(**{**record.content(), "hash": record_hash(record)})


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
