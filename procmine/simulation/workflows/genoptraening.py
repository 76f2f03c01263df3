"""Genoptræning (rehabilitation after discharge, sundhedsloven § 140): first training within 7 days.

Shape (DOMAIN.md, assumed): about 10 % of the first trainings start late.
"""

from __future__ import annotations

import numpy as np

from procmine.simulation.batch import CaseBatch
from procmine.simulation.spec import Team, WorkflowSpec

FIRST_TRAINING_DAYS = 7  # calendar days from discharge (the plan) to the first training
MAX_SESSIONS = 20


def simulate(batch: CaseBatch) -> None:
    """Genoptræningsplan modtaget → Borger kontaktet → Første træning → Træning (repeated) →
    Afsluttende status → Afsluttet."""
    level = batch.choose({"almen genoptræning": 80, "avanceret genoptræning": 20})
    general = level == "almen genoptræning"
    channel = batch.choose({"MedCom": 95, "letter": 5})
    received = batch.arrivals(office_channel=channel == "letter")
    batch.open(received, kle=np.where(general, "29.09.04", "29.09.06").astype(object),
               facet=np.full(batch.size, "G01", dtype=object),
               department=np.full(batch.size, "Sundhed og Omsorg", dtype=object),
               channel=channel, category=level)
    batch.emit("Genoptræningsplan modtaget", received)

    contacted = batch.office(received, median=0.8, sigma=0.6)
    batch.emit("Borger kontaktet", contacted, batch.staff("visitation"))
    therapist = np.where(general, batch.staff("fysio"), batch.staff("ergo"))
    planned = batch.later_in_office(received, median_days=3.5, sigma=0.45)
    # Never before the citizen has been contacted: then the next free slot.
    first = np.maximum(planned, batch.office(contacted, median=0.3, sigma=0.5))
    batch.emit("Første træning", first, therapist)

    sessions = np.minimum(2 + batch.rng.poisson(np.where(general, 6, 10)), MAX_SESSIONS)
    last = first
    for session in range(MAX_SESSIONS):
        held = session < sessions
        therapist = np.where(general, batch.handover(therapist, "fysio", 0.02),
                             batch.handover(therapist, "ergo", 0.02))
        when = batch.later_in_office(last, median_days=3.5, sigma=0.35)
        batch.emit("Træning", when, therapist, where=held)
        last = np.where(held, when, last)

    status = batch.later_in_office(last, median_days=3.0, sigma=0.5)
    batch.emit("Afsluttende status", status, therapist)
    ended = batch.office(status, median=1.0, sigma=0.8)
    batch.emit("Afsluttet", ended, batch.staff("visitation"))
    batch.close(ended)


SPEC = WorkflowSpec(
    name="genoptraening", number=4, prefix="GEN",
    activities=("Genoptræningsplan modtaget", "Borger kontaktet", "Første træning", "Træning",
                "Afsluttende status", "Afsluttet"),
    teams=(Team("fysio", "fysioterapeut", "Genoptræningscenter", 8),
           Team("ergo", "ergoterapeut", "Genoptræningscenter", 4),
           Team("visitation", "administrativ medarbejder", "Genoptræningscenter", 2)),
    simulate=simulate,
)
