"""Benchmark: extract 1M events from the real PostgreSQL with the generic SQL connector.

Fills a table with generate_series in a fresh database, extracts it pseudonymised (full run),
then reruns incrementally (nothing new), and writes events/s and peak memory to
benchmarks/RESULTS.md (its own section). Usage: python benchmarks/bench_extract.py [EVENTS]
"""

from __future__ import annotations

import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from connectors.config import parse_config
from connectors.generic import config_extraction
from connectors.runner import run_extraction

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- bench_extract:begin -->", "<!-- bench_extract:end -->"
TARGET = 200_000


def _fill(url: str, events: int) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "CREATE TABLE bench_events (id bigint PRIMARY KEY, case_id bigint, activity text, "
            "ts timestamp, user_id int, kle text)"))
        connection.execute(sa.text(
            "INSERT INTO bench_events SELECT g, g / 10, 'Trin ' || (g % 12), "
            "timestamp '2024-01-01' + g * interval '7 seconds', 730000 + g % 300, "
            "'02.34.0' || (g % 3) FROM generate_series(1, :n) AS g"), {"n": events})
    engine.dispose()


def _config(url: str, out: Path):
    return config_extraction(parse_config({
        "url": url, "output": str(out), "chunk_size": 100_000,
        "events": [{"name": "bench", "table": "bench_events", "case_id": "case_id",
                    "activity": "activity", "timestamp": "ts", "resource": "user_id",
                    "row_key": ["id"], "attributes": {"kle": "kle"}}]}))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(events: int = 1_000_000) -> dict:
    """Run the benchmark and return its figures."""
    os.environ.setdefault("PROCMINE_PSEUDONYM_KEY", "benchmark-key-0123456789abcdef")
    name = f"procmine_bench_{os.getpid()}"
    admin = sa.create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        url = f"{SERVER}/{name}"
        _fill(url, events)
        with tempfile.TemporaryDirectory() as folder:
            job = _config(url, Path(folder) / "dataset")
            before = _peak_mb()
            started = time.perf_counter()
            full = run_extraction(job)
            seconds = time.perf_counter() - started
            peak = _peak_mb()
            started = time.perf_counter()
            rerun = run_extraction(job)
            rerun_seconds = time.perf_counter() - started
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
    assert full.total == events and rerun.total == 0
    return {"events": events, "seconds": seconds, "rate": events / seconds,
            "peak_mb": peak, "rss_before_mb": before, "rerun_seconds": rerun_seconds,
            "load": os.getloadavg()[0]}


def write_results(figures: dict) -> None:
    """Replace this benchmark's section of RESULTS.md."""
    section = "\n".join([
        BEGIN,
        "## Extraction from PostgreSQL (benchmarks/bench_extract.py)",
        "",
        f"Generic SQL connector, table of {figures['events']:,} rows (generate_series) on the local "
        "PostgreSQL 15, server-side cursor in chunks of 100,000, pseudonymised case ids and "
        "resources, keyed event keys, one zstd Parquet part. 2 shared cores.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| full extraction | {figures['seconds']:.1f} s |",
        f"| events/s | {figures['rate']:,.0f} (target {TARGET:,}) |",
        f"| peak resident memory of the process | {figures['peak_mb']:,.0f} MB "
        f"(before the run {figures['rss_before_mb']:,.0f} MB) |",
        f"| incremental rerun, nothing new (48 h look-back) | {figures['rerun_seconds']:.2f} s |",
        f"| machine load average during the run | {figures['load']:.1f} on 2 cores |",
        END,
    ])
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else \
        text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
    write_results(result)
    print(f"{result['events']:,} events in {result['seconds']:.1f} s = {result['rate']:,.0f} events/s; "
          f"peak memory {result['peak_mb']:,.0f} MB; rerun {result['rerun_seconds']:.2f} s")
