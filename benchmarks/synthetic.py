"""A fast NumPy generator of synthetic case logs, written as a procmine dataset.

Cases walk a fixed random Markov chain over municipal-sounding activities (with
loops and optional steps), one vectorised step for all cases at a time; waiting
times are log-normal per activity. Same seed, same log.

    python benchmarks/synthetic.py OUT --cases 300000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from procmine.dataset import Dataset, write_dataset

ACTIVITIES = (
    "Ansøgning modtaget", "Kvittering sendt", "Journaliseret", "Screening", "Mangelbrev sendt",
    "Supplerende oplysninger modtaget", "Sag fuldt oplyst", "Høring af myndigheder", "Partshøring",
    "Vurdering", "Fristbrev sendt", "Afgørelse", "Klage modtaget", "Genvurdering",
    "Dokumenter udleveret", "Udbetaling iværksat", "Afsluttet",
)
END = len(ACTIVITIES)           # the absorbing state after the last activity
CASE_TYPES = ("aktindsigt", "byggetilladelse", "merudgifter", "borgerhenvendelse", "genoptræning")
DEPARTMENTS = ("Byg og Miljø", "Borgerservice", "Social og Sundhed", "Sekretariat")
CHANNELS = ("digital", "post", "telefon", "personlig")
MAX_EVENTS = 40
START = np.datetime64("2022-01-01T00:00:00", "us").astype(np.int64)
SPAN_US = 730 * 86_400_000_000


def transition_matrix(rng: np.random.Generator) -> np.ndarray:
    """Cumulative next-activity probabilities: mostly forward, some loops back and early ends."""
    states = len(ACTIVITIES)
    weights = np.zeros((states, states + 1))
    for state in range(states):
        weights[state, state + 1] = 6.0                         # the main path
        weights[state, min(state + 2, states)] += 1.5           # skip an optional step
        weights[state, min(state + 3, states)] += 0.5
        weights[state, rng.integers(0, states)] += 0.4          # a loop or a jump
        weights[state, END] += 0.6                              # cases that stop early
    weights[states - 1, :] = 0.0
    weights[states - 1, END] = 1.0
    return np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)


def walk(num_cases: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Activity codes of all events (case-major) and the number of events per case."""
    cumulative = transition_matrix(rng)
    state = np.zeros(num_cases, np.int64)
    steps = np.full((MAX_EVENTS, num_cases), END, np.int64)
    steps[0] = state
    for step in range(1, MAX_EVENTS):
        active = np.flatnonzero(state != END)
        if len(active) == 0:
            break
        draws = rng.random(len(active))
        state[active] = (draws[:, None] > cumulative[state[active]]).sum(axis=1)
        steps[step, active] = state[active]
    steps = steps.T
    lengths = (steps != END).sum(axis=1)
    return steps[steps != END], lengths


def generate_tables(num_cases: int, seed: int = 7) -> tuple[pa.Table, pa.Table]:
    """Events and case attributes of `num_cases` synthetic cases."""
    rng = np.random.default_rng(seed)
    activity, lengths = walk(num_cases, rng)
    case = np.repeat(np.arange(num_cases), lengths)
    mean_wait_hours = rng.uniform(1, 120, len(ACTIVITIES))
    waits = rng.lognormal(np.log(mean_wait_hours[activity]), 1.0) * 3_600_000_000
    starts = np.cumsum(lengths) - lengths
    waits[starts] = rng.integers(0, SPAN_US, num_cases)       # the case's first event
    timestamp = np.cumsum(waits.astype(np.int64))
    timestamp -= np.repeat(timestamp[starts] - waits[starts].astype(np.int64), lengths)
    case_ids = pa.array(np.char.add("C", np.char.zfill(np.arange(num_cases).astype(str), 8)))
    names = pa.array(ACTIVITIES)
    events = pa.table({
        "case_id": case_ids.take(pa.array(case)),
        "activity": pa.DictionaryArray.from_arrays(pa.array(activity.astype(np.int32)), names),
        "timestamp": pa.array(START + timestamp, type=pa.timestamp("us", tz="UTC")),
        "resource": pa.array(np.char.add("R", rng.integers(0, 60, len(case)).astype(str))),
    })
    cases = pa.table({
        "case_id": case_ids,
        "case_type": pa.array(np.asarray(CASE_TYPES)[rng.integers(0, len(CASE_TYPES), num_cases)]),
        "department": pa.array(np.asarray(DEPARTMENTS)[rng.integers(0, len(DEPARTMENTS), num_cases)]),
        "channel": pa.array(np.asarray(CHANNELS)[rng.integers(0, len(CHANNELS), num_cases)]),
    })
    return events, cases


def write_synthetic(target: str | Path, num_cases: int, seed: int = 7) -> Dataset:
    """Generate `num_cases` cases and write them as a dataset folder at `target`."""
    events, cases = generate_tables(num_cases, seed)
    return write_dataset(target, events, cases, source={"generator": "benchmarks/synthetic.py",
                                                        "cases": num_cases, "seed": seed})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    began = time.perf_counter()
    dataset = write_synthetic(options.target, options.cases, options.seed)
    print(f"{options.target}: {dataset.meta.cases:,} cases, {dataset.meta.events:,} events "
          f"in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
