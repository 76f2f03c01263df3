"""Filter stacks on the SQL engines: each filter's `to_sql()` run over the current selection.

A `Selection` names the engine tables that hold the kept case and event indices (None: all).
`select(engine, selection)` points the views `events` and `cases`, which every form and filter
reads, at it: `events` are the dataset's events of kept cases (and kept events), `cases` one row
per case that still has an event, with its `case_index`, as in `EventLog.sql()`. A filter's SQL
is run with its values bound (DuckDB `?`, Spark positional markers: SQLGlot keeps `?`) and its
result kept in a new table, so stacking filters is as on the NumPy engine: a case filter
replaces the kept cases, an event filter the kept events, each within the current selection.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from procmine import schema as s
from procmine.errors import FilterError

_NUMBERS = itertools.count(1)


@dataclass(frozen=True)
class Selection:
    """The kept case_index and event_index tables (None: every case or event) and the filters so far."""

    cases: str | None = None
    events: str | None = None
    filters: tuple = ()

    @property
    def everything(self) -> bool:
        return self.cases is None and self.events is None


EVERYTHING = Selection()


def quoted(name: str) -> str:
    """A column name as a SQL identifier (a name from the dataset's schema, never a value)."""
    return '"' + name.replace('"', '""') + '"'


def events_sql(selection: Selection) -> str:
    conditions = [f"e.{column} IN (SELECT {column} FROM {table})"
                  for column, table in ((s.CASE_INDEX, selection.cases), (s.EVENT_INDEX, selection.events))
                  if table is not None]
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"SELECT * FROM dataset_events e{where}"


def cases_sql(attributes: list[str]) -> str:
    """The selected cases (those with an event in `events`) with their index and attributes."""
    chosen = "".join(f", c.{quoted(name)}" for name in attributes if name not in (s.CASE_ID, s.CASE_INDEX))
    return (f"SELECT k.case_index, k.case_id{chosen} FROM (SELECT case_index, any_value(case_id) AS case_id "
            "FROM events GROUP BY case_index) k LEFT JOIN dataset_cases c ON c.case_id = k.case_id")


def select(engine, selection: Selection, indexed: bool = False) -> None:
    """Point `events` and `cases` at `selection` (`indexed`: `cases` with case_index, as filters need)."""
    state = (selection, indexed or not selection.everything)
    if getattr(engine, "selection", None) == state:
        return
    engine.view("events", events_sql(selection))
    engine.view("cases", cases_sql(engine.columns("dataset_cases")) if state[1] else "SELECT * FROM dataset_cases")
    engine.materialised.clear()     # per-case tables were computed from the previous `events`
    engine.selection = state


def stacked(engine, selection: Selection, filters, zone: str) -> Selection:
    """The selection after applying `filters` in order on `selection` (each runs in the dataset's zone)."""
    for chosen in filters:
        select(engine, selection, indexed=True)
        sql, params = chosen.to_sql()
        table = f"kept_{next(_NUMBERS)}"
        try:
            engine.materialise(table, sql, list(params), zone=zone)
        except engine.errors as exc:   # the engine's own error (an unknown column, a value of the wrong type)
            raise FilterError(f"{chosen.kind} filter ({chosen.describe()}) does not fit this dataset: "
                              f"{str(exc).splitlines()[0]}. Check the filter's attribute names and values "
                              "against the dataset (procmine info).") from None
        found = {"cases": table} if chosen.keeps_whole_cases else {"events": table}
        selection = Selection(**{"cases": selection.cases, "events": selection.events, **found},
                              filters=selection.filters + (chosen,))
    return selection
