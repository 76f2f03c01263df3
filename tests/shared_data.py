"""Where the shared public event logs are: ../shared/data beside the repository.

A clone made elsewhere (say `git clone . $(mktemp -d)/p`) finds them beside the repository
it was cloned from; the environment variable PROCMINE_SHARED_DATA names another folder.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _find_shared_data() -> Path:
    named = os.environ.get("PROCMINE_SHARED_DATA")
    if named:
        return Path(named)
    beside = ROOT.parent / "shared" / "data"
    if beside.is_dir():
        return beside
    origin = subprocess.run(["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
                            capture_output=True, text=True).stdout.strip().removeprefix("file://")
    if origin and Path(origin).is_dir():
        found = Path(origin).resolve().parent / "shared" / "data"
        if found.is_dir():
            return found
    return beside  # absent: the tests that read it fail naming this folder


SHARED_DATA = _find_shared_data()
