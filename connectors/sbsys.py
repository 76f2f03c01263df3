"""The SBSYS preset: event sources for SBSYS's real schema (../shared/SBSYS_SCHEMA.md) as plans.

Events: Sag oprettet; Status: <name> (the name from SagsStatus); Dokument journaliseret (<kind>,
from DokumentArtOpslag) for live registrations only (DeletedState 0 on the registration and its
document; one deleted after it was extracted is retracted by the next run); Journalnotat
(notes not deleted, likewise); Erindring oprettet / afsluttet / annulleret (a completion later
cancelled or reopened is retracted by its LastChanged, as is a decision later withdrawn);
Delforløb modtaget / besluttet (<DelforloebType.Navn>); Afgørelse (Sag.Besluttet). Resource:
the pseudonymised user; `org_unit`: the user's workplace in clear; `deadline`: a reminder's or
sub-process's own deadline. Protected cases (ErBeskyttet) are left out unless asked for. No free
text (titles, notes, names), no person data and no password column is ever selected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from connectors.config import DEFAULT_KEY_ENV
from connectors.pseudonymise import load_pseudonymiser
from connectors.runner import Extraction
from connectors.sbsys_cases import COMPANY_PART_TYPE, PERSON_PART_TYPE, not_protected, sbsys_case_plan
from connectors.sbsys_tables import SbsysTables, sbsys_tables
from connectors.sql import ATTRIBUTE_PREFIX, CURSOR, FIELD_PREFIX, KEY_PREFIX, SourcePlan

NOT_DELETED = 0  # DeletedState of a live document registration (SBSYS_SCHEMA.md: assumed)
UNKNOWN = "ukendt"


@dataclass(frozen=True)
class SbsysOptions:
    """Choices of the SBSYS preset."""

    schema: str | None = None
    include_protected: bool = False
    pseudonymise: bool = True
    key_env: str = DEFAULT_KEY_ENV
    key_id: str | None = None
    timezone: str = "Europe/Copenhagen"
    lookback_hours: float = 48.0
    chunk_size: int = 50_000
    person_part_type: str = PERSON_PART_TYPE
    company_part_type: str = COMPANY_PART_TYPE


def sbsys_extraction(url: str, output: str | Path, options: SbsysOptions = SbsysOptions()
                     ) -> Extraction:
    """The extraction job for an SBSYS database at `url` into the dataset `output`."""
    tables = sbsys_tables(options.schema)
    pseudonyms = load_pseudonymiser(options.pseudonymise, options.key_env, options.key_id)
    # A citizen id is only ever written as a pseudonym: without a key it is left out.
    parties = (options.person_part_type, options.company_part_type) if pseudonyms.enabled else None
    return Extraction(
        url=url, plans=sbsys_plans(tables, options.include_protected),
        cases=sbsys_case_plan(tables, options.include_protected, parties), output=Path(output),
        pseudonyms=pseudonyms, timezone=options.timezone,
        lookback=dt.timedelta(hours=options.lookback_hours), chunk_size=options.chunk_size,
        source_info={"connector": "sbsys", "protected_cases": options.include_protected,
                     "citizen": parties is not None})


def sbsys_plans(t: SbsysTables, include_protected: bool = False) -> list[SourcePlan]:
    """One plan per SBSYS event kind."""
    sag, status = t.Sag, t.SagHistorikStatus
    registration, document, kinds = t.DokumentRegistrering, t.Dokument, t.DokumentArtOpslag
    document_from = registration.outerjoin(document, registration.c.DokumentID == document.c.ID) \
        .outerjoin(kinds, document.c.DokumentArtID == kinds.c.ID)
    live_document = sa.and_(registration.c.DeletedState == NOT_DELETED,
                            sa.func.coalesce(document.c.DeletedState, NOT_DELETED) == NOT_DELETED)
    # A registration is deleted on its own (its DeletedDate) or with its document (the document's).
    deleted_at = sa.case((registration.c.DeletedState != NOT_DELETED, registration.c.DeletedDate),
                         else_=document.c.DeletedDate)
    note, sheet = t.JournalArkNote, t.JournalArk
    plan = _Planner(t, include_protected)
    return [
        plan("sag_oprettet", sag, sag.c.ID, "Sag oprettet", sag.c.Created, sag.c.CreatedByID, sag.c.ID),
        plan("status", status.join(t.SagsStatus, status.c.TilSagsStatusID == t.SagsStatus.c.ID),
             status.c.SagID, "Status: {status}", status.c.Tidspunkt, status.c.RegistreretAfID,
             status.c.ID, {"status": t.SagsStatus.c.Navn}),
        plan("dokument", document_from, registration.c.SagID, "Dokument journaliseret ({kind})",
             registration.c.Registreret, registration.c.RegistreretAfID, registration.c.ID,
             {"kind": sa.func.coalesce(kinds.c.Navn, sa.literal(UNKNOWN))}, where=live_document,
             deleted=(sa.not_(live_document), deleted_at)),
        plan("journalnotat", note.join(sheet, note.c.JournalArkID == sheet.c.ID), sheet.c.SagID,
             "Journalnotat", note.c.Oprettet, note.c.OprettetAf, note.c.ID,
             where=note.c.SlettetDato.is_(None), deleted=(note.c.SlettetDato.is_not(None),
                                                          note.c.SlettetDato)),
        *_reminder_plans(t, plan),
        *_sub_process_plans(t, plan),
        plan("afgoerelse", sag, sag.c.ID, "Afgørelse", sag.c.Besluttet, sag.c.BehandlerID, sag.c.ID,
             where=_not_false(sag.c.ErBesluttet),
             deleted=_withdrawn(_not_false(sag.c.ErBesluttet), sag.c.LastChanged)),
    ]


def _reminder_plans(t: SbsysTables, plan: _Planner) -> list[SourcePlan]:
    """Erindring oprettet / afsluttet (ErAfsluttet, not cancelled) / annulleret (ErAnnulleret)."""
    reminder = t.Erindring
    deadline = {"deadline": _when(reminder.c.HarDeadline, reminder.c.Deadline)}
    completed = sa.and_(reminder.c.ErAfsluttet == sa.true(), reminder.c.ErAnnulleret == sa.false())
    return [
        plan("erindring_oprettet", reminder, reminder.c.SagID, "Erindring oprettet",
             reminder.c.Created, reminder.c.OpretterID, reminder.c.ID, time_attributes=deadline),
        plan("erindring_afsluttet", reminder, reminder.c.SagID, "Erindring afsluttet",
             reminder.c.Afsluttet, reminder.c.AfsluttetAfID, reminder.c.ID, where=completed,
             time_attributes=deadline, deleted=_withdrawn(completed, reminder.c.LastChanged)),
        plan("erindring_annulleret", reminder, reminder.c.SagID, "Erindring annulleret",
             reminder.c.Annulleret, reminder.c.AnnulleretAfID, reminder.c.ID,
             where=reminder.c.ErAnnulleret == sa.true(), time_attributes=deadline)]


def _sub_process_plans(t: SbsysTables, plan: _Planner) -> list[SourcePlan]:
    """Delforløb modtaget / besluttet, named by DelforloebType.Navn."""
    sub, kind = t.Delforloeb, t.DelforloebType
    rows = sub.outerjoin(kind, sub.c.DelforloebTypeID == kind.c.ID)
    name = {"type": sa.func.coalesce(kind.c.Navn, sa.literal(UNKNOWN))}
    deadline = {"deadline": _when(sub.c.BeslutningHarDeadline, sub.c.BeslutningDeadline)}
    return [
        plan("delforloeb_modtaget", rows, sub.c.SagID, "Delforløb modtaget ({type})",
             sub.c.Modtaget, sub.c.BehandlerID, sub.c.ID, name, time_attributes=deadline),
        plan("delforloeb_besluttet", rows, sub.c.SagID, "Delforløb besluttet ({type})",
             sub.c.Besluttet, sub.c.BehandlerID, sub.c.ID, name,
             where=_not_false(sub.c.ErBesluttet), time_attributes=deadline,
             deleted=_withdrawn(_not_false(sub.c.ErBesluttet), sub.c.LastChanged))]


def _when(flag: sa.ColumnElement, value: sa.ColumnElement) -> sa.ColumnElement:
    """`value` where the bit `flag` is set, else NULL (e.g. a deadline only if HarDeadline)."""
    return sa.case((flag == sa.true(), value), else_=sa.null())


def _withdrawn(holds: sa.ColumnElement, changed: sa.Column) -> tuple:
    """Retract an event whose condition no longer `holds` (a completed reminder cancelled, a
    decision withdrawn), found by the row's LastChanged time."""
    return sa.not_(holds), changed


def _not_false(flag: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.coalesce(flag, sa.true()) == sa.true()


class _Planner:
    """Builds one labelled SELECT per event kind, joined to the case and the acting user."""

    def __init__(self, tables: SbsysTables, include_protected: bool):
        self.t, self.include_protected = tables, include_protected

    def __call__(self, name, rows, case_id, template, timestamp, user, row_id, fields=None,
                 where=None, time_attributes=None, deleted=None) -> SourcePlan:
        sag = self.t.Sag
        if rows is not sag and case_id.table is not sag:
            rows = rows.join(sag, case_id == sag.c.ID)
        columns = [case_id.label("case_id"), timestamp.label("timestamp")]
        columns += [value.label(f"{FIELD_PREFIX}{key}") for key, value in (fields or {}).items()]
        actor = self.t.Bruger.alias(f"actor_{name}")
        unit = self.t.Ansaettelsessted.alias(f"actor_unit_{name}")
        rows = rows.outerjoin(actor, user == actor.c.ID) \
            .outerjoin(unit, actor.c.AnsaettelsesstedID == unit.c.ID)
        columns += [user.label("resource"), unit.c.Navn.label(f"{ATTRIBUTE_PREFIX}org_unit")]
        types = {"org_unit": "string"}
        for key, value in (time_attributes or {}).items():
            columns.append(value.label(f"{ATTRIBUTE_PREFIX}{key}"))
            types[key] = "timestamp"
        columns.append(row_id.label(f"{KEY_PREFIX}0"))
        select = self._select(rows, [*columns, timestamp.label(CURSOR)], timestamp, where)
        retractions = retraction_cursor = None
        if deleted is not None:  # (condition, time): rows deleted since, to retract their events
            condition, retraction_cursor = deleted
            retractions = self._select(rows, [*columns, retraction_cursor.label(CURSOR)], timestamp,
                                       sa.and_(condition, retraction_cursor.is_not(None)))
        return SourcePlan(name, select, timestamp, template, types, cursor_is_timestamp=True,
                          retractions=retractions, retraction_cursor=retraction_cursor)

    def _select(self, rows, columns, timestamp, where) -> sa.Select:
        select = sa.select(*columns).select_from(rows).where(timestamp.is_not(None))
        if where is not None:
            select = select.where(where)
        if not self.include_protected:
            select = select.where(not_protected(self.t.Sag))
        return select
