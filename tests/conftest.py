"""Shared test fixtures: the real public logs in ../shared/data, imported once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_data import SHARED_DATA


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public event logs (read-only)."""
    return SHARED_DATA


@pytest.fixture(scope="session")
def imported_dataset(tmp_path_factory):
    """A factory: file name in ../shared/data -> path of its dataset, imported once per session."""
    cache: dict[str, Path] = {}

    def load(name: str) -> Path:
        if name not in cache:
            target = tmp_path_factory.mktemp("dataset") / name.split(".")[0]
            _import(SHARED_DATA / name, target)
            cache[name] = target
        return cache[name]

    return load


@pytest.fixture(scope="session")
def spark():
    """One SparkSession, local[2], for every Spark test of the run (a JVM takes seconds to start)."""
    import shutil

    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Java is absent (the Spark engine needs openjdk-17-jre-headless)")
    from procmine.spark import spark_session

    session = spark_session("local[2]", shuffle_partitions=2)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def samples_app():
    """The URL of `streamlit run app.py` on the bundled sample logs: one server for the browser tests that
    only read them (each browser context is a Streamlit session of its own, with its own state)."""
    from served_app import ROOT, served

    with served("streamlit-server.log", {"PROCMINE_SAMPLES": str(ROOT / "sample_logs")}) as server:
        yield server.url


@pytest.fixture(scope="session")
def pm4py_raw_log():
    """A factory: file name in ../shared/data -> the raw log as pm4py's own XES reader gives it."""
    cache = {}

    def load(name: str):
        import pm4py

        if name not in cache:
            cache[name] = pm4py.read_xes(str(SHARED_DATA / name), variant="iterparse")
        return cache[name]

    return load


def _import(source: Path, target: Path) -> None:
    from procmine.importing import import_log

    import_log(source, target)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (PROCMINE_REQUIRE_SERVICES=1) a test skipped because a service is absent fails instead."""
    import os

    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("PROCMINE_REQUIRE_SERVICES") == "1":
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if "not reachable" in reason or "absent" in reason:
            report.outcome = "failed"
            report.longrepr = f"a required service is missing in CI: {reason}"
