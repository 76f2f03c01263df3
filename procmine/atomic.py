"""Atomic writes: build under a temporary name beside the target, then rename into place.

The folder a file or dataset is written into must exist: `-o /nonexistent/dir/x.svg` is an
error naming the folder, never a silently created folder tree. A caller whose user asked
for new folders (a report.yaml naming `out/...`) passes `make_parents=True`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from procmine.errors import OutputFolderError


@contextlib.contextmanager
def atomic_file(target: str | os.PathLike, *, make_parents: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` if the block succeeds."""
    target = Path(target)
    check_output_folder(target, make_parents=make_parents)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    _chmod_as_umask(tmp, 0o666)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextlib.contextmanager
def atomic_folder(target: str | os.PathLike, *, make_parents: bool = False) -> Iterator[Path]:
    """Yield an empty temporary folder beside `target`; swap it into place if the block succeeds.

    An existing folder at `target` is replaced only after the new one is complete,
    and stays untouched when the block fails.
    """
    target = Path(target)
    check_output_folder(target, make_parents=make_parents)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    _chmod_as_umask(tmp, 0o777)
    try:
        yield tmp
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            old.rmdir()
            os.rename(target, old)
            try:
                os.rename(tmp, target)
            except BaseException:
                os.rename(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def check_output_folder(target: str | os.PathLike, *, make_parents: bool = False) -> None:
    """Refuse to write `target` into a folder that does not exist (or create it, when asked to)."""
    folder = Path(target).parent
    if make_parents:
        folder.mkdir(parents=True, exist_ok=True)
        return
    if folder.is_dir():
        return
    what = "is a file, not a folder" if folder.exists() else "does not exist"
    raise OutputFolderError(f"Cannot write {Path(target).name!r}: the folder {folder} {what}. "
                            f"Create it first (mkdir -p {folder}) or choose another output path.")


def _chmod_as_umask(path: Path, mode: int) -> None:
    """Give a temporary file or folder the permissions a plainly created one would have.

    mkstemp/mkdtemp create private (0600/0700) entries; the renamed result should
    follow the user's umask like any other file they write.
    """
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, mode & ~umask)
