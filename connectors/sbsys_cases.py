"""SBSYS case attributes, with the citizen of each case from its parties (SagsPart).

`citizen`: the case's person party, `SagsPart` (part type found by name in `PartTypeOpslag`,
never by id) → `Person.CprNummer`, hashed in any written form (010190-1234 = 0101901234), so it
is one pseudonym per person across all cases and departments. With several person parties the
case's primary party (`Sag.SagsPartID`) wins, else the earliest registered party (lowest
`SagsPart.ID`). A person without a CPR number is keyed by the `Person` row instead. `company`:
the same for company parties, from `Firma.CVRNummer`. Both are absent when the case has no such
party, and left out altogether when pseudonymisation is off.
"""

from __future__ import annotations

import sqlalchemy as sa

from connectors.config import CITIZEN_ATTRIBUTE
from connectors.sbsys_tables import SbsysTables
from connectors.sql import ATTRIBUTE_PREFIX, CasePlan

PERSON_PART_TYPE = "Person"
COMPANY_PART_TYPE = "Firma"
COMPANY_ATTRIBUTE = "company"
_TIMESTAMPS = ("opened_at", "decided_at", "decision_deadline")


def not_protected(sag: sa.Table) -> sa.ColumnElement:
    """Cases that are not protected (Sag.ErBeskyttet false)."""
    return sa.func.coalesce(sag.c.ErBeskyttet, sa.false()) == sa.false()


def sbsys_case_plan(t: SbsysTables, include_protected: bool = False,
                    parties: tuple[str, str] | None = None) -> CasePlan:
    """Case attributes: KLE, facet, org unit, case type, status, dates, decision; citizen and
    company when `parties` names the (person, company) part types."""
    sag, number, status = t.Sag, t.SagsNummer, t.SagsStatus
    rows = sag.outerjoin(number, sag.c.SagsNummerID == number.c.ID) \
        .outerjoin(t.EmnePlanNummer, number.c.EmnePlanNummerID == t.EmnePlanNummer.c.ID) \
        .outerjoin(t.Facet, number.c.FacetID == t.Facet.c.ID) \
        .outerjoin(t.Ansaettelsessted, sag.c.AnsaettelsesstedID == t.Ansaettelsessted.c.ID) \
        .outerjoin(status, sag.c.SagsStatusID == status.c.ID) \
        .outerjoin(t.BeslutningsType, sag.c.BeslutningsTypeID == t.BeslutningsType.c.ID)
    decided = sa.func.coalesce(sag.c.ErBesluttet, sa.true()) == sa.true()
    attributes = {
        "kle": t.EmnePlanNummer.c.Nummer, "facet": t.Facet.c.Nummer,
        "org_unit": t.Ansaettelsessted.c.Navn, "case_type": t.EmnePlanNummer.c.Navn,
        "status": status.c.Navn, "opened_at": sag.c.Created,
        "decided_at": sa.case((decided, sag.c.Besluttet), else_=sa.null()),
        "decision_deadline": sa.case((sag.c.BeslutningHarDeadline == sa.true(),
                                      sag.c.BeslutningDeadline), else_=sa.null()),
        "decision_type": sa.case((decided, t.BeslutningsType.c.Navn), else_=sa.null())}
    citizens: frozenset[str] = frozenset()
    if parties is not None:
        person_type, company_type = parties
        rows, attributes[CITIZEN_ATTRIBUTE] = _join_party(
            rows, t, person_type, t.Person, t.Person.c.CprNummer, "person", "citizen")
        rows, attributes[COMPANY_ATTRIBUTE] = _join_party(
            rows, t, company_type, t.Firma, t.Firma.c.CVRNummer, "firma", "company")
        citizens = frozenset({CITIZEN_ATTRIBUTE, COMPANY_ATTRIBUTE})
    select = sa.select(sag.c.ID.label("case_id"),
                       *[column.label(f"{ATTRIBUTE_PREFIX}{name}") for name, column in attributes.items()]
                       ).select_from(rows)
    if not include_protected:
        select = select.where(not_protected(sag))
    types = {name: "timestamp" if name in _TIMESTAMPS else "string" for name in attributes}
    return CasePlan(select, types, citizen_attributes=citizens)


def _join_party(rows, t: SbsysTables, part_type: str, party: sa.Table, number: sa.Column,
                row_prefix: str, name: str):
    """`rows` joined to the case's party of a type (its primary party if of that type, else the
    earliest registered), and that party's id: CPR/CVR number, else `<prefix>:<row id>`.

    The party is chosen by one grouped pass over SagsPart, joined once: no per-case subquery,
    so the cost does not depend on an index on SagsPart.SagID.
    """
    sag, part, kinds = t.Sag, t.SagsPart, t.PartTypeOpslag
    primary = sa.case((sag.c.SagsPartID == part.c.ID, part.c.ID), else_=sa.null())
    chosen = sa.select(part.c.SagID.label("SagID"),
                       sa.func.coalesce(sa.func.min(primary), sa.func.min(part.c.ID)).label("PartRow")) \
        .select_from(part.join(kinds, part.c.PartType == kinds.c.ID)
                     .join(sag, part.c.SagID == sag.c.ID)) \
        .where(sa.func.lower(kinds.c.Navn) == sa.func.lower(sa.literal(part_type))) \
        .group_by(part.c.SagID).subquery(f"{name}_part")
    chosen_part = part.alias(f"{name}_sagspart")
    party_row = party.alias(f"{name}_party")
    rows = rows.outerjoin(chosen, chosen.c.SagID == sag.c.ID) \
        .outerjoin(chosen_part, chosen.c.PartRow == chosen_part.c.ID) \
        .outerjoin(party_row, chosen_part.c.PartID == party_row.c.ID)
    digits = sa.func.nullif(sa.func.ltrim(sa.func.rtrim(party_row.c[number.name])), "")
    row_key = sa.literal(f"{row_prefix}:") + sa.cast(party_row.c.ID, sa.String(12))
    return rows, sa.case((party_row.c.ID.is_(None), sa.null()), else_=sa.func.coalesce(digits, row_key))
