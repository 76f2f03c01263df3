"""Check how XES tags nest and collect trace and event attributes, chunk by chunk.

Nesting is checked with arrays, not a Python stack: after the depth of every tag is
known, the opening and closing tags of one depth alternate, so each closing tag must
carry the name of the tag just before it among those of its depth. Open elements left
at the end of a chunk are carried to the next one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from procmine.errors import LogValidationError, located
from procmine.importing.xes_tokens import CLOSE, OPEN, TAG, VALUE_TAGS, TagNames, Tokens

_VALUE_NUMBERS = np.array([TAG[t] for t in VALUE_TAGS])
_CONTAINER_NUMBERS = np.array([TAG["list"], TAG["container"]])


@dataclass
class Attributes:
    """Attributes in long form: owner number (trace or event), key, value text, XES type."""

    owner: list[np.ndarray] = field(default_factory=list)
    key: list[pa.Array] = field(default_factory=list)
    value: list[pa.Array] = field(default_factory=list)
    kind: list[np.ndarray] = field(default_factory=list)


@dataclass
class XesState:
    """What is carried from one chunk to the next, and what has been collected so far."""

    path: Path
    names: TagNames = field(default_factory=TagNames)
    stack: list[int] = field(default_factory=list)
    traces: int = 0
    events: int = 0
    root_seen: bool = False
    event_trace: list[np.ndarray] = field(default_factory=list)
    event_attributes: Attributes = field(default_factory=Attributes)
    trace_attributes: Attributes = field(default_factory=Attributes)
    skipped: Counter = field(default_factory=Counter)

    def fail(self, tokens: Tokens, position: int, message: str) -> LogValidationError:
        """An error naming the file and the line of tag number `position`."""
        return LogValidationError(located(
            f"{message} (line {tokens.line_of(position)})", file=self.path,
            hint="Repair the file or export the log again"))


def absorb(tokens: Tokens, state: XesState) -> None:
    """Check the nesting of one chunk's tags and collect its attributes into `state`."""
    kind = tokens.kind.astype(np.int64)
    depth_after = len(state.stack) + np.cumsum(kind)
    depth = depth_after - kind
    if len(kind) and depth_after.min() < 0:
        too_far = int(np.argmax(depth_after < 0))
        _check_names(tokens, depth, state, upto=too_far)
        raise state.fail(tokens, too_far, "A closing tag has no opening tag")
    _check_root(tokens, depth, state)
    _check_names(tokens, depth, state, upto=len(kind))
    parent1 = _enclosing(tokens, depth, 1, state.stack)
    parent2 = _enclosing(tokens, depth, 2, state.stack)
    state.stack = _open_at_end(tokens, depth, int(depth_after[-1]) if len(kind) else len(state.stack),
                               state.stack)
    _collect(tokens, depth, parent1, parent2, state)


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
    opened = np.where((tokens.kind == OPEN) & (depth == level), np.arange(len(depth)), -1)
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
             state: XesState) -> None:
    tag = tokens.tag
    starts_trace = (tag == TAG["trace"]) & (tokens.kind != CLOSE)
    starts_event = (tag == TAG["event"]) & (tokens.kind != CLOSE)
    misplaced = np.flatnonzero((starts_trace & (depth != 1))
                               | (starts_event & ((depth != 2) | (parent1 != TAG["trace"]))))
    if len(misplaced):
        raise state.fail(tokens, int(misplaced[0]), "An <event> stands outside a <trace>, or a <trace> "
                         "outside the <log>")
    trace_number = state.traces + np.cumsum(starts_trace) - 1
    event_number = state.events + np.cumsum(starts_event) - 1
    state.event_trace.append(trace_number[starts_event])
    state.traces += int(starts_trace.sum())
    state.events += int(starts_event.sum())
    valued = np.isin(tag, _VALUE_NUMBERS) & (tokens.kind != CLOSE)
    container = np.isin(tag, _CONTAINER_NUMBERS) & (tokens.kind != CLOSE)
    of_trace = (depth == 2) & (parent1 == TAG["trace"])
    of_event = (depth == 3) & (parent2 == TAG["event"])
    nested = ((depth >= 3) & (parent1 == TAG["trace"]) & ~of_event & (valued | container))
    state.skipped["nested"] += int(nested.sum())
    state.skipped["container"] += int((container & (of_trace | of_event)).sum())
    _keep(tokens, valued & of_trace, trace_number, state.trace_attributes, state)
    _keep(tokens, valued & of_event, event_number, state.event_attributes, state)


def _keep(tokens: Tokens, mask: np.ndarray, owner: np.ndarray, into: Attributes,
          state: XesState) -> None:
    if not mask.any():
        return
    selected = pa.array(mask)
    key, value = tokens.key.filter(selected), tokens.value.filter(selected)
    if key.null_count or value.null_count:
        missing = np.flatnonzero(mask)[np.flatnonzero(
            ~(key.is_valid().to_numpy(zero_copy_only=False) & value.is_valid().to_numpy(zero_copy_only=False)))[0]]
        raise state.fail(tokens, int(missing), "An attribute element lacks its 'key' or 'value'")
    into.owner.append(owner[mask])
    into.key.append(key)
    into.value.append(value)
    into.kind.append(tokens.tag[mask].astype(np.int8))
