"""The online calibration map: a Platt map refitted as outcomes become known, the classifier frozen.

The fixed maps are fitted once, on the classifier's out-of-sample scores of the latest cases
before its origin, and then read for every case ahead; under drift they go stale. The online map
keeps the classifier (so its scores of later cases stay out-of-sample) and refits only the map:
every REFIT_DAYS days, a Platt map on the scores of the latest cases whose deadline had passed
before that day, as many cases as the calibration slice holds. A case's outcome is known, met or
breached, once its due time has passed, whatever it is; so the window is the same cases whatever
their outcomes, and not tilted towards the quickly met ones (a met deadline is known when the
clock stops, a breach only at the due time). Cases settled after the day counted do not change
its map (the map of a moment uses only what was known before it). With fewer than MIN_SETTLED
such cases, or one class among them, the fixed map chosen among the fixed ones is used (on the
validation folds, before that choice is made, such risks are left open, `Undecided`, and filled in
with the chosen fixed map's afterwards).

The scores it learns from start with the calibration slice's (the classifier fitted on the
earlier cases scores them: out-of-sample) and go on with the cases ahead, scored by the same
classifier. In the radar the map at "now" (the log's end) is the one refitted on the calibration
slice's cases whose deadline has passed: the freshest map the data allows, since the radar is
re-run on every new extract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from procmine.prediction.calibration import Calibrator, Platt

ONLINE = "online"
REFIT_DAYS = 5
MIN_SETTLED = 200   # cases whose deadline has passed, for a map of their own
DAY_US = 86_400_000_000


class Undecided:
    """The fallback while the fixed map is not chosen yet: NaN for every score, filled in later."""

    def predict(self, scores: np.ndarray) -> np.ndarray:
        return np.full(len(scores), np.nan)


Fallback = TypeVar("Fallback", Calibrator, Undecided)


@dataclass(frozen=True)
class Evidence:
    """A classifier's out-of-sample scores of prefixes with their outcomes, case and the case's start and due time."""

    score: np.ndarray
    breached: np.ndarray
    case: np.ndarray        # the case each prefix belongs to (any integer id)
    case_start: np.ndarray  # µs
    due: np.ndarray         # µs: the case's outcome is known once this has passed

    def join(self, later: Evidence) -> Evidence:
        return Evidence(*(np.concatenate([a, b]) for a, b in zip(self.columns(), later.columns())))

    def columns(self) -> tuple[np.ndarray, ...]:
        return self.score, self.breached, self.case, self.case_start, self.due

    @property
    def cases(self) -> int:
        return len(np.unique(self.case))


class _Window:
    """The evidence's cases ordered by start, to take the latest `size` of those settled before a moment."""

    def __init__(self, evidence: Evidence, size: int) -> None:
        _, first, self.rank = np.unique(evidence.case, return_index=True, return_inverse=True)
        self.start, self.due, self.size = evidence.case_start[first], evidence.due[first], max(size, 1)
        self.order = np.argsort(self.start, kind="stable")

    def cases_at(self, now: int) -> np.ndarray:
        """Per case (as numbered by `rank`), whether it is in the window of the moment `now`."""
        settled = self.due[self.order] < now
        latest = self.order[settled][-self.size:]
        chosen = np.zeros(len(self.start), bool)
        chosen[latest] = True
        return chosen


def map_at(evidence: Evidence, now: int, window_cases: int, fallback: Fallback) -> Platt | Fallback:
    """The online map of the moment `now`: Platt on the latest `window_cases` cases settled before it."""
    chosen = _Window(evidence, window_cases)
    return _fitted(evidence, chosen.cases_at(now)[chosen.rank], fallback)


def online_risks(evidence: Evidence, scores: np.ndarray, moments: np.ndarray, window_cases: int,
                 fallback: Fallback) -> np.ndarray:
    """Risks of prefixes with classifier `scores` at `moments`, each by the map refitted on the REFIT_DAYS
    day it falls in (from the evidence settled before that day's start)."""
    risks = np.empty(len(scores))
    if len(scores) == 0:
        return risks
    window = _Window(evidence, window_cases)
    refit = REFIT_DAYS * DAY_US
    period = moments // refit
    last_cases: np.ndarray | None = None
    current: Platt | Fallback = fallback
    for day in np.unique(period):
        cases = window.cases_at(int(day) * refit)
        if last_cases is None or not np.array_equal(cases, last_cases):   # refit only when the window moved
            current, last_cases = _fitted(evidence, cases[window.rank], fallback), cases
        mine = period == day
        risks[mine] = current.predict(scores[mine])
    return risks


def _fitted(evidence: Evidence, use: np.ndarray, fallback: Fallback) -> Platt | Fallback:
    y = evidence.breached[use]
    if len(np.unique(evidence.case[use])) < MIN_SETTLED or not 0 < y.sum() < len(y):
        return fallback
    return Platt(evidence.score[use], y)
