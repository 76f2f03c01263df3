"""Column access for filters: coded event columns, activity codes, per-case reductions."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s

if TYPE_CHECKING:
    from procmine.eventlog import Base, EventArrays, EventLog
    from procmine.filters.base import Filter

# Event columns that filters may not compare values on.
_NOT_ATTRIBUTES = (s.CASE_INDEX, s.EVENT_INDEX, s.TIMESTAMP, s.START_TIMESTAMP)
_coded: "weakref.WeakKeyDictionary[Base, dict[str, tuple[np.ndarray, pa.Array]]]" = \
    weakref.WeakKeyDictionary()


def activity_lookup(f: "Filter", log: "EventLog", names: tuple[str, ...], key: str) -> np.ndarray:
    """Bool per activity code: True for `names`; FilterError naming any unknown activity."""
    base = log.base
    lookup = np.zeros(len(base.activity_names), dtype=bool)
    for name in names:
        code = base.activity_code(name)
        if code is None:
            raise f.error(f"unknown activity {name!r} in {key}",
                          f"The log's activities are {_listing(base.activity_names)}")
        lookup[code] = True
    return lookup


def require_known(f: "Filter", log: "EventLog", attribute: str, names: tuple[str, ...],
                  key: str, what: str) -> None:
    """FilterError when a name in `names` never occurs in the event column `attribute`."""
    _, dictionary = coded_event_column(f, log, attribute)
    known = set(dictionary.to_pylist())
    for name in names:
        if name not in known:
            raise f.error(f"unknown {what} {name!r} in {key}",
                          f"The log's values of {attribute!r} are {_listing(sorted(known, key=str))}")


def event_values_match(f: "Filter", log: "EventLog", attribute: str,
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
    return lookup[selected(log, codes)]


def coded_event_column(f: "Filter", log: "EventLog", attribute: str) -> tuple[np.ndarray, pa.Array]:
    """(code per dataset event, -1 when missing; the distinct values), computed once per dataset."""
    base = log.base
    if attribute == s.ACTIVITY:
        return base.activity, pa.array(base.activity_names, pa.string())
    columns = base.events.column_names
    if attribute not in columns or attribute in _NOT_ATTRIBUTES:
        usable = [c for c in columns if c not in _NOT_ATTRIBUTES]
        raise f.error(f"unknown event attribute {attribute!r}",
                      f"Use one of the log's event attributes: {_listing(usable)}")
    cache = _coded.setdefault(base, {})
    if attribute not in cache:
        column = base.events.column(attribute).combine_chunks()
        if not pa.types.is_dictionary(column.type):
            column = pc.dictionary_encode(column)
        codes = pc.fill_null(column.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
        cache[attribute] = (codes, column.dictionary)
    return cache[attribute]


def case_column(f: "Filter", log: "EventLog", attribute: str) -> pa.Array:
    """The case attribute `attribute` per dataset case (row = case_index)."""
    cases = log.base.cases
    usable = [c for c in cases.column_names if c != s.CASE_INDEX]
    if attribute not in usable:
        raise f.error(f"unknown case attribute {attribute!r}",
                      f"Use one of the log's case attributes: {_listing(usable)}")
    return cases.column(attribute).combine_chunks()


def selected(log: "EventLog", per_dataset_event: np.ndarray) -> np.ndarray:
    """The values of a per-dataset-event array for the selected events, in selection order."""
    index = log.arrays.event_index
    return per_dataset_event if len(index) == len(per_dataset_event) else per_dataset_event[index]


def first_positions(arrays: "EventArrays") -> np.ndarray:
    return arrays.case_starts[:-1]


def last_positions(arrays: "EventArrays") -> np.ndarray:
    return arrays.case_starts[1:] - 1


def any_per_case(arrays: "EventArrays", event_bool: np.ndarray) -> np.ndarray:
    """Bool per selected case: at least one of its events is True."""
    return count_per_case(arrays, event_bool) > 0


def count_per_case(arrays: "EventArrays", event_bool: np.ndarray) -> np.ndarray:
    """Number of True events per selected case."""
    if arrays.num_cases == 0:
        return np.zeros(0, dtype=np.int64)
    return np.add.reduceat(event_bool.astype(np.int32), first_positions(arrays))


def _listing(names, limit: int = 12) -> str:
    names = [str(n) for n in names]
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "") if names else "none"
