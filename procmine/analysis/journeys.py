"""Citizen journeys: the flow of one citizen across all their cases, departments and caseworkers.

Input is a view whose cases are cases (sager) and whose case table names each case's citizen
(`citizen`, or `citizen_id`): a case-centric dataset, or an object-centric one opened with the
case object type as case notion (the case's linked citizen object is its `citizen` column).
Everything is vectorised over cases and events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from procmine.analysis import kernels as k
from procmine.analysis.journey_parts import case_deadline_met, distinct_per_group, handover_table, parallel_maximum
from procmine.errors import ConfigError
from procmine.eventlog import EventLog
from procmine.units import DAY_SECONDS

CITIZEN_COLUMNS = ("citizen", "citizen_id", "borger")
ARROW = " → "
CONTINUITY_BUCKETS = ("1", "2", "3", "4+")


@dataclass(frozen=True)
class Journeys:
    """Citizen journeys of a view: one table per question, all from the same case table."""

    summary: dict
    citizens: pd.DataFrame          # one row per citizen
    variants: pd.DataFrame          # journey variants over case types
    transitions: pd.DataFrame       # from one case type to the next: time between case starts
    department_handovers: pd.DataFrame
    caseworker_handovers: pd.DataFrame
    continuity: pd.DataFrame        # distinct caseworkers per case against throughput and deadlines
    citizen_continuity: pd.DataFrame  # distinct caseworkers per citizen against the journey

    def to_pandas(self) -> pd.DataFrame:
        return self.citizens.copy()


def citizen_column(log: EventLog) -> str:
    """The case attribute that names the citizen, or a ConfigError saying how to get one."""
    names = log.base.cases.column_names
    for name in CITIZEN_COLUMNS:
        if name in names:
            return name
    raise ConfigError(f"{log.dataset.path}: the cases have no citizen attribute ({' or '.join(CITIZEN_COLUMNS)}), "
                      "so journeys cannot be followed. Import cases with a citizen column, or open an "
                      "object-centric dataset whose cases are linked to citizen objects.")


def _event_column(log: EventLog, names: tuple[str, ...]) -> tuple[np.ndarray, list] | None:
    """Integer codes (-1 = none) per selected event of the first event column in `names`, and the names coded."""
    for name in names:
        if name in log.dataset.event_columns:
            column = log.dataset.read_columns([name]).column(name).combine_chunks()
            column = column.take(pa.array(log.arrays.event_index))
            encoded = pc.dictionary_encode(column.cast(pa.string()))
            codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            return codes, encoded.dictionary.to_pylist()
    return None


def case_table(log: EventLog, deadline_rules=None) -> pd.DataFrame:
    """One row per case of the view: citizen, case type, department, start, end, caseworkers, deadline."""
    arrays = log.arrays
    cases = log.cases_table()
    first, last = k.case_first_last(arrays)
    resources = _event_column(log, ("resource",))
    caseworkers = (distinct_per_group(arrays.case, resources[0], arrays.num_cases) if resources
                   else np.zeros(arrays.num_cases, np.int64))
    frame = pd.DataFrame({
        "case_id": cases.column("case_id").to_pylist(),
        "citizen": cases.column(citizen_column(log)).cast(pa.string()).to_pylist(),
        "case_type": _text(cases, "case_type"), "department": _text(cases, "department"),
        "start_us": first, "end_us": last, "throughput_days": (last - first) / 1e6 / DAY_SECONDS,
        "caseworkers": caseworkers, "deadline_met": case_deadline_met(log, deadline_rules)})
    return frame[frame["citizen"].notna()].reset_index(drop=True)


def _text(cases: pa.Table, name: str) -> list:
    if name not in cases.column_names:
        return ["–"] * cases.num_rows
    return cases.column(name).cast(pa.string()).fill_null("–").to_pylist()


def journeys(log: EventLog, deadline_rules=None) -> Journeys:
    """The citizen journeys of a case-level view (see the module docstring)."""
    cases = case_table(log, deadline_rules).sort_values(["citizen", "start_us", "case_id"], kind="stable",
                                                         ignore_index=True)
    if cases.empty:
        raise ConfigError("No case of this view names a citizen; journeys need cases with a citizen.")
    citizen_codes, citizen_names = pd.factorize(cases["citizen"], sort=True)
    citizens = _citizens(log, cases, citizen_codes, citizen_names)
    variants = (citizens.groupby("journey", sort=False).size().rename("citizens").reset_index()
                .sort_values(["citizens", "journey"], ascending=[False, True], ignore_index=True))
    variants["share"] = variants["citizens"] / len(citizens)
    department_handovers, caseworker_handovers = _handovers(log, cases)
    return Journeys(summary=_summary(citizens, cases), citizens=citizens, variants=variants,
                    transitions=_transitions(cases, citizen_codes),
                    department_handovers=department_handovers, caseworker_handovers=caseworker_handovers,
                    continuity=_continuity(cases), citizen_continuity=_citizen_continuity(citizens))


def _citizens(log: EventLog, cases: pd.DataFrame, codes: np.ndarray, names) -> pd.DataFrame:
    grouped = cases.groupby(codes, sort=True)
    departments = distinct_per_group(codes, pd.factorize(cases["department"])[0], len(names))
    case_of_event, citizen_of_case = _citizen_of_events(log, cases, codes)
    resources = _event_column(log, ("resource",))
    known = case_of_event >= 0
    caseworkers = (distinct_per_group(citizen_of_case[case_of_event[known]], resources[0][known], len(names))
                   if resources else np.zeros(len(names), np.int64))
    frame = pd.DataFrame({
        "citizen": list(names), "cases": grouped.size().to_numpy(),
        "parallel_max": parallel_maximum(codes, cases["start_us"].to_numpy(), cases["end_us"].to_numpy(), len(names)),
        "departments": departments, "caseworkers": caseworkers,
        "journey": grouped["case_type"].agg(ARROW.join).to_numpy(),
        "first": pd.to_datetime(grouped["start_us"].min().to_numpy(), unit="us", utc=True),
        "last": pd.to_datetime(grouped["end_us"].max().to_numpy(), unit="us", utc=True)})
    frame["span_days"] = (frame["last"] - frame["first"]).dt.total_seconds() / DAY_SECONDS
    return frame


def _citizen_of_events(log: EventLog, cases: pd.DataFrame, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per selected event its row in `cases` (-1 when its case names no citizen), and per row the citizen code."""
    position = pc.index_in(log.cases_table().column("case_id"), value_set=pa.array(cases["case_id"], pa.string()))
    row_of_case = position.to_numpy(zero_copy_only=False)
    row_of_case = np.where(np.isnan(row_of_case.astype(float)), -1, row_of_case).astype(np.int64)
    return row_of_case[log.arrays.case], codes


def _handovers(log: EventLog, cases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Department hand-overs along each citizen's events, and caseworker changes within and between cases."""
    case_of_event, codes = _citizen_of_events(log, cases, pd.factorize(cases["citizen"], sort=True)[0])
    keep = case_of_event >= 0
    rows = case_of_event[keep]
    citizen = codes[rows]
    order = np.lexsort((np.flatnonzero(keep), log.arrays.timestamp[keep], citizen))
    citizen, rows = citizen[order], rows[order]
    same_citizen = citizen[1:] == citizen[:-1]
    same_case = same_citizen & (rows[1:] == rows[:-1])
    departments = _event_column(log, ("org_unit", "department"))
    department_table = (handover_table(departments[0][keep][order], departments[1], same_citizen)
                        if departments else pd.DataFrame(columns=["from", "to", "handovers"]))
    resources = _event_column(log, ("resource",))
    if not resources:
        return department_table, pd.DataFrame(columns=["scope", "handovers", "per_citizen"])
    worker = resources[0][keep][order]
    changed = (worker[1:] != worker[:-1]) & (worker[1:] >= 0) & (worker[:-1] >= 0)
    citizens = max(int(citizen.max()) + 1, 1) if len(citizen) else 1
    within, between = int((changed & same_case).sum()), int((changed & same_citizen & ~same_case).sum())
    workers = pd.DataFrame({"scope": ["within a case", "between a citizen's cases"],
                            "handovers": [within, between], "per_citizen": [within / citizens, between / citizens]})
    return department_table, workers


def _transitions(cases: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    same = codes[1:] == codes[:-1]
    previous, following = cases.iloc[:-1][same], cases.iloc[1:][same]
    frame = pd.DataFrame({
        "from_type": previous["case_type"].to_numpy(), "to_type": following["case_type"].to_numpy(),
        "days": (following["start_us"].to_numpy() - previous["start_us"].to_numpy()) / 1e6 / DAY_SECONDS,
        "overlapping": following["start_us"].to_numpy() < previous["end_us"].to_numpy()})
    if frame.empty:
        return pd.DataFrame(columns=["from_type", "to_type", "count", "median_days", "share_overlapping"])
    table = frame.groupby(["from_type", "to_type"]).agg(count=("days", "size"), median_days=("days", "median"),
                                                        share_overlapping=("overlapping", "mean")).reset_index()
    return table.sort_values(["count", "from_type", "to_type"], ascending=[False, True, True], ignore_index=True)


def _bucket(values: pd.Series) -> pd.Series:
    return pd.Categorical(np.minimum(values, 4).astype(int).map({1: "1", 2: "2", 3: "3", 4: "4+", 0: "1"}),
                          categories=CONTINUITY_BUCKETS)


def _continuity(cases: pd.DataFrame) -> pd.DataFrame:
    frame = cases.assign(bucket=_bucket(cases["caseworkers"]))
    table = frame.groupby("bucket", observed=True).agg(
        cases=("case_id", "size"), median_throughput_days=("throughput_days", "median"),
        deadline_measured=("deadline_met", "count"), deadline_share_met=("deadline_met", "mean")).reset_index()
    return table.rename(columns={"bucket": "caseworkers"})


def _citizen_continuity(citizens: pd.DataFrame) -> pd.DataFrame:
    frame = citizens.assign(bucket=_bucket(citizens["caseworkers"]))
    table = frame.groupby("bucket", observed=True).agg(
        citizens=("citizen", "size"), mean_cases=("cases", "mean"), median_span_days=("span_days", "median"),
        share_parallel=("parallel_max", lambda p: float((p > 1).mean()))).reset_index()
    return table.rename(columns={"bucket": "caseworkers"})


def _summary(citizens: pd.DataFrame, cases: pd.DataFrame) -> dict:
    several = citizens["cases"] > 1
    return {"citizens": len(citizens), "cases": len(cases),
            "cases_per_citizen": float(citizens["cases"].mean()),
            "share_several_cases": float(several.mean()),
            "share_parallel_cases": float((citizens["parallel_max"] > 1).mean()),
            "max_parallel_cases": int(citizens["parallel_max"].max()),
            "median_departments": float(citizens["departments"].median()),
            "median_caseworkers_per_citizen": float(citizens["caseworkers"].median()),
            "median_caseworkers_per_case": float(cases["caseworkers"].median()),
            "deadline_share_met": (float(cases["deadline_met"].mean()) if cases["deadline_met"].notna().any()
                                   else None)}
