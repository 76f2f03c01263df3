"""Open or closed when a case notion merges cases: a merged case is open while any case it merges is.

Seen by citizen (or caseworker, department...), one case holds the events of several cases.
It carries a `closed_at` so that the open-cases rule of `analysis.overview` (and the periods and
report built on it) decides it as for any case: null (open) when any merged case is open, else
the latest `closed_at` of the merged cases. A merged case that merges none of the cases that
can say (no related object with a `closed_at`) is closed at its last event, as every case is
when the data cannot say.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s

CLOSED_AT = "closed_at"


def merged_closed_at(group: np.ndarray, closed_at: pa.Array | pa.ChunkedArray, num_groups: int,
                     fallback: np.ndarray) -> pa.Array:
    """Per group: null when a member's `closed_at` is null, else the members' latest; `fallback` (µs)
    for a group without members. `group[i]` is the group of member i, whose `closed_at` is `closed_at[i]`."""
    micros = pc.cast(closed_at, s.TIMESTAMP_TYPE).cast(pa.int64())
    if isinstance(micros, pa.ChunkedArray):
        micros = micros.combine_chunks()
    known = pc.is_valid(micros).to_numpy(zero_copy_only=False)
    values = micros.fill_null(0).to_numpy(zero_copy_only=False)
    group = np.asarray(group, np.int64)
    members = np.bincount(group, minlength=num_groups)
    open_members = np.bincount(group[~known], minlength=num_groups)
    latest = np.full(num_groups, np.iinfo(np.int64).min, np.int64)
    np.maximum.at(latest, group[known], values[known])
    result = np.where(members == 0, np.asarray(fallback, np.int64), latest)
    return pa.array(result, s.TIMESTAMP_TYPE, mask=open_members > 0)
