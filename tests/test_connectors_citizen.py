"""The generic SQL connector's `citizen:` key: the same pseudonym as the SBSYS preset's citizen."""

from __future__ import annotations

import collections

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.config import parse_config
from connectors.generic import config_extraction
from connectors.pseudonymise import Pseudonymiser, load_pseudonymiser
from connectors.runner import run_extraction
from connectors.sbsys import sbsys_extraction
from connectors.sbsys_demo import fill_sbsys_demo
from procmine.dataset import read_dataset
from procmine.errors import ConfigError

KEY = "test-key-citizen-0123456789abcdef"
PARTIES = ('SELECT sp."ID", sp."SagID", sp."Oprettet", p."CprNummer" FROM "SagsPart" sp '
           'JOIN "PartTypeOpslag" t ON t."ID" = sp."PartType" AND t."Navn" = \'Person\' '
           'JOIN "Person" p ON p."ID" = sp."PartID" JOIN "Sag" s ON s."ID" = sp."SagID" '
           'WHERE s."ErBeskyttet" = 0')


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", KEY)


def _config(url, out, **changes) -> dict:
    source = {"name": "part", "query": PARTIES, "case_id": "SagID", "timestamp": "Oprettet",
              "activity_template": "Part tilføjet", "row_key": ["ID"], "citizen": "CprNummer"}
    source.update(changes.pop("source", {}))
    return {"url": url, "output": str(out), "events": [source], **changes}


def test_generic_citizen_equals_the_sbsys_citizen_for_the_same_key(tmp_path):
    url = f"sqlite:///{tmp_path / 'sbsys.db'}"
    content = fill_sbsys_demo(url, cases=120, seed=8)
    run_extraction(sbsys_extraction(url, tmp_path / "preset"))
    run_extraction(config_extraction(parse_config(_config(url, tmp_path / "generic"))))
    preset, generic = read_dataset(tmp_path / "preset"), read_dataset(tmp_path / "generic")
    parties = collections.defaultdict(set)
    for case, citizen in zip(generic.events.column("case_id").to_pylist(),
                             generic.events.column("citizen").to_pylist()):
        parties[case].add(citizen)
    pseudonyms = load_pseudonymiser(True, "PROCMINE_PSEUDONYM_KEY")
    with_cpr = {pseudonyms.pseudonym("case", str(case)) for case, person in content.case_citizen.items()
                if person is not None and not person.startswith("person:")}
    checked = 0
    for case, citizen in zip(preset.cases.column("case_id").to_pylist(),
                             preset.cases.column("citizen").to_pylist()):
        if case in with_cpr:
            assert citizen is not None and citizen in parties[case]
            checked += 1
    assert checked > 80
    blobs = b"".join(p.read_bytes() for p in (tmp_path / "generic").rglob("*") if p.is_file())
    for cpr in content.cprs:
        assert cpr.encode() not in blobs and cpr.replace("-", "").encode() not in blobs


def test_one_cpr_in_two_written_forms_is_one_citizen(tmp_path):
    import sqlalchemy as sa
    url = f"sqlite:///{tmp_path / 'src.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE sager (id TEXT, cpr TEXT)"))
        connection.execute(sa.text("INSERT INTO sager VALUES (:i, :c)"), [
            {"i": "A", "c": "010190-1234"}, {"i": "B", "c": "0101901234"}, {"i": "C", "c": "010190 1234"},
            {"i": "D", "c": "020290-4321"}, {"i": "E", "c": None}])
        connection.execute(sa.text("CREATE TABLE log (sag TEXT, tid TEXT)"))
        connection.execute(sa.text("INSERT INTO log VALUES (:s, '2024-01-02 10:00:00')"),
                           [{"s": s} for s in "ABCDE"])
    engine.dispose()
    config = parse_config({"url": url, "output": str(tmp_path / "out"),
                           "events": [{"name": "e", "table": "log", "case_id": "sag",
                                       "activity_template": "Modtaget", "timestamp": "tid"}],
                           "cases": {"table": "sager", "case_id": "id", "citizen": "cpr"}})
    run_extraction(config_extraction(config))
    cases = read_dataset(tmp_path / "out").cases
    pseudonyms = load_pseudonymiser(True, "PROCMINE_PSEUDONYM_KEY")
    of_case = dict(zip(cases.column("case_id").to_pylist(), cases.column("citizen").to_pylist()))
    citizens = [of_case[pseudonyms.pseudonym("case", case)] for case in "ABCDE"]
    assert len(set(citizens[:3])) == 1 and citizens[3] != citizens[0] and citizens[4] is None
    assert not {"010190-1234", "0101901234"} & set(citizens)


@pytest.mark.parametrize("change, message", [
    ({"pseudonymise": False}, "`citizen:` needs pseudonymisation"),
    ({"source": {"attributes": {"citizen": "CprNummer"}}}, "taken by the `citizen:` key"),
    ({"source": {"citizen": "Cpr; DROP TABLE Person"}}, "events.0.citizen"),
])
def test_citizen_config_mistakes_are_clear(change, message):
    with pytest.raises(ConfigError) as failure:
        parse_config(_config("sqlite:///x.db", "out", **change))
    assert message in str(failure.value)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 28), st.integers(1, 12), st.integers(0, 99), st.integers(0, 9999),
       st.sampled_from(["{d}-{s}", "{d}{s}", "{d} {s}", "{d}\u2013{s}", " {d} - {s} ", "{dot}-{s}"]))
def test_every_written_form_of_one_cpr_number_is_one_citizen(day, month, year, serial, form):
    pseudonyms = Pseudonymiser(KEY.encode())
    date = f"{day:02d}{month:02d}{year:02d}"
    written = form.format(d=date, s=f"{serial:04d}", dot=f"{date[:2]}.{date[2:4]}.{date[4:]}")
    both = pseudonyms.citizens(pa.array([written, f"{date}-{serial:04d}"])).to_pylist()
    assert both[0] == both[1] and date not in both[0]
