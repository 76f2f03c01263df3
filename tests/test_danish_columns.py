"""A CSV export from a Danish case system maps by its Danish headers, without options."""

from __future__ import annotations

import pytest

from procmine import schema as s
from procmine.importing import read_log
from procmine.importing.mapping import detect_mapping
from procmine.importing.options import ImportOptions


@pytest.mark.parametrize("case_column", ["Sagsnr", "Sagsnummer", "sagsnr.", "Sags-nr"])
def test_danish_headers_map_to_the_canonical_roles(case_column):
    columns = ["Løbenr", case_column, "Aktivitet", "Tidspunkt", "Sagsbehandler", "Bemærkning"]
    mapping = detect_mapping(columns, ImportOptions(), "eksport.csv")
    assert mapping.roles() == {s.CASE_ID: case_column, s.ACTIVITY: "Aktivitet", s.TIMESTAMP: "Tidspunkt",
                               s.RESOURCE: "Sagsbehandler"}


def test_a_danish_csv_imports_with_its_headers(tmp_path):
    path = tmp_path / "sager.csv"
    path.write_text("Sagsnr;Aktivitet;Tidspunkt;Sagsbehandler\n"
                    "2024-001;Ansøgning modtaget;04-03-2024 09:15;Hanne\n"
                    "2024-001;Afgørelse;11-03-2024 14:00;Jens\n", encoding="utf-8")
    raw = read_log(path, ImportOptions())
    events = raw.events.to_pydict()
    assert events[s.CASE_ID] == ["2024-001", "2024-001"]
    assert events[s.ACTIVITY] == ["Ansøgning modtaget", "Afgørelse"]
    assert events[s.RESOURCE] == ["Hanne", "Jens"]
