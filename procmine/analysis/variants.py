"""Variants: the distinct activity sequences of a log, most frequent first."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.analysis import kernels as k
from procmine.eventlog import EventLog
from procmine.variant_grouping import VariantSequences, grouped_cases, variant_sequences

VARIANT_COLUMNS = ("variant", "activities", "cases", "share", "cumulative_share",
                   "median_throughput_seconds", "mean_throughput_seconds", "p90_throughput_seconds")


@dataclass(frozen=True)
class Variants:
    """The variants of a (filtered) log, most frequent first; ties by the first case's id order.

    Variant i has `cases[i]` cases; its activity codes are `codes[offsets[i]:offsets[i+1]]`.
    Throughput is the time from the first to the last event of a case, in seconds.
    """

    cases: np.ndarray
    codes: np.ndarray
    offsets: np.ndarray
    activity_names: tuple[str, ...]
    median_throughput_seconds: np.ndarray
    mean_throughput_seconds: np.ndarray
    p90_throughput_seconds: np.ndarray
    num_cases: int

    def __len__(self) -> int:
        return len(self.cases)

    @property
    def share(self) -> np.ndarray:
        """Fraction of the cases that follow each variant."""
        return self.cases / self.num_cases if self.num_cases else np.zeros(0)

    @property
    def cumulative_share(self) -> np.ndarray:
        return np.cumsum(self.share)

    @functools.cached_property
    def sequences(self) -> tuple[tuple[str, ...], ...]:
        """Each variant's activity names in order."""
        return VariantSequences(self.codes, self.offsets, self.activity_names).names

    def counts(self) -> dict[tuple[str, ...], int]:
        """Activity sequence -> number of cases."""
        return dict(zip(self.sequences, self.cases.tolist()))

    def to_pandas(self) -> pd.DataFrame:
        return pd.DataFrame({
            "variant": np.arange(1, len(self) + 1),
            "activities": list(self.sequences),
            "cases": self.cases,
            "share": self.share,
            "cumulative_share": self.cumulative_share,
            "median_throughput_seconds": self.median_throughput_seconds,
            "mean_throughput_seconds": self.mean_throughput_seconds,
            "p90_throughput_seconds": self.p90_throughput_seconds,
        }, columns=list(VARIANT_COLUMNS))


def case_variants(log: EventLog) -> tuple[np.ndarray, Variants]:
    """The variant number (0-based, as in `Variants`) of each selected case, and the variants."""
    return grouped_cases(log).variant_of_case, variants(log)


def variants(log: EventLog) -> Variants:
    """The variants of the log with cases, shares and throughput, most frequent first."""
    return k.remembered(log, "variants", _variants)


def _variants(log: EventLog) -> Variants:
    arrays, grouping, sequences = log.arrays, grouped_cases(log), variant_sequences(log)
    stats = k.group_stats(grouping.variant_of_case, k.case_durations(arrays), len(grouping.cases))
    return Variants(cases=grouping.cases, codes=sequences.codes, offsets=sequences.offsets,
                    activity_names=sequences.activity_names,
                    median_throughput_seconds=k.seconds(stats.median),
                    mean_throughput_seconds=k.seconds(stats.mean),
                    p90_throughput_seconds=k.seconds(stats.p90),
                    num_cases=arrays.num_cases)
