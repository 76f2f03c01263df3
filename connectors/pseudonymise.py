"""Keyed pseudonyms (HMAC-SHA256) for case, person and user ids, and CPR scrubbing of free text."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from procmine.errors import ConfigError

CPR_REPLACEMENT = "[CPR]"
MIN_KEY_LENGTH = 16
# DDMMYY-NNNN (N a digit) with the hyphen optional, not inside a longer number.
_CPR = re.compile(r"(?<![0-9])([0-3][0-9])([01][0-9])([0-9]{2})-?([0-9])([0-9]{3})(?![0-9])")
_CPR_CANDIDATE = r"(^|[^0-9])[0-3][0-9][01][0-9][0-9]{2}-?[0-9]{4}([^0-9]|$)"
PSEUDONYM_LENGTH = 20
MEMO_LIMIT = 200_000
HASH_BATCH_ROWS = 16_384


def cpr_century(year: int, seventh_digit: int) -> int:
    """The full year of a CPR number from its two-digit year and the 7th digit (CPR rules)."""
    if seventh_digit <= 3:
        return 1900 + year
    if seventh_digit in (4, 9):
        return (2000 if year <= 36 else 1900) + year
    return (2000 if year <= 57 else 1800) + year


def is_cpr(day: str, month: str, year: str, seventh: str) -> bool:
    """True if the digits make a valid CPR date (no modulus-11 check: it fails since 2007)."""
    try:
        dt.date(cpr_century(int(year), int(seventh)), int(month), int(day))
    except ValueError:
        return False
    return True


def scrub_cpr(text: str) -> str:
    """Replace every CPR number in `text` by [CPR], e.g. 'Sag 010203-1234' -> 'Sag [CPR]'."""
    def _replace(match: re.Match) -> str:
        day, month, year, seventh, _ = match.groups()
        return CPR_REPLACEMENT if is_cpr(day, month, year, seventh) else match.group(0)

    return _CPR.sub(_replace, text)


def scrub_cpr_column(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Scrub CPR numbers from a text column; only candidate values go through Python."""
    column = column.cast(pa.string())
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    candidates = pc.fill_null(pc.match_substring_regex(column, _CPR_CANDIDATE), False)
    if not pc.any(candidates).as_py():
        return column
    values = column.to_pylist()
    for index in pc.indices_nonzero(candidates).to_pylist():
        values[index] = scrub_cpr(values[index])
    return pa.array(values, pa.string())


class Pseudonymiser:
    """Turns ids into stable keyed pseudonyms; with no key it leaves them in clear."""

    def __init__(self, key: bytes | None, key_id: str | None = None, key_env: str | None = None):
        self._key = key
        self.key_id = key_id
        self.key_env = key_env
        self._memo: dict[str, dict[str, str]] = {}
        self._kind_states: dict = {}
        self._duckdb = None
        self._inner, self._outer = _hmac_states(key) if key is not None else (None, None)

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

    def info(self) -> dict:
        """What procmine.json records about the pseudonymisation: never the key itself."""
        if not self.enabled:
            return {"enabled": False}
        return {"enabled": True, "method": "HMAC-SHA256", "key_env": self.key_env,
                "key_id": self.key_id, "key_fingerprint": self.fingerprint,
                "cpr_replacement": CPR_REPLACEMENT}

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

    def _pseudonyms(self, kind: str, values: list[str]) -> list[str]:
        # HMAC-SHA256(key, kind \x1f value): the hash states after the key and the kind are
        # computed once, so each value costs two copies and two short updates.
        memo = self._memo.setdefault(kind, {})
        if len(memo) >= MEMO_LIMIT:  # keep memory flat on long runs
            memo.clear()
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


def _hmac_states(key: bytes):
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
