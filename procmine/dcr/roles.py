"""The role of each DCR event: the role (or organisational unit) that most often performs the activity."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from procmine.dcr.graph import DcrGraph

ROLE_COLUMNS = ("role", "org:role", "org:group", "org_unit", "department")


def with_roles(log, graph: DcrGraph) -> DcrGraph:
    """The graph with each event's most frequent role from the log (ties by name); '' where none is known."""
    events = log.events_table()
    column = next((name for name in ROLE_COLUMNS if name in events.schema.names), None)
    if column is None:
        return graph
    pairs = pa.table({"activity": events.column("activity"),
                      "role": pc.cast(events.column(column), pa.string())}).filter(
        pc.is_valid(pc.field("role")))
    counted = pairs.group_by(["activity", "role"]).aggregate([([], "count_all")]).to_pylist()
    best: dict[str, tuple[int, str]] = {}
    for row in counted:
        candidate = (-row["count_all"], row["role"])
        if row["activity"] not in best or candidate < best[row["activity"]]:
            best[row["activity"]] = candidate
    return graph.with_roles(tuple(best[a][1] if a in best else "" for a in graph.activities))
