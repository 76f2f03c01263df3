"""Figures per group of cases: deadline compliance and throughput by case type, KLE group or attribute."""

from __future__ import annotations

import numpy as np
import pandas as pd

from procmine.analysis.deadlines import DeadlineRule, compliance_totals, deadlines
from procmine.analysis.throughput import case_attribute, throughput
from procmine.eventlog import EventLog
from procmine.units import in_days
from procmine.workcalendar import WorkCalendar

KLE = "kle"
KLE_GROUP = "kle_group"
NO_GROUP = "(none)"
ALL = "all"
COMPLIANCE_COLUMNS = ("group", "rule", "cases", "met", "breaches", "share_met", "closed_without_end")
GROUP_COLUMNS = ("group", "cases", "median_days", "p90_days", "median_working_days", "p90_working_days",
                 "deadline_cases", "deadline_met", "deadline_compliance")


def kle_groups(values: np.ndarray) -> np.ndarray:
    """The KLE group (main group and group, "02.34") of each KLE number ("02.34.02"); None stays None."""
    return np.array([None if v is None or v != v else ".".join(str(v).split(".")[:2]) for v in values],
                    dtype=object)


def group_values(log: EventLog, attribute: str) -> np.ndarray:
    """Per selected case its group: a case attribute's value, or for "kle_group" the group of its KLE number."""
    if attribute == KLE_GROUP:
        return kle_groups(case_attribute(log, KLE))
    return case_attribute(log, attribute)


def has_attribute(log: EventLog, attribute: str) -> bool:
    """True when the log's cases carry the attribute (kle_group when they carry kle)."""
    columns = log.cases_table().column_names
    return (KLE if attribute == KLE_GROUP else attribute) in columns


def deadlines_by(log: EventLog, attribute: str | None, rules: tuple[DeadlineRule, ...] | None = None,
                 calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """Deadline compliance per group (None: one group, "all") and rule: cases, met, breaches, share met and
    how many of the cases closed without the rule's end activity."""
    rows = []
    for group, view in _groups(log, attribute):
        report = deadlines(view, rules, calendar)
        for rule in report.rules.itertuples(index=False):
            rows.append((group, rule.rule, int(rule.cases), int(rule.met), int(rule.cases - rule.met),
                         float(rule.share_met) if rule.cases else np.nan, int(rule.closed_without_end)))
    frame = pd.DataFrame(rows, columns=list(COMPLIANCE_COLUMNS))
    return frame[frame["cases"] > 0].reset_index(drop=True)


def group_summary(log: EventLog, attribute: str, rules: tuple[DeadlineRule, ...] | None = None,
                  calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """Per group: cases, median and P90 throughput (calendar and working days) and deadline compliance."""
    rows = []
    for group, view in _groups(log, attribute):
        summary = throughput(view, calendar=calendar).summary.iloc[0]
        measured, met, share = compliance_totals(deadlines(view, rules, calendar))
        rows.append((group, int(summary["cases"]), in_days(float(summary["median_seconds"])),
                     in_days(float(summary["p90_seconds"])), float(summary["median_working_days"]),
                     float(summary["p90_working_days"]), measured, met, share))
    frame = pd.DataFrame(rows, columns=list(GROUP_COLUMNS))
    return frame.sort_values(["cases", "group"], ascending=[False, True], kind="stable", ignore_index=True)


def _groups(log: EventLog, attribute: str | None):
    """(group name, view) per distinct value of the attribute, in name order; missing values as "(none)".

    Without an attribute the whole log is one group named "all".
    """
    if log.num_cases == 0:
        return
    if attribute is None:
        yield ALL, log
        return
    values = pd.Series(group_values(log, attribute), dtype=object).map(
        lambda v: NO_GROUP if v is None or v != v else str(v)).to_numpy()
    for group in sorted(set(values.tolist())):
        yield group, log.cases_where(values == group)
