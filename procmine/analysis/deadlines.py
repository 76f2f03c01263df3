"""Deadline compliance: "from A (or case start) to B (or case end) within N working/calendar days".

Working days count as offentlighedsloven § 36 does (WorkCalendar.business_days_between:
whole working days after the start's local day, up to and including the end's day);
calendar days are local dates apart; weeks are 7 calendar days. A case is measured
from the first start activity to the first end activity at or after it, or to when it
closed without that end activity (a fine paid before one is sent): its clock stopped
there (procmine.analysis.deadline_clock holds the one definition, which the prediction
radar shares). It met the deadline when the clock stopped by the end of its due day (the
`due` of a breach), and its days are counted to the stop. Cases whose clock still runs
are open (and overdue when the deadline passed before the log's last event). A rule that
ends at "case end" measures a started case to its last event once the case has closed, as
the log says; a case still open runs (a log that cannot say closes every case at its last event).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from procmine.analysis import kernels as k
from procmine.analysis.deadline_clock import RuleClock, clock_of
from procmine.analysis.deadline_rule import CASE_END, CASE_START, CASE_TYPE, DeadlineRule, Unit
from procmine.analysis.throughput import case_attribute
from procmine.errors import ConfigError
from procmine.eventlog import EventArrays, EventLog
from procmine.schema import CASE_ID
from procmine.validation import validated
from procmine.workcalendar import WorkCalendar

__all__ = ["BREACH_COLUMNS", "CASE_END", "CASE_START", "CASE_TYPE", "DEFAULT_RULES", "RULE_COLUMNS",
           "DeadlineReport", "DeadlineRule", "RuleClock", "Unit", "case_outcomes", "check_rules",
           "compliance_totals", "deadlines", "load_rules", "rule_scope"]

DEFAULT_RULES = (
    DeadlineRule(name="aktindsigt § 36", case_type="aktindsigt", start="Anmodning modtaget",
                 end="Afgørelse", within=7, unit="working_days"),
    DeadlineRule(name="borgerhenvendelse svar", case_type="borgerhenvendelse",
                 start="Henvendelse modtaget", end="Svar sendt", within=10, unit="working_days"),
    DeadlineRule(name="byggetilladelse servicemål", case_type="byggetilladelse", start="Sag fuldt oplyst",
                 end="Afgørelse", within=40, unit="calendar_days"),
    DeadlineRule(name="genoptræning første træning", case_type="genoptraening",
                 start="Genoptræningsplan modtaget", end="Første træning", within=7, unit="calendar_days"),
    DeadlineRule(name="merudgifter § 100", case_type="merudgifter", start="Ansøgning modtaget",
                 end="Afgørelse", within=12, unit="weeks"),
)
RULE_COLUMNS = ("rule", "case_type", "description", "limit_days", "unit", "cases", "met", "share_met",
                "median_days", "p90_days", "closed_without_end", "open_cases", "open_overdue")
BREACH_COLUMNS = ("rule", CASE_ID, "start", "end", "days", "limit_days", "due")


@dataclass(frozen=True)
class DeadlineReport:
    """Per rule: cases measured (of which closed without the end event), share met, median and P90 days,
    open and overdue cases; plus every breach."""

    rules: pd.DataFrame
    breaches: pd.DataFrame
    calendar: str
    skipped: tuple[str, ...]

    def to_pandas(self) -> pd.DataFrame:
        return self.rules.copy()


def load_rules(path: str | Path) -> tuple[DeadlineRule, ...]:
    """Read deadline rules from YAML or JSON: {"rules": [{name, case_type, start, end, within, unit}]}."""
    from procmine.safe_load import load_yaml

    path = Path(path)
    data = load_yaml(path, "deadline rules")
    if not isinstance(data, dict) or set(data) != {"rules"} or not isinstance(data["rules"], list):
        raise ConfigError(f"{path}: expected one key 'rules' holding a list of rules, got "
                          f"{sorted(data) if isinstance(data, dict) else type(data).__name__}.")
    rules = []
    for number, entry in enumerate(data["rules"], start=1):
        rules.append(validated(DeadlineRule, entry, ConfigError, f"{path}: rule {number} is invalid",
                               "Each rule needs name, within and unit (working_days, calendar_days or weeks)"))
    return tuple(rules)


def deadlines(log: EventLog, rules: tuple[DeadlineRule, ...] | None = None,
              calendar: WorkCalendar | None = None) -> DeadlineReport:
    """Deadline compliance per rule; without rules, the five sample workflows' deadlines that fit the log."""
    calendar = calendar or WorkCalendar()
    strict = rules is not None
    rows, breaches, skipped = [], [], []
    for rule in (DEFAULT_RULES if rules is None else rules):
        scope = rule_scope(log, rule, strict)
        if scope is None:
            skipped.append(rule.name)
            continue
        row, breach = _measure(log, rule, *scope, calendar)
        rows.append(row)
        breaches.append(breach)
    return DeadlineReport(
        rules=pd.DataFrame(rows, columns=list(RULE_COLUMNS)),
        breaches=pd.concat(breaches, ignore_index=True) if breaches else pd.DataFrame(columns=list(BREACH_COLUMNS)),
        calendar=calendar.describe(), skipped=tuple(skipped))


def rule_scope(log: EventLog, rule: DeadlineRule, strict: bool) -> tuple[np.ndarray, tuple[int | None, int | None]] | None:
    """The cases `rule` covers (bool per selected case) and its (start, end) activity codes (None = case start/end).

    None when a built-in rule (strict=False) does not fit the log; a user's rule that does not fit
    (strict=True) raises ConfigError naming what to change.
    """
    covered = _cases_of(log, rule, strict)
    if covered is None:
        return None
    codes = _codes_of(log, rule, strict)
    return None if codes is None else (covered, codes)


def _cases_of(log: EventLog, rule: DeadlineRule, strict: bool) -> np.ndarray | None:
    """Bool per selected case that the rule covers; None when a default rule does not fit the log."""
    if rule.case_type is None:
        return np.ones(log.num_cases, bool)
    if CASE_TYPE not in log.cases_table().column_names:
        if strict:
            raise ConfigError(f"Deadline rule {rule.name!r} is for case_type {rule.case_type!r}, but the "
                              "log has no case_type attribute. Drop case_type from the rule.")
        return None
    covered = case_attribute(log, CASE_TYPE) == rule.case_type
    return covered if covered.any() or strict else None


def _codes_of(log: EventLog, rule: DeadlineRule, strict: bool) -> tuple[int | None, int | None] | None:
    codes = []
    for key, name, endpoint in (("start", rule.start, CASE_START), ("end", rule.end, CASE_END)):
        code = None if name == endpoint else log.base.activity_code(name)
        if name != endpoint and code is None:
            if not strict:
                return None
            raise ConfigError(f"Deadline rule {rule.name!r}: {key} activity {name!r} does not occur in the "
                              f"log. Use one of its activities or {endpoint!r}.")
        codes.append(code)
    return codes[0], codes[1]


def _measure(log: EventLog, rule: DeadlineRule, covered: np.ndarray, codes, calendar: WorkCalendar):
    clock = clock_of(log, rule, covered, codes, calendar)
    stopped = clock.stopped
    start_at, stop_at = clock.start[stopped], clock.stop[stopped]
    days = _days(rule, start_at, stop_at, calendar)
    late = stop_at > clock.due[stopped]
    running = ~stopped
    stats = k.summary(days.astype(np.int64))
    row = (rule.name, rule.case_type, rule.describe(), rule.limit_days, rule.unit, int(stopped.sum()),
           int((~late).sum()), float((~late).mean()) if len(late) else np.nan, float(stats.median[0]),
           float(stats.p90[0]), int(clock.closed_without_end.sum()), int(running.sum()),
           int((running & (clock.due < clock.log_end)).sum()))
    breach = pd.DataFrame({
        "rule": rule.name, CASE_ID: _case_ids(log, log.arrays, clock.case[stopped][late]),
        "start": pd.to_datetime(start_at[late], unit="us", utc=True),
        "end": pd.to_datetime(stop_at[late], unit="us", utc=True), "days": days[late],
        "limit_days": rule.limit_days, "due": _due(clock.due[stopped][late], calendar)}, columns=list(BREACH_COLUMNS))
    return row, breach


def case_outcomes(log: EventLog, rule: DeadlineRule, calendar: WorkCalendar, *,
                  strict: bool = True) -> RuleClock | None:
    """The clock of `rule` over the log's cases, with each case's outcome (deadline_clock.RuleClock);
    None when a built-in rule (strict=False) does not fit the log."""
    scope = rule_scope(log, rule, strict)
    return None if scope is None else clock_of(log, rule, *scope, calendar)


def _days(rule: DeadlineRule, start: np.ndarray, end: np.ndarray, calendar: WorkCalendar) -> np.ndarray:
    if len(start) == 0:
        return np.zeros(0, np.int64)
    if rule.unit == "working_days":
        return calendar.business_days_between(start, end).astype(np.int64)
    return k.local_days(end, calendar.timezone) - k.local_days(start, calendar.timezone)


def _due(due: np.ndarray, calendar: WorkCalendar) -> pd.Series:
    """The last local day on which the deadline is still met (the local day of the due instant)."""
    if len(due) == 0:
        return pd.Series([], dtype="datetime64[ns]")
    return pd.Series(k.local_days(due, calendar.timezone).astype("datetime64[D]")).dt.date


def _case_ids(log: EventLog, arrays: EventArrays, positions: np.ndarray) -> list:
    return log.base.case_ids.take(arrays.case_index[positions]).to_pylist()


def compliance_totals(report: DeadlineReport) -> tuple[int, int, float | None]:
    """Cases measured, cases that met their deadline and the share met, over all rules (None if none)."""
    measured, met = int(report.rules["cases"].sum()), int(report.rules["met"].sum())
    return measured, met, (met / measured if measured else None)


def check_rules(log: EventLog, rules: tuple[DeadlineRule, ...]) -> None:
    """Raise a ConfigError when a rule names an activity the log does not have."""
    for rule in rules:
        _codes_of(log, rule, strict=True)
