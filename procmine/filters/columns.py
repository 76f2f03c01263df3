"""Column access for filters, through the log's public surface: activity codes, event and case columns, per-case reductions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.eventlog import EventArrays, EventLog
from procmine.filters.base import Filter

# Event columns that filters may not compare values on.
_NOT_ATTRIBUTES = (s.CASE_INDEX, s.EVENT_INDEX, s.TIMESTAMP, s.START_TIMESTAMP)


def activity_lookup(f: Filter, log: EventLog, names: tuple[str, ...], key: str) -> np.ndarray:
    """Bool per activity code: True for `names`; FilterError naming any unknown activity."""
    lookup = np.zeros(len(log.activities), dtype=bool)
    for name in names:
        code = log.activity_code(name)
        if code is None:
            raise f.error(f"unknown activity {name!r} in {key}",
                          f"The log's activities are {_listing(log.activities)}")
        lookup[code] = True
    return lookup


def require_known(f: Filter, log: EventLog, attribute: str, names: tuple[str, ...],
                  key: str, what: str) -> None:
    """FilterError when a name in `names` never occurs in the event column `attribute`."""
    _, dictionary = coded_event_column(f, log, attribute)
    known = set(dictionary.to_pylist())
    for name in names:
        if name not in known:
            raise f.error(f"unknown {what} {name!r} in {key}",
                          f"The log's values of {attribute!r} are {_listing(sorted(known, key=str))}")


def event_values_match(f: Filter, log: EventLog, attribute: str,
                       values: tuple, key: str = "values") -> np.ndarray:
    """Bool per selected event: its `attribute` value is one of `values`."""
    codes, dictionary = coded_event_column(f, log, attribute)
    try:
        wanted = pa.array(list(values)).cast(dictionary.type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise f.error(f"{key} = {list(values)!r} do not fit event attribute {attribute!r} "
                      f"of type {dictionary.type} ({exc})",
                      f"Give values of type {dictionary.type}") from None
    hit = pc.fill_null(pc.is_in(dictionary, value_set=wanted), False)
    lookup = np.append(hit.to_numpy(zero_copy_only=False), False)   # code -1 (missing) never matches
    return lookup[codes]


def coded_event_column(f: Filter, log: EventLog, attribute: str) -> tuple[np.ndarray, pa.Array]:
    """(code per selected event, -1 when missing; the distinct values); FilterError for an unknown column."""
    if attribute != s.ACTIVITY and (attribute not in log.event_columns or attribute in _NOT_ATTRIBUTES):
        usable = [c for c in log.event_columns if c not in _NOT_ATTRIBUTES]
        raise f.error(f"unknown event attribute {attribute!r}",
                      f"Use one of the log's event attributes: {_listing(usable)}")
    return log.event_codes(attribute)


def case_column(f: Filter, log: EventLog, attribute: str) -> pa.Array:
    """The case attribute `attribute`, one value per selected case."""
    usable = [c for c in log.case_columns if c != s.CASE_INDEX]
    if attribute not in usable:
        raise f.error(f"unknown case attribute {attribute!r}",
                      f"Use one of the log's case attributes: {_listing(usable)}")
    return log.case_column(attribute)


def first_positions(arrays: EventArrays) -> np.ndarray:
    return arrays.case_starts[:-1]


def last_positions(arrays: EventArrays) -> np.ndarray:
    return arrays.case_starts[1:] - 1


def any_per_case(arrays: EventArrays, event_bool: np.ndarray) -> np.ndarray:
    """Bool per selected case: at least one of its events is True."""
    return count_per_case(arrays, event_bool) > 0


def count_per_case(arrays: EventArrays, event_bool: np.ndarray) -> np.ndarray:
    """Number of True events per selected case."""
    if arrays.num_cases == 0:
        return np.zeros(0, dtype=np.int64)
    return np.add.reduceat(event_bool.astype(np.int32), first_positions(arrays))


def _listing(names, limit: int = 12) -> str:
    names = [str(n) for n in names]
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "") if names else "none"
