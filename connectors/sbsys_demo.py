"""Fill an empty database with the real SBSYS tables and a small simulated case workflow.

The tables are the 23 of ../shared/SBSYS_SCHEMA.md with every column, type and NOT NULL.
Citizens have several cases across departments; case titles, document names and notes hold
their names and CPR numbers in every common written form on purpose, users have logons and
password hashes, some cases are protected and some documents deleted, so that the connector's
privacy rules can be seen to work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import sqlalchemy as sa

from connectors.sbsys_demo_reference import FIRST_USER, KLE, STATUSES, Person, citizens, companies, reference_rows
from connectors.sbsys_demo_rows import DemoIds
from connectors.sbsys_demo_workflow import simulate_case
from connectors.sbsys_tables import sbsys_tables
from connectors.sql import create_engine, database_error
from procmine.errors import ConnectorError

FIRST_CASE = 5_100_001
__all__ = ["FIRST_CASE", "FIRST_USER", "KLE", "STATUSES", "DemoContent", "fill_sbsys_demo"]


@dataclass
class DemoContent:
    """What the demo wrote: rows per table, the personal data it planted, what to expect."""

    rows: dict[str, int] = field(default_factory=dict)
    cprs: list[str] = field(default_factory=list)
    cvrs: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    user_logons: list[str] = field(default_factory=list)
    user_secrets: list[str] = field(default_factory=list)
    protected_cases: list[int] = field(default_factory=list)
    # The citizen each case was opened for: its CPR number (or `person:<Person.ID>`), None if none.
    case_citizen: dict[int, str | None] = field(default_factory=dict)
    case_person_row: dict[int, int] = field(default_factory=dict)   # the applicant's Person.ID
    case_company: dict[int, str | None] = field(default_factory=dict)
    case_department: dict[int, str] = field(default_factory=dict)
    deleted_registrations: list[int] = field(default_factory=list)
    cancelled_reminders: list[int] = field(default_factory=list)


def fill_sbsys_demo(url: str, cases: int = 200, seed: int = 1, schema: str | None = None) -> DemoContent:
    """Create the SBSYS tables at `url` and fill them with `cases` simulated cases."""
    tables = sbsys_tables(schema)
    engine = create_engine(url, existing=False)
    try:
        tables.metadata.create_all(engine)
        with engine.begin() as connection:
            if engine.dialect.name in ("mysql", "mariadb"):
                # As in SBSYS, a missing NOT NULL value must fail, whatever the server's default.
                connection.exec_driver_sql("SET SESSION sql_mode = "
                                           "CONCAT_WS(',', @@sql_mode, 'STRICT_ALL_TABLES')")
            if connection.execute(sa.select(sa.func.count()).select_from(tables.Sag)).scalar_one():
                raise ConnectorError("the database already holds SBSYS cases; the demo fills only an "
                                     "empty database. Point --db at a new database file.")
            rows, content = simulate(random.Random(seed), cases, seed)
            for name in tables.names:  # every table, in the order of the schema document
                if rows.get(name):
                    connection.execute(tables.table(name).insert(), rows[name])
                content.rows[name] = len(rows.get(name, []))
    except sa.exc.SQLAlchemyError as exc:
        raise database_error(exc, url, "filling the SBSYS demo database") from None
    finally:
        engine.dispose()
    return content


def simulate(rng: random.Random, cases: int, seed: int = 1) -> tuple[dict[str, list[dict]], DemoContent]:
    """All rows of a demo database with `cases` cases, and what was planted in them."""
    ids = DemoIds(seed=seed)
    rows, user_names, secrets = reference_rows(ids)
    content = DemoContent(names=list(user_names), user_secrets=secrets,
                          user_logons=[s for s in secrets if s.startswith("SDK\\")])
    # About three cases per citizen, so that citizens have several cases in several departments.
    people, rows["Person"] = citizens(rng, ids, max(4, cases // 3))
    rows["Firma"] = companies(rng, ids, max(2, cases // 20))
    content.cprs = sorted({r[c] for r in rows["Person"] for c in ("CprNummer", "AegtefaelleCPR")
                           if r[c] and "-" in r[c]})
    content.cvrs = [r["CVRNummer"] for r in rows["Firma"]]
    content.names += [p.name for p in people] + [r["Navn1"] for r in rows["Firma"]]
    weights = [1 + 3 * rng.random() for _ in people]
    for number in range(cases):
        case_id = FIRST_CASE + number
        applicants = _parties(rng, people, weights)
        company = rng.choice(rows["Firma"]) if rng.random() < 0.12 else None
        simulate_case(rng, rows, ids, case_id, applicants, company, content)
    return rows, content


def _parties(rng: random.Random, people: list[Person], weights: list[float]) -> list[Person]:
    """The person parties of a case, applicant first: none, one, or two (with a representative)."""
    draw = rng.random()
    if draw < 0.08:
        return []
    count = 2 if draw > 0.85 else 1
    chosen = rng.choices(people, weights=weights, k=count)
    return chosen if count == 1 or chosen[0] is not chosen[1] else chosen[:1]
