"""Check how XES tags nest and collect trace and event attributes, chunk by chunk.

Nesting is checked with arrays, not a Python stack: after the depth of every tag is
known, the opening and closing tags of one depth alternate, so each closing tag must
carry the name of the tag just before it among those of its depth. A chunk is checked
from a given start (the elements open before it); the elements open at its end are the
start of the next one. Trace and event numbers count from 0 in each chunk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from procmine.errors import LogValidationError, located
from procmine.importing.xes_chunks import ChunkStart
from procmine.importing.xes_tokens import CLOSE, OPEN, TAG, VALUE_TAGS, TagNames, Tokens

_IS_VALUE = np.zeros(len(TAG), bool)
_IS_VALUE[[TAG[t] for t in VALUE_TAGS]] = True
_IS_CONTAINER = np.zeros(len(TAG), bool)
_IS_CONTAINER[[TAG["list"], TAG["container"]]] = True


@dataclass(frozen=True)
class Grouped:
    """One chunk's attributes grouped by key: rows bounds[i]:bounds[i + 1] belong to keys[i]."""

    keys: tuple[str, ...]
    bounds: np.ndarray
    owner: np.ndarray
    kind: np.ndarray
    values: pa.Array


@dataclass(frozen=True)
class ChunkResult:
    """What one chunk holds; trace and event numbers count from 0 in the chunk (-1: the trace
    still open from the chunk before)."""

    start: ChunkStart
    end: ChunkStart
    traces: int
    events: int
    event_trace: np.ndarray
    trace_attributes: Grouped
    event_attributes: Grouped
    skipped: Counter


@dataclass
class XesState:
    """The open elements while one chunk is checked, and the file named in errors."""

    path: Path
    names: TagNames
    stack: list[int]
    root_seen: bool

    def fail(self, tokens: Tokens, position: int, message: str) -> LogValidationError:
        """An error naming the file and the line of tag number `position`."""
        return LogValidationError(located(
            f"{message} (line {tokens.line_of(position)})", file=self.path,
            hint="Repair the file or export the log again"))


def absorb(tokens: Tokens, names: TagNames, start: ChunkStart, path: Path) -> ChunkResult:
    """Check the nesting of one chunk's tags and group its trace and event attributes."""
    state = XesState(path, names, [names.number(name) for name in start.stack], start.root_seen)
    kind = tokens.kind.astype(np.int32)  # a chunk holds fewer than 2**31 tags (Arrow's offsets)
    depth_after = len(state.stack) + np.cumsum(kind, dtype=np.int32)
    depth = depth_after - kind
    if len(kind) and depth_after.min() < 0:
        too_far = int(np.argmax(depth_after < 0))
        _check_names(tokens, depth, state, upto=too_far)
        raise state.fail(tokens, too_far, "A closing tag has no opening tag")
    _check_root(tokens, depth, state)
    _check_names(tokens, depth, state, upto=len(kind))
    parent1 = _enclosing(tokens, depth, 1, state.stack)
    parent2 = _enclosing(tokens, depth, 2, state.stack)
    stack = _open_at_end(tokens, depth, int(depth_after[-1]) if len(kind) else len(state.stack),
                         state.stack)
    end = ChunkStart(tuple(names.names[number] for number in stack), state.root_seen)
    return _collect(tokens, depth, parent1, parent2, state, start, end)


def _check_root(tokens: Tokens, depth: np.ndarray, state: XesState) -> None:
    at_top = np.flatnonzero(depth == 0)
    if not state.root_seen and len(at_top):
        first = int(at_top[0])
        if tokens.tag[first] != TAG["log"]:
            raise state.fail(tokens, first, f"The root element is <{state.names.names[tokens.tag[first]]}>, "
                             "not <log>; this is not an XES log")
        if tokens.kind[first] != OPEN:
            raise state.fail(tokens, first, "The XES <log> element is empty: it holds no traces")
        state.root_seen = True
        at_top = at_top[1:]
    if len(at_top):
        raise state.fail(tokens, int(at_top[0]), "There is content after the end of the root element </log>")


def _check_names(tokens: Tokens, depth: np.ndarray, state: XesState, upto: int) -> None:
    """Every closing tag among the first `upto` must name the element it closes."""
    moving = np.flatnonzero(tokens.kind[:upto] != 0)
    carried = len(state.stack)
    level = np.concatenate([np.arange(carried), depth[moving] - (tokens.kind[moving] == CLOSE)])
    kind = np.concatenate([np.ones(carried, np.int8), tokens.kind[moving]])
    tag = np.concatenate([np.array(state.stack, np.int16), tokens.tag[moving]])
    where = np.concatenate([np.arange(-carried, 0), moving])
    order = np.lexsort((where, level))
    kind, tag, where = kind[order], tag[order], where[order]
    closes = np.flatnonzero(kind[1:] == CLOSE) + 1
    wrong = closes[tag[closes] != tag[closes - 1]]
    if len(wrong):
        bad = int(wrong[0])
        names = state.names.names
        raise state.fail(tokens, int(where[bad]), f"The closing tag </{names[tag[bad]]}> does not match "
                         f"the open element <{names[tag[bad - 1]]}>")


def _enclosing(tokens: Tokens, depth: np.ndarray, level: int, stack: list[int]) -> np.ndarray:
    """For every tag, the tag number of the element open at `level` (-1 if none)."""
    opened = np.where((tokens.kind == OPEN) & (depth == level), np.arange(len(depth), dtype=np.int32), -1)
    np.maximum.accumulate(opened, out=opened)
    carried = stack[level] if level < len(stack) else -1
    return np.where(opened >= 0, tokens.tag[np.maximum(opened, 0)], carried)


def _open_at_end(tokens: Tokens, depth: np.ndarray, final_depth: int, stack: list[int]) -> list[int]:
    """The tag numbers of the elements still open after the chunk, outermost first."""
    still_open = []
    for level in range(final_depth):
        opened = np.flatnonzero((tokens.kind == OPEN) & (depth == level))
        still_open.append(int(tokens.tag[opened[-1]]) if len(opened) else stack[level])
    return still_open


def _collect(tokens: Tokens, depth: np.ndarray, parent1: np.ndarray, parent2: np.ndarray,
             state: XesState, start: ChunkStart, end: ChunkStart) -> ChunkResult:
    tag, opening = tokens.tag, tokens.kind != CLOSE
    starts_trace = (tag == TAG["trace"]) & opening
    starts_event = (tag == TAG["event"]) & opening
    misplaced = np.flatnonzero((starts_trace & (depth != 1))
                               | (starts_event & ((depth != 2) | (parent1 != TAG["trace"]))))
    if len(misplaced):
        raise state.fail(tokens, int(misplaced[0]), "An <event> stands outside a <trace>, or a <trace> "
                         "outside the <log>")
    trace_number = np.cumsum(starts_trace, dtype=np.int32) - 1
    event_number = np.cumsum(starts_event, dtype=np.int32) - 1
    known = tag < len(_IS_VALUE)
    valued = known & _IS_VALUE[np.where(known, tag, 0)] & opening
    container = known & _IS_CONTAINER[np.where(known, tag, 0)] & opening
    of_trace = (depth == 2) & (parent1 == TAG["trace"])
    of_event = (depth == 3) & (parent2 == TAG["event"])
    nested = ((depth >= 3) & (parent1 == TAG["trace"]) & ~of_event & (valued | container))
    skipped = Counter(nested=int(nested.sum()), container=int((container & (of_trace | of_event)).sum()))
    return ChunkResult(start, end, int(starts_trace.sum()), int(starts_event.sum()),
                       trace_number[starts_event],
                       _group(tokens, valued & of_trace, trace_number, state),
                       _group(tokens, valued & of_event, event_number, state), skipped)


def _group(tokens: Tokens, mask: np.ndarray, owner: np.ndarray, state: XesState) -> Grouped:
    """The attributes picked by `mask`, sorted by key (stable, so document order within a key)."""
    where = np.flatnonzero(mask)
    codes, rows = tokens.key_code[where], tokens.value_row[where]
    lacking = np.flatnonzero((codes < 0) | (rows < 0))
    if len(lacking):
        raise state.fail(tokens, int(where[lacking[0]]), "An attribute element lacks its 'key' or 'value'")
    small = codes.astype(np.int16) if len(tokens.keys) < 2 ** 15 else codes
    order = np.argsort(small, kind="stable")
    counts = np.bincount(codes, minlength=len(tokens.keys))
    present = np.flatnonzero(counts)
    return Grouped(tuple(tokens.keys[i] for i in present), np.concatenate([[0], np.cumsum(counts[present])]),
                   owner[where][order], tokens.tag[where][order].astype(np.int8),
                   tokens.values.take(pa.array(rows[order])))
