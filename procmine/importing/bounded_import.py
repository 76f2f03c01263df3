"""Importing a log in bounded time: read and written in a child process the caller can cancel.

Reading a large CSV, Excel or XES file takes minutes. In the app's own thread the import
could neither be cancelled nor stopped by the server, and would hold the interpreter lock
other sessions need; so the app imports large files here, in a child process that its
`waiting` callback watches (a Cancel press raises out of it) and that is killed on a cancel,
a timeout or a shutdown. A killed import leaves nothing behind: no dataset, no half folder.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from procmine.bounded_child import child_environment, run_bounded
from procmine.dataset import Dataset, read_dataset
from procmine.errors import LogValidationError, ProcmineError
from procmine.importing.options import ImportOptions

WORKER = Path(__file__).resolve().with_name("import_worker.py")
IMPORT_SECONDS = 1800.0
STEPS = ("start", "read", "write")

# A file this small is imported in the caller's process within a second or two, less than a child takes
# to start; a compressed file counts as what it holds (event logs compress about tenfold).
IN_PROCESS_BYTES = 1_000_000
COMPRESSION_RATIO = 10


def imports_quickly(source: Path) -> bool:
    """True when `source` is small enough to import in the calling process (no child, no Cancel needed)."""
    size = source.stat().st_size
    return size * (COMPRESSION_RATIO if source.name.lower().endswith(".gz") else 1) <= IN_PROCESS_BYTES


class ImportTimeoutError(ProcmineError):
    """An import did not finish within its time limit."""


def import_bounded(source: Path, target: Path, options: ImportOptions, source_info: dict, *,
                   seconds: float = IMPORT_SECONDS,
                   waiting: Callable[[float, str], None] | None = None) -> Dataset:
    """The dataset `write_raw_log(read_log(source, options), target, ...)` writes, done in a child process.

    `waiting(elapsed_seconds, step)` is called about four times a second, `step` being one of
    STEPS; whatever it raises stops and kills the import, and removes what it had begun to write.
    """
    request = {"source": str(source), "target": str(target), "options": asdict(options),
               "source_info": source_info}
    with tempfile.TemporaryDirectory(prefix="procmine-import-") as folder:
        step_file = Path(folder) / "step"

        def watched(elapsed: float) -> None:
            if waiting is not None:
                waiting(elapsed, _step(step_file))

        try:
            code, output, errors = run_bounded(
                [sys.executable, str(WORKER), str(seconds), str(step_file)], json.dumps(request).encode("utf-8"),
                seconds, watched, _timed_out, env=child_environment())
        except BaseException:
            remove_unfinished(target)
            raise
    if code != 0:
        remove_unfinished(target)
        message = errors.decode("utf-8", "replace").strip().splitlines()
        raise LogValidationError(f"Importing {source.name} stopped with an error (exit {code}): "
                                 f"{message[-1] if message else 'no message'}.")
    answer = json.loads(output)
    if "error" in answer:
        raise LogValidationError(answer["error"])
    return read_dataset(target)


def remove_unfinished(target: Path) -> None:
    """Remove the temporary folders a killed import left beside `target` (procmine.atomic's names)."""
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)


def _step(step_file: Path) -> str:
    try:
        step = step_file.read_text()
    except OSError:
        return "start"
    return step if step in STEPS else "start"


def _timed_out(seconds: float) -> ImportTimeoutError:
    return ImportTimeoutError(
        f"Importing took longer than {seconds / 60:.0f} minutes and was stopped. Import the file on the "
        "command line (procmine import FILE FOLDER) and open the dataset folder in the app.")
