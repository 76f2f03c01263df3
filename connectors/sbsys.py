"""The SBSYS preset: event sources and case attributes for SBSYS's schema, as source plans.

Events: Sag oprettet, Status: <name> (names looked up in SagsStatus), Dokument journaliseret
(<kind>), Journalnotat, Erindring oprettet/afsluttet, Delforløb modtaget/besluttet, Afgørelse.
Resource: the pseudonymised user; `org_unit`: the user's workplace in clear. Protected cases
(ErBeskyttet) are left out unless asked for. No free text (titles, notes, names) is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from connectors.pseudonymise import load_pseudonymiser
from connectors.config import DEFAULT_KEY_ENV
from connectors.runner import Extraction
from connectors.sbsys_tables import SbsysTables, sbsys_tables
from connectors.sql import ATTRIBUTE_PREFIX, CURSOR, FIELD_PREFIX, KEY_PREFIX, CasePlan, SourcePlan


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


def sbsys_extraction(url: str, output: str | Path, options: SbsysOptions = SbsysOptions()
                     ) -> Extraction:
    """The extraction job for an SBSYS database at `url` into the dataset `output`."""
    tables = sbsys_tables(options.schema)
    pseudonyms = load_pseudonymiser(options.pseudonymise, options.key_env, options.key_id)
    return Extraction(
        url=url, plans=sbsys_plans(tables, options.include_protected),
        cases=sbsys_case_plan(tables, options.include_protected), output=Path(output),
        pseudonyms=pseudonyms, timezone=options.timezone,
        lookback=dt.timedelta(hours=options.lookback_hours), chunk_size=options.chunk_size,
        source_info={"connector": "sbsys", "protected_cases": options.include_protected})


def sbsys_plans(t: SbsysTables, include_protected: bool = False) -> list[SourcePlan]:
    """One plan per SBSYS event kind."""
    sag, status, reminder, sub = t.Sag, t.SagHistorikStatus, t.Erindring, t.Delforloeb
    registration, note = t.DokumentRegistrering, t.JournalArkNote
    document_from = registration.outerjoin(t.Dokument, t.Dokument.c.ID == registration.c.DokumentID) \
        .outerjoin(t.DokumentArt, t.DokumentArt.c.ID == t.Dokument.c.DokumentArtID)
    kind = sa.func.coalesce(t.DokumentArt.c.Navn, sa.literal("ukendt"))
    not_cancelled = sa.func.coalesce(reminder.c.Annulleret, sa.false()) == sa.false()
    note_from = note.join(t.JournalArk, t.JournalArk.c.ID == note.c.JournalArkID)
    plan = _Planner(t, include_protected)
    return [
        plan("sag_oprettet", sag, sag.c.ID, "Sag oprettet", sag.c.Created, sag.c.CreatedByID, sag.c.ID),
        plan("status", status.join(t.SagsStatus, t.SagsStatus.c.ID == status.c.TilSagsStatusID),
             status.c.SagID, "Status: {status}", status.c.Tidspunkt, status.c.RegistreretAfID,
             status.c.ID, {"status": t.SagsStatus.c.Navn}),
        plan("dokument", document_from, registration.c.SagID, "Dokument journaliseret ({kind})",
             registration.c.Registreret, registration.c.RegistreretAfID, registration.c.ID,
             {"kind": kind}),
        plan("journalnotat", note_from, t.JournalArk.c.SagID, "Journalnotat", note.c.Oprettet,
             note.c.OprettetAf, note.c.ID),
        plan("erindring_oprettet", reminder, reminder.c.SagID, "Erindring oprettet",
             reminder.c.Created, None, reminder.c.ID),
        plan("erindring_afsluttet", reminder, reminder.c.SagID, "Erindring afsluttet",
             reminder.c.Afsluttet, reminder.c.AfsluttetAfID, reminder.c.ID, where=not_cancelled),
        plan("delforloeb_modtaget", sub, sub.c.SagID, "Delforløb modtaget", sub.c.Modtaget,
             sub.c.BehandlerID, sub.c.ID),
        plan("delforloeb_besluttet", sub, sub.c.SagID, "Delforløb besluttet", sub.c.Besluttet,
             sub.c.BehandlerID, sub.c.ID),
        plan("afgoerelse", sag, sag.c.ID, "Afgørelse", sag.c.Besluttet, sag.c.BehandlerID, sag.c.ID),
    ]


def sbsys_case_plan(t: SbsysTables, include_protected: bool = False) -> CasePlan:
    """Case attributes: KLE number, facet, org unit, case type (KLE title), dates."""
    sag = t.Sag
    rows = sag.outerjoin(t.SagsNummer, t.SagsNummer.c.ID == sag.c.SagsNummerID) \
        .outerjoin(t.EmnePlanNummer, t.EmnePlanNummer.c.ID == t.SagsNummer.c.EmnePlanNummerID) \
        .outerjoin(t.Facet, t.Facet.c.ID == t.SagsNummer.c.FacetID) \
        .outerjoin(t.Ansaettelsessted, t.Ansaettelsessted.c.ID == sag.c.AnsaettelsesstedID)
    attributes = {"kle": t.EmnePlanNummer.c.Nummer, "facet": t.Facet.c.Nummer,
                  "org_unit": t.Ansaettelsessted.c.Navn, "case_type": t.EmnePlanNummer.c.Navn,
                  "opened_at": sag.c.Created, "decided_at": sag.c.Besluttet,
                  "decision_deadline": sag.c.BeslutningDeadline}
    select = sa.select(sag.c.ID.label("case_id"),
                       *[column.label(f"{ATTRIBUTE_PREFIX}{name}") for name, column in attributes.items()]
                       ).select_from(rows)
    if not include_protected:
        select = select.where(_not_protected(sag))
    types = {name: "timestamp" if name in ("opened_at", "decided_at", "decision_deadline")
             else "string" for name in attributes}
    return CasePlan(select, types)


def _not_protected(sag: sa.Table) -> sa.ColumnElement:
    return sa.func.coalesce(sag.c.ErBeskyttet, sa.false()) == sa.false()


class _Planner:
    """Builds one labelled SELECT per event kind, joined to the case and the acting user."""

    def __init__(self, tables: SbsysTables, include_protected: bool):
        self.t, self.include_protected = tables, include_protected

    def __call__(self, name, rows, case_id, template, timestamp, user, row_id, fields=None,
                 where=None) -> SourcePlan:
        sag = self.t.Sag
        if rows is not sag and case_id.table is not sag:
            rows = rows.join(sag, sag.c.ID == case_id)
        columns = [case_id.label("case_id"), timestamp.label("timestamp")]
        columns += [value.label(f"{FIELD_PREFIX}{key}") for key, value in (fields or {}).items()]
        if user is not None:
            actor = self.t.Bruger.alias(f"actor_{name}")
            unit = self.t.Ansaettelsessted.alias(f"actor_unit_{name}")
            rows = rows.outerjoin(actor, actor.c.ID == user) \
                .outerjoin(unit, unit.c.ID == actor.c.AnsaettelsesstedID)
            columns += [user.label("resource"), unit.c.Navn.label(f"{ATTRIBUTE_PREFIX}org_unit")]
        else:
            columns.append(sa.null().label(f"{ATTRIBUTE_PREFIX}org_unit"))
        columns += [row_id.label(f"{KEY_PREFIX}0"), timestamp.label(CURSOR)]
        select = sa.select(*columns).select_from(rows).where(timestamp.is_not(None))
        if where is not None:
            select = select.where(where)
        if not self.include_protected:
            select = select.where(_not_protected(sag))
        return SourcePlan(name, select, timestamp, template, {"org_unit": "string"},
                          cursor_is_timestamp=True)
