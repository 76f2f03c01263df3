"""Benchmarking municipalities: KPIs, throughput and deadline compliance side by side, small cells hidden.

Each municipality's dataset is analysed on its own (on the engine chosen); only its aggregates
leave it, and no case id or pseudonym is ever joined across municipalities. A figure behind
fewer than `min_cases` cases is hidden (None), and so is a count of 1 to min_cases-1 cases
(a share whose met or missed cases are that few is hidden too: its complement would tell).
Hidden cells are None in the tables; `hidden_cells` marks them apart from figures that are unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import procmine
from procmine import schema as s
from procmine.errors import DatasetError
from procmine.sqlforms.common import PARTITION
from procmine.units import in_days

MIN_CASES = 5
KPI_COLUMNS = ("municipality", "cases", "events", "variants", "open_cases", "median_days", "p90_days",
               "deadline_cases", "deadline_met", "deadline_share_met")
THROUGHPUT_COLUMNS = ("municipality", "case_type", "cases", "median_days", "p90_days", "median_working_days",
                      "p90_working_days")
DEADLINE_COLUMNS = ("municipality", "rule", "cases", "met", "share_met", "median_days")


@dataclass(frozen=True)
class Benchmark:
    """Per municipality (kpis), per municipality and case type (throughput) and per rule (deadlines)."""

    kpis: pd.DataFrame
    throughput: pd.DataFrame
    deadlines: pd.DataFrame
    min_cases: int
    hidden: int
    hidden_cells: dict[str, pd.DataFrame]   # per table, True where a value was hidden

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"kpis": self.kpis, "throughput": self.throughput, "deadlines": self.deadlines}


def municipal_datasets(folder: str | Path) -> dict[str, Path]:
    """Municipality name -> dataset folder: `municipality=NAME/` partitions, or dataset subfolders by name."""
    folder = Path(folder)
    parts = sorted(p.parent for p in folder.glob(f"{PARTITION}=*/{s.META_FILE}"))
    if not parts:
        parts = sorted(p.parent for p in folder.glob(f"*/{s.META_FILE}"))
    if len(parts) < 2:
        raise DatasetError(f"{folder}: found {len(parts)} municipal dataset(s); benchmarking needs at least two "
                           f"subfolders like {PARTITION}=Syddjurs/ holding a procmine dataset each.")
    return {p.name.split("=", 1)[-1]: p for p in parts}


def benchmark(datasets: dict[str, Path], engine: str = "numpy", min_cases: int = MIN_CASES) -> Benchmark:
    """Analyse each municipality's dataset alone, then put the aggregates side by side, small cells hidden."""
    kpis, throughput, deadlines = [], [], []
    for name, path in datasets.items():
        kpi, groups, rules = municipal_aggregates(name, path, engine)
        kpis.append(kpi)
        throughput.extend(groups)
        deadlines.extend(rules)
    tables = [pd.DataFrame(rows, columns=list(columns)) for rows, columns in
              ((kpis, KPI_COLUMNS), (throughput, THROUGHPUT_COLUMNS), (deadlines, DEADLINE_COLUMNS))]
    kpi_table, kpi_mask = suppress(tables[0], "cases", ["events", "variants", "median_days", "p90_days"], min_cases,
                                   counts=["open_cases"])
    kpi_table, deadline_mask = suppress(kpi_table, "deadline_cases", [], min_cases,
                                        met=("deadline_met", "deadline_share_met"))
    through, through_mask = suppress(tables[1], "cases", ["median_days", "p90_days", "median_working_days",
                                                          "p90_working_days"], min_cases)
    rules, rules_mask = suppress(tables[2], "cases", ["median_days"], min_cases, met=("met", "share_met"))
    masks = {"kpis": kpi_mask | deadline_mask, "throughput": through_mask, "deadlines": rules_mask}
    ordered = {"kpis": kpi_table, "throughput": _sorted(through, ["case_type", "municipality"]),
               "deadlines": _sorted(rules, ["rule", "municipality"])}
    masks = {name: masks[name].loc[frame.index].reset_index(drop=True) for name, frame in ordered.items()}
    ordered = {name: frame.reset_index(drop=True) for name, frame in ordered.items()}
    return Benchmark(kpis=ordered["kpis"], throughput=ordered["throughput"], deadlines=ordered["deadlines"],
                     min_cases=min_cases, hidden=int(sum(mask.to_numpy().sum() for mask in masks.values())),
                     hidden_cells=masks)


def municipal_aggregates(name: str, path: Path, engine: str) -> tuple[dict, list[dict], list[dict]]:
    """The aggregates that leave one municipality's dataset: its KPIs, case-type and rule rows."""
    from procmine.sqlforms.log import analyse

    log = procmine.open(path, engine=engine)
    head, report = analyse("overview", log), analyse("deadlines", log)
    by = "case_type" if "case_type" in _case_columns(log) else None
    summary = analyse("throughput", log, by=by).summary
    measured, met = int(report.rules["cases"].sum()), int(report.rules["met"].sum())
    kpi = {"municipality": name, "cases": head.cases, "events": head.events, "variants": head.variants,
           "open_cases": head.open_cases, "median_days": in_days(head.median_throughput_seconds),
           "p90_days": in_days(head.p90_throughput_seconds), "deadline_cases": measured,
           "deadline_met": met, "deadline_share_met": met / measured if measured else None}
    groups = [{"municipality": name, "case_type": row.get("case_type") if by else None, "cases": row["cases"],
               "median_days": in_days(row["median_seconds"]), "p90_days": in_days(row["p90_seconds"]),
               "median_working_days": row["median_working_days"], "p90_working_days": row["p90_working_days"]}
              for row in summary.to_dict(orient="records")]
    rules = [{"municipality": name, "rule": row["rule"], "cases": row["cases"], "met": row["met"],
              "share_met": row["share_met"], "median_days": row["median_days"]}
             for row in report.rules.to_dict(orient="records")]
    return kpi, groups, rules


def suppress(table: pd.DataFrame, count: str, figures: list[str], min_cases: int,
             met: tuple[str, str] | None = None, counts: Sequence[str] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hide the figures of rows behind 1 to min_cases-1 cases, and such small counts themselves.

    Returns the table (hidden cells None) and a mask of the cells hidden (True where a value was hidden).
    """
    columns = [count, *figures, *(met or ()), *counts]
    table = table.astype(dict.fromkeys(columns, object))
    before = table.notna()
    cases = pd.to_numeric(table[count], errors="coerce").fillna(0).to_numpy()
    small = (cases > 0) & (cases < min_cases)      # no cases: nothing to tell, nothing to hide
    table.loc[small, [count, *figures, *counts]] = None
    for column in counts:
        value = pd.to_numeric(table[column], errors="coerce").fillna(0).to_numpy()
        table.loc[(value > 0) & (value < min_cases), column] = None
    if met is not None:
        met_count, share = met
        kept = pd.to_numeric(table[met_count], errors="coerce").fillna(0).to_numpy()
        few = small | ((kept > 0) & (kept < min_cases)) | ((cases - kept > 0) & (cases - kept < min_cases))
        table.loc[few, [met_count, share]] = None
    return table, before & table.isna()


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable", na_position="last")


def _case_columns(log) -> list[str]:
    if isinstance(log, procmine.EventLog):
        return log.cases_table().column_names
    return log.engine.columns("cases")
