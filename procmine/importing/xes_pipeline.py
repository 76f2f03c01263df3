"""Parse XES chunks, in worker threads when there are several, and gather them in file order.

A chunk whose start is known in advance (the first one, and every chunk that begins right
after a `</trace>`) is sent to a pool of worker threads, a few chunks ahead. Threads, not
processes: the parsing is NumPy and Arrow work that releases the GIL, so threads share the
cores without copying chunks and results between processes. Results are
taken in file order; before one is used, the state the chunks before it really ended in
must equal the start it was parsed from. If it does not (only in a malformed file), the
chunk is parsed again from the real state, so the result and the first error reported are
exactly those of reading the chunks one after the other.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import ThreadPool
from pathlib import Path

import numpy as np

from procmine.importing.xes_chunks import Chunk, ChunkStart
from procmine.importing.xes_columns import KeyedParts
from procmine.importing.xes_structure import ChunkResult, absorb
from procmine.importing.xes_tokens import TagNames, tokenize

MAX_WORKERS = 4
_AHEAD_PER_WORKER = 2


@dataclass
class LogParts:
    """Everything read from the chunks so far, with trace and event numbers for the whole log."""

    traces: int = 0
    events: int = 0
    event_trace: list[np.ndarray] = field(default_factory=list)
    trace_attributes: KeyedParts = field(default_factory=KeyedParts)
    event_attributes: KeyedParts = field(default_factory=KeyedParts)
    skipped: Counter = field(default_factory=Counter)
    end: ChunkStart = field(default_factory=ChunkStart)

    def add(self, result: ChunkResult) -> None:
        """Append one chunk's result, renumbering its traces and events."""
        self.event_trace.append(result.event_trace.astype(np.int64) + self.traces)
        self.trace_attributes.add(result.trace_attributes, self.traces)
        self.event_attributes.add(result.event_attributes, self.events)
        self.traces += result.traces
        self.events += result.events
        self.skipped.update(result.skipped)
        self.end = result.end


def parse_chunk(chunk: Chunk, start: ChunkStart, path: Path) -> ChunkResult:
    """Tokenize one chunk and check it, starting from `start`."""
    names = TagNames()
    return absorb(tokenize(chunk, names, path), names, start, path)


def read_chunks(chunks: Iterator[Chunk], path: Path, workers: int | None = None) -> LogParts:
    """Parse all chunks (in `workers` threads; None: default_workers(); 1: in this thread)."""
    parts = LogParts()
    for result in parse_in_order(chunks, path, default_workers() if workers is None else workers):
        parts.add(result)
    return parts


def parse_in_order(chunks: Iterator[Chunk], path: Path, workers: int) -> Iterator[ChunkResult]:
    """Chunk results in file order; in a pool of worker threads when that can help."""
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    ahead = [first] if second is None else [first, second]
    if workers <= 1 or second is None:
        yield from _one_by_one(ahead, chunks, path)
        return
    with ThreadPool(workers) as pool:
        yield from _with_pool(pool, ahead, chunks, path, workers * _AHEAD_PER_WORKER)


def default_workers() -> int:
    """One worker thread per core the process may run on, at most MAX_WORKERS.

    Measured on a two-core machine (Road Traffic Fines, read_log, best of 10): one thread
    1.50 s, two 0.95 s, three 0.95 s; pinned to one core, two threads take as long as one.
    Worker processes instead of threads were no faster than one process: pickling chunks
    and results ate the gain.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def _one_by_one(ahead: list[Chunk], chunks: Iterator[Chunk], path: Path) -> Iterator[ChunkResult]:
    state = ChunkStart()
    for chunk in [*ahead, *chunks]:
        result = parse_chunk(chunk, state, path)
        state = result.end
        yield result


def _with_pool(pool, ahead: list[Chunk], chunks: Iterator[Chunk], path: Path,
               window: int) -> Iterator[ChunkResult]:
    pending: deque = deque()
    state = ChunkStart()
    for chunk in [*ahead, *chunks]:
        job = None if chunk.start is None else pool.apply_async(parse_chunk, (chunk, chunk.start, path))
        pending.append((chunk, job))
        while len(pending) > window or (pending and pending[0][1] is None):
            result = _take(pending.popleft(), state, path)
            state = result.end
            yield result
    while pending:
        result = _take(pending.popleft(), state, path)
        state = result.end
        yield result


def _take(entry, state: ChunkStart, path: Path) -> ChunkResult:
    """The job's result if it was parsed from the true state; else parse the chunk again."""
    chunk, job = entry
    if job is not None and chunk.start == state:
        return job.get()
    return parse_chunk(chunk, state, path)
