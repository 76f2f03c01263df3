"""Complete rows of the SBSYS case tables for the demo database and the tests.

Every NOT NULL column of SBSYS (../shared/SBSYS_SCHEMA.md) gets a value here, the way SBSYS
itself would fill it; the tables are created with those NOT NULLs, so a row that forgets one
fails to insert, as it would in SBSYS.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

LIVE, DELETED = 0, 1  # DokumentRegistrering/Dokument.DeletedState


class DemoIds:
    """Row ids per table, counting up from `base`, and repeatable uniqueidentifiers."""

    def __init__(self, base: int = 9_000_000, seed: int = 0):
        self._base = base
        self._next: dict[str, int] = {}
        self._random = random.Random(seed)

    def __call__(self, table: str) -> int:
        self._next[table] = self._next.get(table, 0) + 1
        return self._base + self._next[table]

    def uuid(self) -> uuid.UUID:
        """A fresh uniqueidentifier, the same for the same seed."""
        return uuid.UUID(int=self._random.getrandbits(128), version=4)


def case_row(ids: DemoIds, case_id: int, *, number: str, title: str, protected: bool,
             handler: int, status: int, created: dt.datetime, created_by: int, unit: int,
             case_number: int, deadline: dt.datetime | None) -> dict:
    """A `Sag` row; the decision (Besluttet, BeslutningsTypeID) is filled in later."""
    return {"ID": case_id, "SagIdentity": ids.uuid(), "Nummer": number, "Titel": title,
            "ErBeskyttet": protected, "BehandlerID": handler, "SagsStatusID": status,
            "CreatedByID": created_by, "Created": created, "Opstaaet": created,
            "LastChangedByID": created_by, "LastChanged": created, "LastStatusChange": created,
            "SagsNummerID": case_number,
            "AnsaettelsesstedID": unit, "ArkivAfklaringStatusID": 1, "ErBesluttet": False,
            "Besluttet": None, "BeslutningsTypeID": None, "BeslutningHarDeadline": deadline is not None,
            "BeslutningDeadline": deadline, "ErSamlesag": False, "SagsPartID": None,
            "Kommentar": None}


def status_change_row(ids: DemoIds, case_id: int, *, before: int | None, after: int,
                      when: dt.datetime, user: int, comment: str | None = None) -> dict:
    """A `SagHistorikStatus` row: the case moved from status `before` to `after`."""
    return {"ID": ids("SagHistorikStatus"), "SagID": case_id, "RegistreretAfID": user,
            "FraSagsStatusID": before, "TilSagsStatusID": after, "Kommentar": comment,
            "Tidspunkt": when}


def document_rows(ids: DemoIds, case_id: int, *, kind: int, name: str, when: dt.datetime,
                  user: int, deleted: dt.datetime | None = None) -> tuple[dict, dict]:
    """A `Dokument` and its `DokumentRegistrering` on the case; `deleted`: when it was deleted."""
    document = ids("Dokument")
    state = LIVE if deleted is None else DELETED
    deletion = {"DeletedState": state, "DeletedDate": deleted,
                "DeletedByID": user if deleted else None,
                "DeletedReason": "Fejljournaliseret" if deleted else None}
    return ({"ID": document, "DokumentArtID": kind, "Navn": name, "OprettetAfID": user,
             "Oprettet": when, "DokumentType": 0, "ProcessStatus": 0, "IsImported": False,
             "PaaPostliste": False, "ProcessPostAction": 0, "IsParent": False,
             "IsComposite": False, "OmfattetAfAktindsigt": True, "DokumentIdentity": ids.uuid(),
             **deletion},
            {"ID": ids("DokumentRegistrering"), "SagID": case_id, "DokumentID": document,
             "ErBeskyttet": False, "Registreret": when, "RegistreretAfID": user, "Navn": name,
             "DokumentRegistreringIdentity": ids.uuid(), **deletion})


def note_rows(ids: DemoIds, case_id: int, *, when: dt.datetime, user: int, heading: str,
              text: str, deleted: dt.datetime | None = None) -> tuple[dict, dict]:
    """A `JournalArk` of the case and one `JournalArkNote` on it."""
    sheet = ids("JournalArk")
    return ({"ID": sheet, "SagID": case_id},
            {"ID": ids("JournalArkNote"), "JournalArkID": sheet, "OprettetAf": user,
             "Oprettet": when, "KontaktTidspunkt": when - dt.timedelta(minutes=20),
             "Overskrift": heading, "Note": text, "OmfattetAfAktindsigt": True,
             "SlettetDato": deleted, "SlettetAfBrugerID": user if deleted else None,
             "JournalArkNoteIdentity": ids.uuid()})


def reminder_row(ids: DemoIds, case_id: int, *, created: dt.datetime, creator: int,
                 deadline: dt.datetime | None, done: dt.datetime | None = None,
                 cancelled: dt.datetime | None = None, by: int | None = None,
                 reopened: bool = False) -> dict:
    """An `Erindring` on the case, completed at `done` or cancelled at `cancelled` (or open);
    `reopened`: completed once, then opened again (the time stays, the flag is cleared)."""
    return {"ID": ids("Erindring"), "Navn": "Følg op på sagen", "ErindringTypeID": 1,
            "CreatedByID": creator, "Created": created, "OpretterID": creator,
            "LastChangedByID": by or creator, "LastChanged": cancelled or done or created,
            "AnsvarligID": creator, "ErAfsluttet": done is not None and not reopened,
            "AfsluttetAfID": by if done else None, "Afsluttet": done,
            "ErAnnulleret": cancelled is not None, "AnnulleretAfID": by if cancelled else None,
            "Annulleret": cancelled, "SagID": case_id, "HarDeadline": deadline is not None,
            "Deadline": deadline, "PopupStatus": 0, "KopierEfterUdfoerelse": False,
            "ReturEfterUdfoerelse": False, "ProcessPostAction": 0}


def sub_process_row(ids: DemoIds, case_id: int, *, kind: int, handler: int,
                    received: dt.datetime, decided: dt.datetime | None,
                    deadline: dt.datetime | None) -> dict:
    """A `Delforloeb` of the case of type `kind` (DelforloebType.ID)."""
    return {"ID": ids("Delforloeb"), "SagID": case_id, "DelforloebTypeID": kind,
            "BehandlerID": handler, "Titel": "Delforløb", "Modtaget": received,
            "ErBesluttet": decided is not None, "Besluttet": decided,
            "BeslutningHarDeadline": deadline is not None, "BeslutningDeadline": deadline,
            "Created": received, "CreatedByID": handler, "LastChanged": decided or received,
            "LastChangedByID": handler}


def party_row(ids: DemoIds, case_id: int, *, part_type: int, party: int, role: int,
              when: dt.datetime) -> dict:
    """A `SagsPart`: person or company `party` (by `part_type`) is a party of the case."""
    return {"ID": ids("SagsPart"), "SagID": case_id, "PartType": part_type, "PartID": party,
            "SagsPartRolleID": role, "Oprettet": when}
