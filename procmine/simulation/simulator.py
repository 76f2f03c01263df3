"""Deterministic simulation of the municipal workflows, in blocks of cases, into a canonical dataset.

Every block of `BLOCK_CASES` cases has its own random stream, seeded by (seed, workflow,
block), so a log is the same whether it is held in memory or written in chunks of any size.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from procmine.dataset import write_dataset_parts
from procmine.dataset_meta import DatasetMeta
from procmine.errors import ConfigError
from procmine.simulation.batch import CaseBatch, Period
from procmine.simulation.spec import WorkflowSpec
from procmine.simulation.workflows import WORKFLOWS
from procmine.workcalendar import WorkCalendar

ALL = "all"
BLOCK_CASES = 10_000
MAX_CASES = 9_999_999  # case ids have seven digits, so that string order is case order
# How `all` splits its cases: a plausible mix of a municipality's case load.
LOAD_STREAM, LOAD_PERSISTENCE, LOAD_SHOCK = 7_919, 0.97, 0.085
LOAD_WARMUP_DAYS, LOAD_MARGIN_DAYS = 200, 1_000   # margin: casework of the last cases runs past the period
ALL_SHARES = {"aktindsigt": 0.10, "borgerhenvendelse": 0.40, "byggetilladelse": 0.15,
              "genoptraening": 0.20, "merudgifter": 0.15}


@dataclass(frozen=True)
class SimulationOptions:
    """What to simulate: a workflow (or `all`), how many cases, the seed and the period."""

    workflow: str
    cases: int = 1_000
    seed: int = 0
    last_day: dt.date = dt.date(2026, 10, 31)
    days: int = 730
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    # Slow-down drivers: busy spells raise the intake and stretch casework, and casework after a
    # hand-over takes longer. Off for the bundled samples; on for logs that test prediction.
    drivers: bool = False

    def __post_init__(self) -> None:
        if self.workflow not in WORKFLOWS and self.workflow != ALL:
            raise ConfigError(f"unknown workflow {self.workflow!r}; choose one of "
                              f"{', '.join(sorted(WORKFLOWS))} or {ALL}.")
        if not 1 <= self.cases <= MAX_CASES:
            raise ConfigError(f"cases must be between 1 and {MAX_CASES:,}, got {self.cases:,}.")
        if self.seed < 0:
            raise ConfigError(f"seed must be 0 or more, got {self.seed}.")
        if self.days < 1:
            raise ConfigError(f"the period must last at least 1 day, got days={self.days}.")

    @property
    def period(self) -> Period:
        load = busy_spells(self.seed, self.days + LOAD_MARGIN_DAYS) if self.drivers else None
        return Period(np.datetime64(self.last_day, "D"), self.days, self.calendar, load=load)

    def case_counts(self) -> list[tuple[WorkflowSpec, int]]:
        """Cases per workflow, in case-id order (the `all` mix rounds so the total is `cases`)."""
        if self.workflow != ALL:
            return [(WORKFLOWS[self.workflow], self.cases)]
        names = sorted(WORKFLOWS, key=lambda name: WORKFLOWS[name].prefix)
        counts = [int(self.cases * ALL_SHARES[name]) for name in names]
        counts[names.index("borgerhenvendelse")] += self.cases - sum(counts)
        return [(WORKFLOWS[name], count) for name, count in zip(names, counts) if count]


def busy_spells(seed: int, days: int) -> np.ndarray:
    """Log relative intake per day: a slow random wave (weeks-long busy and quiet spells), sd about 0.35."""
    rng = np.random.default_rng([seed, LOAD_STREAM])
    shocks = rng.normal(0.0, LOAD_SHOCK, days + LOAD_WARMUP_DAYS)
    load = np.zeros_like(shocks)
    for day in range(1, len(shocks)):   # once per simulated day, not per case
        load[day] = LOAD_PERSISTENCE * load[day - 1] + shocks[day]
    return load[LOAD_WARMUP_DAYS:]


def simulate_blocks(options: SimulationOptions) -> Iterator[tuple[pa.Table, pa.Table]]:
    """(events, cases) of each block of cases, in case-id order."""
    period = options.period
    for spec, count in options.case_counts():
        for block, first in enumerate(range(0, count, BLOCK_CASES)):
            rng = np.random.default_rng([options.seed, spec.number, block])
            batch = CaseBatch(spec, rng, period, first + 1, min(BLOCK_CASES, count - first))
            spec.simulate(batch)
            yield batch.tables()


def simulate_log(options: SimulationOptions) -> tuple[pa.Table, pa.Table]:
    """The whole simulated log in memory: (events, cases), for small numbers of cases."""
    events, cases = zip(*simulate_blocks(options))
    return pa.concat_tables(events), pa.concat_tables(cases)


def write_simulated_dataset(target: str | os.PathLike, options: SimulationOptions, *,
                            chunk_cases: int = 50_000,
                            progress: Callable[[int], None] | None = None) -> DatasetMeta:
    """Simulate and write a dataset folder chunk by chunk, in bounded memory; gives its metadata.

    `progress` is called with the number of cases simulated so far after each chunk.
    """
    if chunk_cases < 1:
        raise ConfigError(f"chunk_cases must be at least 1, got {chunk_cases}.")
    source = {"kind": "simulation", "workflow": options.workflow, "cases": options.cases,
              "seed": options.seed, "period": [str(options.period.first_day), str(options.last_day)],
              **({"drivers": True} if options.drivers else {})}
    notes = ["Synthetic event log simulated by procmine: no real cases or persons.",
             options.calendar.describe()]
    return write_dataset_parts(target, _chunks(options, chunk_cases, progress), source=source,
                               timezone=options.calendar.timezone, notes=notes)


def _chunks(options: SimulationOptions, chunk_cases: int,
            progress: Callable[[int], None] | None) -> Iterator[tuple[pa.Table, pa.Table]]:
    blocks_per_chunk = max(1, -(-chunk_cases // BLOCK_CASES))
    pending: list[tuple[pa.Table, pa.Table]] = []
    done = 0
    for events, cases in simulate_blocks(options):
        pending.append((events, cases))
        done += cases.num_rows
        if len(pending) == blocks_per_chunk:
            yield _joined(pending)
            pending = []
            if progress:
                progress(done)
    if pending:
        yield _joined(pending)
        if progress:
            progress(done)


def _joined(parts: list[tuple[pa.Table, pa.Table]]) -> tuple[pa.Table, pa.Table]:
    return pa.concat_tables([e for e, _ in parts]), pa.concat_tables([c for _, c in parts])
