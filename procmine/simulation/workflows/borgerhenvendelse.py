"""Borgerhenvendelse (a citizen's mail or call): receipt within 5 working days, answer within 10.

Shape (assumed): most receipts the same day, about 85 % answered within 10 working days;
complaints (facet K02) are forwarded more often and take longer.
"""

from __future__ import annotations

import numpy as np

from procmine.simulation.batch import CaseBatch
from procmine.simulation.spec import Team, WorkflowSpec

RECEIPT_WORKING_DAYS = 5
ANSWER_WORKING_DAYS = 10


def simulate(batch: CaseBatch) -> None:
    """Henvendelse modtaget → Fordelt → Kvittering → (Videresendt) → Svar sendt → Afsluttet."""
    channel = batch.choose({"e-mail": 45, "Digital Post": 20, "borger.dk form": 20, "phone": 10, "letter": 5})
    topic = batch.choose({"forespørgsel": 90, "klage": 10})
    complaint = topic == "klage"
    received = batch.arrivals(office_channel=(channel == "phone") | (channel == "letter"))
    batch.open(received, kle=batch.choose({"00.01.00": 40, "00.06.00": 20, "27.00.00": 20, "02.00.00": 20}),
               facet=np.where(complaint, "K02", "G01").astype(object),
               department=np.full(batch.size, "Borgerservice", dtype=object),
               channel=channel, category=topic)
    batch.emit("Henvendelse modtaget", received)

    clerk = batch.staff("borgerservice")
    sorted_at = batch.office(received, median=0.2, sigma=0.9)
    sorter = batch.staff("borgerservice")   # drawn in both modes, so the samples' random stream stays as it was
    # With slow-down drivers the clerk takes the case from the shared inbox and distributes it to
    # themself, so a later reassignment (CaseBatch._colleague) is a hand-over the log shows early.
    batch.emit("Fordelt", sorted_at, clerk if batch.drivers else sorter)
    acknowledged = batch.office(sorted_at, median=0.25, sigma=1.1)
    batch.emit("Kvittering", acknowledged, clerk)

    forwarded = batch.chance(np.where(complaint, 0.45, 0.15))
    sent_on = batch.office(acknowledged, median=0.4, sigma=0.6)
    batch.emit("Videresendt", sent_on, clerk, where=forwarded)
    answerer = np.where(forwarded, batch.staff("fagcenter"), clerk)
    start = np.where(forwarded, sent_on, acknowledged)
    answered = batch.office(start, median=np.where(forwarded | complaint, 5.0, 3.0), sigma=0.8)
    batch.emit("Svar sendt", answered, answerer)
    closed = batch.office(answered, median=0.15, sigma=0.8)
    batch.emit("Afsluttet", closed, answerer)
    batch.close(closed)


SPEC = WorkflowSpec(
    name="borgerhenvendelse", number=2, prefix="BOR",
    activities=("Henvendelse modtaget", "Fordelt", "Kvittering", "Videresendt", "Svar sendt", "Afsluttet"),
    teams=(Team("borgerservice", "borgerservicemedarbejder", "Borgerservice", 10),
           Team("fagcenter", "sagsbehandler", "Fagcenter", 6)),
    simulate=simulate,
)
