"""A batch of simulated cases of one workflow: one array entry per case, events emitted step by step.

Workflows are written as a few lines per step over whole arrays (no loop per case):
`t = batch.office(t, median=0.5, sigma=0.6); batch.emit("Afgørelse", t, batch.owner)`.
Casework times come from the work calendar, so they fall in office hours on working days;
inbound events (a citizen's mail, a hospital's plan) may arrive at any hour.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from procmine import schema as s
from procmine.simulation.spec import WorkflowSpec
from procmine.workcalendar import DAY_US, NOT_A_TIME, WorkCalendar

HOUR_US = 3_600_000_000
NO_STAFF = -1
CASE_COLUMNS = ("case_id", "case_type", "kle", "facet", "department", "channel", "category",
                "outcome", "citizen_id", "opened_at", "closed_at")
# A municipality the size of Syddjurs (about 43,000 inhabitants): citizens recur across cases.
CITIZENS = 45_000
# With slow-down drivers (SimulationOptions.drivers): casework after a hand-over takes this much longer,
# and office time stretches by exp(PACE_PER_LOAD * load) in busy periods.
# A case is also reassigned to a colleague (sick leave, re-planning) before a step with chance
# REASSIGN_SHARE; the new colleague does all later steps of that team.
HANDOVER_SLOWDOWN = 3.0
PACE_PER_LOAD = 1.0
REASSIGN_SHARE = 0.15
MAX_SLOWDOWN = 4.0
# Cases that came by letter or Digital Post wait for scanning and journalising at every step.
CHANNEL_SLOWDOWN = {"letter": 3.0, "Digital Post": 2.5, "phone": 2.0}


@dataclass(frozen=True)
class Period:
    """The simulated period: cases arrive on `days` local days ending with `last_day`; later events are cut."""

    last_day: np.datetime64
    days: int
    calendar: WorkCalendar
    # Log of the relative intake per local day from first_day on (None: no slow-down drivers). It
    # raises arrivals and stretches casework on busy days.
    load: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def first_day(self) -> np.datetime64:
        return self.last_day - np.timedelta64(self.days - 1, "D")

    @functools.cached_property
    def end_us(self) -> int:
        """UTC microseconds of the local midnight that ends the period."""
        midnight = (self.last_day + np.timedelta64(1, "D")).astype("datetime64[us]").astype(np.int64)
        return int(self.calendar.localize(np.array([midnight]))[0])

    @functools.cached_property
    def start_us(self) -> int:
        """UTC microseconds of the local midnight that starts the period."""
        midnight = self.first_day.astype("datetime64[us]").astype(np.int64)
        return int(self.calendar.localize(np.array([midnight]))[0])

    @functools.cached_property
    def office_days(self) -> float:
        """Office time in the period, in working days."""
        return float(self.calendar.working_days_between(self.start_us, self.end_us)[0])

    @functools.cached_property
    def day_weights(self) -> np.ndarray:
        """Arrival weight of each day: weekdays 1, weekends and holidays less, July (summer) less."""
        dates = self.first_day + np.arange(self.days)
        weekday = (dates.astype(np.int64) + 3) % 7
        weights = np.where(self.calendar.is_working_day(dates), 1.0, 0.3)
        weights = np.where(weekday == 5, 0.15, np.where(weekday == 6, 0.2, weights))
        month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
        weights = weights * np.where(month == 7, 0.6, 1.0)
        if self.load is not None:
            weights = weights * np.exp(self.load[:self.days])
        return weights / weights.sum()

    def pace(self, instants: np.ndarray) -> np.ndarray:
        """How much longer casework takes at each instant (1.0 without slow-down drivers)."""
        if self.load is None:
            return np.ones(np.shape(instants))
        day = np.clip((np.asarray(instants) - self.start_us) // DAY_US, 0, len(self.load) - 1)
        return np.exp(PACE_PER_LOAD * self.load[day])


class CaseBatch:
    """Cases numbered `first_number`.. of one workflow, simulated together with one random stream."""

    def __init__(self, spec: WorkflowSpec, rng: np.random.Generator, period: Period,
                 first_number: int, size: int) -> None:
        self.spec, self.rng, self.period, self.size = spec, rng, period, size
        self.calendar = period.calendar
        self.numbers = np.arange(first_number, first_number + size)
        self.attributes: dict[str, np.ndarray] = {}
        self.closed = np.full(size, NOT_A_TIME, dtype=np.int64)
        self.slowdown = np.ones(size)   # grows with hand-overs when the period has slow-down drivers
        self.reassigned = np.zeros(size, dtype=np.int64)   # how often each case changed hands (drivers)
        self.staffed = np.zeros(size, dtype=bool)          # whether a caseworker has worked on it yet
        self._events: list[tuple[np.ndarray, np.ndarray, int, np.ndarray]] = []

    @property
    def drivers(self) -> bool:
        """Whether the period has slow-down drivers (SimulationOptions.drivers)."""
        return self.period.load is not None

    # -- random case attributes ------------------------------------------------------------
    def open(self, received: np.ndarray, **attributes: np.ndarray) -> None:
        """Set the cases' opening times and attributes (kle, facet, department, channel, category, outcome)."""
        unknown = set(attributes) - set(CASE_COLUMNS)
        if unknown:
            raise ValueError(f"unknown case attribute(s) {sorted(unknown)}")
        self.attributes.update(attributes, opened_at=received)
        if self.period.load is not None and "channel" in attributes:
            channel = np.asarray(attributes["channel"], dtype=object)
            for name, factor in CHANNEL_SLOWDOWN.items():
                self.slowdown = np.where(channel == name, self.slowdown * factor, self.slowdown)

    def choose(self, options: dict[str, float]) -> np.ndarray:
        """One option per case, drawn with the given shares."""
        names = np.array(list(options), dtype=object)
        shares = np.array(list(options.values()), dtype=float)
        return names[self.rng.choice(len(names), size=self.size, p=shares / shares.sum())]

    def chance(self, share) -> np.ndarray:
        """True for each case with probability `share` (a number or one per case)."""
        return self.rng.random(self.size) < share

    def lognormal(self, median, sigma: float) -> np.ndarray:
        """Long-tailed positive amounts with the given median (a number or one per case)."""
        return np.asarray(median) * np.exp(sigma * self.rng.standard_normal(self.size))

    # -- time --------------------------------------------------------------------------------
    def arrivals(self, office_channel: np.ndarray) -> np.ndarray:
        """First-event times: digital mail at any hour (mostly daytime), other channels in office hours."""
        days = self.rng.choice(self.period.days, size=self.size, p=self.period.day_weights)
        daytime = self.rng.random(self.size) < 0.8
        hours = np.where(daytime, np.clip(self.rng.normal(11.0, 2.5, self.size), 0.0, 23.99),
                         self.rng.uniform(0.0, 24.0, self.size))
        local = ((self.period.first_day + days).astype("datetime64[us]").astype(np.int64)
                 + (hours * HOUR_US).astype(np.int64))
        received = self.calendar.localize(local)
        # Calls and letters: any moment of the period's office time.
        office_time = self.rng.uniform(0.0, self.period.office_days, self.size)
        in_office = self.calendar.add_office_days(self.period.start_us, office_time).view(np.int64)
        return np.where(office_channel, in_office, received)

    def office(self, start: np.ndarray, *, median, sigma: float) -> np.ndarray:
        """Casework done after lognormal office time (working days) from `start`, in office hours."""
        office_days = self.lognormal(median, sigma)
        if self.period.load is not None:
            office_days = office_days * self.period.pace(start) * self.slowdown
        return self.calendar.add_office_days(start, office_days).view(np.int64)

    def later(self, start: np.ndarray, *, median_days, sigma: float) -> np.ndarray:
        """An inbound event after lognormal calendar days: at any hour, on any day."""
        return start + (self.lognormal(median_days, sigma) * DAY_US).astype(np.int64)

    def later_in_office(self, start: np.ndarray, *, median_days, sigma: float) -> np.ndarray:
        """Casework after lognormal calendar days, moved into the office hours that follow."""
        if self.period.load is not None:   # casework waits stretch like office time
            median_days = np.asarray(median_days) * self.period.pace(start) * self.slowdown
        return self.office(self.later(start, median_days=median_days, sigma=sigma), median=0.1, sigma=0.8)

    def between(self, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Office time at a random point between two office times."""
        office = self.calendar.working_days_between(first, last)
        share = self.rng.uniform(0.1, 0.9, self.size)
        return self.calendar.add_office_days(first, np.maximum(office, 0.0) * share).view(np.int64)

    # -- staff -------------------------------------------------------------------------------
    def staff(self, team: str) -> np.ndarray:
        """A member of `team` per case (row in the workflow's roster)."""
        first, size = self.spec.team_rows(team)
        return first + self.rng.integers(0, size, self.size)

    def handover(self, workers: np.ndarray, team: str, share: float) -> np.ndarray:
        """The same workers, except that a `share` of cases passes to another member of `team`."""
        passed = self.chance(share)
        new_workers = self.staff(team)
        if self.period.load is not None:
            self.slowdown = np.where(passed & (new_workers != workers),
                                     np.minimum(self.slowdown * HANDOVER_SLOWDOWN, MAX_SLOWDOWN), self.slowdown)
        return np.where(passed, new_workers, workers)

    # -- output ------------------------------------------------------------------------------
    def emit(self, activity: str, times: np.ndarray, staff: np.ndarray | None = None,
             where: np.ndarray | None = None) -> None:
        """Record `activity` at `times` for the cases `where` is true (all by default)."""
        where = np.ones(self.size, dtype=bool) if where is None else where
        staff = np.full(self.size, NO_STAFF) if staff is None else self._colleague(staff, where)
        self._events.append((np.flatnonzero(where), times[where], self.spec.activity_code(activity),
                             staff[where]))

    def _colleague(self, staff: np.ndarray, where: np.ndarray) -> np.ndarray:
        """The staff after reassignments: each one moves a case to the next member of the same team.

        With slow-down drivers, a case that has had a caseworker is reassigned at this step with
        chance REASSIGN_SHARE (sick leave, re-planning), and its later casework is slower.
        """
        if self.period.load is None:
            return staff
        moved = where & (staff != NO_STAFF) & self.staffed & self.chance(REASSIGN_SHARE)
        self.reassigned += moved
        self.slowdown = np.where(moved, np.minimum(self.slowdown * HANDOVER_SLOWDOWN, MAX_SLOWDOWN), self.slowdown)
        self.staffed |= where & (staff != NO_STAFF)
        first, size = self.spec.team_of_rows()
        row = np.maximum(staff, 0)
        moved = first[row] + (row - first[row] + self.reassigned) % size[row]
        return np.where(staff == NO_STAFF, staff, moved)

    def close(self, times: np.ndarray, where: np.ndarray | None = None) -> None:
        """Mark cases closed at `times` (the time of their last event)."""
        where = np.ones(self.size, dtype=bool) if where is None else where
        self.closed = np.where(where, times, self.closed)

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """The batch's events (cut at the period's end, sorted by case and time) and cases."""
        case_ids = np.array([f"{self.spec.prefix}-{n:07d}" for n in self.numbers], dtype=object)
        case, time, activity, staff = self._event_columns()
        roster = self.spec.roster
        staff_index = pa.array(staff, mask=staff == NO_STAFF)
        events = pa.table({
            s.CASE_ID: pa.array(case_ids[case], pa.string()),
            s.ACTIVITY: pa.DictionaryArray.from_arrays(pa.array(activity, pa.int32()),
                                                       pa.array(self.spec.activities)),
            s.TIMESTAMP: pa.array(time, s.TIMESTAMP_TYPE),
            s.RESOURCE: roster.column("resource").take(staff_index),
            "org_unit": roster.column("org_unit").take(staff_index),
            "role": roster.column("role").take(staff_index),
        })
        return events, self._case_table(case_ids)

    def _event_columns(self) -> tuple[np.ndarray, ...]:
        case, time, activity, staff, step = (np.concatenate(parts) for parts in zip(*(
            (c, t, np.full(c.size, a, np.int32), w, np.full(c.size, k, np.int32))
            for k, (c, t, a, w) in enumerate(self._events))))
        time = _whole_seconds(time)
        kept = time < self.period.end_us
        order = np.lexsort((step[kept], time[kept], case[kept]))
        return tuple(column[kept][order] for column in (case, time, activity, staff))

    def _case_table(self, case_ids: np.ndarray) -> pa.Table:
        citizens = self.rng.integers(0, CITIZENS, self.size)
        columns = {
            "case_id": pa.array(case_ids, pa.string()),
            "case_type": pa.array(np.full(self.size, self.spec.name, dtype=object), pa.string()),
            **{name: pa.array(self.attributes.get(name, np.full(self.size, None)), pa.string())
               for name in ("kle", "facet", "department", "channel", "category", "outcome")},
            "citizen_id": pa.array([f"bg-{(c * 0x9E3779 + 0x3C6EF3) & 0xFFFFFF:06x}" for c in citizens],
                                   pa.string()),
            "opened_at": pa.array(_whole_seconds(self.attributes["opened_at"]), s.TIMESTAMP_TYPE),
            "closed_at": pa.array(_whole_seconds(self.closed), s.TIMESTAMP_TYPE,
                                  mask=(self.closed == NOT_A_TIME) | (self.closed >= self.period.end_us)),
        }
        return pa.table(columns)


def _whole_seconds(micros: np.ndarray) -> np.ndarray:
    """Times cut to whole seconds, as case systems record them (still in office hours: they only go down)."""
    return np.where(micros == NOT_A_TIME, micros, micros - micros % 1_000_000)
