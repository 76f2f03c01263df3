"""Vectorised building blocks of the journey analysis: distinct counts, overlaps, hand-overs, deadlines."""

from __future__ import annotations

import numpy as np
import pandas as pd

from procmine.analysis import kernels as k
from procmine.eventlog import EventLog


def distinct_per_group(groups: np.ndarray, values: np.ndarray, num_groups: int) -> np.ndarray:
    """Number of distinct non-negative values in each group (values < 0 are 'none')."""
    known = values >= 0
    if not known.any():
        return np.zeros(num_groups, np.int64)
    width = int(values.max()) + 1
    pairs = k.sorted_unique(groups[known].astype(np.int64) * width + values[known])
    return np.bincount(pairs // width, minlength=num_groups).astype(np.int64)


def parallel_maximum(groups: np.ndarray, starts: np.ndarray, ends: np.ndarray, num_groups: int) -> np.ndarray:
    """The most intervals [start, end] of one group open at the same moment (a sweep over the points).

    An interval that ends when another starts does not overlap it.
    """
    if len(groups) == 0:
        return np.zeros(num_groups, np.int64)
    group = np.concatenate([groups, groups])
    time = np.concatenate([starts, ends])
    delta = np.concatenate([np.ones(len(starts), np.int64), -np.ones(len(ends), np.int64)])
    order = np.lexsort((delta, time, group))      # ends (-1) before starts (+1) at the same time
    open_now = np.cumsum(delta[order])             # each group's points sum to 0, so it restarts at 0
    result = np.zeros(num_groups, np.int64)
    np.maximum.at(result, group[order], open_now)
    return result


def handover_table(codes: np.ndarray, names: list[str], same_group: np.ndarray) -> pd.DataFrame:
    """Count of changes from one value to another between consecutive events of one group."""
    source, target = codes[:-1], codes[1:]
    changed = same_group & (source != target) & (source >= 0) & (target >= 0)
    if not changed.any():
        return pd.DataFrame(columns=["from", "to", "handovers"])
    width = len(names)
    keys, counts = np.unique(source[changed].astype(np.int64) * width + target[changed], return_counts=True)
    table = pd.DataFrame({"from": [names[c] for c in (keys // width).tolist()],
                          "to": [names[c] for c in (keys % width).tolist()], "handovers": counts})
    return table.sort_values(["handovers", "from", "to"], ascending=[False, True, True], ignore_index=True)


def case_deadline_met(log: EventLog, rules=None) -> np.ndarray:
    """Per selected case: 1.0 when it met its deadline, 0.0 when breached, NaN when no rule measured it.

    A case is measured by a rule when its clock stopped: it reached the rule's end, or it closed
    without it (analysis.deadline_clock, as `analysis.deadlines` measures it).
    """
    from procmine.analysis.deadlines import case_outcomes
    from procmine.workcalendar import WorkCalendar

    calendar = WorkCalendar()
    result = np.full(log.arrays.num_cases, np.nan)
    strict = rules is not None
    for rule in (_default_rules() if rules is None else rules):
        clock = case_outcomes(log, rule, calendar, strict=strict)
        if clock is None:
            continue
        stopped = clock.stopped
        result[clock.case[stopped]] = np.where(clock.stop[stopped] > clock.due[stopped], 0.0, 1.0)
    return result


def _default_rules():
    from procmine.analysis.deadlines import DEFAULT_RULES
    return DEFAULT_RULES
