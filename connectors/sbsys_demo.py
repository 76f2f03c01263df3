"""Fill an empty database with SBSYS-shaped tables and a small simulated case workflow.

Case titles, document names and notes hold made-up names and CPR numbers on purpose, and
some cases are protected, so that the connector's privacy rules can be seen to work.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import sqlalchemy as sa

from connectors.sbsys_tables import SbsysTables, sbsys_tables
from connectors.sql import create_engine, database_error
from procmine.errors import ConnectorError

UNITS = ["Byggeri og Miljø", "Borgerservice", "Sundhed og Omsorg", "Jobcenter"]
FIRST = ["Mette", "Jens", "Anne", "Lars", "Kirsten", "Søren", "Hanne", "Niels", "Lone", "Henrik"]
LAST = ["Kjærgaard", "Østergaard", "Bundgaard", "Thorsager", "Rønnow", "Vestergaard", "Iversen"]
STATUSES = {"Opstået": 101, "Opklaring": 105, "Afventer": 109, "Afsluttet": 113, "Arkiveret": 117}
KLE = [("02.34.02", "Byggetilladelser (demo)", "G01"), ("27.24.00", "Merudgifter (demo)", "G01"),
       ("00.01.10", "Aktindsigt (demo)", "A53")]
FACETS = {"G01": 1, "A53": 2, "K02": 3}
KINDS = {1: "Indgående", 2: "Udgående", 3: "Internt"}
FIRST_USER, FIRST_CASE = 730_001, 5_100_001


@dataclass
class DemoContent:
    """What the demo wrote: counts per table and the personal data it planted."""

    rows: dict[str, int] = field(default_factory=dict)
    cprs: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    user_logons: list[str] = field(default_factory=list)
    protected_cases: list[int] = field(default_factory=list)


def fill_sbsys_demo(url: str, cases: int = 200, seed: int = 1, schema: str | None = None) -> DemoContent:
    """Create the SBSYS tables at `url` and fill them with `cases` simulated cases."""
    tables = sbsys_tables(schema)
    engine = create_engine(url)
    try:
        tables.metadata.create_all(engine)
        with engine.begin() as connection:
            if connection.execute(sa.select(sa.func.count()).select_from(tables.Sag)).scalar_one():
                raise ConnectorError("the database already holds SBSYS cases; the demo fills only an "
                                     "empty database. Point --db at a new database file.")
            rows, content = _simulate(random.Random(seed), cases)
            for name, records in rows.items():
                if records:
                    connection.execute(getattr(tables, name).insert(), records)
                content.rows[name] = len(records)
    except sa.exc.SQLAlchemyError as exc:
        raise database_error(exc, url, "filling the SBSYS demo database") from None
    finally:
        engine.dispose()
    return content


def _simulate(rng: random.Random, cases: int) -> tuple[dict[str, list[dict]], DemoContent]:
    rows: dict[str, list[dict]] = {name: [] for name in SbsysTables.__dataclass_fields__
                                   if name != "metadata"}
    content = DemoContent()
    rows["Ansaettelsessted"] = [{"ID": 40 + i, "Navn": n} for i, n in enumerate(UNITS)]
    for i in range(12):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}"
        logon = f"SDK\\SB{FIRST_USER + i}"
        rows["Bruger"].append({"ID": FIRST_USER + i, "Navn": name, "LogonID": logon,
                               "AnsaettelsesstedID": 40 + i % len(UNITS)})
        content.names.append(name)
        content.user_logons.append(logon)
    rows["SagsStatus"] = [{"ID": i, "Navn": n, "SagsTilstand": int(n in ("Afsluttet", "Arkiveret"))}
                          for n, i in STATUSES.items()]
    rows["EmnePlanNummer"] = [{"ID": 60 + i, "Nummer": k, "Navn": n} for i, (k, n, _) in enumerate(KLE)]
    rows["Facet"] = [{"ID": i, "Nummer": f, "Navn": f"Facet {f}"} for f, i in FACETS.items()]
    rows["SagsNummer"] = [{"ID": 80 + i, "EmnePlanNummerID": 60 + i, "FacetID": FACETS[f]}
                          for i, (_, _, f) in enumerate(KLE)]
    rows["DokumentArt"] = [{"ID": i, "Navn": n} for i, n in KINDS.items()]
    ids = _Ids()
    for number in range(cases):
        _simulate_case(rng, rows, content, FIRST_CASE + number, ids)
    return rows, content


class _Ids:
    """Row ids per table, counting up."""

    def __init__(self):
        self._next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        self._next[table] = self._next.get(table, 0) + 1
        return 9_000_000 + self._next[table]


def _citizen(rng: random.Random) -> tuple[str, str]:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(60 * 365))
    seventh = rng.randrange(0, 4) if born.year < 2000 else 4
    cpr = f"{born:%d%m%y}{'-' if rng.random() < 0.7 else ''}{seventh}{rng.randrange(1000):03d}"
    return cpr, f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _simulate_case(rng, rows, content: DemoContent, case_id: int, ids: _Ids) -> None:
    cpr, citizen = _citizen(rng)
    content.cprs.append(cpr)
    content.names.append(citizen)
    kle = rng.randrange(len(KLE))
    user = lambda: FIRST_USER + rng.randrange(12)  # noqa: E731
    clock = dt.datetime(2024, 1, 2, 8) + dt.timedelta(seconds=rng.randrange(180 * 86400))
    protected = rng.random() < 0.08
    if protected:
        content.protected_cases.append(case_id)
    handler = user()
    case = {"ID": case_id, "Nummer": f"{KLE[kle][0]}-{KLE[kle][2]}-{case_id % 1000}-24",
            "Titel": f"{KLE[kle][1]} - {citizen}, {cpr}", "ErBeskyttet": protected,
            "BehandlerID": handler, "Created": clock, "CreatedByID": user(), "Opstaaet": clock,
            "Besluttet": None, "BeslutningDeadline": clock + dt.timedelta(days=40),
            "SagsNummerID": 80 + kle, "AnsaettelsesstedID": 40 + kle % len(UNITS),
            "SagsStatusID": STATUSES["Opstået"]}
    rows["Sag"].append(case)
    previous = None

    def status(name: str) -> None:
        nonlocal previous
        rows["SagHistorikStatus"].append({
            "ID": ids("status"), "SagID": case_id, "FraSagsStatusID": previous,
            "TilSagsStatusID": STATUSES[name], "Tidspunkt": clock, "RegistreretAfID": handler,
            "Kommentar": f"Talt med {citizen} ({cpr})"})
        previous = STATUSES[name]
        case["SagsStatusID"] = STATUSES[name]

    def later(hours: float) -> dt.datetime:
        nonlocal clock
        clock += dt.timedelta(seconds=int(hours * 3600 * rng.uniform(0.5, 1.5)))
        return clock

    status("Opstået")
    _document(rows, ids, case_id, 1, f"Ansøgning fra {citizen}", later(1), user())
    later(48)
    status("Opklaring")
    if rng.random() < 0.6:
        _note(rows, ids, case_id, later(24), handler, citizen, cpr)
    if rng.random() < 0.5:
        status("Afventer")
        _document(rows, ids, case_id, 2, f"Brev til {citizen} om mangler", later(2), handler)
        _reminder(rows, ids, case_id, clock, later(24 * 7), handler, rng)
        _document(rows, ids, case_id, 1, f"Svar fra {citizen}", later(2), user())
        status("Opklaring")
    if rng.random() < 0.25:
        rows["Delforloeb"].append({"ID": ids("sub"), "SagID": case_id, "Modtaget": later(4),
                                   "Besluttet": later(24 * 5), "BehandlerID": user()})
    if rng.random() < 0.9:
        case["Besluttet"] = later(24 * 3)
        _document(rows, ids, case_id, 2, f"Afgørelse til {citizen}", later(1), handler)
        later(24)
        status("Afsluttet")
        if rng.random() < 0.5:
            later(24 * 30)
            status("Arkiveret")


def _document(rows, ids, case_id, kind, name, when, user) -> None:
    document = ids("document")
    rows["Dokument"].append({"ID": document, "Navn": name, "DokumentArtID": kind})
    rows["DokumentRegistrering"].append({"ID": ids("registration"), "SagID": case_id,
                                         "DokumentID": document, "Registreret": when,
                                         "RegistreretAfID": user})


def _note(rows, ids, case_id, when, user, citizen, cpr) -> None:
    sheet = ids("sheet")
    rows["JournalArk"].append({"ID": sheet, "SagID": case_id})
    rows["JournalArkNote"].append({"ID": ids("note"), "JournalArkID": sheet, "Oprettet": when,
                                   "OprettetAf": user, "Overskrift": f"Samtale med {citizen}",
                                   "Note": f"{citizen}, cpr {cpr}, ringede om sagen."})


def _reminder(rows, ids, case_id, created, done, user, rng) -> None:
    rows["Erindring"].append({"ID": ids("reminder"), "SagID": case_id, "Created": created,
                              "Deadline": created + dt.timedelta(days=14), "Afsluttet": done,
                              "AfsluttetAfID": user, "Annulleret": rng.random() < 0.1})
