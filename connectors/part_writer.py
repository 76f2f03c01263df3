"""The writer of one run's part: new events only, written to a hidden file in a background thread.

Which events are new: those whose key is not among the keys of the look-back window (`seen`)
and not repeated earlier in the same chunk. Parquet encoding and compression run in one
background thread while the next chunk is read and pseudonymised; the first error of a write
is raised by the next `write` or by `close`, so a failed write never reaches the commit.
"""

from __future__ import annotations

import contextlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

EVENT_KEY = "event_key"
KEY_LENGTH = 32
WRITES_AHEAD = 2


class PartWriter:
    """Writes one run's new events into a hidden temporary part; `path` is set on first write."""

    def __init__(self, folder: Path, name: str, schema: pa.Schema):
        self.folder, self.name, self.schema = folder, name, schema
        self.temporary = folder / f".{name}.tmp"
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pending: deque[Future] = deque()

    def write(self, events: pa.Table, seen: pa.Array | None = None) -> int:
        """Append the events whose key is neither in `seen` nor earlier in the chunk; returns how many."""
        keys = events.column(EVENT_KEY)
        if seen is not None and len(seen):
            events = events.filter(pc.invert(pc.is_in(keys, value_set=seen)))
        if _may_repeat(events.column(EVENT_KEY)):
            events = _first_of_each_key(events)  # e.g. a UNION query that repeats rows
        if events.num_rows == 0:
            return 0
        if self._writer is None or self._pool is None:
            self._writer, self._pool = self._open()
        self._pending.append(self._pool.submit(self._writer.write_table, events,
                                               row_group_size=1_000_000))
        while len(self._pending) > WRITES_AHEAD:
            self._pending.popleft().result()
        self.rows += events.num_rows
        return events.num_rows

    def _open(self) -> tuple[pq.ParquetWriter, ThreadPoolExecutor]:
        self.folder.mkdir(parents=True, exist_ok=True)
        # Event keys are random text: a dictionary or statistics for them is wasted work.
        others = [n for n in self.schema.names if n != EVENT_KEY]
        writer = pq.ParquetWriter(self.temporary, self.schema, compression="zstd",
                                  use_dictionary=others, write_statistics=others)
        return writer, ThreadPoolExecutor(max_workers=1, thread_name_prefix="procmine-part")

    def close(self) -> Path | None:
        """Finish the temporary file; returns its path, or None if nothing was written."""
        if self._writer is None or self._pool is None:
            return None
        while self._pending:
            self._pending.popleft().result()
        self._pool.shutdown()
        self._writer.close()
        self._writer = None
        return self.temporary

    def discard(self) -> None:
        """Remove the temporary file after a failure."""
        if self._writer is not None and self._pool is not None:
            for pending in self._pending:
                pending.cancel()
            self._pool.shutdown(wait=True)
            self._pending.clear()
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None
        self.temporary.unlink(missing_ok=True)


def _may_repeat(keys: pa.ChunkedArray) -> bool:
    """False if no two keys are equal; checked on 64 bits of each key, sorted (a string hash is slow)."""
    keys = keys.combine_chunks()
    size = len(keys)
    if size < 2:
        return False
    offsets = np.frombuffer(keys.buffers()[1], np.int32, size + 1, keys.offset * 4)
    if keys.null_count or offsets[-1] - offsets[0] != KEY_LENGTH * size:
        return pc.count_distinct(keys).as_py() < size
    text = np.frombuffer(keys.buffers()[2], np.uint8)[offsets[0]:offsets[-1]]
    words = np.ascontiguousarray(text.reshape(size, KEY_LENGTH)[:, :16]).view(np.uint64)
    mixed = np.sort(words[:, 0] * np.uint64(0x9E3779B97F4A7C15) ^ words[:, 1])
    return bool(np.any(mixed[1:] == mixed[:-1]))


def _first_of_each_key(events: pa.Table) -> pa.Table:
    numbered = events.append_column("__row", pa.array(range(events.num_rows), pa.int64()))
    first = numbered.group_by(EVENT_KEY, use_threads=False).aggregate([("__row", "min")])
    rows = first.column("__row_min")
    return events.take(pc.take(rows, pc.array_sort_indices(rows)))
