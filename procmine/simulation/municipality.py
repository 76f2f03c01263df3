"""A simulated municipality: citizens with several overlapping cases across the five workflows,
and departments that share caseworkers. Written as an object-centric dataset (OCEL 2.0 in
Parquet; objects: case, citizen, caseworker, department), optionally also as an OCEL 2.0 file
and as a case-centric dataset whose cases carry a `citizen` attribute.

The cases come from the workflow simulator (`simulate_log` with the `all` mix); this module
only decides which citizen each case belongs to and which caseworkers are shared, so the
workflows stay exactly as the simulator makes them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from procmine import schema as s
from procmine.dataset import normalise_events, write_dataset
from procmine.dataset_meta import DatasetMeta
from procmine.errors import ConfigError
from procmine.simulation.simulator import ALL, SimulationOptions, simulate_log

MUNICIPALITY = "kommune"
CITIZEN = "citizen"
# Administrative staff serve several departments: one shared pool instead of one per workflow.
SHARED_ROLE = "administrativ medarbejder"
SHARED_POOL = 3
# A citizen's cases cluster in time (a life event brings several): cases are grouped among
# those opened within about this many days of each other.
CLUSTER_DAYS = 45


@dataclass(frozen=True)
class MunicipalityOptions:
    """How many cases (across the five workflows), how many per citizen on average, seed and period."""

    cases: int = 2_000
    seed: int = 0
    cases_per_citizen: float = 2.2
    last_day: dt.date = dt.date(2026, 10, 31)
    days: int = 730

    def __post_init__(self) -> None:
        if not 1 <= self.cases_per_citizen <= 20:
            raise ConfigError(f"cases_per_citizen must be between 1 and 20, got {self.cases_per_citizen}.")

    def workflow_options(self) -> SimulationOptions:
        return SimulationOptions(ALL, cases=self.cases, seed=self.seed, last_day=self.last_day, days=self.days)


def simulate_municipality(options: MunicipalityOptions) -> tuple[pa.Table, pa.Table]:
    """(events, cases) of the municipality; cases carry `citizen`, caseworkers are shared."""
    events, cases = simulate_log(options.workflow_options())
    rng = np.random.default_rng([options.seed, 0x6B6F6D])
    citizens = assign_citizens(cases.column("opened_at").cast(pa.int64()).to_numpy(), options, rng)
    cases = cases.drop_columns(["citizen_id"]).append_column(CITIZEN, citizens)
    return share_caseworkers(events), cases


def assign_citizens(opened_us: np.ndarray, options: MunicipalityOptions, rng: np.random.Generator) -> pa.Array:
    """A citizen id per case: groups of cases opened close in time, of random size (mean as asked)."""
    n = len(opened_us)
    by_time = np.empty(n, np.int64)
    by_time[np.argsort(opened_us, kind="stable")] = np.arange(n)
    spread = max(1.0, n / options.days * CLUSTER_DAYS)
    order = np.argsort(by_time + rng.exponential(spread, n), kind="stable")
    sizes = 1 + rng.poisson(options.cases_per_citizen - 1, n)
    group_of_position = np.repeat(np.arange(n), sizes)[:n]
    group = np.empty(n, np.int64)
    group[order] = group_of_position
    # a stable pseudonymous id per citizen number, as the workflow simulator makes them
    codes = (group * 0x9E3779 + 0x5A17 + options.seed * 0x1F3) & 0xFFFFFF
    return pa.array(np.char.add("bg-", np.char.zfill(np.char.lower(np.char.mod("%x", codes)), 6)).astype(object),
                    pa.string())


def share_caseworkers(events: pa.Table) -> pa.Table:
    """The administrative staff of every workflow replaced by one small pool that serves them all."""
    role = events.column("role")
    shared = pc.equal(role, SHARED_ROLE)
    staff = pc.unique(pc.filter(events.column(s.RESOURCE), shared)).to_pylist()
    staff = sorted(x for x in staff if x is not None)
    if not staff:
        return events
    pool = pa.array([staff[i % SHARED_POOL] for i in range(len(staff))], pa.string())
    mapped = pool.take(pc.index_in(events.column(s.RESOURCE), value_set=pa.array(staff, pa.string())))
    resource = pc.if_else(shared, mapped, events.column(s.RESOURCE))
    return events.set_column(events.column_names.index(s.RESOURCE), s.RESOURCE, resource)


def write_municipality(target: str | os.PathLike, options: MunicipalityOptions, *,
                       ocel_file: str | os.PathLike | None = None,
                       case_centric: str | os.PathLike | None = None) -> DatasetMeta:
    """Write the municipality as an object-centric dataset at `target` (and, if asked, as an
    OCEL 2.0 file and a case-centric dataset); gives the object-centric dataset's metadata."""
    from procmine.ocel import write_ocel, write_ocel_dataset
    from procmine.ocel.from_cases import ocel_from_cases

    calendar = options.workflow_options().calendar
    events, cases = simulate_municipality(options)
    events = normalise_events(events, timezone=calendar.timezone, origin="the simulation")
    source = {"kind": "simulation", "workflow": MUNICIPALITY, "cases": options.cases, "seed": options.seed,
              "cases_per_citizen": options.cases_per_citizen,
              "period": [str(options.workflow_options().period.first_day), str(options.last_day)]}
    notes = ["Synthetic municipality simulated by procmine: no real cases or persons.", calendar.describe()]
    log = ocel_from_cases(events, cases)
    dataset = write_ocel_dataset(target, log, case_notion="case", source=source, notes=notes)
    if ocel_file is not None:
        write_ocel(log, Path(ocel_file))
    if case_centric is not None:
        write_dataset(case_centric, events, cases, source=source, notes=notes, timezone=calendar.timezone)
    return dataset.meta
