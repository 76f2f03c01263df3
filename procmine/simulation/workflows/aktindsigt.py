"""Aktindsigt (access to records, offentlighedsloven): decided within 7 working days of receipt.

Shape (DOMAIN.md, assumed): decision median about 4 working days, about 85 % within 7,
a tail to about 40; a fristbrev tells the requester when the deadline cannot be kept.
"""

from __future__ import annotations

import numpy as np

from procmine.simulation.batch import CaseBatch
from procmine.simulation.spec import Team, WorkflowSpec

DEADLINE_WORKING_DAYS = 7


def simulate(batch: CaseBatch) -> None:
    """Anmodning modtaget → Journaliseret → Afgrænsning → (Høring af tredjepart) → Vurdering af
    undtagelser → (Fristbrev sendt) → Afgørelse → Dokumenter udleveret."""
    received, requester, outcome = _open_requests(batch)
    batch.emit("Anmodning modtaget", received)

    jurist = batch.staff("jurist")
    logged = batch.office(received, median=0.15, sigma=0.9)
    batch.emit("Journaliseret", logged, batch.staff("journal"))
    scoped = batch.office(logged, median=0.6, sigma=0.6)
    batch.emit("Afgrænsning", scoped, jurist)

    third_party = batch.chance(np.where(requester == "virksomhed", 0.35, 0.08))
    hearing = batch.office(scoped, median=0.3, sigma=0.6)
    batch.emit("Høring af tredjepart", hearing, jurist, where=third_party)
    answered = batch.later(hearing, median_days=5.0, sigma=0.3)  # parties get about a week
    ready = np.where(third_party, answered, scoped)

    extensive = batch.chance(0.08)  # many documents: a long, long-tailed review
    review_days = np.where(extensive, 9.0, 2.0)
    assessed = batch.office(ready, median=review_days, sigma=0.6)
    batch.emit("Vurdering af undtagelser", assessed, jurist)

    jurist = batch.handover(jurist, "jurist", 0.08)
    decided = batch.office(assessed, median=0.5, sigma=0.8)
    late = batch.calendar.business_days_between(received, decided) > DEADLINE_WORKING_DAYS
    batch.emit("Fristbrev sendt", batch.between(assessed, decided), jurist, where=late & batch.chance(0.8))
    signer = np.where(outcome == "afslag", batch.staff("leder"), jurist)
    batch.emit("Afgørelse", decided, signer)

    handed_over = batch.office(decided, median=0.2, sigma=0.9)
    released = outcome != "afslag"
    batch.emit("Dokumenter udleveret", handed_over, jurist, where=released)
    batch.close(np.where(released, handed_over, decided))


def _open_requests(batch: CaseBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Receipt times, requester kinds and outcomes; sets the case attributes."""
    channel = batch.choose({"e-mail": 45, "Digital Post": 30, "borger.dk form": 20, "letter": 5})
    requester = batch.choose({"borger": 60, "journalist": 15, "virksomhed": 15, "advokat": 10})
    outcome = batch.choose({"fuld aktindsigt": 55, "delvis aktindsigt": 35, "afslag": 10})
    received = batch.arrivals(office_channel=channel == "letter")
    batch.open(received, kle=batch.choose({"00.01.10": 30, "02.34.02": 25, "27.24.00": 20,
                                           "17.02.00": 15, "85.02.02": 10}),
               facet=np.full(batch.size, "A53", dtype=object),
               department=batch.choose({"Borgmesterens Afdeling": 30, "Teknik og Miljø": 35,
                                        "Social og Sundhed": 20, "Børn og Læring": 15}),
               channel=channel, category=requester, outcome=outcome)
    return received, requester, outcome


SPEC = WorkflowSpec(
    name="aktindsigt", number=1, prefix="AKT",
    activities=("Anmodning modtaget", "Journaliseret", "Afgrænsning", "Høring af tredjepart",
                "Vurdering af undtagelser", "Fristbrev sendt", "Afgørelse", "Dokumenter udleveret"),
    teams=(Team("jurist", "jurist", "Jura og Sekretariat", 6),
           Team("journal", "journalmedarbejder", "Dokumenthåndtering", 4),
           Team("leder", "leder", "Jura og Sekretariat", 1)),
    simulate=simulate,
)
