"""One simulated SBSYS case: its number, parties, status changes, documents, notes, reminders,
sub-processes and decision, as complete rows (see `connectors.sbsys_demo_rows`)."""

from __future__ import annotations

import datetime as dt
import random

from connectors import sbsys_demo_rows as make
from connectors.sbsys_demo_reference import (
    DECISION_TYPES,
    FACETS,
    FIRST_KLE,
    FIRST_UNIT,
    FIRST_USER,
    KINDS,
    KLE,
    PART_TYPES,
    RETIRED_STATUS,
    ROLES,
    STATUSES,
    SUB_PROCESS_TYPES,
    UNITS,
    USERS,
    Person,
    person_key,
    written_cpr,
)

# SBSYS keeps naive local wall-clock times in its datetime columns; the demo writes the same.
START = dt.datetime(2024, 1, 2, 8)  # noqa: DTZ001 - naive on purpose, like the SBSYS columns


class _Case:
    """The clock, the people and the rows of one case being simulated."""

    def __init__(self, rng: random.Random, rows: dict, ids: make.DemoIds, case_id: int):
        self.rng, self.rows, self.ids, self.case_id = rng, rows, ids, case_id
        self.clock = START + dt.timedelta(seconds=rng.randrange(180 * 86400))
        self.handler = self.user()
        self.status_id: int | None = None

    def user(self) -> int:
        return FIRST_USER + self.rng.randrange(USERS)

    def later(self, hours: float) -> dt.datetime:
        self.clock += dt.timedelta(seconds=int(hours * 3600 * self.rng.uniform(0.5, 1.5)))
        return self.clock

    def add(self, table: str, *records: dict) -> None:
        for record in records:
            self.rows.setdefault(table, []).append(record)

    def status(self, status_id: int, comment: str | None = None) -> None:
        self.add("SagHistorikStatus", make.status_change_row(
            self.ids, self.case_id, before=self.status_id, after=status_id, when=self.clock,
            user=self.handler, comment=comment))
        self.status_id = status_id
        self.rows["Sag"][-1].update({"SagsStatusID": status_id, "LastStatusChange": self.clock,
                                     "LastChanged": self.clock, "LastChangedByID": self.handler})

    def document(self, kind: str, name: str, content) -> None:
        when = self.later(2)
        deleted = when + dt.timedelta(hours=self.rng.uniform(1, 200)) if self.rng.random() < 0.1 else None
        document, registration = make.document_rows(self.ids, self.case_id, kind=KINDS[kind], name=name,
                                                    when=when, user=self.user(), deleted=deleted)
        self.add("Dokument", document)
        self.add("DokumentRegistrering", registration)
        if deleted is not None:
            content.deleted_registrations.append(registration["ID"])


def simulate_case(rng: random.Random, rows: dict, ids: make.DemoIds, case_id: int,
                  applicants: list[Person], company: dict | None, content) -> None:
    """Add the rows of one case to `rows`; record in `content` what the case holds."""
    case = _Case(rng, rows, ids, case_id)
    kle_index = rng.randrange(len(KLE))
    kle, case_type, facet, unit_index = KLE[kle_index]
    number = {"ID": ids("SagsNummer"), "EmnePlanID": 1, "EmnePlanNummerID": FIRST_KLE + kle_index,
              "FacetID": FACETS[facet], "SekvensNummer": case_id % 100_000, "Aarstal": 2024}
    case.add("SagsNummer", number)
    applicant = applicants[0] if applicants else None
    name = applicant.name if applicant else "ukendt borger"
    cpr = written_cpr(applicant.cpr, rng) if applicant and applicant.cpr else "uden cpr"
    protected = rng.random() < 0.08
    if protected:
        content.protected_cases.append(case_id)
    case.add("Sag", make.case_row(
        ids, case_id, number=f"{kle}-{facet}-{number['SekvensNummer']}-24",
        title=f"{case_type} - {name}, {cpr}", protected=protected, handler=case.handler,
        status=STATUSES["Opstået"], created=case.clock, created_by=case.user(),
        unit=FIRST_UNIT + unit_index, case_number=number["ID"],
        deadline=case.clock + dt.timedelta(days=40) if rng.random() < 0.8 else None))
    _parties(case, applicants, company, content)
    content.case_company[case_id] = company["CVRNummer"] if company else None
    content.case_department[case_id] = UNITS[unit_index]
    _workflow(case, name, cpr, content)


def _parties(case: _Case, applicants: list[Person], company: dict | None, content) -> None:
    """SagsPart rows. With two persons the applicant is either registered first or marked as
    the case's primary party (Sag.SagsPartID) behind a representative."""
    rng, sag = case.rng, case.rows["Sag"][-1]
    rows_of = [rng.choice(person.rows) for person in applicants]
    order = list(range(len(applicants)))
    primary_behind = len(applicants) == 2 and rng.random() < 0.5
    if primary_behind:
        order.reverse()
    company_first = company is not None and rng.random() < 0.5
    if company is not None and company_first:
        _company_party(case, company, primary=not applicants)
    for index in order:
        role = ROLES["Ansøger"] if index == 0 else ROLES["Partsrepræsentant"]
        party = make.party_row(case.ids, case.case_id, part_type=PART_TYPES["Person"],
                               party=rows_of[index], role=role, when=case.clock)
        case.add("SagsPart", party)
        if index == 0 and (primary_behind or rng.random() < 0.5):
            sag["SagsPartID"] = party["ID"]
    if company is not None and not company_first:
        _company_party(case, company, primary=not applicants)
    content.case_citizen[case.case_id] = person_key(applicants[0], rows_of[0]) if applicants else None
    if applicants:
        content.case_person_row[case.case_id] = rows_of[0]


def _company_party(case: _Case, company: dict, primary: bool) -> None:
    party = make.party_row(case.ids, case.case_id, part_type=PART_TYPES["Firma"],
                           party=company["ID"], role=ROLES["Ansøger"], when=case.clock)
    case.add("SagsPart", party)
    if primary:
        case.rows["Sag"][-1]["SagsPartID"] = party["ID"]


def _workflow(case: _Case, name: str, cpr: str, content) -> None:
    rng = case.rng
    case.status(STATUSES["Opstået"])
    case.document("Indgående", f"Ansøgning fra {name}", content)
    case.later(48)
    old_history = rng.random() < 0.1
    case.status(RETIRED_STATUS[1] if old_history else STATUSES["Opklaring"], f"Talt med {name} ({cpr})")
    if rng.random() < 0.6:
        deleted = case.clock + dt.timedelta(days=1) if rng.random() < 0.08 else None
        sheet, note = make.note_rows(case.ids, case.case_id, when=case.later(24), user=case.handler,
                                     heading=f"Samtale med {name}", text=f"{name}, cpr {cpr}, ringede.",
                                     deleted=deleted)
        case.add("JournalArk", sheet)
        case.add("JournalArkNote", note)
    if rng.random() < 0.5:
        case.status(STATUSES["Afventer"])
        case.document("Udgående", f"Brev til {name} om mangler", content)
        _reminder(case, content)
        case.document("Indgående", f"Svar fra {name}", content)
        case.status(STATUSES["Opklaring"])
    if rng.random() < 0.25:
        received = case.later(4)
        decided = case.later(24 * 5) if rng.random() < 0.85 else None
        case.add("Delforloeb", make.sub_process_row(
            case.ids, case.case_id, kind=rng.choice(list(SUB_PROCESS_TYPES.values())),
            handler=case.user(), received=received, decided=decided,
            deadline=received + dt.timedelta(days=30) if rng.random() < 0.7 else None))
    if rng.random() < 0.9:
        sag = case.rows["Sag"][-1]
        sag.update({"ErBesluttet": True, "Besluttet": case.later(24 * 3),
                    "BeslutningsTypeID": rng.choice(list(DECISION_TYPES.values()))})
        case.document("Udgående", f"Afgørelse til {name}", content)
        case.later(24)
        case.status(STATUSES["Afsluttet"])
        if rng.random() < 0.5:
            case.later(24 * 30)
            case.status(STATUSES["Arkiveret"])


def _reminder(case: _Case, content) -> None:
    """A reminder to follow up: usually completed, sometimes cancelled, sometimes still open or
    reopened after completion (assumed: SBSYS then clears ErAfsluttet and keeps Afsluttet)."""
    created, draw = case.clock, case.rng.random()
    ends = case.later(24 * 7)
    reminder = make.reminder_row(case.ids, case.case_id, created=created, creator=case.handler,
                                 deadline=created + dt.timedelta(days=14),
                                 done=ends if draw < 0.75 or draw >= 0.95 else None,
                                 cancelled=ends if 0.75 <= draw < 0.9 else None, by=case.handler,
                                 reopened=draw >= 0.95)
    case.add("Erindring", reminder)
    if reminder["ErAnnulleret"]:
        content.cancelled_reminders.append(reminder["ID"])
