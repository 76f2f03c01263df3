"""Incremental runs on an SBSYS demo database in SQLite: new rows once, late rows once, atomic faults."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import threading
import time

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from connectors import incremental
from connectors.runner import run_extraction
from connectors.sbsys import SbsysOptions, sbsys_extraction
from connectors.sbsys_demo import fill_sbsys_demo
from connectors.sbsys_demo_reference import KINDS, SUB_PROCESS_TYPES
from connectors.sbsys_demo_rows import DemoIds, document_rows, reminder_row, status_change_row, sub_process_row
from connectors.sbsys_tables import sbsys_tables
from procmine.dataset import read_dataset
from procmine.dataset_meta import read_meta
from procmine.errors import ConfigError, ConnectorError
from tests.dataset_meta_history import as_version_1

KEY = "test-key-incremental-0123456789"
TABLES = sbsys_tables()
IDS = DemoIds(base=1_000, seed=99)  # complete rows, ids apart from the demo's own


def _status(case, after, when, user=730_002, ids=IDS):
    return status_change_row(ids, case, before=None, after=after, when=when, user=user)


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", KEY)


@pytest.fixture()
def demo(tmp_path):
    """URL of a fresh SQLite SBSYS demo database and a dataset path beside it."""
    url = f"sqlite:///{tmp_path / 'sbsys.db'}"
    fill_sbsys_demo(url, cases=80, seed=5)
    return url, tmp_path / "dataset"


def _job(url, out, **options):
    return sbsys_extraction(url, out, SbsysOptions(**options))


def _open_case(url) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        case = connection.execute(sa.select(TABLES.Sag.c.ID).where(
            TABLES.Sag.c.ErBeskyttet == sa.false()).order_by(TABLES.Sag.c.ID)).scalars().first()
    engine.dispose()
    return case


def _insert(url, table, rows) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(table.insert(), rows)
    engine.dispose()


def _watermark(out, source):
    return incremental.load_state(out).watermark(source)


def _fingerprint(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_rerun_adds_exactly_the_new_events_then_nothing(demo):
    url, out = demo
    first = run_extraction(_job(url, out))
    case = _open_case(url)
    later = _watermark(out, "status") + dt.timedelta(days=3)
    _insert(url, TABLES.SagHistorikStatus, [_status(case, 109, later),
                                            _status(case, 105, later + dt.timedelta(hours=5))])
    ids = DemoIds(base=2_000, seed=98)
    document, registration = document_rows(ids, case, kind=KINDS["Udgående"], name="Nyt brev",
                                           when=later, user=730_003)
    _insert(url, TABLES.Dokument, [document])
    _insert(url, TABLES.DokumentRegistrering, [registration])
    # A registration deleted before the run never becomes an event.
    gone = document_rows(ids, case, kind=KINDS["Indgående"], name="Fejl", when=later,
                         user=730_003, deleted=later + dt.timedelta(hours=1))
    _insert(url, TABLES.Dokument, [gone[0]])
    _insert(url, TABLES.DokumentRegistrering, [gone[1]])
    second = run_extraction(_job(url, out))
    assert second.new_events == {**dict.fromkeys(second.new_events, 0), "status": 2, "dokument": 1}
    assert second.part == "part-000002.parquet"
    third = run_extraction(_job(url, out))
    assert third.total == 0 and third.part is None
    dataset = read_dataset(out)
    assert len(dataset.events) == first.total + 3
    assert len(dataset.events.column("event_key").unique()) == len(dataset.events)
    activities = dataset.events.filter(
        dataset.events.column("timestamp").cast("int64").to_numpy() >=
        int(later.replace(tzinfo=dt.UTC).timestamp() - 7200) * 1_000_000)
    assert sorted(activities.column("activity").to_pylist()) == [
        "Dokument journaliseret (Udgående)", "Status: Afventer", "Status: Opklaring"]
    assert _watermark(out, "status") == later + dt.timedelta(hours=5)


def test_late_row_inside_the_lookback_is_picked_up_once(demo):
    url, out = demo
    first = run_extraction(_job(url, out, lookback_hours=24))
    mark = _watermark(out, "status")
    case = _open_case(url)
    ids = DemoIds(base=3_000, seed=97)
    late = _status(case, 109, mark - dt.timedelta(hours=2), 730_004, ids)
    too_late = _status(case, 109, mark - dt.timedelta(hours=30), 730_004, ids)
    _insert(url, TABLES.SagHistorikStatus, [late, too_late])
    second = run_extraction(_job(url, out, lookback_hours=24))
    assert second.total == 1 and second.new_events["status"] == 1
    assert run_extraction(_job(url, out, lookback_hours=24)).total == 0
    assert len(read_dataset(out).events) == first.total + 1
    assert _watermark(out, "status") == mark


def _with_new_rows(url, out):
    run_extraction(_job(url, out))
    later = _watermark(out, "status") + dt.timedelta(days=1)
    _insert(url, TABLES.SagHistorikStatus, [
        _status(_open_case(url), 113, later, ids=DemoIds(base=4_000, seed=96))])
    return _fingerprint(out), incremental.load_state(out).meta


@pytest.mark.parametrize("where", ["part", "commit"])
def test_disk_error_leaves_dataset_and_watermark_as_they_were(demo, monkeypatch, where):
    url, out = demo
    before, meta = _with_new_rows(url, out)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    if where == "part":
        monkeypatch.setattr(pq.ParquetWriter, "write_table", disk_full)
    else:  # the part and cases are in place, procmine.json cannot be replaced
        real_replace = os.replace

        def replace(source, target):
            if str(target).endswith("procmine.json"):
                disk_full()
            return real_replace(source, target)

        monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        run_extraction(_job(url, out))
    assert _fingerprint(out) == before
    assert incremental.load_state(out).meta == meta
    monkeypatch.undo()
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", KEY)
    assert run_extraction(_job(url, out)).total == 1


def test_a_folder_written_by_schema_version_1_continues_from_its_watermarks(demo):
    """A connector dataset from before DatasetMeta (state at the top level, counts copied) is read
    as it is; the next run adds only the new rows and writes procmine.json in the current version."""
    url, out = demo
    first = run_extraction(_job(url, out))
    current = read_meta(out / "procmine.json")
    (out / "procmine.json").write_text(json.dumps(as_version_1(current), indent=2), encoding="utf-8")
    assert incremental.load_state(out).meta == current
    assert run_extraction(_job(url, out)).total == 0
    later = _watermark(out, "status") + dt.timedelta(days=1)
    (out / "procmine.json").write_text(json.dumps(as_version_1(read_meta(out / "procmine.json"))), encoding="utf-8")
    _insert(url, TABLES.SagHistorikStatus, [_status(_open_case(url), 109, later)])
    second = run_extraction(_job(url, out))
    assert second.new_events["status"] == 1 and second.total == 1
    written = json.loads((out / "procmine.json").read_text(encoding="utf-8"))
    assert written["schema_version"] == 2 and written["incremental"]["runs"] == 3 and "counts" not in written
    assert written["incremental"]["events_per_source"]["status"] == first.new_events["status"] + 1
    assert read_dataset(out).events.num_rows == first.total + 1


def test_debris_of_a_crashed_run_is_removed(demo):
    url, out = demo
    run_extraction(_job(url, out))
    stray = out / "events" / "part-000002.parquet"
    stray.write_bytes((out / "events" / "part-000001.parquet").read_bytes())
    (out / "events" / ".part-000002.parquet.tmp").write_bytes(b"half")
    assert len(read_dataset(out).events) > 0
    run_extraction(_job(url, out))
    assert sorted(p.name for p in (out / "events").iterdir()) == ["part-000001.parquet"]


def test_second_run_on_the_same_dataset_stops_or_waits(demo):
    url, out = demo
    run_extraction(_job(url, out))
    holding, release = threading.Event(), threading.Event()

    def hold_lock():
        with incremental.dataset_lock(out):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=hold_lock)
    thread.start()
    holding.wait(10)
    try:
        with pytest.raises(ConnectorError, match="another extraction is writing"):
            run_extraction(_job(url, out))
        threading.Timer(0.5, release.set).start()
        started = time.monotonic()
        assert run_extraction(_job(url, out), wait_seconds=10).total == 0
        assert time.monotonic() - started >= 0.4
    finally:
        release.set()
        thread.join()


def test_changed_key_needs_a_full_rebuild(demo, monkeypatch):
    url, out = demo
    run_extraction(_job(url, out))
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", "another-key-abcdefghijklmnop")
    with pytest.raises(ConfigError, match="--full"):
        run_extraction(_job(url, out))
    assert run_extraction(_job(url, out), full=True).full


def test_cli_extract_twice_and_check(demo):
    from typer.testing import CliRunner

    from procmine.cli import app
    url, out = demo
    runner = CliRunner()
    first = runner.invoke(app, ["extract", "sbsys", "--url", url, "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert "part-000001.parquet" in first.output
    second = runner.invoke(app, ["extract-sbsys", "--url", url, "--out", str(out)])
    assert second.exit_code == 0 and "no new events" in second.output
    check = runner.invoke(app, ["extract", "sbsys", "--url", url, "--out", str(out), "--check"])
    assert check.exit_code == 0 and "status" in check.output
    assert len(list((out / "events").iterdir())) == 1


def _comparable(dataset):
    events = dataset.events.drop_columns(["case_index", "event_index"])
    return events.take(pc.sort_indices(events, [("event_key", "ascending")]))


def test_rows_completed_later_are_added_once_and_equal_a_full_rebuild(demo, tmp_path):
    url, out = demo
    case = _open_case(url)
    ids = DemoIds(base=5_000, seed=95)
    created = dt.datetime(2024, 3, 1, 9)
    reminder = reminder_row(ids, case, created=created, creator=730_002,
                            deadline=created + dt.timedelta(days=14))
    sub = sub_process_row(ids, case, kind=SUB_PROCESS_TYPES["Klage"], handler=730_003,
                          received=created, decided=None, deadline=None)
    _insert(url, TABLES.Erindring, [reminder])
    _insert(url, TABLES.Delforloeb, [sub])
    run_extraction(_job(url, out))
    later = max(_watermark(out, "status"), _watermark(out, "dokument")) + dt.timedelta(days=2)
    engine = sa.create_engine(url)
    reminders = TABLES.Erindring
    with engine.begin() as connection:
        connection.execute(reminders.update().where(reminder["ID"] == reminders.c.ID)
                           .values(ErAnnulleret=True, Annulleret=later, AnnulleretAfID=730_002,
                                   LastChanged=later))
        # A reminder extracted as completed is cancelled afterwards: its completion goes.
        completed = connection.execute(sa.select(reminders.c.ID).where(
            reminders.c.ErAfsluttet, sa.not_(reminders.c.ErAnnulleret),
            reminders.c.SagID.in_(sa.select(TABLES.Sag.c.ID).where(TABLES.Sag.c.ErBeskyttet == sa.false())))
            .order_by(reminders.c.ID)).scalars().first()
        connection.execute(reminders.update().where(completed == reminders.c.ID).values(
            ErAnnulleret=True, Annulleret=later, AnnulleretAfID=730_002, LastChanged=later))
        connection.execute(TABLES.Delforloeb.update().where(sub["ID"] == TABLES.Delforloeb.c.ID)
                           .values(ErBesluttet=True, Besluttet=later + dt.timedelta(hours=1)))
    engine.dispose()
    second = run_extraction(_job(url, out))
    assert second.total == 3 and second.new_events["erindring_annulleret"] == 2
    assert second.new_events["delforloeb_besluttet"] == 1
    assert second.retracted == {"erindring_afsluttet": 1}
    assert run_extraction(_job(url, out)).total == 0
    run_extraction(_job(url, tmp_path / "fresh"))
    assert _comparable(read_dataset(out)).equals(_comparable(read_dataset(tmp_path / "fresh")))
    assert read_dataset(out).cases.equals(read_dataset(tmp_path / "fresh").cases)


def _delete_after_extraction(url, when):
    """Delete one live registration, one document (with its registrations) and one note."""
    registration, document, note = TABLES.DokumentRegistrering, TABLES.Dokument, TABLES.JournalArkNote
    open_cases = sa.select(TABLES.Sag.c.ID).where(TABLES.Sag.c.ErBeskyttet == sa.false())
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        live = connection.execute(sa.select(registration.c.ID, registration.c.DokumentID).where(
            registration.c.DeletedState == 0, registration.c.SagID.in_(open_cases))
            .order_by(registration.c.ID)).all()
        connection.execute(registration.update().where(live[0][0] == registration.c.ID)
                           .values(DeletedState=1, DeletedDate=when))
        connection.execute(document.update().where(live[-1][1] == document.c.ID)
                           .values(DeletedState=1, DeletedDate=when))
        sheet = sa.select(TABLES.JournalArk.c.ID).where(TABLES.JournalArk.c.SagID.in_(open_cases))
        first_note = connection.execute(sa.select(note.c.ID).where(
            note.c.SlettetDato.is_(None), note.c.JournalArkID.in_(sheet)).order_by(note.c.ID)).scalar()
        connection.execute(note.update().where(first_note == note.c.ID).values(SlettetDato=when))
    engine.dispose()


def test_rows_deleted_after_extraction_are_removed_by_the_next_run(demo, tmp_path):
    url, out = demo
    first = run_extraction(_job(url, out))
    _delete_after_extraction(url, dt.datetime(2025, 1, 1, 12))
    second = run_extraction(_job(url, out))
    assert second.total == 0 and second.retracted == {"dokument": 2, "journalnotat": 1}
    again = run_extraction(_job(url, out))
    assert again.total == 0 and not any(again.retracted.values())
    dataset = read_dataset(out)
    assert len(dataset.events) == first.total - 3 == dataset.meta.events
    assert dataset.meta.incremental.events_per_source["dokument"] == first.new_events["dokument"] - 2
    run_extraction(_job(url, tmp_path / "fresh"))
    assert _comparable(dataset).equals(_comparable(read_dataset(tmp_path / "fresh")))
    assert sorted(p.name for p in (out / "events").iterdir()) == ["part-000001.parquet"]


def test_a_failed_run_with_retractions_leaves_every_part_as_it_was(demo, monkeypatch):
    url, out = demo
    run_extraction(_job(url, out))
    _delete_after_extraction(url, dt.datetime(2025, 1, 1, 12))
    before, meta = _fingerprint(out), incremental.load_state(out).meta
    real_replace = os.replace

    def replace(source, target):
        if str(target).endswith("procmine.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        run_extraction(_job(url, out))
    monkeypatch.undo()
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", KEY)
    assert _fingerprint(out) == before and incremental.load_state(out).meta == meta
    assert run_extraction(_job(url, out)).retracted == {"dokument": 2, "journalnotat": 1}


def test_a_part_rewritten_by_a_run_that_died_before_its_commit_is_restored(demo):
    url, out = demo
    run_extraction(_job(url, out))
    part = out / "events" / "part-000001.parquet"
    before = _fingerprint(out)
    backup = part.with_name(incremental.PART_BACKUP.format(part.name, 2))
    os.link(part, backup)
    part.unlink()
    part.write_bytes(b"a half-swapped part")   # the run died between the swap and the commit
    incremental.load_state(out)
    assert _fingerprint(out) == before
