"""The SBSYS preset on the real schema (SQLite): which rows become events, and the citizen of a case."""

from __future__ import annotations

import collections
import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql, mysql, postgresql, sqlite

from connectors.pseudonymise import load_pseudonymiser
from connectors.runner import run_extraction
from connectors.sbsys import SbsysOptions, sbsys_extraction, sbsys_plans
from connectors.sbsys_cases import sbsys_case_plan
from connectors.sbsys_demo import fill_sbsys_demo
from connectors.sbsys_tables import sbsys_tables
from procmine.dataset import read_dataset

KEY = "test-key-sbsys-preset-0123456789"
T = sbsys_tables()
UTC = dt.UTC


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", KEY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo database, its content, and the dataset the preset extracts from it."""
    folder = tmp_path_factory.mktemp("preset")
    url = f"sqlite:///{folder / 'sbsys.db'}"
    content = fill_sbsys_demo(url, cases=240, seed=21)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PROCMINE_PSEUDONYM_KEY", KEY)
        run_extraction(sbsys_extraction(url, folder / "dataset"))
    return url, content, read_dataset(folder / "dataset"), folder


def _rows(url, statement):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    engine.dispose()
    return rows


def _local(moment: dt.datetime) -> dt.datetime:
    from zoneinfo import ZoneInfo
    return moment.replace(tzinfo=ZoneInfo("Europe/Copenhagen")).astimezone(UTC)


def _events(dataset, activity_prefix: str) -> collections.Counter:
    events = dataset.events.filter(pc.starts_with(dataset.events.column("activity").cast("string"),
                                                  activity_prefix))
    return collections.Counter(zip(events.column("case_id").to_pylist(),
                                   events.column("timestamp").to_pylist()))


def _expected(url, columns, where) -> collections.Counter:
    """(case pseudonym, UTC time) of the rows `where` selects, on cases that are not protected."""
    pseudonyms = load_pseudonymiser(True, "PROCMINE_PSEUDONYM_KEY")
    case, when = columns
    rows = _rows(url, sa.select(case, when).join(T.Sag, case == T.Sag.c.ID)
                 .where(where, T.Sag.c.ErBeskyttet == sa.false(), when.is_not(None)))
    return collections.Counter((pseudonyms.pseudonym("case", str(c)), _local(w)) for c, w in rows)


def test_live_document_registrations_are_events_and_deleted_ones_are_not(demo):
    url, content, dataset, _ = demo
    registration, document = T.DokumentRegistrering, T.Dokument
    columns = (registration.c.SagID, registration.c.Registreret)
    live = _expected(url, columns, sa.and_(
        registration.c.DeletedState == 0, registration.c.DokumentID.in_(
            sa.select(document.c.ID).where(document.c.DeletedState == 0))))
    deleted = _expected(url, columns, registration.c.DeletedState != 0)
    assert content.deleted_registrations and sum(deleted.values()) > 5
    assert _events(dataset, "Dokument journaliseret") == live
    kinds = {a for a in dataset.events.column("activity").to_pylist() if a.startswith("Dokument")}
    assert kinds == {"Dokument journaliseret (Indgående)", "Dokument journaliseret (Udgående)"}


def test_reminders_completed_and_cancelled_are_told_apart(demo):
    url, content, dataset, _ = demo
    reminder = T.Erindring
    cancelled = _expected(url, (reminder.c.SagID, reminder.c.Annulleret), reminder.c.ErAnnulleret)
    completed = _expected(url, (reminder.c.SagID, reminder.c.Afsluttet),
                          sa.and_(reminder.c.ErAfsluttet, sa.not_(reminder.c.ErAnnulleret)))
    assert content.cancelled_reminders and cancelled and completed
    assert _events(dataset, "Erindring annulleret") == cancelled
    assert _events(dataset, "Erindring afsluttet") == completed
    opened = dataset.events.filter(pc.equal(dataset.events.column("activity").cast("string"),
                                            "Erindring oprettet"))
    assert opened.column("deadline").null_count == 0


def test_sub_processes_are_named_by_their_type(demo):
    url, _, dataset, _ = demo
    sub, kind = T.Delforloeb, T.DelforloebType
    rows = _rows(url, sa.select(kind.c.Navn, sa.func.count()).join(sub, sub.c.DelforloebTypeID == kind.c.ID)
                 .join(T.Sag, sub.c.SagID == T.Sag.c.ID).where(T.Sag.c.ErBeskyttet == sa.false())
                 .group_by(kind.c.Navn))
    activities = collections.Counter(dataset.events.column("activity").to_pylist())
    assert rows
    for name, count in rows:
        assert activities[f"Delforløb modtaget ({name})"] == count


def test_status_names_come_from_sagsstatus_including_retired_ones(demo):
    url, _, dataset, _ = demo
    names = {n for (n,) in _rows(url, sa.select(T.SagsStatus.c.Navn))}
    retired = {n for (n,) in _rows(url, sa.select(T.SagsStatus.c.Navn).where(T.SagsStatus.c.IsDeleted))}
    statuses = {a.removeprefix("Status: ") for a in dataset.events.column("activity").to_pylist()
                if a.startswith("Status: ")}
    assert retired and retired <= statuses <= names
    assert set(dataset.cases.column("status").to_pylist()) <= names


def test_the_decision_deadline_is_read_only_where_the_case_has_one(demo):
    url, _, dataset, _ = demo
    sag = T.Sag
    pseudonyms = load_pseudonymiser(True, "PROCMINE_PSEUDONYM_KEY")
    rows = _rows(url, sa.select(sag.c.ID, sag.c.BeslutningHarDeadline, sag.c.BeslutningDeadline)
                 .where(sag.c.ErBeskyttet == sa.false()))
    expected = {pseudonyms.pseudonym("case", str(i)): _local(d) if has else None for i, has, d in rows}
    found = dict(zip(dataset.cases.column("case_id").to_pylist(),
                     dataset.cases.column("decision_deadline").to_pylist()))
    assert found == expected and None in found.values()
    assert set(dataset.cases.column("decision_type").to_pylist()) >= {"Afslag", "Bevilget"}


def test_citizen_is_one_pseudonym_per_person_across_cases_and_departments(demo):
    _, content, dataset, _ = demo
    pseudonyms = load_pseudonymiser(True, "PROCMINE_PSEUDONYM_KEY")
    cases = {pseudonyms.pseudonym("case", str(case)): case for case in content.case_citizen}
    found = dict(zip(dataset.cases.column("case_id").to_pylist(), dataset.cases.column("citizen").to_pylist()))
    by_person = collections.defaultdict(set)
    departments = collections.defaultdict(set)
    for case_pseudonym, citizen in found.items():
        person = content.case_citizen[cases[case_pseudonym]]
        assert (citizen is None) == (person is None), cases[case_pseudonym]
        if person is not None:
            by_person[person].add(citizen)
            departments[person].add(content.case_department[cases[case_pseudonym]])
            assert citizen == pseudonyms.citizens(pa.array([person]))[0].as_py()
    assert all(len(values) == 1 for values in by_person.values())
    assert len({next(iter(v)) for v in by_person.values()}) == len(by_person)   # one per person
    assert sum(len(d) > 1 for d in departments.values()) >= 10
    assert None in found.values()
    rows_per_person = collections.defaultdict(set)
    for case, row in content.case_person_row.items():
        rows_per_person[content.case_citizen[case]].add(row)
    assert any(len(rows) > 1 for rows in rows_per_person.values())   # one CPR, two Person rows
    assert any(p.startswith("person:") for p in by_person)            # a person without CPR
    digits = {c.replace("-", "") for c in content.cprs}
    assert not digits & set(found.values())


def test_company_parties_give_the_company_attribute(demo):
    _, content, dataset, _ = demo
    pseudonyms = load_pseudonymiser(True, "PROCMINE_PSEUDONYM_KEY")
    expected = {pseudonyms.pseudonym("case", str(case)): cvr for case, cvr in content.case_company.items()}
    found = dict(zip(dataset.cases.column("case_id").to_pylist(), dataset.cases.column("company").to_pylist()))
    for case_pseudonym, company in found.items():
        cvr = expected[case_pseudonym]
        assert company == (None if cvr is None else
                           pseudonyms.citizens(pa.array([cvr]))[0].as_py())
    assert sum(v is not None for v in found.values()) >= 5


def test_part_types_are_found_by_name(demo, tmp_path):
    url, _, dataset, _ = demo
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(T.PartTypeOpslag.update().where(T.PartTypeOpslag.c.Navn == "Person")
                           .values(Navn="Borger"))
    try:
        renamed = tmp_path / "renamed"
        run_extraction(sbsys_extraction(url, renamed))
        assert read_dataset(renamed).cases.column("citizen").null_count == len(dataset.cases)
        named = tmp_path / "named"
        run_extraction(sbsys_extraction(url, named, SbsysOptions(person_part_type="borger")))
        assert read_dataset(named).cases.column("citizen").equals(dataset.cases.column("citizen"))
    finally:
        with engine.begin() as connection:
            connection.execute(T.PartTypeOpslag.update().where(T.PartTypeOpslag.c.Navn == "Borger")
                               .values(Navn="Person"))
        engine.dispose()


def test_without_pseudonymisation_the_citizen_is_left_out(demo, tmp_path):
    url, _, _, _ = demo
    run_extraction(sbsys_extraction(url, tmp_path / "clear", SbsysOptions(pseudonymise=False)))
    clear = read_dataset(tmp_path / "clear")
    assert "citizen" not in clear.cases.column_names and "company" not in clear.cases.column_names
    assert clear.meta.source.citizen is False


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect(), mysql.dialect(),
                                     mssql.dialect()])
def test_no_password_person_data_or_free_text_column_is_ever_selected(dialect):
    plans = sbsys_plans(T, include_protected=True)
    statements = [plan.select for plan in plans] + [p.retractions for p in plans if p.retractions is not None]
    statements.append(sbsys_case_plan(T, True, ("Person", "Firma")).select)
    never = ["LogonPassword", "LogonSalt", "LogonID", "UserPrincipalName", '"Titel"', "Kommentar",
             "Overskrift", '"Note"', "AegtefaelleCPR", "MorCPR", "FarCPR", '"Person"."Navn"',
             "Navn1", "Navn2", '"Bruger"."Navn"', '"DokumentRegistrering"."Navn"',
             '"Dokument"."Navn"', "Beskrivelse", "BeslutningNotat", "AfsluttetNotat"]
    for statement in statements:
        sql = str(statement.compile(dialect=dialect)).replace("`", '"').replace("[", '"') \
            .replace("]", '"')
        assert not [column for column in never if column in sql], sql


def test_cli_simulate_then_extract_as_the_readme_shows(tmp_path):
    from typer.testing import CliRunner

    from procmine.cli import app
    runner, url = CliRunner(), f"sqlite:///{tmp_path / 'sbsys-demo.db'}"
    simulated = runner.invoke(app, ["simulate-sbsys", "--db", url, "--cases", "40"])
    assert simulated.exit_code == 0, simulated.output
    assert "DokumentArtOpslag" in simulated.output and "citizens with cases" in simulated.output
    extracted = runner.invoke(app, ["extract", "sbsys", "--url", url, "--out", str(tmp_path / "ds")])
    assert extracted.exit_code == 0, extracted.output
    assert "erindring_annulleret" in extracted.output
    assert "citizen" in read_dataset(tmp_path / "ds").cases.column_names
    again = runner.invoke(app, ["simulate-sbsys", "--db", url])
    assert again.exit_code == 2 and "already holds SBSYS cases" in again.output
