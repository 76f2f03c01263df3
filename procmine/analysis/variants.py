"""Variants: the distinct activity sequences of a log, most frequent first."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.analysis import kernels as k
from procmine.eventlog import EventLog

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
        names = np.asarray(self.activity_names, dtype=object)
        lengths = np.diff(self.offsets)
        result: list = [()] * len(self)
        for length in np.unique(lengths).tolist():   # one NumPy pass per distinct length, not per variant
            which = np.flatnonzero(lengths == length)
            rows = self.offsets[which][:, None] + np.arange(length)
            for variant, sequence in zip(which.tolist(), map(tuple, names[self.codes[rows]].tolist())):
                result[variant] = sequence
        return tuple(result)

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
    grouping = grouped_cases(log)
    return grouping.variant_of_case, k.remembered(log, "variants", _variants)


def variants(log: EventLog) -> Variants:
    """The variants of the log with cases, shares and throughput, most frequent first."""
    return k.remembered(log, "variants", _variants)


def grouped_cases(log: EventLog) -> k.CaseVariants:
    """The kernel grouping of the log's cases by activity sequence (remembered per view)."""
    return k.remembered(log, "case_variants", _group_cases)


def _group_cases(log: EventLog) -> k.CaseVariants:
    """Views that keep whole cases reuse the dataset's grouping (remembered on its Base)."""
    if log.event_mask is not None:
        return k.group_case_sequences(log.arrays)
    whole = k.remembered(log.base, "case_variants",
                         lambda base: k.group_case_sequences(EventLog(base).arrays))
    return whole if log.case_mask is None else k.regroup_cases(whole, log.arrays.case_index)


def _variants(log: EventLog) -> Variants:
    arrays = log.arrays
    grouping = grouped_cases(log)
    lengths = np.diff(arrays.case_starts)[grouping.representative]
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    starts = arrays.case_starts[:-1][grouping.representative]
    event_rows = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
    stats = k.group_stats(grouping.variant_of_case, k.case_durations(arrays), len(grouping.cases))
    return Variants(cases=grouping.cases, codes=arrays.activity[event_rows], offsets=offsets,
                    activity_names=arrays.activity_names,
                    median_throughput_seconds=k.seconds(stats.median),
                    mean_throughput_seconds=k.seconds(stats.mean),
                    p90_throughput_seconds=k.seconds(stats.p90),
                    num_cases=arrays.num_cases)
