"""SBSYS tables (the part procmine reads) as SQLAlchemy Core: names are quoted by SQLAlchemy.

Column names follow the public SBSYS schema (see DOMAIN.md). `DokumentArt` (document kind
names) and `EmnePlanNummer.Navn` (KLE title as the case type) are *assumed* columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# MariaDB keeps no fractions of seconds in DATETIME unless told to.
DateTime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
Text = sa.String(400)


@dataclass(frozen=True)
class SbsysTables:
    """The SBSYS tables of one database schema."""

    metadata: sa.MetaData
    Ansaettelsessted: sa.Table
    Bruger: sa.Table
    SagsStatus: sa.Table
    EmnePlanNummer: sa.Table
    Facet: sa.Table
    SagsNummer: sa.Table
    Sag: sa.Table
    SagHistorikStatus: sa.Table
    DokumentArt: sa.Table
    Dokument: sa.Table
    DokumentRegistrering: sa.Table
    JournalArk: sa.Table
    JournalArkNote: sa.Table
    Erindring: sa.Table
    Delforloeb: sa.Table


def _id() -> sa.Column:
    return sa.Column("ID", sa.Integer, primary_key=True, autoincrement=False)


def _ref(name: str, table: str | None = None, nullable: bool = True) -> sa.Column:
    del table  # documents the target; no foreign keys, like many SBSYS copies
    return sa.Column(name, sa.Integer, nullable=nullable)


def sbsys_tables(schema: str | None = None) -> SbsysTables:
    """Table objects for SBSYS in `schema` (e.g. 'dbo' on MS SQL Server; None: the default)."""
    md = sa.MetaData(schema=schema)
    t = sa.Table
    return SbsysTables(
        md,
        t("Ansaettelsessted", md, _id(), sa.Column("Navn", Text)),
        t("Bruger", md, _id(), sa.Column("Navn", Text), sa.Column("LogonID", Text),
          _ref("AnsaettelsesstedID", "Ansaettelsessted")),
        t("SagsStatus", md, _id(), sa.Column("Navn", Text), sa.Column("SagsTilstand", sa.Integer)),
        t("EmnePlanNummer", md, _id(), sa.Column("Nummer", Text), sa.Column("Navn", Text)),
        t("Facet", md, _id(), sa.Column("Nummer", Text), sa.Column("Navn", Text)),
        t("SagsNummer", md, _id(), _ref("EmnePlanNummerID", "EmnePlanNummer"),
          _ref("FacetID", "Facet")),
        t("Sag", md, _id(), sa.Column("Nummer", Text), sa.Column("Titel", Text),
          sa.Column("ErBeskyttet", sa.Boolean, nullable=False), _ref("BehandlerID", "Bruger"),
          _ref("SagsStatusID", "SagsStatus"), sa.Column("Created", DateTime),
          _ref("CreatedByID", "Bruger"), sa.Column("Opstaaet", DateTime),
          sa.Column("Besluttet", DateTime), sa.Column("BeslutningDeadline", DateTime),
          _ref("SagsNummerID", "SagsNummer"), _ref("AnsaettelsesstedID", "Ansaettelsessted")),
        t("SagHistorikStatus", md, _id(), _ref("SagID", "Sag", False),
          _ref("FraSagsStatusID", "SagsStatus"), _ref("TilSagsStatusID", "SagsStatus"),
          sa.Column("Tidspunkt", DateTime), _ref("RegistreretAfID", "Bruger"),
          sa.Column("Kommentar", Text)),
        t("DokumentArt", md, _id(), sa.Column("Navn", Text)),
        t("Dokument", md, _id(), sa.Column("Navn", Text), _ref("DokumentArtID", "DokumentArt")),
        t("DokumentRegistrering", md, _id(), _ref("SagID", "Sag", False),
          _ref("DokumentID", "Dokument"), sa.Column("Registreret", DateTime),
          _ref("RegistreretAfID", "Bruger")),
        t("JournalArk", md, _id(), _ref("SagID", "Sag", False)),
        t("JournalArkNote", md, _id(), _ref("JournalArkID", "JournalArk", False),
          sa.Column("Oprettet", DateTime), _ref("OprettetAf", "Bruger"),
          sa.Column("Overskrift", Text), sa.Column("Note", sa.Text)),
        t("Erindring", md, _id(), _ref("SagID", "Sag", False), sa.Column("Created", DateTime),
          sa.Column("Deadline", DateTime), sa.Column("Afsluttet", DateTime),
          _ref("AfsluttetAfID", "Bruger"), sa.Column("Annulleret", sa.Boolean)),
        t("Delforloeb", md, _id(), _ref("SagID", "Sag", False), sa.Column("Modtaget", DateTime),
          sa.Column("Besluttet", DateTime), _ref("BehandlerID", "Bruger")),
    )
