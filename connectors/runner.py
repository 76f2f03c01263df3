"""One extraction run: stream every source past its watermark into a new part, then commit.

The watermark is saved in procmine.json, which is replaced last: a run that fails at any
point leaves the dataset and the watermarks exactly as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlalchemy as sa

from connectors import incremental as inc
from connectors.events import EVENT_KEY, event_schema, max_cursor, to_cases, to_events
from connectors.fetch import stream_rows
from connectors.part_writer import PartWriter
from connectors.pseudonymise import Pseudonymiser
from connectors.retraction import Rewrite, discard, rewrite_parts
from connectors.sql import CasePlan, SourcePlan, create_engine, database_error, safe_url
from procmine import dataset_meta
from procmine import schema as s
from procmine.atomic import atomic_folder
from procmine.dataset_meta import DatasetMeta, Incremental, Part, Pseudonymisation, Source
from procmine.errors import ConfigError, DatasetError

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Extraction:
    """Everything one run needs: where from, what, how to pseudonymise, where to."""

    url: str
    plans: list[SourcePlan]
    cases: CasePlan | None
    output: Path
    pseudonyms: Pseudonymiser
    timezone: str = s.DEFAULT_TIMEZONE
    lookback: dt.timedelta = dt.timedelta(hours=48)
    chunk_size: int = 50_000
    source_info: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RunResult:
    """What a run added: events per source, case rows, the part written (None if none)."""

    new_events: dict[str, int]
    cases: int
    part: str | None
    full: bool
    retracted: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """New events over all sources."""
        return sum(self.new_events.values())


def run_extraction(job: Extraction, *, full: bool = False, progress: Progress | None = None,
                   wait_seconds: float = 0.0) -> RunResult:
    """Extract new events into the dataset at `job.output` (all of them with `full`)."""
    target = Path(job.output)
    with inc.dataset_lock(target, wait_seconds):
        state = None
        if full:
            _replaceable(target)
        else:
            state = inc.load_state(target)
        if state is not None and not full:
            _check_same_key(state, job.pseudonyms, target)
            return _run(job, state, progress)
        with atomic_folder(target) as folder:
            return _run(job, inc.DatasetState(folder), progress, full=True)


def _replaceable(target: Path) -> None:
    if (target.exists() and not (target / s.META_FILE).is_file()
            and (not target.is_dir() or any(target.iterdir()))):
        raise DatasetError(f"{target} exists and is not a procmine dataset; refusing to replace "
                           "it. Choose a new output folder.")


def count_rows(job: Extraction) -> dict[str, int]:
    """Rows each source would read now (past its watermark), without writing anything."""
    state = inc.load_state(Path(job.output))
    engine = create_engine(job.url)
    counts = {}
    try:
        with engine.connect() as connection:
            for plan in job.plans:
                bound = _lower_bound(state, plan.name, job.lookback)
                query = sa.select(sa.func.count()).select_from(plan.since(bound).subquery())
                counts[plan.name] = int(connection.execute(query).scalar_one())
                if plan.retractions is not None:
                    bound = _lower_bound(state, plan.retraction_source, job.lookback)
                    query = sa.select(sa.func.count()).select_from(
                        plan.retracted_since(bound).subquery())
                    counts[f"{plan.name} (deleted since)"] = int(connection.execute(query).scalar_one())
            if job.cases is not None:
                query = sa.select(sa.func.count()).select_from(job.cases.select.subquery())
                counts["cases"] = int(connection.execute(query).scalar_one())
    except sa.exc.SQLAlchemyError as exc:
        raise database_error(exc, job.url, "checking the sources") from None
    finally:
        engine.dispose()
    return counts


def _run(job: Extraction, state: inc.DatasetState, progress: Progress | None,
         full: bool = False) -> RunResult:
    schema = event_schema(job.plans)
    part_name = state.next_part_name()
    engine = create_engine(job.url)
    writers: list[PartWriter] = []
    rewrites: list[Rewrite] = []
    cases_tmp = state.path / f".{s.CASES_FILE}.tmp"
    try:
        with engine.connect() as connection:
            marks, counts = {}, {}
            writer = PartWriter(state.path / s.EVENTS_DIR, part_name, schema)
            writers.append(writer)
            for plan in job.plans:
                counts[plan.name], marks[plan.name] = _read_source(
                    connection, job, state, plan, writer, progress)
            retracted_keys = {}
            for plan in (p for p in job.plans if p.retractions is not None):
                retracted_keys[plan.name], marks[plan.retraction_source] = _read_retractions(
                    connection, job, state, plan, writer.schema)
            case_rows = _read_cases(connection, job, state, cases_tmp)
        part = writer.close()
        rewrites, retracted = rewrite_parts(state, retracted_keys)
        meta = _meta(job, state, marks, counts, case_rows, part_name if part else None,
                     rewrites, retracted)
        inc.commit(state, part, part_name, cases_tmp if case_rows is not None else None, meta,
                   rewrites)
    except sa.exc.SQLAlchemyError as exc:
        raise database_error(exc, job.url, "reading the sources") from None
    finally:
        for writer in writers:
            writer.discard()
        discard(rewrites)
        cases_tmp.unlink(missing_ok=True)
        engine.dispose()
    return RunResult(counts, case_rows or 0, part_name if part else None, full, retracted)


def _read_source(connection, job: Extraction, state, plan: SourcePlan, writer, progress):
    mark = state.watermark(plan.name)
    bound = _lower_bound(state, plan.name, job.lookback)
    since = _utc_floor(bound, job.timezone) if plan.cursor_is_timestamp else None
    seen = state.seen_keys(plan.name, bound, since)
    added = 0
    for raw in stream_rows(connection, plan.since(bound), job.chunk_size):
        if raw.num_rows == 0:
            continue
        newest = max_cursor(raw)
        mark = newest if mark is None or newest > mark else mark
        events = to_events(raw, plan, writer.schema, job.pseudonyms, job.timezone)
        added += writer.write(events, seen)
        if progress is not None:
            progress(plan.name, raw.num_rows)
    return added, mark


def _read_retractions(connection, job: Extraction, state, plan: SourcePlan, schema: pa.Schema):
    """Keys of the events of rows deleted past the retraction watermark, and the new watermark."""
    mark = state.watermark(plan.retraction_source)
    bound = _lower_bound(state, plan.retraction_source, job.lookback)
    keys = []
    for raw in stream_rows(connection, plan.retracted_since(bound), job.chunk_size):
        if raw.num_rows == 0:
            continue
        newest = max_cursor(raw)
        mark = newest if mark is None or newest > mark else mark
        keys.append(to_events(raw, plan, schema, job.pseudonyms, job.timezone).column(EVENT_KEY))
    return pa.chunked_array([k for chunk in keys for k in chunk.chunks], pa.string()), mark


def _utc_floor(bound, timezone: str) -> dt.datetime | None:
    """A UTC time at or before every event whose cursor (= its timestamp) is past `bound`."""
    if not isinstance(bound, dt.datetime):
        return None
    local = bound if bound.tzinfo is not None else bound.replace(tzinfo=ZoneInfo(timezone))
    # A day's margin covers daylight-saving folds and gaps of naive local cursors.
    return local.astimezone(dt.UTC) - dt.timedelta(days=1)


def _lower_bound(state: inc.DatasetState | None, source: str, lookback: dt.timedelta):
    if state is None:
        return None
    mark = state.watermark(source)
    return None if mark is None else inc.lower_bound(mark, lookback)


def _read_cases(connection, job: Extraction, state, target: Path) -> int | None:
    if job.cases is None:
        return None
    chunks = [to_cases(raw, job.cases, job.pseudonyms, job.timezone)
              for raw in stream_rows(connection, job.cases.select, job.chunk_size) if raw.num_rows]
    old_file = state.path / s.CASES_FILE
    if chunks:
        new = pa.concat_tables(chunks)
    elif old_file.exists():
        return pq.read_metadata(old_file).num_rows
    else:
        return None
    if old_file.exists():
        old = pq.read_table(old_file)
        keep = pc.invert(pc.is_in(old.column(s.CASE_ID), value_set=new.column(s.CASE_ID)))
        new = pa.concat_tables([old.filter(keep).cast(new.schema), new])
    new = new.take(pc.sort_indices(new, [(s.CASE_ID, "ascending")]))
    pq.write_table(new, target, compression="zstd")
    return new.num_rows


def _meta(job: Extraction, state, marks: dict, counts: dict, cases: int | None,
          part: str | None, rewrites: Sequence[Rewrite] = (), retracted: dict | None = None) -> DatasetMeta:
    now = dataset_meta.now()
    old = state.incremental or Incremental(runs=0, lookback_hours=0)
    watermarks = {**old.watermarks, **{k: v for k, v in marks.items() if v is not None}}
    left = {rewrite.name: rewrite.events for rewrite in rewrites}
    parts = [p.model_copy(update={"events": left[p.file]}) if p.file in left else p for p in state.parts]
    if part is not None:
        parts.append(Part(file=part, events=sum(counts.values()), extracted_at=now, watermarks=watermarks))
    totals = dict(old.events_per_source)
    for name, added in counts.items():
        totals[name] = totals.get(name, 0) + added - (retracted or {}).get(name, 0)
    before = state.meta
    return DatasetMeta(
        source=Source.model_validate({**job.source_info, "url": safe_url(job.url),
                                      "sources": [plan.name for plan in job.plans]}),
        created_at=now if before is None else before.created_at, extracted_at=now, timezone=job.timezone,
        events=sum(p.events for p in parts),
        cases=cases if cases is not None else 0 if before is None else before.cases,
        pseudonymisation=job.pseudonyms.info(),
        incremental=Incremental(runs=state.runs + 1, lookback_hours=job.lookback.total_seconds() / 3600,
                                watermarks=watermarks, parts=parts, events_per_source=totals, last_run=counts,
                                last_run_retracted=retracted or {}),
        other={} if before is None else before.other)


def _check_same_key(state: inc.DatasetState, pseudonyms: Pseudonymiser, target: Path) -> None:
    before = (state.meta.pseudonymisation if state.meta else None) or Pseudonymisation(enabled=False)
    now = pseudonyms.info()
    if before.enabled != now.enabled or before.key_fingerprint != now.key_fingerprint:
        raise ConfigError(
            f"{target} was pseudonymised with another key or setting (fingerprint "
            f"{before.key_fingerprint!r}, now {now.key_fingerprint!r}); new events would "
            "not match the old ones. Use the old key, or rebuild the dataset with --full.")
