"""Run as a child process: import the log named in the JSON request on stdin, answer in JSON on stdout.

    python import_worker.py SECONDS STEP_FILE < request.json > answer.json

Started by procmine.importing.bounded_import, which kills it on a cancel, a timeout or a
shutdown. It writes the step it is at ("read", "write") to STEP_FILE for the caller's progress
bar, and ends itself after SECONDS (plus a grace period) even when its caller was killed.
The answer is {"events": N} or {"error": message} for a ProcmineError; anything else exits
non-zero with its traceback on stderr.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path


def main() -> None:
    seconds, step_file = float(sys.argv[1]), Path(sys.argv[2])
    if hasattr(signal, "alarm"):
        signal.alarm(int(seconds) + 5)   # SIGALRM's default action ends the process, whatever it runs
    from procmine.errors import ProcmineError
    from procmine.importing import read_log, write_raw_log
    from procmine.importing.options import ImportOptions

    request = json.loads(sys.stdin.buffer.read())
    try:
        options = ImportOptions(**request["options"])
        step_file.write_text("read")
        raw = read_log(request["source"], options)
        step_file.write_text("write")
        dataset = write_raw_log(raw, request["target"], options, request["source_info"])
        answer: dict = {"events": dataset.events.num_rows}
    except ProcmineError as exc:
        answer = {"error": str(exc)}
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
