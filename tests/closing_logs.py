"""Small logs whose cases close without a deadline rule's end event (fines paid before one is sent)."""

from __future__ import annotations

import datetime as dt

from analysis_helpers import EPOCH, make_log

from procmine.analysis import DeadlineRule

DAY = 86_400
# A fine's clock: "Send" within 10 calendar days of "Create"; "Pay" closes a case.
FINES = [("sent", "Create", 0), ("sent", "Send", 3 * DAY),
         ("paid", "Create", 0), ("paid", "Pay", 2 * DAY),                       # closed before due: met
         ("paid late", "Create", 0), ("paid late", "Pay", 20 * DAY),            # closed after due: breached
         ("sent then paid", "Create", 0), ("sent then paid", "Send", 5 * DAY),
         ("sent then paid", "Pay", 30 * DAY),
         ("waiting", "Create", 0), ("waiting", "Remind", 25 * DAY),            # not closed: runs, overdue
         ("new", "Create", 38 * DAY), ("new", "Remind", 39 * DAY),             # not closed, not yet due: open
         ("last", "Create", 0), ("last", "Pay", 40 * DAY)]
RULE = DeadlineRule(name="sent", start="Create", end="Send", within=10, unit="calendar_days")
IDS = ["sent", "paid", "paid late", "sent then paid", "waiting", "new", "last"]


def at(days: float | None) -> dt.datetime | None:
    return None if days is None else EPOCH + dt.timedelta(days=days)


def closed_at_log():
    """The fines with a closing time per case; "waiting" closes 5 days after the log's last event."""
    closing = {"sent": 3, "paid": 2, "paid late": 20, "sent then paid": 30, "waiting": 45, "new": None, "last": 40}
    return make_log(FINES, {"case_id": IDS, "closed_at": [at(closing[i]) for i in IDS]})


def declared_end_log():
    """The fines, "Pay" declared as the end activity that closes a case."""
    return make_log(FINES, meta={"end_activities": ["Pay"]})
