"""Drivers of long throughput: which kinds of cases take longer, by how much, and how sure that is.

For each candidate driver (a case attribute value, a variant, rework, more caseworkers
than usual, a high open workload when the case started) the closed cases (closed as
procmine.analysis.overview.closed_mask says: `closed_at`, else the declared end
activities; every case when the log cannot say) with it are
compared with those without it: the difference in median throughput (working days) with a
bootstrap 95 % interval, and the difference in deadline compliance where a rule covers
the cases. A driver is kept only when both groups hold at least MIN_CASES cases; the list
is ranked by the size of the difference. These are associations, not causes.

Example: `drivers(procmine.open("sample_logs/aktindsigt")).table.head()`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.analysis import kernels as k
from procmine.analysis.deadlines import DEFAULT_RULES, DeadlineRule
from procmine.analysis.overview import CLOSED_AT, closed_mask
from procmine.eventlog import EventLog
from procmine.prediction.clock import rule_clock
from procmine.prediction.features import LogFacts, _attribute_codes
from procmine.schema import CASE_ID, CASE_INDEX
from procmine.variant_grouping import grouped_cases, variant_sequences
from procmine.workcalendar import WorkCalendar

MIN_CASES = 30
BOOTSTRAP = 200
BOOTSTRAP_SAMPLE = 5_000      # larger groups are resampled from a subsample; the interval is rescaled
TOP_VARIANTS = 10
SKIPPED_ATTRIBUTES = (CASE_ID, CASE_INDEX, CLOSED_AT, "opened_at", "citizen", "citizen_id")
COLUMNS = ("kind", "driver", "value", "cases_with", "cases_without", "median_with", "median_without",
           "difference", "difference_low", "difference_high", "compliance_with", "compliance_without",
           "compliance_difference", "compliance_low", "compliance_high")


@dataclass(frozen=True)
class Drivers:
    """Ranked drivers; throughput in working days, compliance as shares 0..1 (NaN where no rule applies)."""

    table: pd.DataFrame
    cases: int
    calendar: str


def drivers(log: EventLog, rules: tuple[DeadlineRule, ...] | None = None,
            calendar: WorkCalendar | None = None, seed: int = 0) -> Drivers:
    """Drivers of long throughput over the log's closed cases, ranked by the difference in median."""
    calendar = calendar or WorkCalendar()
    facts = LogFacts(log, calendar)
    closed = _closed_cases(log)
    first, last = k.case_first_last(log.arrays)
    throughput = calendar.working_days_between(first, last) if len(first) else np.zeros(0)
    compliance = _compliance(log, rules, calendar)
    rng = np.random.default_rng(seed)
    rows = []
    for kind, name, value, mask in _candidates(log, facts):
        with_, without = mask & closed, ~mask & closed
        if with_.sum() < MIN_CASES or without.sum() < MIN_CASES:
            continue
        rows.append((kind, name, value, int(with_.sum()), int(without.sum()),
                     *_median_difference(throughput[with_], throughput[without], rng),
                     *_share_difference(compliance[with_], compliance[without])))
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table = table.iloc[np.argsort(-np.abs(table["difference"].to_numpy()), kind="stable")].reset_index(drop=True)
    return Drivers(table=table, cases=int(closed.sum()), calendar=calendar.describe())


def _candidates(log: EventLog, facts: LogFacts):
    """(kind, driver, value, mask over the selected cases) for every candidate driver."""
    table = log.cases_table()
    for name in table.column_names:
        coded = None if name in SKIPPED_ATTRIBUTES else _attribute_codes(table.column(name))
        if coded is None:
            continue
        codes, values = coded
        for code, value in enumerate(values):
            yield "attribute", name, str(value), codes == code
    grouping = grouped_cases(log)
    sequences = variant_sequences(log).names if len(grouping.cases) else ()
    for rank in range(min(TOP_VARIANTS, len(grouping.cases))):
        yield "variant", "variant", f"#{rank + 1}: " + " → ".join(sequences[rank]), grouping.variant_of_case == rank
    arrays = facts.arrays
    ends = arrays.case_starts[1:] - 1
    if arrays.num_cases:
        yield "rework", "rework", "yes", facts.rework_so_far[ends] > 0
        workers = facts.caseworkers_so_far[ends]
        usual = float(np.median(workers))
        if workers.max() > usual:
            yield "caseworkers", "caseworkers", f"> {usual:.0f}", workers > usual
        starts = arrays.case_starts[:-1]
        load = facts.workload(np.arange(arrays.num_cases), arrays.timestamp[starts])
        high = float(np.quantile(load, 0.75))
        yield "workload", "open_workload", f"> {high:.0f}", load > high


def _closed_cases(log: EventLog) -> np.ndarray:
    """Per selected case whether it closed, by the overview's rule (`closed_at`, else the declared end
    activities); every case when the log cannot say."""
    closed = closed_mask(log)
    return np.ones(log.num_cases, bool) if closed is None else closed


def _compliance(log: EventLog, rules, calendar: WorkCalendar) -> np.ndarray:
    """Per selected case 1.0 met, 0.0 breached, NaN not covered or not yet settled (first fitting rule)."""
    result = np.full(log.num_cases, np.nan)
    for rule in (rules if rules is not None else DEFAULT_RULES):
        clock = rule_clock(log, rule, calendar, strict=rules is not None)
        if clock is None:
            continue
        settled = clock.settled & np.isnan(result[clock.case])
        result[clock.case[settled]] = 1.0 - clock.breached[settled]
    return result


def _median_difference(with_: np.ndarray, without: np.ndarray, rng: np.random.Generator):
    """Medians of both groups, their difference and its bootstrap 95 % interval."""
    difference = float(np.median(with_) - np.median(without))
    draws = _bootstrap_medians(with_, rng) - _bootstrap_medians(without, rng)
    low, high = np.quantile(draws, [0.025, 0.975])
    return float(np.median(with_)), float(np.median(without)), difference, float(low), float(high)


def _bootstrap_medians(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap medians; a group over BOOTSTRAP_SAMPLE is resampled from a subsample and the spread
    shrunk by sqrt(subsample / n), as the median's standard error scales."""
    n = len(values)
    sample = values if n <= BOOTSTRAP_SAMPLE else rng.choice(values, BOOTSTRAP_SAMPLE, replace=False)
    medians = np.median(sample[rng.integers(0, len(sample), (BOOTSTRAP, len(sample)))], axis=1)
    centre = float(np.median(values))
    return centre + (medians - float(np.median(sample))) * np.sqrt(len(sample) / n)


def _share_difference(with_: np.ndarray, without: np.ndarray):
    """Compliance shares, their difference and its normal-approximation 95 % interval (NaN if too few)."""
    a, b = with_[~np.isnan(with_)], without[~np.isnan(without)]
    if len(a) < MIN_CASES or len(b) < MIN_CASES:
        return (np.nan,) * 5
    pa, pb = float(a.mean()), float(b.mean())
    error = 1.96 * np.sqrt(pa * (1 - pa) / len(a) + pb * (1 - pb) / len(b))
    return pa, pb, pa - pb, pa - pb - error, pa - pb + error
