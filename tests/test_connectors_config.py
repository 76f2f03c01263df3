"""The connector config: strict keys, ${ENV_VAR} secrets, no SQL through config values."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.dialects import mysql, postgresql

from connectors.config import load_config, parse_config
from connectors.generic import config_extraction, load_extraction
from connectors.sbsys import sbsys_plans
from connectors.sbsys_tables import sbsys_tables
from connectors.sql import plans_from_config
from procmine.errors import ConfigError

EXAMPLES = Path(__file__).resolve().parents[1] / "connectors" / "examples"


def _config(**changes) -> dict:
    source = {"name": "status", "table": "SagHistorikStatus", "case_id": "SagID",
              "activity": "Navn", "timestamp": "Tidspunkt"}
    source.update(changes.pop("source", {}))
    return {"url": "sqlite:///x.db", "output": "out", "pseudonymise": False,
            "events": [source], **changes}


@pytest.mark.parametrize("source, key", [
    ({"table": "Sag; DROP TABLE Sag"}, "events.0.table"),
    ({"table": 'Sag" --'}, "events.0.table"),
    ({"case_id": "SagID) OR 1=1 --"}, "events.0.case_id"),
    ({"timestamp": "Tidspunkt'; DELETE FROM Sag; --"}, "events.0.timestamp"),
    ({"activity": None, "activity_template": "Status: {x'); DROP TABLE t; --}"},
     "events.0.activity_template"),
    ({"attributes": {"kle": "Nummer`; --"}}, "events.0.attributes"),
    ({"attributes": {"a b": "Nummer"}}, "events.0.attributes"),
    ({"row_key": ["ID--"]}, "events.0.row_key"),
    ({"table": None, "query": "SELECT * FROM Sag; DROP TABLE Sag"}, "events.0.query"),
    ({"table": None, "query": "DELETE FROM Sag"}, "events.0.query"),
    ({"name": "x'--"}, "events.0.name"),
])
def test_config_values_cannot_carry_sql(source, key):
    with pytest.raises(ConfigError) as failure:
        parse_config(_config(source=source))
    assert key in str(failure.value)


def test_template_text_is_data_and_identifiers_are_quoted():
    config = parse_config(_config(source={
        "activity": None, "activity_template": "Status '; DROP TABLE Sag; -- {Navn}",
        "attributes": {"kle": "select"}}))
    plans, _ = plans_from_config(config)
    plan = plans[0]
    for dialect in (postgresql.dialect(), mysql.dialect()):
        sql = str(plan.since(None).compile(dialect=dialect))
        assert "DROP" not in sql
        assert ('"SagHistorikStatus"' in sql) or ("`SagHistorikStatus`" in sql)
        assert ('"select"' in sql) or ("`select`" in sql)
    import datetime as dt
    compiled = plan.since(dt.datetime(2024, 1, 1)).compile(dialect=postgresql.dialect())
    assert "%(lower_bound)s" in str(compiled) and "2024" not in str(compiled)


def test_sbsys_identifiers_are_quoted_on_case_sensitive_databases():
    for plan in sbsys_plans(sbsys_tables("dbo")):
        sql = str(plan.select.compile(dialect=postgresql.dialect()))
        assert '"SagID"' in sql or '"ID"' in sql
        assert "dbo." in sql
        assert " Sag " not in sql and "ErBeskyttet" in sql


@pytest.mark.parametrize("change, message", [
    ({"colour": "red"}, "colour: unknown key"),
    ({"source": {"activty": "Navn"}}, "events.0.activty: unknown key"),
    ({"incremental": {"lookback_hours": -1}}, "incremental.lookback_hours"),
    ({"source": {"activity_template": "Status"}}, "exactly one of 'activity'"),
    ({"free_text": {"note": "keep"}}, "free_text.note"),
])
def test_invalid_configs_name_the_key(change, message):
    with pytest.raises(ConfigError, match="invalid") as failure:
        parse_config(_config(**change))
    assert message in str(failure.value)


def test_duplicate_source_names_are_refused():
    raw = _config()
    raw["events"] = raw["events"] * 2
    with pytest.raises(ConfigError, match="repeated: status"):
        parse_config(raw)


def test_secrets_come_from_the_environment_and_are_never_echoed(tmp_path, monkeypatch):
    config_file = tmp_path / "c.yaml"
    config_file.write_text(
        'url: "postgresql+psycopg://reader:${TEST_DB_PASSWORD}@db.example/sager"\n'
        "output: data/out\npseudonymise: false\n"
        "events:\n  - {name: e, table: t, case_id: c, activity: a, timestamp: d}\n")
    with pytest.raises(ConfigError, match=r"\$\{TEST_DB_PASSWORD\}, which is not set"):
        load_config(config_file)
    monkeypatch.setenv("TEST_DB_PASSWORD", "s3cret-pa55")
    config = load_config(config_file)
    assert config.output == tmp_path / "data" / "out"
    job = config_extraction(config)
    from connectors.incremental import DatasetState
    from connectors.runner import _meta
    meta = _meta(job, DatasetState(tmp_path), {}, {}, None, None)
    assert "s3cret-pa55" not in meta.to_json() and "***" in meta.source.url


def test_both_example_configs_load(monkeypatch):
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", "example-key-0123456789")
    monkeypatch.setenv("PROCMINE_SOURCE_URL", "sqlite:///demo.db")
    monkeypatch.setenv("SBSYS_DB_PASSWORD", "not-a-real-password")
    generic = load_extraction(EXAMPLES / "sql-generic.yaml")
    assert [p.name for p in generic.plans] == ["created", "status", "decision"]
    preset = load_extraction(EXAMPLES / "sbsys.yaml")
    assert preset.source_info["connector"] == "sbsys" and preset.source_info["citizen"]
    assert [p.name for p in preset.plans] == [
        "sag_oprettet", "status", "dokument", "journalnotat", "erindring_oprettet",
        "erindring_afsluttet", "erindring_annulleret", "delforloeb_modtaget",
        "delforloeb_besluttet", "afgoerelse"]


def test_generic_example_runs_on_the_demo_database(tmp_path, monkeypatch):
    from connectors.runner import run_extraction
    from connectors.sbsys_demo import fill_sbsys_demo
    from procmine.dataset import read_dataset
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    fill_sbsys_demo(url, cases=30, seed=2)
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", "example-key-0123456789")
    monkeypatch.setenv("PROCMINE_SOURCE_URL", url)
    job = load_extraction(EXAMPLES / "sql-generic.yaml")
    import dataclasses
    result = run_extraction(dataclasses.replace(job, output=tmp_path / "out"))
    dataset = read_dataset(tmp_path / "out")
    assert result.new_events["created"] == 30
    assert "comment" not in dataset.events.column_names
    assert any(a.startswith("Status: ") for a in dataset.events.column("activity").to_pylist())
    assert str(dataset.cases.column("deadline").type) == "timestamp[us, tz=UTC]"
    citizens = dataset.cases.column("citizen")
    assert 0 < citizens.null_count < len(citizens)
    assert all(len(c) == 20 for c in citizens.drop_null().to_pylist())


def test_a_missing_sqlite_source_is_an_error_and_no_empty_database_is_created(tmp_path):
    """SQLite creates a database at any path it is given; reading a case system must not."""
    from typer.testing import CliRunner

    from procmine.cli import app
    missing = tmp_path / "mistyped.db"
    config = tmp_path / "job.yaml"
    config.write_text(f'url: "sqlite:///{missing}"\noutput: {tmp_path / "out"}\npseudonymise: false\n'
                      "events:\n  - {name: e, table: t, case_id: c, activity: a, timestamp: d}\n")
    result = CliRunner().invoke(app, ["extract", str(config), "--check"])
    assert result.exit_code == 2, result.output
    assert f"the SQLite database {missing} does not exist" in result.output
    assert not missing.exists() and not (tmp_path / "out").exists()
