"""Tokens for the animated process map: one per transition of a case over a shown edge, built vectorised.

A token travels edge `edge` from the source event's time to the target event's time (seconds
after `origin_us`, the log's first event). Identical tokens (same edge, colour, start and end)
are always merged into one with a weight, which changes nothing on screen; when more tokens than
the budget remain, start and end are rounded to a coarser step until they fit, and `merge_step`
says by how many seconds they were rounded (0 = exact).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from procmine.analysis import kernels as k
from procmine.analysis.throughput import case_attribute
from procmine.eventlog import EventLog
from procmine.workcalendar import WorkCalendar

ColourBy = Literal["none", "deadline", "attribute"]
DEADLINE_STATUSES = ("on_time", "close", "late")
MAX_ATTRIBUTE_COLOURS = 8
OTHER = "\x00other"


class TokenOptions(BaseModel):
    """What the tokens show: colour by nothing, deadline status (working days) or a case attribute."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    colour_by: ColourBy = "none"
    deadline_days: int = Field(default=10, gt=0)
    close_share: float = Field(default=0.75, gt=0, lt=1)
    attribute: str | None = None
    budget: int = Field(default=300_000, gt=0)


@dataclass(frozen=True)
class Tokens:
    """Tokens sorted by start: edge index, start and end (s after origin_us), colour code and weight."""

    edge: np.ndarray
    start: np.ndarray
    end: np.ndarray
    colour: np.ndarray
    weight: np.ndarray
    origin_us: int
    categories: tuple[str, ...]
    transitions: int
    merge_step: int

    def __len__(self) -> int:
        return len(self.edge)


def transitions(log: EventLog, edges: tuple[tuple[str, str], ...]) -> tuple[np.ndarray, np.ndarray]:
    """Positions i of the events whose move to event i+1 (same case) runs over one of `edges`, and its edge."""
    arrays = log.arrays
    names = arrays.activity_names
    code = {name: number for number, name in enumerate(names)}
    table = np.full(len(names) ** 2, -1, np.int64)
    for number, (source, target) in enumerate(edges):
        if source in code and target in code:
            table[code[source] * len(names) + code[target]] = number
    if arrays.num_events < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    edge = table[arrays.activity[:-1].astype(np.int64) * len(names) + arrays.activity[1:]]
    edge[~k.follows_mask(arrays)] = -1
    position = np.flatnonzero(edge >= 0)
    return position, edge[position]


def tokens(log: EventLog, edges: tuple[tuple[str, str], ...], options: TokenOptions = TokenOptions(),
           calendar: WorkCalendar | None = None) -> Tokens:
    """The tokens of every transition over `edges`, coloured as `options` says, merged to the budget."""
    arrays = log.arrays
    position, edge = transitions(log, edges)
    origin = int(arrays.timestamp.min()) if arrays.num_events else 0
    start = (arrays.timestamp[position] - origin) // k.MICROS
    end = (arrays.timestamp[position + 1] - origin) // k.MICROS
    colour, categories = _colours(log, position, options, calendar or WorkCalendar())
    step = 0
    while True:
        merged = _merged(edge, start, end, colour, step)
        if len(merged[0]) <= options.budget:
            break
        step = max(60, step * 4)
    edge_m, start_m, end_m, colour_m, weight = merged
    return Tokens(edge=edge_m, start=start_m, end=end_m, colour=colour_m, weight=weight, origin_us=origin,
                  categories=categories, transitions=len(position), merge_step=step)


def _merged(edge, start, end, colour, step: int) -> tuple[np.ndarray, ...]:
    """Rows equal in (edge, colour, start and end rounded down to `step` s) as one row with a weight,
    sorted by start. One int64 sort when the four fit in 63 bits, else a lexsort."""
    if len(edge) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, empty, empty
    unit = max(step, 1)
    first, last = start // unit, end // unit
    length = last - first
    widths = [max(int(column.max()).bit_length(), 1) for column in (first, length, edge, colour)]
    if sum(widths) > 63:
        return _merged_lexsort(edge, first * unit, last * unit, colour)
    key = first.astype(np.int64)
    for column, width in zip((length, edge, colour), widths[1:]):
        key <<= width
        key |= column
    key.sort()
    new = np.empty(len(key), bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    weight = np.diff(np.append(starts, len(key)))
    key = key[starts]
    parts = []
    for width in reversed(widths[1:]):
        parts.append(key & ((1 << width) - 1))
        key = key >> width
    colour_m, edge_m, length_m = parts
    return edge_m, key * unit, (key + length_m) * unit, colour_m, weight


def _merged_lexsort(edge, start, end, colour) -> tuple[np.ndarray, ...]:
    order = np.lexsort((colour, edge, end, start))
    columns = [np.asarray(column, dtype=np.int64)[order] for column in (edge, start, end, colour)]
    new = np.zeros(len(order), bool)
    new[0] = True
    for column in columns:
        new[1:] |= column[1:] != column[:-1]
    first = np.flatnonzero(new)
    weight = np.diff(np.append(first, len(order)))
    return (*(column[first] for column in columns), weight)


def _colours(log: EventLog, position: np.ndarray, options: TokenOptions,
             calendar: WorkCalendar) -> tuple[np.ndarray, tuple[str, ...]]:
    """Colour code per transition and the category of each code."""
    arrays = log.arrays
    case = arrays.case[position]
    if options.colour_by == "deadline":
        first = arrays.timestamp[arrays.case_starts[:-1]]
        elapsed = calendar.business_days_between(first[case], arrays.timestamp[position + 1])
        status = np.where(elapsed > options.deadline_days, 2,
                          np.where(elapsed > options.close_share * options.deadline_days, 1, 0))
        return status.astype(np.int64), DEADLINE_STATUSES
    if options.colour_by == "attribute" and options.attribute:
        values = case_attribute(log, options.attribute)
        labels = np.asarray(["" if v is None else str(v) for v in values.tolist()], dtype=object)
        names, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
        ranked = np.argsort(-counts, kind="stable")
        shown = ranked[:MAX_ATTRIBUTE_COLOURS - 1] if len(names) > MAX_ATTRIBUTE_COLOURS else ranked
        remap = np.full(len(names), len(shown), np.int64)
        remap[shown] = np.arange(len(shown))
        categories = tuple(str(names[i]) for i in shown) + ((OTHER,) if len(shown) < len(names) else ())
        return remap[codes][case], categories
    return np.zeros(len(position), np.int64), ()
