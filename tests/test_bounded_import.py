"""Importing in a child process (procmine.importing.bounded_import): the same dataset as an import in
this process; a cancel or a timeout kills it and leaves nothing behind; a bad file's error comes back."""

from __future__ import annotations

import pyarrow as pa
import pytest
from shared_data import SHARED_DATA

from procmine.errors import LogValidationError
from procmine.importing import import_log
from procmine.importing.bounded_import import ImportTimeoutError, import_bounded, imports_quickly
from procmine.importing.options import ImportOptions

LOG = SHARED_DATA / "Sepsis_Cases.xes.gz"


class Cancelled(Exception):
    """What a Cancel press raises out of the wait (a Streamlit rerun, in the app)."""


def _events(dataset) -> pa.Table:
    return dataset.events.drop_columns([c for c in ("case_index", "event_index") if c in dataset.events.column_names])


def test_a_child_import_writes_the_same_dataset_and_reports_its_steps(tmp_path):
    steps = []
    imported = import_bounded(LOG, tmp_path / "child", ImportOptions(format="xes"), {"path": LOG.name},
                              waiting=lambda elapsed, step: steps.append(step))
    here = import_log(LOG, tmp_path / "here", ImportOptions(format="xes"))
    assert _events(imported).equals(_events(here))
    assert imported.events.num_rows == 15_214
    assert steps and set(steps) <= {"start", "read", "write"}
    assert steps == sorted(steps, key=["start", "read", "write"].index)   # steps only go forward


def test_a_cancelled_import_is_killed_and_leaves_nothing(tmp_path):
    target = tmp_path / "datasets" / "sepsis"
    target.parent.mkdir()

    def cancel(elapsed: float, step: str) -> None:   # at the first look: the child is still starting or reading
        raise Cancelled

    with pytest.raises(Cancelled):
        import_bounded(LOG, target, ImportOptions(format="xes"), {}, waiting=cancel)
    assert list(target.parent.iterdir()) == []


def test_what_a_killed_write_left_beside_the_target_is_removed(tmp_path):
    """A kill while writing leaves procmine.atomic's temporary folder; it goes, other folders stay."""
    from procmine.importing.bounded_import import remove_unfinished
    target = tmp_path / "sepsis"
    (tmp_path / ".sepsis.k3j2_x.tmp" / "events").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    (tmp_path / ".other.a1b2.tmp").mkdir()
    remove_unfinished(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.a1b2.tmp", "other"]


def test_an_import_past_its_time_limit_is_stopped_with_a_clear_error(tmp_path):
    with pytest.raises(ImportTimeoutError, match="procmine import"):
        import_bounded(LOG, tmp_path / "slow", ImportOptions(format="xes"), {}, seconds=0.3)
    assert list(tmp_path.iterdir()) == []


def test_a_bad_file_brings_its_own_error_back_from_the_child(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("case,activity,who\n1,a,x\n")
    with pytest.raises(LogValidationError, match="timestamp"):
        import_bounded(bad, tmp_path / "out", ImportOptions(format="csv"), {})
    assert not (tmp_path / "out").exists()


def test_small_files_import_in_process_and_compressed_ones_count_as_what_they_hold(tmp_path):
    assert imports_quickly(SHARED_DATA / "running-example.csv")
    assert not imports_quickly(LOG)   # 183 KB of gzip, about 1.8 MB of XES
    assert not imports_quickly(SHARED_DATA / "interval_event_log.xes")
