"""Incremental state of a connector dataset: watermarks, look-back, seen event keys, parts, lock.

Layout: `events/part-000001.parquet, ...`, `cases.parquet`, `procmine.json`. procmine.json
lists the committed parts; a part on disk that it does not list is debris of a failed run
and is removed by the next run, so a failed run never shows partial data. A run that removes
retracted events rewrites a committed part behind a backup link (`.<part>.before-run-<n>`),
restored by the next run if the commit point was never reached.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from procmine import schema as s
from procmine.dataset_meta import DatasetMeta, Incremental, Part, read_meta, staged_meta
from procmine.errors import ConnectorError, DatasetError

PART_PATTERN = "part-{:06d}.parquet"
CASES_BACKUP = ".cases.parquet.before-run-{}"
PART_BACKUP = ".{}.before-run-{}"   # a committed part while a run rewrites it
EVENT_KEY = "event_key"
KEY_BATCH_ROWS = 262_144
KEY_LENGTH = 32


@dataclass
class DatasetState:
    """What procmine.json of an existing connector dataset says (no facts for a new one)."""

    path: Path
    meta: DatasetMeta | None = None

    @property
    def incremental(self) -> Incremental | None:
        """The committed incremental state, None before the first run."""
        return None if self.meta is None else self.meta.incremental

    @property
    def parts(self) -> list[Part]:
        """The committed parts, oldest first."""
        return [] if self.incremental is None else list(self.incremental.parts)

    @property
    def runs(self) -> int:
        """How many runs have been committed."""
        return 0 if self.incremental is None else self.incremental.runs

    def watermark(self, source: str):
        """The saved watermark of a source (datetime or int), or None before the first run."""
        return None if self.incremental is None else self.incremental.watermarks.get(source)

    def next_part_name(self) -> str:
        """The file name of the part the next run writes."""
        return PART_PATTERN.format(len(self.parts) + 1)

    def seen_keys(self, source: str, lower_bound, since: dt.datetime | None = None) -> pa.Array:
        """Keys of committed events a re-read of `source` past `lower_bound` may repeat.

        Only parts whose watermark is past the bound are read, and of those, with `since`
        (a UTC time no later than any event past the bound), only events at or after it;
        so memory follows the look-back window, not the size of the dataset.
        """
        chunks = []
        for part in self.parts:
            mark = part.watermarks.get(source)
            if mark is None or lower_bound is None or not _after(mark, lower_bound):
                continue
            chunks += _keys_since(self.path / s.EVENTS_DIR / part.file, since)
        return pa.chunked_array(chunks, pa.string()).combine_chunks()


def _keys_since(file: Path, since: dt.datetime | None) -> list[pa.Array]:
    columns = [EVENT_KEY] if since is None else [EVENT_KEY, s.TIMESTAMP]
    keys = []
    for batch in pq.ParquetFile(file).iter_batches(batch_size=KEY_BATCH_ROWS, columns=columns):
        chunk = batch.column(0)
        if since is not None:
            chunk = chunk.filter(pc.greater_equal(batch.column(1), pa.scalar(since, s.TIMESTAMP_TYPE)))
        keys.append(chunk)
    return keys


def _after(mark, lower_bound) -> bool:
    try:
        return mark > lower_bound
    except TypeError:  # a cursor changed kind (int <-> time): be safe and look at the part
        return True


def lower_bound(mark, lookback: dt.timedelta):
    """Read rows past this value: the watermark minus the look-back (integers: no look-back)."""
    if isinstance(mark, dt.datetime):
        return mark - lookback
    return mark


def load_state(target: Path) -> DatasetState | None:
    """The state of an existing connector dataset at `target`, or None if there is none."""
    meta_file = target / s.META_FILE
    if not meta_file.is_file():
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise DatasetError(f"{target} exists and is not a procmine dataset; refusing to write "
                               "into it. Choose a new output folder.")
        return None
    meta = read_meta(meta_file)
    if meta.incremental is None:
        raise DatasetError(f"{target} is a dataset but was not written by a connector (no incremental "
                           "state in procmine.json). Rebuild it with --full or choose a new folder.")
    state = DatasetState(target, meta)
    recover(state)
    return state


def recover(state: DatasetState) -> None:
    """Undo what a run that died mid-commit left behind: unlisted parts, a cases backup."""
    events = state.path / s.EVENTS_DIR
    listed = {part.file for part in state.parts}
    for backup in events.glob(PART_BACKUP.format("*", "*")) if events.is_dir() else []:
        name, run = backup.name[1:].rsplit(".before-run-", 1)
        if int(run) > state.runs:  # the run that rewrote the part never committed
            os.replace(backup, events / name)
    if events.is_dir():
        for entry in events.iterdir():
            if entry.name not in listed:
                entry.unlink()
    for backup in state.path.glob(CASES_BACKUP.format("*")):
        cases_run = int(backup.name.rsplit("-", 1)[1])
        if cases_run > state.runs:  # the run never committed: its cases file must go back
            os.replace(backup, state.path / s.CASES_FILE)
        else:
            backup.unlink()


@contextlib.contextmanager
def dataset_lock(target: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold an exclusive lock on `target` (a lock file beside it); wait or stop clearly."""
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.parent / f".{target.name}.lock"
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ConnectorError(
                        f"another extraction is writing {target} (lock {lock_path}). Wait for it to "
                        "finish, or pass --wait SECONDS to queue behind it.") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def commit(state: DatasetState, part: Path | None, part_name: str, cases: Path | None,
           meta: DatasetMeta, rewrites: Sequence = ()) -> None:
    """Move the new part, rewritten parts, cases and procmine.json into place; roll all back if
    one step fails."""
    root = state.path
    swapped: list[tuple[Path, Path]] = []
    runs = meta.incremental.runs if meta.incremental is not None else 0
    backup = root / CASES_BACKUP.format(runs)
    final_part = root / s.EVENTS_DIR / part_name
    had_cases = (root / s.CASES_FILE).exists()
    moved_cases = False
    try:
        with staged_meta(root, meta):   # replaced when the block ends: the commit point
            if cases is not None:
                if had_cases:
                    os.link(root / s.CASES_FILE, backup)
                os.replace(cases, root / s.CASES_FILE)
                moved_cases = True
            if part is not None:
                os.replace(part, final_part)
            for rewrite in rewrites:
                old = root / s.EVENTS_DIR / rewrite.name
                kept = old.with_name(PART_BACKUP.format(rewrite.name, runs))
                os.link(old, kept)
                swapped.append((old, kept))
                os.replace(rewrite.temporary, old)
    except BaseException:
        for old, kept in swapped:
            os.replace(kept, old)
        if part is not None:
            final_part.unlink(missing_ok=True)
        if backup.exists():
            os.replace(backup, root / s.CASES_FILE)
        elif moved_cases and not had_cases:
            (root / s.CASES_FILE).unlink(missing_ok=True)
        raise
    backup.unlink(missing_ok=True)
    for _, kept in swapped:
        kept.unlink(missing_ok=True)
