"""Uploaded logs stay private to the app's user (0700 folders, 0600 files) and go when the session ends."""

from __future__ import annotations

import gc
import stat
from pathlib import Path

import pytest
from app_testing import assert_no_exception, start_app
from shared_data import SHARED_DATA

from procmine.ui import state
from procmine.ui.upload_store import SESSION_KEY, SessionFolder, private_root, remove_orphans


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def running(imported_dataset):
    return imported_dataset("running-example.csv")


def test_an_upload_is_private_and_deleted_with_its_session(running):
    at = start_app(running, "data")
    at.radio(key="data_source").set_value("upload").run()
    at.file_uploader(key="data_upload").upload("running-example.csv",
                                               (SHARED_DATA / "running-example.csv").read_bytes()).run()
    assert_no_exception(at)
    at.button(key="data_import").click().run()
    assert_no_exception(at)
    folder = at.session_state[SESSION_KEY].path
    uploaded = next(folder.glob("uploads/*/running-example.csv"))
    assert mode(uploaded) == 0o600
    assert mode(folder) == mode(private_root()) == 0o700
    for parent in uploaded.parents:
        if parent == private_root():
            break
        assert mode(parent) == 0o700, parent
    assert Path(at.session_state[state.DATASET_KEY]).is_relative_to(folder)   # the imported dataset too
    del at
    gc.collect()
    assert not folder.exists()


def test_a_session_folder_goes_when_dropped_or_removed():
    folder = SessionFolder(private_root())
    path = folder.path
    (path / "log.csv").write_text("case,activity,time\n")
    assert mode(path) == 0o700
    del folder
    gc.collect()
    assert not path.exists()
    other = SessionFolder(private_root())
    other.remove()
    assert not other.path.exists()


def test_a_world_readable_root_is_made_private_again():
    root = private_root()
    root.chmod(0o755)
    assert mode(private_root()) == 0o700


def test_folders_of_a_server_that_was_killed_are_removed():
    import subprocess
    import sys
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = private_root() / f"session-{gone.stdout.strip()}-abc"
    orphan.mkdir(mode=0o700)
    (orphan / "log.csv").write_text("x")
    mine = SessionFolder(private_root())
    remove_orphans.cache_clear()
    assert remove_orphans(private_root()) >= 1
    assert not orphan.exists() and mine.path.exists()
    mine.remove()
