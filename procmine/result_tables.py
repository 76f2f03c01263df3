"""Every result table declared once: its columns and what each holds (its kind), for every face.

A face formats a column by its kind, never by guessing: the CLI's tables and the app's
plain tables through `procmine.table_format.format_cell`, CSV and JSON through
`for_machines`, the Excel workbook through `procmine.report.xlsx`, the HTML report
through `procmine.report.figures`. A column the
declaration does not name (a case attribute a table is grouped by, a page's own
column) falls back to the engine's naming: `*_seconds` durations, `*_working_days`
and `*_days` measured days, `*_share` shares.

>>> kind_of("median_seconds", VARIANTS), kind_of("median_difference_seconds")
('duration', 'duration')
>>> signed("median_difference_seconds"), signed("cases")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# What a column holds. Durations are seconds, shares fractions 0..1, instants UTC times
# shown in the dataset's zone; "days"/"working_days" are measured days (one decimal);
# "change" a relative change (signed percentage); "sequence" an activity sequence.
Kind = Literal["count", "number", "share", "change", "duration", "days", "working_days", "instant",
               "date", "text", "sequence"]
KINDS: tuple[Kind, ...] = ("count", "number", "share", "change", "duration", "days", "working_days",
                           "instant", "date", "text", "sequence")

# Measured days: shown as bare numbers ("6,0"); the label that names them says the unit.
MEASURED_DAYS: tuple[Kind, ...] = ("days", "working_days")


@dataclass(frozen=True)
class ResultTable:
    """A result table: its name and the kind of each column, in order (more columns may follow)."""

    name: str
    columns: tuple[tuple[str, Kind], ...]

    def kinds(self) -> dict[str, Kind]:
        return dict(self.columns)


def table(name: str, **columns: Kind) -> ResultTable:
    """A declaration: table("dfg_edges", source="text", count="count", ...)."""
    unknown = [kind for kind in columns.values() if kind not in KINDS]
    if unknown:   # a typo in a declaration is a programming error, found at import
        raise ValueError(f"result table {name!r}: unknown kinds {unknown}; use one of {', '.join(KINDS)}")
    return ResultTable(name, tuple(columns.items()))


_DURATIONS: dict[str, Kind] = {"mean_seconds": "duration", "median_seconds": "duration", "p90_seconds": "duration",
                               "min_seconds": "duration", "max_seconds": "duration"}
_WORKING: dict[str, Kind] = {"median_working_days": "working_days", "p90_working_days": "working_days"}

OVERVIEW = table("overview", cases="count", events="count", activities="count", variants="count",
                 first_timestamp="instant", last_timestamp="instant", open_cases="count",
                 open_cases_rule="text", median_throughput_seconds="duration",
                 mean_throughput_seconds="duration", p90_throughput_seconds="duration")
VARIANTS = table("variants", variant="count", activities="sequence", cases="count", share="share",
                 cumulative_share="share", median_throughput_seconds="duration",
                 mean_throughput_seconds="duration", p90_throughput_seconds="duration")
DFG_EDGES = table("dfg_edges", source="text", target="text", count="count", cases="count", **_DURATIONS,
                  total_seconds="duration")
DFG_ACTIVITIES = table("dfg_activities", activity="text", events="count", cases="count", mean_repeats="number",
                       service_mean_seconds="duration", service_median_seconds="duration")
THROUGHPUT = table("throughput", period="text", cases="count", **_DURATIONS, **_WORKING)
TRANSITIONS = table("bottleneck_transitions", source="text", target="text", count="count", cases="count",
                    mean_seconds="duration", median_seconds="duration", total_seconds="duration",
                    median_working_days="working_days", total_working_days="working_days")
WAITS = table("bottleneck_activities", activity="text", arrivals="count", cases="count",
              mean_wait_seconds="duration", median_wait_seconds="duration", total_wait_seconds="duration",
              median_wait_working_days="working_days", total_wait_working_days="working_days")
WORKLOAD = table("workload", resource="text", events="count", cases="count", active_days="count",
                 service_seconds="duration")
HANDOVERS = table("handovers", source="text", target="text", count="count", cases="count")
DEADLINE_RULES = table("deadline_rules", rule="text", case_type="text", description="text", limit_days="count",
                       unit="text", cases="count", met="count", share_met="share", median_days="days",
                       p90_days="days", closed_without_end="count", open_cases="count", open_overdue="count")
BREACHES = table("deadline_breaches", rule="text", case_id="text", start="instant", end="instant",
                 days="count", limit_days="count", due="instant")
COMPARE_EDGES = table("compare_edges", source="text", target="text", share_a="share",
                      median_a_seconds="duration", share_b="share", median_b_seconds="duration",
                      share_difference="share", median_difference_seconds="duration")
COMPARE_VARIANTS = table("compare_variants", activities="sequence", share_a="share",
                         median_throughput_a_seconds="duration", share_b="share",
                         median_throughput_b_seconds="duration", share_difference="share")
# compare's KPIs hold one figure a row; its `kind` column names the row's kind (see row_kind).
COMPARE_KPIS = table("compare_kpis", metric="text", kind="text", a="number", b="number", difference="number",
                     relative_difference="change")
PERIOD_TREND = table("period_trend", start="date", end="date", cases_started="count", cases_closed="count",
                     open_cases="count", median_days="days", p90_days="days", **_WORKING)
GROUPS = table("groups", group="text", cases="count", median_days="days", p90_days="days", **_WORKING,
               deadline_cases="count", deadline_met="count", deadline_compliance="share")
REPORT_KPIS = table("report_kpis", kpi="text", label="text", value="number", previous="number",
                    difference="number", verdict="text")
CONFORMANCE = table("conformance", case_id="text", fitness="share", token_fitness="share",
                    alignment_fitness="share", precision="share", skipped="text", inserted="text")
JOURNEY_SUMMARY = table("journey_summary", citizens="count", cases="count", cases_per_citizen="number",
                        share_several_cases="share", share_parallel_cases="share", max_parallel_cases="count",
                        median_departments="number", median_caseworkers_per_citizen="number",
                        median_caseworkers_per_case="number", deadline_share_met="share")
# The HTML report's own figures: the period's KPI cards, deadline compliance per group, data quality,
# and the optional sections (citizen journeys, DCR rules, cases at risk, the municipal benchmark).
PERIOD_KPIS = table("period_kpis", cases_started="count", cases_closed="count", open_cases="count",
                    median_days="days", p90_days="days", **_WORKING, deadline_cases="count", deadline_met="count",
                    deadline_compliance="share")
COMPLIANCE = table("compliance", group="text", rule="text", cases="count", met="count", breaches="count",
                   share_met="share", closed_without_end="count")
# rare_activities is a table of its own (RARE_ACTIVITIES); the report shows how many rows it has.
DATA_QUALITY = table("data_quality", cases="count", events="count", open_cases="count", open_rule="text",
                     end_activities="sequence", end_rule="text", cases_without_end="count",
                     identical_timestamps="count", out_of_order="count", out_of_order_checks="sequence",
                     rare_activities="count", rare_share="share")
RARE_ACTIVITIES = table("rare_activities", activity="text", events="count", cases="count", case_share="share")
JOURNEY_VARIANTS = table("journey_variants", journey="text", citizens="count", share="share")
JOURNEY_CONTINUITY = table("journey_continuity", caseworkers="text", cases="count", median_throughput_days="days",
                           deadline_measured="count", deadline_share_met="share")
CASEWORKER_HANDOVERS = table("caseworker_handovers", scope="text", handovers="count", per_citizen="number")
DCR_RULES = table("dcr_rules", rule="text", kind="text", source="text", target="text", timed="text",
                  cases="count", share="share", variants="text")
RISK_DEPARTMENTS = table("risk_departments", department="text", open="count", at_risk="count", overdue="count",
                         expected="number")
# Throughput drivers: medians and their differences in working days, compliance as shares.
DRIVERS = table("drivers", kind="text", driver="text", value="text", cases_with="count", cases_without="count",
                median_with="working_days", median_without="working_days", difference="working_days",
                difference_low="working_days", difference_high="working_days", compliance_with="share",
                compliance_without="share", compliance_difference="share", compliance_low="share",
                compliance_high="share")
BENCHMARK_KPIS = table("benchmark_kpis", municipality="text", cases="count", events="count", variants="count",
                       open_cases="count", median_days="days", p90_days="days", deadline_cases="count",
                       deadline_met="count", deadline_share_met="share")
BENCHMARK_THROUGHPUT = table("benchmark_throughput", municipality="text", case_type="text", cases="count",
                             median_days="days", p90_days="days", **_WORKING)
BENCHMARK_DEADLINES = table("benchmark_deadlines", municipality="text", rule="text", cases="count", met="count",
                            share_met="share", median_days="days")

# The app's own tables: the rest of the citizen journeys, the cases, the deadline radar's cases, DCR's cases.
JOURNEY_TRANSITIONS = table("journey_transitions", from_type="text", to_type="text", count="count",
                            median_days="days", share_overlapping="share")
_FROM_TO: dict[str, Kind] = {"from": "text", "to": "text"}   # "from" is a keyword: no keyword argument
DEPARTMENT_HANDOVERS = table("department_handovers", **_FROM_TO, handovers="count")
CITIZEN_CONTINUITY = table("citizen_continuity", caseworkers="text", citizens="count", mean_cases="number",
                           median_span_days="days", share_parallel="share")
CASES = table("cases", case_id="text", start="instant", end="instant", duration_seconds="duration",
              duration_working_days="working_days")
# The working days left of an open case come with an interval (remaining_low, remaining_high).
RADAR_CASES = table("radar_cases", rule="text", case_id="text", status="text", risk="share", model="text",
                    remaining_days="working_days", remaining_low="working_days", remaining_high="working_days",
                    due="date", days_left="days", activity="text", department="text", reasons="text")
DCR_CASES = table("dcr_cases", case_id="text", variant="count", fits="text", broken="count", rules="text")

TABLES = {t.name: t for t in (OVERVIEW, VARIANTS, DFG_EDGES, DFG_ACTIVITIES, THROUGHPUT, TRANSITIONS, WAITS,
                              WORKLOAD, HANDOVERS, DEADLINE_RULES, BREACHES, COMPARE_EDGES, COMPARE_VARIANTS,
                              COMPARE_KPIS, PERIOD_TREND, GROUPS, REPORT_KPIS, CONFORMANCE,
                              JOURNEY_SUMMARY, PERIOD_KPIS, COMPLIANCE, DATA_QUALITY, RARE_ACTIVITIES,
                              JOURNEY_VARIANTS, JOURNEY_CONTINUITY, CASEWORKER_HANDOVERS, DCR_RULES,
                              RISK_DEPARTMENTS, DRIVERS, BENCHMARK_KPIS, BENCHMARK_THROUGHPUT,
                              BENCHMARK_DEADLINES, JOURNEY_TRANSITIONS, DEPARTMENT_HANDOVERS, CITIZEN_CONTINUITY,
                              CASES, RADAR_CASES, DCR_CASES)}
# Columns any table may hold, by the engine's naming: shares that do not end in "_share".
_SHARES = {"share", "share_a", "share_b", "share_met", "cumulative_share", "case_share", "share_difference",
           "deadline_compliance", "fitness", "token_fitness", "alignment_fitness", "precision"}


def kind_of(column: str, declared: ResultTable | None = None) -> Kind | None:
    """The kind of `column`: as `declared`, else by the engine's naming; None when the name says nothing."""
    if declared is not None and column in declared.kinds():
        return declared.kinds()[column]
    if column.endswith("_seconds"):
        return "duration"
    if column == "relative_difference":
        return "change"
    if column in _SHARES or column.endswith("_share"):
        return "share"
    if column.endswith("_working_days"):
        return "working_days"
    if column.endswith("_days") or column == "days":
        return "days"
    return None


def signed(column: str) -> bool:
    """True when the column holds differences, shown with their sign ("+7.5 d", "−12.3 pp")."""
    return "difference" in column


def row_kind(kind: str) -> Kind:
    """The kind of a KPI row from its `kind` column ("count", "duration", "share", "working_days")."""
    return kind if kind in KINDS else "number"
