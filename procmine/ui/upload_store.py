"""Where an app session keeps its uploaded files: a private folder, deleted when the session ends.

Uploaded logs hold case data. They are written under the temp folder in a folder
only the app's user can open (0700), as files only that user can read (0600),
inside one folder per browser session that is removed when Streamlit drops the
session (its session state is garbage-collected) or the server stops. Folders left
by a server that was killed are removed when the next server starts.
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import tempfile
import weakref
from pathlib import Path

import streamlit as st

from procmine.errors import ProcmineError

SESSION_KEY = "procmine_upload_folder"


class SessionFolder:
    """A private folder for one session; deleted (with everything in it) when this object is collected."""

    def __init__(self, parent: Path):
        self.path = Path(tempfile.mkdtemp(prefix=f"session-{os.getpid()}-", dir=parent))  # mkdtemp: 0700
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.path), ignore_errors=True)

    def remove(self) -> None:
        """Delete the folder now."""
        self._cleanup()


def private_root() -> Path:
    """The app user's own folder under the temp folder (0700), made private again if it was not."""
    root = Path(tempfile.gettempdir()) / f"procmine-app-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    root.mkdir(mode=0o700, exist_ok=True)
    info = root.lstat()
    if stat.S_ISLNK(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        raise ProcmineError(f"{root} is not a folder of this user; remove it so uploads can be kept private.")
    if stat.S_IMODE(info.st_mode) != 0o700:
        root.chmod(0o700)
    return root


def session_folder() -> Path:
    """This session's private folder (made on first use)."""
    folder = st.session_state.get(SESSION_KEY)
    if folder is None or not folder.path.is_dir():
        remove_orphans(private_root())
        folder = SessionFolder(private_root())
        st.session_state[SESSION_KEY] = folder
    return folder.path


@functools.cache
def remove_orphans(root: Path) -> int:
    """Delete the session folders of app servers that no longer run (once per process); how many."""
    removed = 0
    for folder in root.glob("session-*-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_private(path: Path, content: bytes) -> Path:
    """Write `content` to a new file only its owner can read and write (0600), in private folders."""
    private_folders(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    return path


def private_folders(folder: Path) -> Path:
    """Make `folder` and its missing parents, each 0700 (mkdir's parents=True would use the umask)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700)
        made.chmod(0o700)   # the umask may have taken bits away; make sure it is exactly 0700
    return missing[0] if missing else folder
