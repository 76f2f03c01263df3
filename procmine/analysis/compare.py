"""Compare two (filtered) logs: KPIs side by side, and the edges and variants that differ most."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from procmine.analysis.dfg import Dfg, dfg
from procmine.analysis.overview import Overview, overview
from procmine.analysis.throughput import case_attribute
from procmine.analysis.variants import Variants, variants
from procmine.errors import FilterError
from procmine.eventlog import EventLog

KPIS = ("cases", "events", "activities", "variants", "open_cases", "median_throughput_seconds",
        "mean_throughput_seconds", "p90_throughput_seconds")
# What each KPI counts, so every face formats it alike: whole numbers, or durations in seconds.
KPI_KINDS = {metric: "duration" if metric.endswith("_seconds") else "count" for metric in KPIS}


@dataclass(frozen=True)
class Comparison:
    """Log A against log B: KPIs, edges and variants; differences are B minus A.

    `kpis` has one row per KPI: metric, kind ("count" or "duration" in seconds), a, b,
    difference and relative_difference (a fraction). Shares are fractions of each log's
    cases (an edge's share: cases in which it occurs). Edges and variants are ranked by the size of the share difference;
    `edges_by_waiting` ranks edges by the difference of their median waiting time.
    """

    labels: tuple[str, str]
    kpis: pd.DataFrame
    edges: pd.DataFrame
    edges_by_waiting: pd.DataFrame
    variants: pd.DataFrame

    def to_pandas(self) -> pd.DataFrame:
        return self.kpis.copy()


def kpi_table(first: dict, second: dict) -> pd.DataFrame:
    """The KPI rows of a comparison from the two sides' overview figures (every engine builds it here)."""
    kpis = pd.DataFrame({"metric": KPIS, "kind": [KPI_KINDS[m] for m in KPIS],
                         "a": [first[m] for m in KPIS], "b": [second[m] for m in KPIS]})
    a, b = (pd.to_numeric(kpis[c], errors="coerce") for c in ("a", "b"))
    kpis["difference"] = b - a
    for column in ("a", "b", "difference"):  # counts as integers (568, not 568.0), in tables and exports
        kpis[column] = _whole_counts(kpis[column], kpis["kind"])
    with np.errstate(divide="ignore", invalid="ignore"):
        kpis["relative_difference"] = np.where(a != 0, (b - a) / a.abs(), np.nan)
    return kpis


def compare(log_a: EventLog, log_b: EventLog, labels: tuple[str, str] = ("A", "B")) -> Comparison:
    """Compare log B against log A (e.g. two periods, case types or filters)."""
    return compare_results([(overview(log), dfg(log), variants(log)) for log in (log_a, log_b)], labels)


def compare_results(sides: list[tuple[Overview, Dfg, Variants]], labels: tuple[str, str] = ("A", "B")) -> Comparison:
    """The comparison of two sides from their overview, DFG and variants (computed on any engine)."""
    (overview_a, dfg_a, variants_a), (overview_b, dfg_b, variants_b) = sides
    kpis = kpi_table(overview_a.as_dict(), overview_b.as_dict())
    edges = _edge_differences(dfg_a, dfg_b)
    by_waiting = edges.assign(_size=edges["median_difference_seconds"].abs()).sort_values(
        ["_size", "source", "target"], ascending=[False, True, True], kind="stable",
        na_position="last").drop(columns="_size").reset_index(drop=True)
    return Comparison(labels=labels, kpis=kpis, edges=edges, edges_by_waiting=by_waiting,
                      variants=_variant_differences(variants_a, variants_b))


def compare_by(log: EventLog, attribute: str) -> Comparison:
    """Compare the two largest groups of a case attribute (e.g. case_type), larger group as A."""
    values = pd.Series(case_attribute(log, attribute))
    counts = values.value_counts(dropna=True)
    if len(counts) < 2:
        raise FilterError(f"Case attribute {attribute!r} has {len(counts)} value(s) in the log; "
                          "comparing needs two. Group by another attribute or compare two filters.")
    top = sorted(counts.index[:2], key=lambda v: (-counts[v], str(v)))
    logs = [log.cases_where(values.to_numpy() == value) for value in top]
    return compare(logs[0], logs[1], labels=(f"{attribute}={top[0]}", f"{attribute}={top[1]}"))


def _whole_counts(values: pd.Series, kinds: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return pd.Series([None if pd.isna(v) else int(round(v)) if kind == "count" else float(v)  # noqa: RUF046  (numpy 1.x: round(float64) is a float64)
                      for v, kind in zip(numbers, kinds)], index=values.index, dtype=object)


def _edge_differences(dfg_a: Dfg, dfg_b: Dfg) -> pd.DataFrame:
    keys = ["source", "target"]
    frames = []
    for graph in (dfg_a, dfg_b):
        edges = graph.edges
        frames.append(edges[keys].assign(share=edges["cases"] / max(graph.num_cases, 1),
                                         median=edges["median_seconds"]))
    merged = frames[0].merge(frames[1], on=keys, how="outer", suffixes=("_a", "_b"))
    merged[["share_a", "share_b"]] = merged[["share_a", "share_b"]].fillna(0.0)
    merged = merged.rename(columns={"median_a": "median_a_seconds", "median_b": "median_b_seconds"})
    merged["share_difference"] = merged["share_b"] - merged["share_a"]
    merged["median_difference_seconds"] = merged["median_b_seconds"] - merged["median_a_seconds"]
    return _ranked(merged, "share_difference", keys)


def _variant_differences(variants_a: Variants, variants_b: Variants) -> pd.DataFrame:
    frames = []
    for found in (variants_a, variants_b):
        frames.append(pd.DataFrame({"activities": list(found.sequences), "share": found.share,
                                    "median": found.median_throughput_seconds}))
    merged = frames[0].merge(frames[1], on="activities", how="outer", suffixes=("_a", "_b"))
    merged[["share_a", "share_b"]] = merged[["share_a", "share_b"]].fillna(0.0)
    merged = merged.rename(columns={"median_a": "median_throughput_a_seconds",
                                    "median_b": "median_throughput_b_seconds"})
    merged["share_difference"] = merged["share_b"] - merged["share_a"]
    merged["sort_key"] = merged["activities"].map(" → ".join)
    return _ranked(merged, "share_difference", ["sort_key"]).drop(columns="sort_key")


def _ranked(frame: pd.DataFrame, column: str, tie_keys: list[str]) -> pd.DataFrame:
    frame = frame.assign(_size=frame[column].abs())
    return frame.sort_values(["_size", *tie_keys], ascending=[False] + [True] * len(tie_keys),
                             kind="stable").drop(columns="_size").reset_index(drop=True)
