"""Events without an activity or a timestamp: left out of a lenient import, counted and placed.

pm4py, Disco and ProM open a log in which a few events lack `concept:name` or a time;
procmine does too, by default: such events are left out, and the record of what was left
out (how many, why, the first places) goes to the CLI's warning, procmine.json, the app's
data page and the report's data-quality section. `--strict` refuses the file instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from procmine.dataset_meta import LeftOut, Place
from procmine.errors import LogValidationError, located

FIRST_PLACES = 5


@dataclass(frozen=True)
class Quarantine:
    """What a lenient import left out: event counts by reason, cases left without events, first places."""

    events: int
    without_activity: int
    without_timestamp: int
    cases: int
    first: tuple[Place, ...]   # a row (of a sheet), or an event of a trace (with its case)

    def as_meta(self) -> LeftOut:
        """The record kept in procmine.json under "quarantine"."""
        return LeftOut(events=self.events, without_activity=self.without_activity,
                       without_timestamp=self.without_timestamp, cases_left_out=self.cases,
                       first=list(self.first))

    def warning(self) -> str:
        """One line for the CLI: the count, the reasons and the first places."""
        return warning_line(self.as_meta())


def describe_place(place: Place, lang: str = "en") -> str:
    """A place of procmine.json's quarantine record in words: "event 2 of trace 3 (case 'x')", "row 7"."""
    from procmine.i18n import text

    if place.trace is not None:
        return text("import.place.event", lang, event=place.event, trace=place.trace, case=repr(place.case))
    if place.sheet is not None:
        return text("import.place.row_in_sheet", lang, row=place.row, sheet=repr(place.sheet))
    return text("import.place.row", lang, row=place.row)


def describe_places(record: LeftOut, lang: str = "en") -> str:
    """The first places of a quarantine record, joined: for the CLI, the app and the report."""
    return "; ".join(describe_place(place, lang) for place in record.first)


def warning_line(record: LeftOut) -> str:
    """The CLI's one-line warning for a procmine.json quarantine record."""
    reasons = []
    if record.without_activity:
        reasons.append(f"{record.without_activity:,} without an activity")
    if record.without_timestamp:
        reasons.append(f"{record.without_timestamp:,} without a timestamp")
    cases = record.cases_left_out
    lost = f"; {cases:,} case(s) had no other events and are left out too" if cases else ""
    return (f"Warning: left out {record.events:,} event(s) ({', '.join(reasons)}){lost}; first at "
            f"{describe_places(record)}. Pass --strict to refuse such a log instead.")


def find_left_out(activity: pa.Array | None, timestamp: pa.Array | None, rows: int,
                  owner: np.ndarray | None, place_of: Callable[[int], Place]) -> tuple[np.ndarray, Quarantine | None]:
    """Which events to keep (a mask), and the Quarantine of the others (None when all are kept).

    `activity`/`timestamp` are the canonical columns (None: no event has one); `owner` gives
    each event's case number when known, to count the cases left without events; `place_of`
    gives the place of event i as data (see Quarantine.first).
    """
    no_activity = _missing(activity, rows)
    no_timestamp = _missing(timestamp, rows)
    left_out = no_activity | no_timestamp
    if not left_out.any():
        return ~left_out, None
    keep = ~left_out
    cases = 0
    if owner is not None:
        cases = len(np.unique(owner)) - len(np.unique(owner[keep]))
    first = tuple(place_of(int(i)) for i in np.flatnonzero(left_out)[:FIRST_PLACES])
    quarantine = Quarantine(int(left_out.sum()), int(no_activity.sum()), int(no_timestamp.sum()),
                            cases, first)
    return keep, quarantine


def refuse_if_nothing_left(keep: np.ndarray, quarantine: Quarantine, origin: str) -> None:
    """A log whose every event lacks an activity or a time is refused, even leniently."""
    if not keep.any():
        raise LogValidationError(located(
            f"Every event ({quarantine.events:,}) lacks an activity or a timestamp, first at "
            f"{describe_place(quarantine.first[0])}", file=origin,
            hint="Map the activity and time columns with --activity and --timestamp, or fix the export"))


def _missing(values: pa.Array | None, rows: int) -> np.ndarray:
    if values is None:
        return np.ones(rows, dtype=bool)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not values.null_count:
        return np.zeros(rows, dtype=bool)
    return values.is_null().to_numpy(zero_copy_only=False)
