"""Waiting times in Danish working days: per transition and before each activity.

The same waits as the bottleneck tables' calendar times (from one event of a case
to the next), counted as office time in working days by procmine.workcalendar, so
a wait over a weekend or Easter is not counted as days of work left undone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from procmine.analysis import kernels as k
from procmine.eventlog import EventLog
from procmine.workcalendar import WorkCalendar

# group_stats works on integers: working days are kept to a millionth of a day.
_SCALE = 1_000_000


def working_day_waits(log: EventLog, calendar: WorkCalendar | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(transitions, activities): median and total wait in working days per edge and per next activity."""
    arrays = log.arrays
    follows = k.follows_mask(arrays)
    source = arrays.activity[:-1][follows].astype(np.int64)
    target = arrays.activity[1:][follows].astype(np.int64)
    calendar = calendar or WorkCalendar()
    days = (calendar.working_days_between(arrays.timestamp[:-1][follows], arrays.timestamp[1:][follows])
            if len(source) else np.zeros(0))
    scaled = np.round(np.nan_to_num(days) * _SCALE).astype(np.int64)
    names = arrays.activity_names
    size = len(names)
    pairs = source * size + target
    known = k.sorted_unique(pairs)
    edge_stats = k.group_stats(k.dense_codes(pairs, known, size * size), scaled, len(known))
    transitions = pd.DataFrame({
        "source": [names[c] for c in (known // size).tolist()],
        "target": [names[c] for c in (known % size).tolist()],
        "median_working_days": edge_stats.median / _SCALE, "total_working_days": edge_stats.total / _SCALE})
    stats = k.group_stats(target, scaled, size)
    present = np.flatnonzero(stats.count)
    activities = pd.DataFrame({
        "activity": [names[c] for c in present.tolist()],
        "median_wait_working_days": stats.median[present] / _SCALE,
        "total_wait_working_days": stats.total[present] / _SCALE})
    return transitions, activities
