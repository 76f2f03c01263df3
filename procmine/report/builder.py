"""Gather the engine's results for one report into a typed ReportData (no figure is computed here)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from procmine.analysis import bottlenecks, dfg, load_rules, variants
from procmine.analysis import periods as p
from procmine.analysis.bottlenecks import ORG_UNIT, workload_by
from procmine.analysis.breakdown import (
    KLE_GROUP,
    deadlines_by,
    group_summary,
    has_attribute,
)
from procmine.analysis.deadlines import DeadlineRule, check_rules
from procmine.analysis.quality import DataQuality, data_quality
from procmine.analysis.throughput import case_attribute
from procmine.dataset_meta import LeftOut
from procmine.dcr.conformance import DcrConformance
from procmine.eventlog import EventLog
from procmine.filters import Filter, TimeframeFilter
from procmine.render.map_notes import view_notes
from procmine.render.map_view import map_view
from procmine.render.process_map import MapOptions, render_map
from procmine.report.config import ReportSettings
from procmine.report.dcr_section import dcr_conformance
from procmine.report.journeys_section import JourneySection, journey_section
from procmine.schema import RESOURCE
from procmine.workcalendar import WorkCalendar

if TYPE_CHECKING:   # imported where they are built: the radar and the benchmark are heavy
    from procmine.benchmarking import Benchmark
    from procmine.report.risk_section import RiskSection

CASE_TYPE = "case_type"
STEPS = ("kpis", "trend", "deadlines", "variants", "bottlenecks", "map", "workload", "quality")
MAP_ACTIVITIES_SHOWN = 14   # default activity slider: about this many boxes stay readable on A4

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Compliance:
    """Deadline compliance tables: per rule/case type, per KLE group and per --group-by attribute."""

    by_case_type: pd.DataFrame
    by_kle: pd.DataFrame | None
    by_group: pd.DataFrame | None
    calendar: str


@dataclass(frozen=True)
class ProcessMap:
    """The inline process map (SVG without XML prologue or namespaces) and the sliders used."""

    svg: str | None
    activities: float
    paths: float
    notes: tuple[str, ...] = ()   # what the map leaves out and how (hidden activities' flow bridged)


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows, as the engine computed it."""

    settings: ReportSettings
    dataset_name: str
    organisation: str | None
    generated_at: dt.datetime
    extracted_at: dt.datetime | None
    first_event: dt.datetime | None
    last_event: dt.datetime | None
    filters: tuple[Filter, ...]
    window: p.Window
    comparison: p.Window | None
    kpis: p.PeriodKpis
    previous: p.PeriodKpis | None
    changes: tuple[p.KpiChange, ...]
    trend: pd.DataFrame
    compliance: Compliance
    groups: pd.DataFrame | None
    variants: pd.DataFrame
    variants_share: float
    bottlenecks: pd.DataFrame
    process_map: ProcessMap
    workload: pd.DataFrame | None
    workload_column: str | None
    quality: DataQuality
    dcr: DcrConformance | None = None
    risk: RiskSection | None = None    # with settings.predict
    left_out: LeftOut | None = None   # procmine.json's record of events a lenient import left out
    journeys: JourneySection | None = None
    flattening: dict | None = None   # how the case notion was made (None: the dataset's own cases)
    benchmark: Benchmark | None = None   # with settings.benchmark

    @property
    def data_ends_early(self) -> bool:
        """True when the last event lies before the report period's last day (a partial period)."""
        return self.last_event is not None and _local_day(self.last_event, self.settings.timezone) < \
            self.window.last_day

    @property
    def empty(self) -> bool:
        """True when no case started or closed in the report period."""
        return self.kpis.cases_started == 0 and self.kpis.cases_closed == 0


def _filters(log: EventLog) -> tuple[Filter, ...]:
    """The log's filter stack; the report reads each as a Filter (its description, its dict)."""
    for f in log.filters:
        if not isinstance(f, Filter):
            raise TypeError(f"The report needs procmine filters on the log, not {type(f).__name__}.")
    return tuple(f for f in log.filters if isinstance(f, Filter))


def build_report(log: EventLog, settings: ReportSettings, dataset_name: str, *,
                 generated_at: dt.datetime | None = None, progress: Progress | None = None) -> ReportData:
    """Run every analysis the report needs on the (filtered) log; `progress(step)` after each of STEPS."""
    step = progress or (lambda name: None)
    calendar = WorkCalendar(timezone=settings.timezone)
    rules = _rules(log, settings)
    if settings.group_by is not None:
        case_attribute(log, settings.group_by)      # an unknown attribute fails before any work
    window = p.report_window(log, settings.period, settings.from_date, settings.to_date, settings.timezone)
    comparison = p.comparison_window(window, settings.compare)
    kpis = p.period_kpis(log, window, rules, calendar)
    previous = None if comparison is None else p.period_kpis(log, comparison, rules, calendar)
    step("kpis")
    trend = p.period_trend(log, p.trend_windows(window, settings.period, settings.minimum_trend_periods), calendar)
    step("trend")
    closed = p.closed_in(log, window, settings.timezone)
    compliance = _compliance(closed, settings, rules, calendar)
    groups = None if settings.group_by is None else group_summary(closed, settings.group_by, rules, calendar)
    step("deadlines")
    top_variants, covered = _variants(closed, settings.top)
    journey_figures = journey_section(log, rules)
    step("variants")
    transitions = bottlenecks(closed).transitions.head(settings.top) if closed.num_cases else _no_transitions()
    step("bottlenecks")
    process_map = _process_map(closed, settings)
    step("map")
    workload, column = _workload(log, window, settings)
    step("workload")
    quality = data_quality(log)
    step("quality")
    dcr = dcr_conformance(closed, settings)
    meta = log.dataset.meta
    first_event, last_event = data_span(log)
    return ReportData(
        settings=settings, dataset_name=dataset_name,
        organisation=settings.organisation or meta.organisation,
        generated_at=generated_at or dt.datetime.now(dt.UTC),
        extracted_at=meta.written_at,
        first_event=first_event, last_event=last_event,
        filters=_filters(log), window=window, comparison=comparison, kpis=kpis, previous=previous,
        changes=tuple(p.kpi_changes(kpis, previous)), trend=trend, compliance=compliance, groups=groups,
        variants=top_variants, variants_share=covered, bottlenecks=transitions, process_map=process_map,
        workload=workload, workload_column=column, quality=quality, dcr=dcr,
        risk=_risk(log, settings, rules, calendar), left_out=meta.quarantine,
        journeys=journey_figures, flattening=meta.flattening, benchmark=_benchmark(settings))


def _benchmark(settings: ReportSettings):
    """The municipalities side by side (each analysed alone, small cells hidden) when asked for."""
    if settings.benchmark is None:
        return None
    from procmine.benchmarking import benchmark, municipal_datasets

    return benchmark(municipal_datasets(settings.benchmark))


def _risk(log: EventLog, settings: ReportSettings, rules, calendar: WorkCalendar):
    if not settings.predict:
        return None
    from procmine.report.risk_section import build_risk

    return build_risk(log, rules, calendar)


def _rules(log: EventLog, settings: ReportSettings) -> tuple[DeadlineRule, ...] | None:
    if settings.deadlines is None:
        return None
    rules = load_rules(settings.deadlines)
    check_rules(log, rules)
    return rules


def _compliance(closed: EventLog, settings: ReportSettings, rules, calendar: WorkCalendar) -> Compliance:
    by_type = deadlines_by(closed, CASE_TYPE if has_attribute(closed, CASE_TYPE) else None, rules, calendar)
    by_kle = deadlines_by(closed, KLE_GROUP, rules, calendar) if has_attribute(closed, KLE_GROUP) else None
    by_group = None if settings.group_by is None else deadlines_by(closed, settings.group_by, rules, calendar)
    return Compliance(by_case_type=by_type, by_kle=by_kle, by_group=by_group,
                      calendar=calendar.describe(settings.lang))


def _variants(closed: EventLog, top: int) -> tuple[pd.DataFrame, float]:
    """The top variants of the closed cases and the share of cases they cover together."""
    table = variants(closed).to_pandas().head(top)
    return table, float(table["cumulative_share"].iloc[-1]) if len(table) else 0.0


def _process_map(closed: EventLog, settings: ReportSettings) -> ProcessMap:
    if closed.num_cases == 0:
        return ProcessMap(None, 1.0, settings.map_paths)
    graph = dfg(closed)
    activities = settings.map_activities or min(1.0, MAP_ACTIVITIES_SHOWN / max(len(graph.activities), 1))
    options = MapOptions(metric="both", statistic="median", activities=activities, paths=settings.map_paths,
                         lang=settings.lang)
    view = map_view(closed, activities, settings.map_paths)   # hidden activities' flow bridged, as in Disco
    return ProcessMap(inline_svg(render_map(view, options, "svg").decode("utf-8")), activities,
                      settings.map_paths, tuple(view_notes(view, settings.lang)))


def inline_svg(svg: str) -> str:
    """Graphviz SVG made fit for inline HTML5: no prologue, DOCTYPE, comments or namespace URLs."""
    svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg)
    svg = re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg class="process-map" role="img"', svg, count=1)
    return svg.strip()


def _workload(log: EventLog, window: p.Window, settings: ReportSettings) -> tuple[pd.DataFrame | None, str | None]:
    low, high = (dt.datetime.combine(day, dt.time(0), tzinfo=_zone(settings.timezone))
                 for day in (window.start, window.end))
    events = log.filter(TimeframeFilter(between=(low, high), mode="trim"))
    for column in (ORG_UNIT, RESOURCE):
        if events.num_events and column in log.event_columns:
            table = workload_by(events, column)
            if table is not None:   # None only when the column is missing, which the test above rules out
                return table.head(settings.top), column
    return None, None


def data_span(log: EventLog) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The first and last event time of the log, from the engine's overview."""
    from procmine.analysis.overview import overview

    figures = overview(log)
    return figures.first_timestamp, figures.last_timestamp


def _no_transitions() -> pd.DataFrame:
    return pd.DataFrame(columns=["source", "target", "count", "cases", "mean_seconds", "median_seconds",
                                 "total_seconds", "median_working_days", "total_working_days"])


def _local_day(moment: dt.datetime, timezone: str) -> dt.date:
    return moment.astimezone(_zone(timezone)).date()


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


