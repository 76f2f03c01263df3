"""Privacy and safety: no CPR, name or raw id in any byte of the dataset; no SQL from config values."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from connectors.config import parse_config
from connectors.generic import config_extraction
from connectors.pseudonymise import scrub_cpr, scrub_cpr_column
from connectors.runner import run_extraction
from connectors.sbsys import SbsysOptions, sbsys_extraction
from connectors.sbsys_demo import FIRST_CASE, FIRST_USER, fill_sbsys_demo
from procmine.dataset import read_dataset
from procmine.errors import ConfigError

KEY = "test-key-privacy-0123456789abc"


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", KEY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("privacy")
    url = f"sqlite:///{folder / 'sbsys.db'}"
    content = fill_sbsys_demo(url, cases=150, seed=9)
    return url, content, folder


def _extract(url, out, key=KEY, **options):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PROCMINE_PSEUDONYM_KEY", key)
        job = sbsys_extraction(url, out, SbsysOptions(**options))
        run_extraction(job)
    return read_dataset(out)


def _all_values(folder) -> set[str]:
    values = set()
    for file in folder.rglob("*.parquet"):
        table = pq.read_table(file)
        for column in table.columns:
            values.update(str(v) for v in column.to_pylist())
    return values


def _written_forms(cpr: str) -> list[str]:
    date, serial = cpr.split("-")
    dotted = f"{date[:2]}.{date[2:4]}.{date[4:]}"
    return [cpr, date + serial, f"{date} {serial}", f"{date}\u2013{serial}", f"{dotted}-{serial}",
            f"{date} - {serial}"]


def test_no_personal_data_in_any_file_of_the_dataset(demo):
    url, content, folder = demo
    dataset = _extract(url, folder / "dataset")
    blobs = [p.read_bytes() for p in (folder / "dataset").rglob("*") if p.is_file()]
    values = _all_values(folder / "dataset")
    text = "\n".join(values)
    assert len(content.cprs) > 40 and content.cvrs and len(content.user_secrets) >= 48
    secrets = [form for cpr in content.cprs for form in _written_forms(cpr)] + content.names + \
        content.user_logons + content.user_secrets + content.cvrs
    for secret in secrets:
        assert not any(secret.encode() in blob for blob in blobs), secret
        assert secret not in text, secret
    raw_ids = {str(FIRST_USER + i) for i in range(12)} | \
        {str(FIRST_CASE + i) for i in range(150)}
    assert not raw_ids & values
    assert len(dataset.events) > 500
    assert dataset.cases.column("citizen").null_count < len(dataset.cases)


def test_protected_cases_are_absent_unless_asked_for(demo):
    url, content, folder = demo
    assert content.protected_cases
    default = _extract(url, folder / "default")
    everything = _extract(url, folder / "with-protected", include_protected=True)
    from connectors.pseudonymise import load_pseudonymiser
    pseudonyms = load_pseudonymiser(True, "PROCMINE_PSEUDONYM_KEY")
    protected = {pseudonyms.pseudonym("case", str(case)) for case in content.protected_cases}
    assert not protected & set(default.events.column("case_id").to_pylist())
    assert not protected & set(default.cases.column("case_id").to_pylist())
    assert protected <= set(everything.events.column("case_id").to_pylist())
    assert len(everything.cases) == len(default.cases) + len(protected)


def test_case_pseudonyms_are_stable_and_change_with_the_key(demo):
    url, _, folder = demo
    one = _extract(url, folder / "one")
    two = _extract(url, folder / "two")
    other = _extract(url, folder / "other", key="a-completely-different-key-42")
    assert one.cases.column("case_id").equals(two.cases.column("case_id"))
    assert not set(one.cases.column("case_id").to_pylist()) & \
        set(other.cases.column("case_id").to_pylist())
    assert one.meta.pseudonymisation.key_fingerprint != \
        other.meta.pseudonymisation.key_fingerprint
    assert KEY not in (folder / "one" / "procmine.json").read_text()


@pytest.mark.parametrize("text, expected", [
    ("Sag om 010203-1234 og 0102031234", "Sag om [CPR] og [CPR]"),
    ("311299-4000 (født 1999)", "[CPR] (født 1999)"),
    ("300290-1234 er ikke en dato", "300290-1234 er ikke en dato"),   # 30 February
    ("290200-4111", "[CPR]"),                                          # 29 Feb 2000
    ("290201-4111", "290201-4111"),                                    # no 29 Feb 2001
    ("konto 12345678901 og 010203-12345", "konto 12345678901 og 010203-12345"),
    ("tlf 010203 1234", "tlf [CPR]"),                                 # a space is a separator
    ("tlf 86 12 34 56, mobil 20304050", "tlf 86 12 34 56, mobil 20304050"),
])
def test_cpr_scrubbing_by_pattern_and_valid_date(text, expected):
    assert scrub_cpr(text) == expected


def test_generic_config_scrubs_free_text_and_drops_columns(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'src.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE log (id INTEGER, sag TEXT, trin TEXT, tid TEXT, "
                                   "note TEXT, hemmelig TEXT, borger TEXT)"))
        connection.execute(sa.text("INSERT INTO log VALUES (:i, :s, :t, :d, :n, :h, :b)"), [
            {"i": 1, "s": "A", "t": "Modtaget", "d": "2024-03-01 10:00:00",
             "n": "Borger 010203-1234 ringede", "h": "kode 4711", "b": "0102031234"},
            {"i": 2, "s": "A", "t": "Afgjort", "d": "2024-03-05 10:00:00",
             "n": "ingen cpr", "h": "x", "b": "0102031234"}])
    engine.dispose()
    config = parse_config({
        "url": url, "output": str(tmp_path / "out"),
        "pseudonymise": {"person_attributes": ["citizen"]},
        "free_text": {"note": "scrub", "secret": "drop"},
        "events": [{"name": "log", "table": "log", "case_id": "sag", "activity": "trin",
                    "timestamp": "tid", "row_key": ["id"],
                    "attributes": {"note": "note", "secret": "hemmelig", "citizen": "borger"}}]})
    run_extraction(config_extraction(config))
    events = read_dataset(tmp_path / "out").events
    assert events.column("note").to_pylist() == ["Borger [CPR] ringede", "ingen cpr"]
    assert "secret" not in events.column_names
    citizens = set(events.column("citizen").to_pylist())
    assert len(citizens) == 1 and "0102031234" not in citizens
    blobs = b"".join(p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert b"010203" not in blobs and b"4711" not in blobs
    assert scrub_cpr_column(events.column("note")).to_pylist() == events.column("note").to_pylist()


def test_missing_key_is_a_clear_config_error(tmp_path, monkeypatch):
    monkeypatch.delenv("PROCMINE_PSEUDONYM_KEY")
    with pytest.raises(ConfigError, match="PROCMINE_PSEUDONYM_KEY is not set"):
        sbsys_extraction("sqlite:///x.db", tmp_path / "out")
    config = parse_config({"url": "sqlite:///x.db", "output": "o", "pseudonymise": False, "events": [
        {"name": "e", "table": "t", "case_id": "c", "activity": "a", "timestamp": "d"}]})
    assert not config_extraction(config).pseudonyms.enabled
