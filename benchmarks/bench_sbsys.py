"""Benchmark: the SBSYS preset on the real schema, on SQLite and the real PostgreSQL.

For each database: fill it with `simulate-sbsys` cases (the 23 tables, every column), extract
(full run), rerun with nothing new, then delete 1 % of the live document registrations and
rerun (the retraction path: deleted rows' keys recomputed, committed parts rewritten). Also the
cost of scrubbing activity names of CPR numbers, against not scrubbing them, on 1M activities.
Writes its section of benchmarks/RESULTS.md.
Usage: python benchmarks/bench_sbsys.py [CASES]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import sqlalchemy as sa
from results_file import replace_section

from connectors.cpr import scrub_cpr_labels
from connectors.runner import run_extraction
from connectors.sbsys import sbsys_extraction
from connectors.sbsys_demo import fill_sbsys_demo
from connectors.sbsys_tables import sbsys_tables

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
BEGIN, END = "<!-- bench_sbsys:begin -->", "<!-- bench_sbsys:end -->"


def _timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _delete_some(url: str) -> int:
    registration = sbsys_tables().DokumentRegistrering
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        ids = connection.execute(sa.select(registration.c.ID).where(registration.c.DeletedState == 0)
                                 .order_by(registration.c.ID)).scalars().all()[::100]
        connection.execute(registration.update().where(registration.c.ID.in_(ids))
                           .values(DeletedState=1, DeletedDate=dt.datetime(2025, 3, 1)))
    engine.dispose()
    return len(ids)


def _measure_database(kind: str, url: str, cases: int, folder: Path) -> dict:
    fill, _ = _timed(lambda: fill_sbsys_demo(url, cases=cases, seed=1))
    out = folder / f"dataset-{kind}"
    full, result = _timed(lambda: run_extraction(sbsys_extraction(url, out)))
    rerun, _ = _timed(lambda: run_extraction(sbsys_extraction(url, out)))
    deleted = _delete_some(url)
    retract, after = _timed(lambda: run_extraction(sbsys_extraction(url, out)))
    return {"kind": kind, "fill": fill, "full": full, "events": result.total, "rerun": rerun,
            "deleted": deleted, "retract": retract, "retracted": sum(after.retracted.values())}


def _scrub_cost() -> float:
    """Best of three: seconds to scrub 1M activity names (20 distinct, as in an SBSYS log)."""
    activities = pa.array([f"Dokument journaliseret ({i % 3})" if i % 7 else f"Status: {i % 17}"
                           for i in range(1_000_000)])
    return min(_timed(lambda: scrub_cpr_labels(activities))[0] for _ in range(3))


def main(cases: int) -> list[dict]:
    """Run the benchmark; returns one row of figures per database."""
    os.environ.setdefault("PROCMINE_PSEUDONYM_KEY", "benchmark-key-0123456789abcdef")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        rows.append(_measure_database("SQLite", f"sqlite:///{folder / 'sbsys.db'}", cases, folder))
        name = f"procmine_bench_sbsys_{os.getpid()}"
        admin = sa.create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
        try:
            rows.append(_measure_database("PostgreSQL", f"{SERVER}/{name}", cases, folder))
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
    _write(rows, cases, _scrub_cost())
    return rows


def _write(rows: list[dict], cases: int, scrubbed: float) -> None:
    lines = [f"## SBSYS preset on the real schema (benchmarks/bench_sbsys.py, {cases:,} cases)", "",
             (f"Measured {dt.date.today().isoformat()} on the shared 2-core machine (load "
             f"{os.getloadavg()[0]:.1f}). No pm4py counterpart: pm4py does not extract from databases."),
             "", ("| database | fill (simulate-sbsys) | full extraction | events | events/s | "
             "rerun, nothing new | rerun after deleting registrations |"),
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['kind']} | {r['fill']:.1f} s | {r['full']:.2f} s | {r['events']:,} | "
                     f"{r['events'] / r['full']:,.0f} | {r['rerun']:.2f} s | {r['retract']:.2f} s "
                     f"({r['deleted']:,} deleted, {r['retracted']:,} events removed) |")
    per_million = rows[-1]["full"] / rows[-1]["events"] * 1e6
    lines += ["", (f"Scrubbing 1M activity names of CPR numbers (over their distinct values): "
                  f"{scrubbed * 1000:.0f} ms, {scrubbed / per_million:.1%} of a full PostgreSQL "
                  "extraction of 1M events at the rate above.")]
    replace_section(BEGIN, END, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="?", type=int, default=20_000)
    main(parser.parse_args().cases)
