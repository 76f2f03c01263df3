"""Keyed pseudonyms (HMAC-SHA256) for case, person, user and citizen ids.

CPR scrubbing of free text lives in `connectors.cpr` (re-exported here).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from connectors.cpr import CPR_REPLACEMENT, cpr_century, is_cpr, scrub_cpr, scrub_cpr_column
from procmine.dataset_meta import Pseudonymisation
from procmine.errors import ConfigError

if TYPE_CHECKING:
    from _hashlib import HASH

__all__ = ["CPR_REPLACEMENT", "Pseudonymiser", "citizen_key", "cpr_century", "is_cpr",
           "load_pseudonymiser", "scrub_cpr", "scrub_cpr_column"]

MIN_KEY_LENGTH = 16
PSEUDONYM_LENGTH = 20
MEMO_LIMIT = 200_000
HASH_BATCH_ROWS = 16_384
CITIZEN = "citizen"
# Written forms of one CPR or CVR number differ only in these: "010190-1234" = "0101901234".
_CITIZEN_SEPARATORS = re.compile("[\\s.\\-\u2010-\u2015\u2212]")


def citizen_key(value: str) -> str:
    """The form of a citizen id (CPR, CVR or another id) that is hashed: separators removed."""
    return _CITIZEN_SEPARATORS.sub("", value)


class Pseudonymiser:
    """Turns ids into stable keyed pseudonyms; with no key it leaves them in clear."""

    def __init__(self, key: bytes | None, key_id: str | None = None, key_env: str | None = None):
        self._key = key
        self.key_id = key_id
        self.key_env = key_env
        self._memo: dict[str, dict[str, str]] = {}
        self._kind_states: dict = {}
        self._duckdb: duckdb.DuckDBPyConnection | None = None
        self._inner: HASH | None = None
        self._outer: HASH | None = None
        if key is not None:
            self._inner, self._outer = _hmac_states(key)

    @property
    def enabled(self) -> bool:
        """True when ids are replaced by pseudonyms."""
        return self._key is not None

    @property
    def fingerprint(self) -> str | None:
        """A short keyed hash that tells keys apart without revealing them."""
        if self._key is None:
            return None
        return hmac.new(self._key, b"procmine key fingerprint", hashlib.sha256).hexdigest()[:16]

    def info(self) -> Pseudonymisation:
        """What procmine.json records about the pseudonymisation: never the key itself."""
        if not self.enabled:
            return Pseudonymisation(enabled=False)
        return Pseudonymisation(enabled=True, method="HMAC-SHA256", key_env=self.key_env, key_id=self.key_id,
                                key_fingerprint=self.fingerprint, cpr_replacement=CPR_REPLACEMENT)

    def pseudonym(self, kind: str, value: str) -> str:
        """The pseudonym of one id of a kind ('case', 'user', 'person')."""
        return self._pseudonyms(kind, [value])[0]

    def pseudonymise(self, column: pa.Array | pa.ChunkedArray, kind: str) -> pa.Array:
        """Pseudonymise a column of ids (text or numbers); nulls stay null."""
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        if not self.enabled or pa.types.is_null(column.type):
            return column.cast(pa.string())
        # Each distinct id is hashed once per chunk: encode first, then cast only the distinct ids.
        encoded = column.dictionary_encode()
        values = encoded.dictionary.cast(pa.string()).to_pylist()
        return pa.array(self._pseudonyms(kind, values), pa.string()).take(encoded.indices)

    def citizens(self, column: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Citizen pseudonyms of CPR/CVR numbers (any written form) or other ids; never in clear."""
        if not self.enabled:
            raise ConfigError("a citizen id can only be extracted pseudonymised; turn "
                              "pseudonymisation on (set the key) or leave the citizen out.")
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        if pa.types.is_null(column.type):
            return column.cast(pa.string())
        encoded = column.dictionary_encode()
        values = [citizen_key(str(v)) for v in encoded.dictionary.to_pylist()]
        names = [None if not v else name for v, name in
                 zip(values, self._pseudonyms(CITIZEN, [v or "" for v in values]))]
        return pa.array(names, pa.string()).take(encoded.indices)

    def _pseudonyms(self, kind: str, values: list[str]) -> list[str]:
        # HMAC-SHA256(key, kind \x1f value): the hash states after the key and the kind are
        # computed once, so each value costs two copies and two short updates.
        memo = self._memo.setdefault(kind, {})
        if len(memo) >= MEMO_LIMIT:  # keep memory flat on long runs
            memo.clear()
        if self._inner is None or self._outer is None:
            raise ConfigError("Pseudonyms need the key; this run has pseudonymisation off.")
        if kind not in self._kind_states:
            inner = self._inner.copy()
            inner.update(f"{kind}\x1f".encode())
            self._kind_states[kind] = inner
        inner, outer = self._kind_states[kind], self._outer
        names = []
        for value in values:
            found = memo.get(value)
            if found is None:
                digest = inner.copy()
                digest.update(value.encode())
                final = outer.copy()
                final.update(digest.digest())
                found = memo[value] = final.hexdigest()[:PSEUDONYM_LENGTH]
            names.append(found)
        return names

    def event_keys(self, joined: pa.Array) -> pa.Array:
        """A 32-hex-digit key per event from its joined identity text (keyed when pseudonymised)."""
        # Vectorised in DuckDB: SHA-256 over a secret prefix (the key's own hash) and the text.
        prefix = hashlib.sha256(self._key).hexdigest() if self._key else ""
        if self._duckdb is None:
            self._duckdb = duckdb.connect()
        cursor = self._duckdb.cursor()
        try:
            # Several record batches let DuckDB hash them on all its threads.
            identities = pa.Table.from_batches(pa.table({"identity": joined}).to_batches(HASH_BATCH_ROWS))
            cursor.register("event_identity", identities)
            keys = cursor.sql("SELECT left(sha256($prefix || identity), 32) FROM event_identity",
                              params={"prefix": prefix}).to_arrow_table()
        finally:
            cursor.close()
        return keys.column(0).combine_chunks().cast(pa.string())


def _hmac_states(key: bytes) -> tuple[HASH, HASH]:
    """HMAC-SHA256's inner and outer hash states after the padded key (RFC 2104), to copy per value."""
    if len(key) > hashlib.sha256().block_size:
        key = hashlib.sha256(key).digest()
    padded = key.ljust(hashlib.sha256().block_size, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in padded)),
            hashlib.sha256(bytes(b ^ 0x5C for b in padded)))


def load_pseudonymiser(enabled: bool, key_env: str, key_id: str | None = None) -> Pseudonymiser:
    """A Pseudonymiser with the key from `key_env`; a missing or short key is a ConfigError."""
    if not enabled:
        return Pseudonymiser(None)
    key = os.environ.get(key_env, "")
    if not key:
        raise ConfigError(
            f"pseudonymisation is on but the environment variable {key_env} is not set. "
            f"Set {key_env} to a secret of at least {MIN_KEY_LENGTH} characters kept apart from the "
            "data, or write `pseudonymise: false` in the config to keep ids in clear.")
    if len(key) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"the pseudonymisation key in {key_env} has {len(key)} characters; use at least "
            f"{MIN_KEY_LENGTH} (a long random secret).")
    return Pseudonymiser(key.encode(), key_id=key_id, key_env=key_env)
