"""Labelled prefixes for training and testing: every case looked at on a common grid of moments.

A case with a known outcome is looked at every `step` from its start until its clock stopped
or its deadline passed (later moments hold no uncertainty), so a prefix sees
exactly what was known at its own moment, as an open case is seen at "now". The step
grows with the log so that the number of prefixes stays bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from procmine.prediction.clock import RuleClock
from procmine.prediction.features import LogFacts, Prefixes, prefixes_at

HOUR_US = 3_600_000_000
MAX_PREFIXES = 100_000
PREFIXES_PER_CASE = 12     # on average: more near-identical looks at one case teach nothing new


@dataclass(frozen=True)
class Labelled:
    """Prefixes with what became of them: breached (0/1) and remaining working days until the clock stopped
    (the rule's end, or the case closing without it; NaN while it still ran at the log's end)."""

    prefixes: Prefixes
    breached: np.ndarray
    remaining: np.ndarray
    case_start: np.ndarray      # µs of each prefix's case start (the temporal split key)
    horizon: np.ndarray         # working days from each prefix's moment to the log's end (remaining beyond it is unseen)
    due: np.ndarray             # µs of its case's due time: by then its outcome is known, met or breached

    def subset(self, keep: np.ndarray) -> Labelled:
        p = self.prefixes
        prefixes = Prefixes(entry=p.entry[keep], moment=p.moment[keep], features=p.features[keep],
                            names=p.names, categorical=p.categorical, levels=p.levels)
        return Labelled(prefixes, self.breached[keep], self.remaining[keep], self.case_start[keep],
                        self.horizon[keep], self.due[keep])

    def __len__(self) -> int:
        return len(self.breached)


def labelled_prefixes(facts: LogFacts, clock: RuleClock, entries: np.ndarray,
                      max_prefixes: int = MAX_PREFIXES) -> Labelled:
    """Grid prefixes of the clock entries `entries` (which must have a known outcome)."""
    start = clock.start[entries]
    stop = np.where(clock.stopped[entries], clock.stop[entries], np.minimum(clock.due[entries] + 1, clock.log_end))
    stop = np.minimum(stop, clock.due[entries] + 1)
    step = _step(stop - start, max_prefixes)
    first = start // step + 1
    last = (stop - 1) // step
    counts = np.maximum(last - first + 1, 0)
    owner = np.repeat(np.arange(len(entries)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    moment = (first[owner] + offsets) * step
    entry = entries[owner]
    prefixes = prefixes_at(facts, clock, entry, moment)
    breached = clock.breached[entry]
    stopped = clock.stopped[entry]
    remaining = np.full(len(entry), np.nan)
    if stopped.any():
        remaining[stopped] = facts.calendar.working_days_between(moment[stopped], clock.stop[entry][stopped])
    horizon = facts.calendar.working_days_between(moment, np.full(len(moment), clock.log_end, np.int64))
    return Labelled(prefixes, breached, remaining, clock.start[entry], horizon, clock.due[entry])


def _step(durations: np.ndarray, max_prefixes: int) -> int:
    """A grid step (µs, whole hours) giving at most about `max_prefixes` prefixes in all."""
    durations = np.maximum(durations, 0).astype(np.float64)
    total = float(durations.sum())
    per_case = float(durations.mean()) / PREFIXES_PER_CASE if len(durations) else 0.0
    hours = max(1, int(np.ceil(max(total / max(max_prefixes, 1), per_case) / HOUR_US)))
    return hours * HOUR_US
