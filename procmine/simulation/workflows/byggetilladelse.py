"""Byggetilladelse (building permit): service target from *Sag fuldt oplyst* to decision.

Shape (DOMAIN.md, assumed): a mangelbrev in about half of the cases, sometimes repeated;
decision median about 25 calendar days after *fuldt oplyst*; targets 40 days for
single-family houses, 50 for industry, 60 for multi-storey buildings.
"""

from __future__ import annotations

import numpy as np

from procmine.simulation.batch import CaseBatch
from procmine.simulation.spec import Team, WorkflowSpec

SERVICE_TARGET_DAYS = {"enfamiliehus": 40, "erhverv og industri": 50, "etagebyggeri": 60}
MAX_ROUNDS = 4  # of mangelbrev → supplerende oplysninger


def simulate(batch: CaseBatch) -> None:
    """Ansøgning modtaget → Kvittering → Screening → (Mangelbrev → Supplerende oplysninger modtaget)* →
    Sag fuldt oplyst → (Høring af myndigheder) → Afgørelse → Byggeri påbegyndt → Færdigmelding →
    Ibrugtagningstilladelse."""
    building = batch.choose({"enfamiliehus": 70, "erhverv og industri": 20, "etagebyggeri": 10})
    outcome = batch.choose({"tilladelse": 80, "dispensation": 15, "afslag": 5})
    channel = batch.choose({"Byg og Miljø": 95, "e-mail": 5})
    received = batch.arrivals(office_channel=np.zeros(batch.size, dtype=bool))
    kle = np.select([building == "enfamiliehus", building == "erhverv og industri"],
                    ["02.34.02", "02.34.04"], "02.34.03")
    batch.open(received, kle=kle, facet=np.full(batch.size, "G01", dtype=object),
               department=np.full(batch.size, "Teknik og Miljø", dtype=object),
               channel=channel, category=building, outcome=outcome)
    batch.emit("Ansøgning modtaget", received)

    caseworker = batch.staff("byg")
    receipt = batch.office(received, median=0.4, sigma=0.8)
    batch.emit("Kvittering", receipt, batch.staff("administration"))
    screened = batch.later_in_office(receipt, median_days=5.0, sigma=0.6)
    batch.emit("Screening", screened, caseworker)
    complete = _missing_information(batch, screened, caseworker)

    informed = batch.office(complete, median=0.8, sigma=0.7)
    batch.emit("Sag fuldt oplyst", informed, caseworker)
    hearing = batch.chance(np.where(outcome == "dispensation", 0.6, 0.15))
    median_days = np.select([building == "enfamiliehus", building == "erhverv og industri"], [21.0, 26.0], 30.0)
    decided = batch.later_in_office(informed, median_days=median_days * np.where(hearing, 1.4, 1.0), sigma=0.5)
    batch.emit("Høring af myndigheder", batch.between(informed, decided), caseworker, where=hearing)
    caseworker = batch.handover(caseworker, "byg", 0.1)
    batch.emit("Afgørelse", decided, caseworker)

    permitted = outcome != "afslag"
    started = batch.later(decided, median_days=14.0, sigma=0.8)
    batch.emit("Byggeri påbegyndt", started, where=permitted)
    finished = batch.later(started, median_days=60.0, sigma=0.5)
    batch.emit("Færdigmelding", finished, where=permitted)
    occupied = batch.later_in_office(finished, median_days=6.0, sigma=0.6)
    batch.emit("Ibrugtagningstilladelse", occupied, caseworker, where=permitted)
    batch.close(np.where(permitted, occupied, decided))


def _missing_information(batch: CaseBatch, screened: np.ndarray, caseworker: np.ndarray) -> np.ndarray:
    """Rounds of mangelbrev and answers: about half the cases get one, some more; gives when complete."""
    pending = batch.chance(0.5)
    now = screened
    for _ in range(MAX_ROUNDS):
        letter = batch.office(now, median=0.5, sigma=0.6)
        batch.emit("Mangelbrev", letter, caseworker, where=pending)
        answer = batch.later(letter, median_days=9.0, sigma=0.7)
        batch.emit("Supplerende oplysninger modtaget", answer, where=pending)
        now = np.where(pending, answer, now)
        pending &= batch.chance(0.3)
    return now


SPEC = WorkflowSpec(
    name="byggetilladelse", number=3, prefix="BYG",
    activities=("Ansøgning modtaget", "Kvittering", "Screening", "Mangelbrev",
                "Supplerende oplysninger modtaget", "Sag fuldt oplyst", "Høring af myndigheder",
                "Afgørelse", "Byggeri påbegyndt", "Færdigmelding", "Ibrugtagningstilladelse"),
    teams=(Team("byg", "byggesagsbehandler", "Byg", 8),
           Team("administration", "administrativ medarbejder", "Byg", 2)),
    simulate=simulate,
)
