"""OCEL test logs: the OCEL 2.0 specification's example in its three forms, and random logs."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
from hypothesis import strategies as st

from procmine.ocel.assemble import OcelRows, assemble

DATA = Path(__file__).parent / "ocel_data"
EXAMPLE_JSON = DATA / "ocel20_example.jsonocel"
EXAMPLE_XML = DATA / "ocel20_example.xmlocel"
EXAMPLE_SQL = DATA / "ocel20_example.sql"


def example_sqlite(folder: Path) -> Path:
    """The example as an OCEL 2.0 SQLite database, built from its SQL script."""
    path = folder / "ocel20_example.sqlite"
    if not path.exists():
        con = sqlite3.connect(path)
        con.executescript(EXAMPLE_SQL.read_text(encoding="utf-8"))
        con.commit()
        con.close()
    return path


_names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=6)
_times = st.integers(1_000_000_000, 1_900_000_000).map(
    lambda s: f"{__import__('datetime').datetime.fromtimestamp(s, __import__('datetime').timezone.utc):%Y-%m-%dT%H:%M:%S}Z")
_VALUES = {"string": _names, "integer": st.integers(-10**12, 10**12),
           # + 0.0: SQLite keeps no negative zero (a REAL -0.0 is stored as the integer 0), a limit of the form
           "float": st.floats(allow_nan=False, allow_infinity=False, width=64).map(lambda x: x + 0.0),
           "boolean": st.booleans(), "time": _times}


@st.composite
def random_logs(draw):
    """A small valid object-centric log with attributes of every type, changes and relations."""
    object_types = draw(st.lists(st.sampled_from(["citizen", "case", "caseworker", "document"]), min_size=1,
                                 max_size=3, unique=True))
    attribute_kinds = {t: draw(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from(list(_VALUES)),
                                               max_size=2)) for t in object_types}
    activities = draw(st.lists(_names, min_size=1, max_size=3, unique=True))
    event_kinds = draw(st.dictionaries(st.sampled_from(["x", "y"]), st.sampled_from(list(_VALUES)), max_size=2))
    rows = OcelRows(event_types={a: dict(event_kinds) for a in activities}, object_types=attribute_kinds)
    objects = draw(st.lists(st.tuples(st.sampled_from(object_types)), min_size=1, max_size=6))
    for number, (otype,) in enumerate(objects):
        oid = f"o{number}"
        rows.object_ids.append(oid)
        rows.object_type_of.append(otype)
        for name, kind in attribute_kinds[otype].items():
            for time in draw(st.lists(st.one_of(st.just("1970-01-01T00:00:00Z"), _times), max_size=2)):
                rows.attribute_objects.append(oid)
                rows.attribute_names.append(name)
                rows.attribute_times.append(time)
                rows.attribute_values.append(draw(_VALUES[kind]))
    for target in range(1, len(objects)):   # links always to an earlier object: no cycles
        if draw(st.booleans()):
            rows.link_sources.append(f"o{target}")
            rows.link_targets.append(f"o{draw(st.integers(0, target - 1))}")
            rows.link_qualifiers.append(draw(st.one_of(st.none(), _names)))
    for number in range(draw(st.integers(1, 8))):
        rows.event_ids.append(f"e{number}")
        rows.event_activities.append(draw(st.sampled_from(activities)))
        rows.event_times.append(draw(_times))
        for name, kind in event_kinds.items():
            if draw(st.booleans()):
                rows.add_event_attribute(name, draw(_VALUES[kind]))
        for obj in draw(st.lists(st.integers(0, len(objects) - 1), max_size=3, unique=True)):
            rows.relation_events.append(f"e{number}")
            rows.relation_objects.append(f"o{obj}")
            rows.relation_qualifiers.append(draw(st.one_of(st.none(), _names)))
    return assemble(rows, "hypothesis")


def table_rows(table: pa.Table) -> list[tuple]:
    return sorted(map(tuple, (row.values() for row in table.to_pylist())), key=repr)


def read_with_pm4py(path: Path):
    """pm4py's own Python reader of OCEL 2.0 JSON: its Rust importer (r4pm, used by read_ocel2_json when
    installed) panics when one attribute name has two types in different object types."""
    from pm4py.objects.ocel.importer.jsonocel import importer
    return importer.apply(str(path), variant=importer.Variants.OCEL20_STANDARD)


@contextmanager
def written(log, name: str) -> Iterator[Path]:
    """`log` written by procmine.ocel.io.write_ocel to a temporary file `name` (its suffix says the form)."""
    from procmine.ocel.io import write_ocel
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        write_ocel(log, path)
        yield path


TABLES = ("events", "objects", "event_objects", "object_relations", "object_attributes")


def assert_same_tables(one, other) -> None:
    """Two logs read two ways hold the same rows in the same order, table by table."""
    for name in TABLES:
        assert getattr(one, name).equals(getattr(other, name)), name
