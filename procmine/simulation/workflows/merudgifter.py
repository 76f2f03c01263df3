"""Merudgifter (serviceloven § 100, extra costs of a disability): decided within 12 weeks.

Shape (DOMAIN.md, assumed): deadlines kept in 80-90 % of cases; 10-15 % of decisions appealed,
after which the municipality reconsiders (genvurdering) within four weeks.
"""

from __future__ import annotations

import numpy as np

from procmine.simulation.batch import CaseBatch
from procmine.simulation.spec import Team, WorkflowSpec

DEADLINE_DAYS = 84  # 12 weeks


def simulate(batch: CaseBatch) -> None:
    """Ansøgning modtaget → Kvittering sendt → Oplysninger indhentet → Partshøring → Afgørelse →
    Udbetaling iværksat → (Klage → Genvurdering)."""
    channel = batch.choose({"borger.dk form": 60, "Digital Post": 20, "e-mail": 10, "letter": 10})
    outcome = batch.choose({"bevilget": 70, "delvis bevilget": 15, "afslag": 15})
    received = batch.arrivals(office_channel=channel == "letter")
    batch.open(received, kle=np.full(batch.size, "27.24.06", dtype=object),
               facet=np.full(batch.size, "G01", dtype=object),
               department=np.full(batch.size, "Social og Sundhed", dtype=object),
               channel=channel, category=np.full(batch.size, "voksne", dtype=object), outcome=outcome)
    batch.emit("Ansøgning modtaget", received)

    social_worker = batch.staff("myndighed")
    receipt = batch.office(received, median=1.0, sigma=0.7)
    batch.emit("Kvittering sendt", receipt, batch.staff("administration"))
    gathered = batch.later_in_office(receipt, median_days=28.0, sigma=0.75)
    batch.emit("Oplysninger indhentet", gathered, social_worker)
    hearing = batch.office(gathered, median=2.0, sigma=0.6)
    batch.emit("Partshøring", hearing, social_worker)
    social_worker = batch.handover(social_worker, "myndighed", 0.12)
    decided = batch.later_in_office(hearing, median_days=15.0, sigma=0.25)  # two weeks to comment
    batch.emit("Afgørelse", decided, social_worker)

    granted = outcome != "afslag"
    paid = batch.office(decided, median=3.0, sigma=0.6)
    batch.emit("Udbetaling iværksat", paid, batch.staff("ydelse"), where=granted)
    appealed = batch.chance(np.where(outcome == "bevilget", 0.05, 0.35))
    after = np.where(granted, paid, decided)
    complaint = np.minimum(batch.later(decided, median_days=14.0, sigma=0.5), decided + 28 * 86_400_000_000)
    complaint = np.maximum(complaint, after + 3_600_000_000)
    batch.emit("Klage", complaint, where=appealed)
    reconsidered = batch.later_in_office(complaint, median_days=18.0, sigma=0.3)
    batch.emit("Genvurdering", reconsidered, social_worker, where=appealed)
    batch.close(np.where(appealed, reconsidered, after))


SPEC = WorkflowSpec(
    name="merudgifter", number=5, prefix="MER",
    activities=("Ansøgning modtaget", "Kvittering sendt", "Oplysninger indhentet", "Partshøring",
                "Afgørelse", "Udbetaling iværksat", "Klage", "Genvurdering"),
    teams=(Team("myndighed", "socialrådgiver", "Myndighed Voksne", 6),
           Team("administration", "administrativ medarbejder", "Myndighed Voksne", 2),
           Team("ydelse", "økonomimedarbejder", "Ydelseskontoret", 2)),
    simulate=simulate,
)
