"""SqlLog: a dataset analysed through the SQL forms on an engine (DuckDB or Spark), same result types.

`procmine.open(path, engine="spark")` gives one. Its methods return the typed results of
procmine.analysis (Overview, Variants, Dfg, Throughput, Bottlenecks, DeadlineReport, Comparison),
so the CLI, the report and the app render them as they render the kernels' results.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from procmine import schema as s
from procmine.analysis import (
    Bottlenecks,
    Comparison,
    DeadlineReport,
    DeadlineRule,
    Dfg,
    Overview,
    Throughput,
    Variants,
)
from procmine.analysis.deadlines import RULE_COLUMNS
from procmine.analysis.throughput import PERIODS, SUMMARY_COLUMNS
from procmine.dataset_meta import DatasetMeta, read_meta
from procmine.errors import ConfigError, DatasetError, FilterError
from procmine.sqlforms import (
    bottlenecks,
    common,
    compare,
    deadlines,
    dfg,
    overview,
    periods,
    throughput,
    variants,
)
from procmine.sqlforms.selection import EVERYTHING, Selection, select, stacked
from procmine.workcalendar import WorkCalendar

ENGINES = ("numpy", "duckdb", "spark")


class SqlLog:
    """A dataset folder (or a folder of municipal datasets) seen through one SQL engine."""

    def __init__(self, engine, meta: DatasetMeta, path: Path, selection: Selection = EVERYTHING):
        self.engine = engine
        self.meta = meta
        self.path = path
        self.selection = selection

    @property
    def timezone(self) -> str:
        return self.meta.timezone

    @property
    def filters(self) -> tuple:
        return self.selection.filters

    def filter(self, *filters) -> SqlLog:
        """A new log with `filters` stacked on this one's, applied in order (each filter's to_sql())."""
        return SqlLog(self.engine, self.meta, self.path,
                      stacked(self.engine, self.selection, filters, self.timezone))

    def unfiltered(self) -> SqlLog:
        return SqlLog(self.engine, self.meta, self.path)

    def _on(self) -> None:
        """The engine's `events` and `cases` views over this log's selection (logs share an engine)."""
        select(self.engine, self.selection)

    def _days(self, calendar: WorkCalendar) -> None:
        self._on()
        key = (calendar, self.selection)
        if getattr(self.engine, "days_for", None) != key:     # the day table spans this selection's events
            common.register_days(self.engine, calendar)
            self.engine.days_for = key

    def overview(self) -> Overview:
        self._on()
        found = overview.compute(self.engine, self.meta)
        return Overview(
            cases=int(found["cases"]), events=int(found.get("events") or 0),
            activities=int(found.get("activities") or 0), variants=int(found.get("variants") or 0),
            first_timestamp=_instant(found.get("first_timestamp_us")),
            last_timestamp=_instant(found.get("last_timestamp_us")),
            open_cases=found.get("open_cases"), open_cases_rule=found["open_cases_rule"],
            **{name: float(found.get(name, np.nan)) for name in
               ("median_throughput_seconds", "mean_throughput_seconds", "p90_throughput_seconds")})

    def variants(self) -> Variants:
        self._on()
        table = variants.compute(self.engine)
        names = tuple(sorted({a for sequence in table["activities"] for a in sequence}))
        code = {name: i for i, name in enumerate(names)}
        lengths = [len(sequence) for sequence in table["activities"]]
        return Variants(
            cases=table["cases"].to_numpy(np.int64),
            codes=np.array([code[a] for sequence in table["activities"] for a in sequence], np.int32),
            offsets=np.concatenate(([0], np.cumsum(lengths))).astype(np.int64), activity_names=names,
            median_throughput_seconds=table["median_throughput_seconds"].to_numpy(float),
            mean_throughput_seconds=table["mean_throughput_seconds"].to_numpy(float),
            p90_throughput_seconds=table["p90_throughput_seconds"].to_numpy(float),
            num_cases=int(table["cases"].sum()))

    def dfg(self) -> Dfg:
        self._on()
        found = dfg.compute(self.engine)
        return Dfg(edges=found["edges"], activities=found["activities"],
                   start_activities=found["start_activities"], end_activities=found["end_activities"],
                   num_cases=found["num_cases"], num_events=found["num_events"])

    def throughput(self, by: str | None = None, period: str | None = None,
                   calendar: WorkCalendar | None = None) -> Throughput:
        if period is not None and period not in PERIODS:
            raise FilterError(f"Unknown period {period!r}; use one of {', '.join(PERIODS)}.")
        calendar = calendar or WorkCalendar()
        if by is not None:
            self._check_attribute(by)
        self._days(calendar)
        found = throughput.compute(self.engine, self.timezone, calendar, by=by, period=period)
        cases = found["cases"]
        cases = pd.DataFrame({s.CASE_ID: cases["case_id"], "start": _times(cases["first_t"]),
                              "end": _times(cases["last_t"]), "duration_seconds": cases["duration_seconds"],
                              "duration_working_days": cases["duration_working_days"]})
        keys = [by] if by else []
        trend = found["trend"]
        return Throughput(cases=cases, summary=found["summary"][keys + list(SUMMARY_COLUMNS)],
                          trend=None if trend is None else trend[["period"] + keys + list(SUMMARY_COLUMNS)],
                          by=by, period=period, calendar=calendar.describe())

    def bottlenecks(self, calendar: WorkCalendar | None = None) -> Bottlenecks:
        calendar = calendar or WorkCalendar()
        self._days(calendar)
        return Bottlenecks(**bottlenecks.compute(self.engine, calendar.timezone or s.DEFAULT_TIMEZONE))

    def deadlines(self, rules: tuple[DeadlineRule, ...] | None = None,
                  calendar: WorkCalendar | None = None) -> DeadlineReport:
        calendar = calendar or WorkCalendar()
        self._days(calendar)
        found = deadlines.compute(self.engine, calendar.timezone, rules, meta=self.meta)
        described = {rule.name: rule for rule in found["measured"]}
        table = found["rules"]
        for column, value in (("case_type", lambda r: r.case_type), ("description", lambda r: r.describe()),
                              ("limit_days", lambda r: r.limit_days), ("unit", lambda r: r.unit)):
            table[column] = [value(described[name]) for name in table["rule"]]
        breaches = found["breaches"].assign(due=lambda f: pd.to_datetime(f["due"]).dt.date,
                                            start=lambda f: pd.to_datetime(f["start"], utc=True),
                                            end=lambda f: pd.to_datetime(f["end"], utc=True))
        return DeadlineReport(rules=table[list(RULE_COLUMNS)], breaches=breaches, calendar=calendar.describe(),
                              skipped=found["skipped"])

    def compare_by(self, attribute: str) -> Comparison:
        self._on()
        self._check_attribute(attribute)
        found = compare.compute(self.engine, attribute, self.meta)
        edges = found["edges"]
        by_waiting = edges.assign(_size=edges["median_difference_seconds"].abs()).sort_values(
            ["_size", "source", "target"], ascending=[False, True, True], kind="stable",
            na_position="last").drop(columns="_size").reset_index(drop=True)
        return Comparison(labels=found["labels"], kpis=found["kpis"], edges=edges, edges_by_waiting=by_waiting,
                          variants=found["variants"])

    def period_trend(self, windows, calendar: WorkCalendar | None = None) -> pd.DataFrame:
        calendar = calendar or WorkCalendar()
        self._days(calendar)
        return periods.compute(self.engine, windows, self.meta, calendar.timezone, self.timezone)

    def _check_attribute(self, name: str) -> None:
        self._on()
        known = [c for c in self.engine.columns("cases") if c != s.CASE_INDEX]
        if name not in known:
            raise FilterError(f"Unknown case attribute {name!r}; the log's case attributes are "
                              f"{', '.join(known)}. Group by one of them.")


def folder_meta(path: Path) -> DatasetMeta:
    """procmine.json of a dataset folder; for a folder of datasets, the first one's (zone, end activities)."""
    meta_file = path / s.META_FILE
    if not meta_file.is_file():
        found = sorted(path.glob(f"*=*/{s.META_FILE}"))
        if not found:
            raise DatasetError(f"{path} is not a procmine dataset (no {s.META_FILE}) nor a folder of datasets "
                               "partitioned like municipality=NAME/. Create one with `procmine import`.")
        meta_file = found[0]
    return read_meta(meta_file)


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ConfigError(f"Unknown engine {engine!r}; use one of {', '.join(ENGINES)}.")
    return engine


def open_sql_log(path, engine: str, session=None) -> SqlLog:
    """The dataset at `path` on the "duckdb" or "spark" engine."""
    path = Path(path)
    meta = folder_meta(path)
    if meta.object_centric:
        raise ConfigError(f"{path} is an object-centric (OCEL) dataset: its cases come from flattening by a "
                          "case notion, which the SQL forms do not do. Use --engine numpy (the default).")
    if engine == "spark":
        from procmine.spark import SparkEngine
        return SqlLog(SparkEngine.for_dataset(path, session), meta, path)
    from procmine.sqlforms.engines import DuckDBEngine
    return SqlLog(DuckDBEngine.for_dataset(path), meta, path)


def _instant(micros) -> dt.datetime | None:
    if micros is None or pd.isna(micros):
        return None
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(micros))


def _times(micros: pd.Series) -> pd.Series:
    return pd.to_datetime(micros.to_numpy(np.int64), unit="us", utc=True)


def compare_stacks(log, stack_a, stack_b, labels: tuple[str, str]) -> Comparison:
    """Compare two filter stacks over one log (`compare --a/--b`), on any engine: B against A."""
    from procmine.analysis.compare import compare_results

    sides = [log.filter(*stack) for stack in (stack_a, stack_b)]
    return compare_results([(analyse("overview", side), analyse("dfg", side), analyse("variants", side))
                            for side in sides], labels)


def analyse(name: str, log, *args, **options):
    """analysis.<name>(log, ...) on an EventLog, or the SqlLog's method of that name (either engine)."""
    from procmine import analysis
    from procmine.eventlog import EventLog

    if isinstance(log, EventLog):
        return getattr(analysis, name)(log, *args, **options)
    return getattr(log, name)(*args, **options)
