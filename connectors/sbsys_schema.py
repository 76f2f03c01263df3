"""The 23 SBSYS tables an event log is built from: every column, its SQL Server type, NOT NULL.

Transcribed from ../shared/SBSYS_SCHEMA.md (itself taken from the public DDL of `SbSysNetDrift`,
osdatascanner `docker/sbsys_db/0001_db_init.sql`, scripted 2024-05-27), in the same notation:
`Name:type` and ` NN` for NOT NULL. Every table also has `ID int IDENTITY` as primary key.
tests/test_connectors_sbsys_schema.py checks this module against the markdown, so the two
cannot drift; `connectors.sbsys_tables` builds the CREATE TABLE of each dialect from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COLUMN = re.compile(r"^(?P<name>\w+):(?P<type>[a-z]+)(?:\((?P<size>\d+|max)\))?(?P<nn> NN)?$")


@dataclass(frozen=True)
class SbsysColumn:
    """One column as SQL Server has it: `nvarchar` with size 50, `int`, `bit` NOT NULL, ..."""

    name: str
    type: str
    size: int | str | None
    not_null: bool


SBSYS_SCHEMA_TEXT: dict[str, str] = {
    "Sag": (
        "SagIdentity:uniqueidentifier NN, Nummer:nvarchar(50) NN, Titel:nvarchar(450) NN, "
        "ErBeskyttet:bit NN, Kommentar:nvarchar(4000), BevaringID:int, KommuneID:int, "
        "BehandlerID:int NN, SagsStatusID:int NN, CreatedByID:int NN, Created:datetime, "
        "LastChangedByID:int, LastChanged:datetime, YderligereMaterialeFindes:bit, "
        "YderligereMaterialeBeskrivelse:nvarchar(255), AmtID:int, ErBesluttet:bit, "
        "Besluttet:datetime, BeslutningsTypeID:int, BeslutningNotat:nvarchar(200), "
        "BeslutningDeadline:datetime, BeslutningHarDeadline:bit, ErSamlesag:bit, "
        "FagomraadeID:int, SecuritySetID:int, SagsNummerID:int, LastStatusChange:datetime, "
        "LastStatusChangeComments:nvarchar(400), Kassationsdato:datetime, SagsPartID:int, "
        "RegionID:int, KommuneFoer2007ID:int, Opstaaet:datetime, AnsaettelsesstedID:int NN, "
        "ArkivAfklaringStatusID:int NN, ArkivNote:ntext, StyringsreolHyldeID:int, SkabelonID:int, "
        "Sletningsdato:datetime"),
    "SagHistorikStatus": (
        "SagID:int NN, RegistreretAfID:int NN, FraSagsStatusID:int, TilSagsStatusID:int NN, "
        "Kommentar:nvarchar(255), Note:text, Tidspunkt:datetime NN, VarighedsMinuter:bigint"),
    "SagsStatus": (
        "Navn:nvarchar(50) NN, Orden:int NN, SagsTilstand:int NN, RequireComments:bit NN, "
        "IsDeleted:bit NN, SagsForklaede:int NN"),
    "SagsNummer": (
        "EmnePlanID:int NN, EmnePlanNummerID:int NN, FacetID:int, SekvensNummer:int NN, "
        "Aarstal:int NN"),
    "EmnePlanNummer": (
        "EmnePlanID:int NN, Nummer:nvarchar(50) NN, Navn:nvarchar(300) NN, Beskrivelse:ntext, "
        "Niveau:int, BevaringID:int, Oprettet:datetime, Rettet:datetime, Udgaaet:datetime, "
        "ErUdgaaet:bit"),
    "EmnePlan": (
        "Navn:nvarchar(100) NN, Beskrivelse:nvarchar(200), MinimumDelforloeb:int, "
        "MaximumDelforloeb:int, AnvendDelforloeb:bit NN, Separator:char(1), "
        "NummerFormat:nvarchar(100) NN, NummerFormatUdenFacet:nvarchar(100) NN, RequireFacet:bit "
        "NN, AllowChangingNummer:bit NN, EmnePlanNummerType:int NN, "
        "StandardSagsTitel:nvarchar(200) NN, NySagBeskyttes:bit NN, Version:varchar(50), "
        "TilladOprettlseUdFraudgaaetNummer:bit NN, BrugLavesteNiveau:bit NN"),
    "Facet": (
        "Nummer:nvarchar(10) NN, FacetTypeID:int NN, Navn:nvarchar(150) NN, Beskrivelse:ntext, "
        "ErBrugerDefineret:bit, BevaringID:int, OrgPK_ID:int, IsImportedField:bit, "
        "Oprettet:datetime, Rettet:datetime, Udgaaet:datetime"),
    "Dokument": (
        "DokumentArtID:int NN, Beskrivelse:nvarchar(255), OprettetAfID:int NN, Oprettet:datetime "
        "NN, DokumentType:int NN, ProcessStatus:int NN, YderligereMaterialeFindes:bit, "
        "YderligereMaterialeBeskrivelse:nvarchar(255), MailID:int, ParentDokumentID:int, "
        "Navn:nvarchar(200) NN, IsImported:bit NN, PaaPostliste:bit NN, "
        "PostlisteTitel:nvarchar(200), PostlisteBeskrivelse:nvarchar(255), ProcessPostAction:int "
        "NN, ImporteretFraKnownEksternSystemID:int, EksternId:nvarchar(50), IsParent:bit NN, "
        "IsComposite:bit NN, PrintDate:datetime, PrimaryDokumentDataInfoID:int, "
        "DeletedState:tinyint NN, DeletedDate:datetime, DeletedByID:int, "
        "DeletedReason:nvarchar(100), DeleteConfirmed:datetime, DeleteConfirmedByID:int, "
        "OmfattetAfAktindsigt:bit NN, AktindsigtKommentar:nvarchar(max), "
        "DokumentIdentity:uniqueidentifier NN, StatusTekst:nvarchar(200), FraKladdeID:int"),
    "DokumentArtOpslag": (
        "Navn:nvarchar(50) NN, UbeskyttetStandardMarkering:bit NN, MaaPubliseresPaaDagsorden:bit "
        "NN, UbeskyttetTilladAendring:bit NN, SagBeskyttetStandardMarkering:bit NN, "
        "SagBeskyttetTilladAendring:bit NN, DokumentBeskyttetStandardMarkering:bit NN, "
        "DokumentBeskyttetTilladAendring:bit NN, SagOgDokumentBeskyttetStandardMarkering:bit NN, "
        "SagOgDokumentBeskyttetTilladAendring:bit NN, DokumentArtIdentifier:uniqueidentifier NN"),
    "DokumentRegistrering": (
        "SagID:int NN, DokumentID:int NN, SagspartID:int, "
        "OprindeligSagspartAdresse:nvarchar(400), ErBeskyttet:bit NN, Registreret:datetime NN, "
        "RegistreretAfID:int NN, Beskrivelse:nvarchar(255), SecuritySetID:int, Navn:nvarchar(200) "
        "NN, DeletedState:tinyint NN, DeletedDate:datetime, DeletedByID:int, "
        "DeletedReason:nvarchar(100), DeleteConfirmed:datetime, DeleteConfirmedByID:int, "
        "DokumentRegistreringIdentity:uniqueidentifier NN"),
    "JournalArk": (
        "SagID:int NN"),
    "JournalArkNote": (
        "JournalArkID:int NN, OprettetAf:int NN, Oprettet:datetime NN, KontaktTidspunkt:datetime "
        "NN, Overskrift:nvarchar(255), Note:ntext, OmfattetAfAktindsigt:bit NN, "
        "SlettetDato:datetime, SlettetAfBrugerID:int, JournalArkNoteIdentity:uniqueidentifier NN, "
        "AktindsigtBeskrivelse:nvarchar(500)"),
    "Erindring": (
        "Navn:nvarchar(200) NN, Beskrivelse:nvarchar(500), ErindringTypeID:int NN, "
        "CreatedByID:int, Created:datetime, LastChangedByID:int, LastChanged:datetime, "
        "OpretterID:int NN, AnsvarligID:int NN, Uddelegeret:datetime, ErAfsluttet:bit NN, "
        "AfsluttetAfID:int, Afsluttet:datetime, ErAnnulleret:bit NN, AnnulleretAfID:int, "
        "Annulleret:datetime, SagID:int NN, DelforloebID:int, DokumentRegistreringID:int, "
        "KladdeRegistreringID:int, HarDeadline:bit, Deadline:datetime, "
        "AfsluttetNotat:nvarchar(500), PopupStatus:int NN, SagsPartID:int, "
        "DagsordenpunktsBehandlingID:int, KopierEfterUdfoerelse:bit NN, KopierTilID:int, "
        "ReturEfterUdfoerelse:bit NN, JournalArkNoteID:int, ProcessPostAction:int NN, "
        "SynligFra:datetime, SendSomMailRetryCount:int"),
    "Delforloeb": (
        "SagID:int NN, DelforloebTypeID:int NN, BehandlerID:int NN, BevaringID:int, "
        "KommuneID:int, KontorID:int, BeslutningsTypeID:int, Titel:nvarchar(254) NN, "
        "AfsendtFraSagsPart:datetime, Modtaget:datetime, ErBesluttet:bit, Besluttet:datetime, "
        "BeslutningNotat:nvarchar(200), ErTinglyst:bit, ErMoedeSag:bit, "
        "BeslutningHarDeadline:bit, BeslutningDeadline:datetime, Created:datetime, "
        "CreatedByID:int, LastChanged:datetime, LastChangedByID:int, SagspartID:int, "
        "SagspartRolleID:int, FagomraadeID:int, Orden:int, KommuneFoer2007ID:int"),
    "DelforloebType": (
        "Navn:nvarchar(100) NN, DelforloebTypeGruppeID:int NN"),
    "BeslutningsType": (
        "Navn:nvarchar(50) NN, BeslutningsTypeGruppeID:int NN, OrgPK_ID:int, IsImportedField:int"),
    "Bruger": (
        "LogonID:nvarchar(50) NN, LogonPassword:nvarchar(88), LogonSalt:nvarchar(88), "
        "LogonAlgorithm:nvarchar(6) NN, LogonIterations:int, LogonFailedAttemptCount:int NN, "
        "LogonTemporaryLockedExpiration:datetime, Navn:nvarchar(50) NN, Titel:nvarchar(50), "
        "Stilling:nvarchar(50), KontorID:int, FagomraadeID:int NN, Lokale:nvarchar(50), "
        "AdresseID:int, AnsaettelsesstedID:int NN, Status:int NN, EksternID:nvarchar(50), "
        "ObjectSid:nvarchar(50), UserPrincipalName:nvarchar(254), BrugerIdentity:uniqueidentifier "
        "NN, ErSystembruger:bit NN"),
    "Ansaettelsessted": (
        "Navn:nvarchar(100) NN, CustomAdID:nvarchar(50), Beskrivelse:nvarchar(300), "
        "PostAdresseID:int NN, FysiskAdresseID:int NN, Aabningstider:nvarchar(200), "
        "EanNummer:nvarchar(15), Leder:nvarchar(100), CvrNummer:nvarchar(12), "
        "PNummer:nvarchar(12), Fritekst1:nvarchar(200), Fritekst2:nvarchar(200), "
        "FagomraadeID:int, Indjournaliseringsfolder:nvarchar(300), DefaultEmneplanID:int, "
        "HierakiMedlemID:int NN, Webside:nvarchar(300), DefaultSagSecuritySetID:int, "
        "VisAdgangsListeVedOpretSag:bit, TilladBrugerAtSkiftePassword:bit NN, "
        "TilladPublicering:bit NN, EksterneAdviseringer:int NN, "
        "AutomatiskErindringVedJournalisering:bit NN, StandardAktindsigtVedJournalisering:bit NN, "
        "VisCPR:bit NN, AnsaettelsesstedIdentity:uniqueidentifier NN, VisCVR:bit NN"),
    "SagsPart": (
        "SagID:int NN, PartType:int NN, PartID:int NN, SagsPartRolleID:int, "
        "OprindeligAdresseID:int, Oprettet:datetime NN"),
    "SagsPartRolle": (
        "Navn:nvarchar(100) NN, Beskrivelse:nvarchar(500) NN"),
    "PartTypeOpslag": (
        "Navn:nvarchar(50) NN"),
    "Person": (
        "Initialer:nvarchar(10), Titel:nvarchar(50), Uddannelse:nvarchar(50), "
        "Stilling:nvarchar(50), Note:nvarchar(200), CprNummer:varchar(11), Koen:tinyint NN, "
        "AdresseID:int, ExternalSourceLastUpdate:datetime, ExternalSourceID:nvarchar(50), "
        "ExternalSourceName:nvarchar(50), Navn:nvarchar(300), FoedeDato:datetime, "
        "Ansaettelsessted:nvarchar(100), KontaktForm:int NN, CivilstandID:int, "
        "AegtefaelleCPR:varchar(11), MorCPR:varchar(11), FarCPR:varchar(11), KommuneID:int, "
        "PartOprydningsKeyCheckSum:int, TilmeldtDigitalPost:bit NN, "
        "PersonIdentity:uniqueidentifier NN"),
    "Firma": (
        "AdresseID:int, Navn1:nvarchar(200), Navn2:nvarchar(200), CVRNummer:varchar(8), "
        "SENummer:varchar(8), PNummer:varchar(10), Homepage:varchar(400), "
        "ExternalSourceLastUpdate:datetime, ExternalSourceID:nvarchar(50), "
        "ExternalSourceName:nvarchar(50), EANNummer:varchar(13), KontaktForm:int NN, "
        "BrancheID:int, AntalAnsatte:int, Note:nvarchar(200), KommuneID:int, "
        "PartOprydningsKeyCheckSum:int, ErJuridiskEnhed:bit, JuridiskEnhedAdresseID:int, "
        "TilmeldtDigitalPost:bit NN, FirmaIdentity:uniqueidentifier NN"),}


def parse_columns(text: str) -> tuple[SbsysColumn, ...]:
    """The columns of one table from its `Name:type(size) NN, ...` text."""
    columns = []
    for piece in text.split(", "):
        match = _COLUMN.match(piece.strip())
        if match is None:
            raise ValueError(f"cannot read the SBSYS column {piece!r}")
        size = match["size"]
        columns.append(SbsysColumn(match["name"], match["type"],
                                   int(size) if size and size.isdigit() else size,
                                   match["nn"] is not None))
    return tuple(columns)


SBSYS_SCHEMA: dict[str, tuple[SbsysColumn, ...]] = {
    table: parse_columns(text) for table, text in SBSYS_SCHEMA_TEXT.items()}
