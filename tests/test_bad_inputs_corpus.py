"""The hostile-input corpus (tests/hostile_corpus.py) through the real CLI.

Each case must end in exit code 2 with one `Error:` line that names the file (or the
option), no traceback and no "Unexpected error", and leave its folder exactly as it was:
no output folder, no temporary file, nothing changed. Light cases run in-process with
Typer's CliRunner; bombs run in a subprocess with an address-space limit, a timeout,
and their peak memory measured.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hostile_corpus import Case, all_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_data import SHARED_DATA as DATA
from typer.testing import CliRunner

from procmine.cli import app
from procmine.dataset import read_dataset
from procmine.errors import ProcmineError
from procmine.importing import import_log

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(tempfile.mkdtemp(prefix="procmine-hostile-"))
GOOD, TEMPLATE = WORK / "good", WORK / "template"
CASES = all_cases(GOOD, TEMPLATE)
LIGHT = [c for c in CASES if not c.heavy]
HEAVY = [c for c in CASES if c.heavy]
ADDRESS_SPACE = 4 << 30          # a hard stop for the bombs (virtual: native thread pools reserve much)
PEAK_RSS = 500 << 20             # what a refused bomb may use at most (resident)
TIMEOUT_SECONDS = 30
OTHER_LINES_ALLOWED = {"report": "the report's progress bar", "deadlines": "the report's progress bar"}


@pytest.fixture(scope="module", autouse=True)
def datasets():
    import_log(DATA / "running-example.csv", GOOD)
    shutil.copytree(GOOD, TEMPLATE)
    assert (TEMPLATE / "cases.parquet").exists()
    yield
    shutil.rmtree(WORK, ignore_errors=True)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def check_refusal(case: Case, code: int, stderr: str, stdout: str, before: dict, folder: Path) -> None:
    text = stderr + stdout
    assert code == 2, f"exit {code}: {text[-2000:]}"
    assert "Traceback" not in text and "Unexpected error" not in text, text[-2000:]
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("Error:", "File error:"))]
    assert len(errors) == 1, stderr[-2000:]
    assert lines == errors or (lines[-1] == errors[0] and OTHER_LINES_ALLOWED.get(case.id.split("-")[0])), stderr[-2000:]
    assert case.named in errors[0], errors[0]
    for fragment in case.says:
        assert fragment in errors[0], f"{fragment!r} not in {errors[0]!r}"
    assert snapshot(folder) == before, "the command left files behind or changed them"


def test_the_corpus_is_wide():
    kinds = {case.id.split("-")[0] for case in CASES}
    assert len(CASES) >= 150 and len({c.id for c in CASES}) == len(CASES)
    assert {"csv", "xlsx", "xes", "parquet", "filter", "connector", "dataset", "report", "tz"} <= kinds


@pytest.mark.parametrize("case", LIGHT, ids=[c.id for c in LIGHT])
def test_light_case_is_a_clear_refusal(case, tmp_path):
    args = case.build(tmp_path)
    before = snapshot(tmp_path)
    result = CliRunner().invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    check_refusal(case, result.exit_code, result.stderr, result.stdout, before, tmp_path)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


# The child's own peak (VmHWM of the image it runs, written at exit): rusage's ru_maxrss would also
# count the forked copy of the test process before exec, which is large late in a full test run.
PEAK_WRITER = """
import atexit, runpy, sys
peak_file = sys.argv[1]
def write_peak():
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:")).split()[1]
    with open(peak_file, "w") as out:
        out.write(peak)
atexit.register(write_peak)
sys.argv = ["procmine", *sys.argv[2:]]
runpy.run_module("procmine", run_name="__main__", alter_sys=True)
"""


def run_limited(args: list[str], folder: Path) -> tuple[int, str, str, float, int]:
    """Run the CLI in a subprocess under the memory limit: exit code, stderr, stdout, seconds, peak RSS."""
    out, err = folder.parent / f"{folder.name}.out", folder.parent / f"{folder.name}.err"
    peak_file = folder.parent / f"{folder.name}.peak"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen([sys.executable, "-c", PEAK_WRITER, str(peak_file), *args], cwd=ROOT, env=env,
                                   stdout=stdout, stderr=stderr, preexec_fn=_limit_memory)
        while True:
            pid, status, _usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > TIMEOUT_SECONDS:
                process.kill()
                os.wait4(process.pid, 0)
                pytest.fail(f"{args} ran for more than {TIMEOUT_SECONDS} s")
            time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    texts = err.read_text(encoding="utf-8", errors="replace"), out.read_text(encoding="utf-8", errors="replace")
    err.unlink(), out.unlink()
    assert peak_file.is_file(), f"{args}: the CLI ended without running its exit handlers (exit {process.returncode})"
    peak = int(peak_file.read_text()) * 1024
    peak_file.unlink()
    return process.returncode, texts[0], texts[1], seconds, peak


@pytest.mark.parametrize("case", HEAVY, ids=[c.id for c in HEAVY])
def test_bomb_is_refused_in_bounded_time_and_memory(case, tmp_path):
    folder = tmp_path / "case"
    folder.mkdir()
    args = case.build(folder)
    before = snapshot(folder)
    code, stderr, stdout, seconds, peak = run_limited(args, folder)
    check_refusal(case, code, stderr, stdout, before, folder)
    assert peak < PEAK_RSS, f"peak memory {peak >> 20} MiB"
    print(f"{case.id}: refused in {seconds:.2f} s (process start included), peak {peak >> 20} MiB")


# --- random damage: whatever the bytes, a dataset or a ProcmineError, never a half-written folder ---

TOKENS = [b"\xff", b"\x00", b",", b"\n", b'"', b"<", b">", b"&", b"9" * 30, b"+99:99", b"1e400", b"\xc3",
          b"\xe6", b"<trace>", b"</event>", b'value="', b"2024-13-45", b"PAR1", b"PK\x03\x04"]
EDITS = st.lists(st.tuples(st.sampled_from(("insert", "delete", "flip")), st.floats(0, 1, exclude_max=True),
                           st.sampled_from(TOKENS), st.integers(0, 255)), min_size=1, max_size=4)


def damaged(data: bytes, edits) -> bytes:
    data = bytearray(data)
    for kind, where, token, byte in edits:
        position = int(where * len(data))
        if kind == "insert":
            data[position:position] = token
        elif kind == "delete":
            del data[position:position + 1 + byte % 20]
        elif data:
            data[min(position, len(data) - 1)] = byte
    return bytes(data)


@functools.cache
def seed_files() -> dict[str, bytes]:
    import gzip

    import hostile_corpus as corpus
    example = (DATA / "running-example.xes").read_bytes()
    return {"log.csv": corpus.csv_text().encode(), "log.xes": example, "log.xes.gz": gzip.compress(example),
            "log.parquet": corpus.parquet_bytes(corpus._events()),
            "log.xlsx": corpus.workbook_bytes(corpus._excel_rows())}


@given(name=st.sampled_from(("log.csv", "log.xes", "log.xes.gz", "log.parquet", "log.xlsx")), edits=EDITS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_randomly_damaged_logs_import_or_are_refused(tmp_path, name, edits):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    source = folder / name
    source.write_bytes(damaged(seed_files()[name], edits))
    try:
        dataset = import_log(source, folder / "out")
    except ProcmineError as exc:
        assert source.name in str(exc)
        assert sorted(p.name for p in folder.iterdir()) == [name]
        return
    assert read_dataset(folder / "out").meta.events == dataset.meta.events


@given(part=st.sampled_from(("procmine.json", "events.parquet", "cases.parquet")), edits=EDITS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_randomly_damaged_dataset_folders_open_or_are_refused(tmp_path, part, edits):
    import procmine
    from procmine import analysis

    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "ds"
    shutil.copytree(TEMPLATE, folder)
    (folder / part).write_bytes(damaged((TEMPLATE / part).read_bytes(), edits))
    try:
        overview = analysis.overview(procmine.open(folder))
    except ProcmineError as exc:
        assert "ds" in str(exc)
        return
    assert overview.events == read_dataset(TEMPLATE).meta.events
