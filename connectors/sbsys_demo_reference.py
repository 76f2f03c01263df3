"""The lookup tables, users, persons and companies of the SBSYS demo database (complete rows).

Ids are deliberately not 1, 2, 3 (person parts are PartTypeOpslag 7, document kinds 11-13), so
an extraction that hard-codes ids instead of looking names up gets them wrong.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from connectors.sbsys_demo_rows import DemoIds

UNITS = ["Byggeri og Miljø", "Borgerservice", "Sundhed og Omsorg", "Jobcenter"]
FIRST = ["Mette", "Jens", "Anne", "Lars", "Kirsten", "Søren", "Hanne", "Niels", "Lone", "Henrik"]
LAST = ["Kjærgaard", "Østergaard", "Bundgaard", "Thorsager", "Rønnow", "Vestergaard", "Iversen"]
STATUSES = {"Opstået": 101, "Opklaring": 105, "Afventer": 109, "Afsluttet": 113, "Arkiveret": 117}
RETIRED_STATUS = ("Under behandling (udgået)", 121)   # SagsStatus.IsDeleted: a retired name
# KLE number, case type, facet, the department (unit index) that handles it.
KLE = [("02.34.02", "Byggetilladelser (demo)", "G01", 0), ("00.01.10", "Aktindsigt (demo)", "A53", 1),
       ("27.24.00", "Merudgifter (demo)", "G01", 2), ("29.09.02", "Genoptræning (demo)", "G01", 2),
       ("15.02.00", "Beskæftigelse (demo)", "G01", 3)]
FACETS = {"G01": 1, "A53": 2, "K02": 3}
KINDS = {"Indgående": 11, "Udgående": 12, "Internt": 13}
SUB_PROCESS_TYPES = {"Partshøring": 21, "Klage": 22, "Høring af myndigheder": 23}
DECISION_TYPES = {"Bevilget": 31, "Afslag": 32, "Delvist bevilget": 33}
PART_TYPES = {"Firma": 3, "Andet": 5, "Person": 7}
ROLES = {"Ansøger": 1, "Partsrepræsentant": 2}
FIRST_USER, FIRST_UNIT, FIRST_KLE, FIRST_PERSON, FIRST_COMPANY = 730_001, 40, 60, 410_001, 520_001
USERS = 12


@dataclass
class Person:
    """A simulated citizen: one or two `Person` rows (a duplicate with another CPR format)."""

    cpr: str | None
    name: str
    rows: list[int]


def reference_rows(ids: DemoIds) -> tuple[dict[str, list[dict]], list[str], list[str]]:
    """Units, users, statuses, KLE plan, lookups; plus the users' names and secrets (logons,
    password hashes and salts) that must never reach a dataset."""
    rows: dict[str, list[dict]] = {"Ansaettelsessted": [
        {"ID": FIRST_UNIT + i, "Navn": name, "PostAdresseID": 1, "FysiskAdresseID": 1,
         "HierakiMedlemID": i + 1, "TilladBrugerAtSkiftePassword": True, "TilladPublicering": False,
         "EksterneAdviseringer": 0, "AutomatiskErindringVedJournalisering": False,
         "StandardAktindsigtVedJournalisering": False, "VisCPR": False, "VisCVR": True,
         "AnsaettelsesstedIdentity": ids.uuid()} for i, name in enumerate(UNITS)]}
    rows["Bruger"], names, secrets = _users(ids)
    rows["SagsStatus"] = [
        {"ID": i, "Navn": n, "Orden": order, "SagsTilstand": int(n in ("Afsluttet", "Arkiveret")),
         "RequireComments": False, "IsDeleted": n == RETIRED_STATUS[0], "SagsForklaede": 0}
        for order, (n, i) in enumerate([*STATUSES.items(), RETIRED_STATUS])]
    rows["EmnePlan"] = [{"ID": 1, "Navn": "KLE-emneplan", "AnvendDelforloeb": True,
                         "NummerFormat": "{0}-{1}-{2}-{3}", "NummerFormatUdenFacet": "{0}-{2}-{3}",
                         "RequireFacet": True, "AllowChangingNummer": False, "EmnePlanNummerType": 0,
                         "StandardSagsTitel": "Ny sag", "NySagBeskyttes": False,
                         "TilladOprettlseUdFraudgaaetNummer": False, "BrugLavesteNiveau": True}]
    rows["EmnePlanNummer"] = [{"ID": FIRST_KLE + i, "EmnePlanID": 1, "Nummer": k, "Navn": n, "Niveau": 3}
                              for i, (k, n, _, _) in enumerate(KLE)]
    rows["Facet"] = [{"ID": i, "Nummer": f, "FacetTypeID": 1, "Navn": f"Facet {f}"}
                     for f, i in FACETS.items()]
    rows["DokumentArtOpslag"] = [_kind(ids, name, i) for name, i in KINDS.items()]
    rows["DelforloebType"] = [{"ID": i, "Navn": n, "DelforloebTypeGruppeID": 1}
                              for n, i in SUB_PROCESS_TYPES.items()]
    rows["BeslutningsType"] = [{"ID": i, "Navn": n, "BeslutningsTypeGruppeID": 1}
                               for n, i in DECISION_TYPES.items()]
    rows["PartTypeOpslag"] = [{"ID": i, "Navn": n} for n, i in PART_TYPES.items()]
    rows["SagsPartRolle"] = [{"ID": i, "Navn": n, "Beskrivelse": n} for n, i in ROLES.items()]
    return rows, names, secrets


def _users(ids: DemoIds) -> tuple[list[dict], list[str], list[str]]:
    users, names, secrets = [], [], []
    for i in range(USERS):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}"
        logon, salt = f"SDK\\SB{FIRST_USER + i}", base64.b64encode(hashlib.md5(name.encode()).digest())
        password = base64.b64encode(hashlib.sha512(salt + b"Sommer2024!").digest()).decode()
        users.append({"ID": FIRST_USER + i, "LogonID": logon, "LogonPassword": password,
                      "LogonSalt": salt.decode(), "LogonAlgorithm": "SHA512", "LogonIterations": 10_000,
                      "LogonFailedAttemptCount": 0, "Navn": name, "FagomraadeID": 1,
                      "AnsaettelsesstedID": FIRST_UNIT + i % len(UNITS), "Status": 0,
                      "UserPrincipalName": f"sb{FIRST_USER + i}@kommune.example",
                      "BrugerIdentity": ids.uuid(), "ErSystembruger": False})
        names.append(name)
        secrets += [logon, password, salt.decode(), f"sb{FIRST_USER + i}@kommune.example"]
    return users, names, secrets


def _kind(ids: DemoIds, name: str, kind_id: int) -> dict:
    flags = ["UbeskyttetStandardMarkering", "MaaPubliseresPaaDagsorden", "UbeskyttetTilladAendring",
             "SagBeskyttetStandardMarkering", "SagBeskyttetTilladAendring",
             "DokumentBeskyttetStandardMarkering", "DokumentBeskyttetTilladAendring",
             "SagOgDokumentBeskyttetStandardMarkering", "SagOgDokumentBeskyttetTilladAendring"]
    return {"ID": kind_id, "Navn": name, **dict.fromkeys(flags, False),
            "DokumentArtIdentifier": ids.uuid()}


def citizens(rng: random.Random, ids: DemoIds, count: int) -> tuple[list[Person], list[dict]]:
    """`count` citizens and their `Person` rows: most with a CPR number (hyphen or not), some
    entered twice with the CPR in the other format, one without a CPR number."""
    people: list[Person] = []
    rows: list[dict] = []
    for i in range(count):
        cpr = None if i == 3 else _cpr(rng)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        forms = [cpr, cpr.replace("-", "")] if cpr and rng.random() < 0.15 else [cpr]
        person = Person(cpr, name, [])
        for form in forms:
            person.rows.append(FIRST_PERSON + len(rows))
            rows.append({"ID": person.rows[-1], "CprNummer": form, "Koen": rng.randrange(1, 3),
                         "Navn": name, "FoedeDato": None, "KontaktForm": 0,
                         "AegtefaelleCPR": _cpr(rng) if rng.random() < 0.3 else None,
                         "MorCPR": None, "FarCPR": None, "TilmeldtDigitalPost": True,
                         "PersonIdentity": ids.uuid()})
        people.append(person)
    return people, rows


def companies(rng: random.Random, ids: DemoIds, count: int) -> list[dict]:
    """`count` `Firma` rows with CVR numbers."""
    return [{"ID": FIRST_COMPANY + i, "Navn1": f"{rng.choice(LAST)} Byg ApS",
             "CVRNummer": f"{rng.randrange(10_000_000, 99_999_999)}", "KontaktForm": 0,
             "TilmeldtDigitalPost": True, "FirmaIdentity": ids.uuid()} for i in range(count)]


def _cpr(rng: random.Random) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(60 * 365))
    seventh = rng.randrange(0, 4) if born.year < 2000 else 4
    return f"{born:%d%m%y}-{seventh}{rng.randrange(1000):03d}"


def person_key(person: Person, row: int) -> str:
    """What a person's citizen pseudonym is made from: the CPR digits, else the Person row."""
    return person.cpr.replace("-", "") if person.cpr else f"person:{row}"


def written_cpr(cpr: str, rng: random.Random) -> str:
    """The CPR number `DDMMYY-NNNN` as people write it: with a hyphen, plain, a space, a dash,
    or dots in the date."""
    date, serial = cpr.split("-")
    dotted = f"{date[:2]}.{date[2:4]}.{date[4:]}"
    return rng.choice([cpr, date + serial, f"{date} {serial}", f"{date}\u2013{serial}",
                       f"{dotted}-{serial}", f"{date} - {serial}"])
