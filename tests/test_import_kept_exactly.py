"""Values at the edges are kept exactly or refused: far dates, summer time after 2037, huge numbers.

Nothing is shifted, rounded or turned into inf: times in year 1, 9999 and 2100 come back
to the microsecond, summer times from 2038 on have the summer offset (zoneinfo's rules,
checked against Python's own conversion), numbers that do not fit int64/float64 stay text.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from procmine.cli import app
from procmine.dataset import read_dataset
from procmine.errors import ConfigError, LogValidationError
from procmine.importing import import_log, read_log
from procmine.importing.frames import type_text
from procmine.importing.options import ImportOptions
from procmine.importing.timestamps import ColumnPlace
from procmine.timezones import localise

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
UTC = dt.UTC


def _csv(tmp_path, rows: list[str], header: str = "Sag,Aktivitet,Tidspunkt") -> object:
    path = tmp_path / "log.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("text, expected", [
    ("0001-01-01 12:00:00+00:00", dt.datetime(1, 1, 1, 12, tzinfo=UTC)),
    ("0001-01-01 12:00:00-05:00", dt.datetime(1, 1, 1, 17, tzinfo=UTC)),
    ("9999-12-31 22:00:00-01:00", dt.datetime(9999, 12, 31, 23, tzinfo=UTC)),
    ("9999-12-31 23:59:59.999999+00:00", dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ("2100-07-01 12:00:00+02:00", dt.datetime(2100, 7, 1, 10, tzinfo=UTC)),
])
def test_far_times_with_offsets_are_kept_to_the_microsecond(tmp_path, text, expected):
    dataset = import_log(_csv(tmp_path, [f"1,a,{text}"]), tmp_path / "ds")
    assert read_dataset(tmp_path / "ds").events.column("timestamp")[0].as_py() == expected
    assert dataset.meta.events == 1


@pytest.mark.parametrize("local", [dt.datetime(2040, 7, 1, 12), dt.datetime(2038, 3, 28, 3, 30),
                                   dt.datetime(2100, 8, 15, 0, 1), dt.datetime(2037, 6, 1, 9),
                                   dt.datetime(2039, 10, 30, 2, 30), dt.datetime(9999, 7, 1, 12)])
def test_local_times_after_2037_follow_summer_time(tmp_path, local):
    dataset = import_log(_csv(tmp_path, [f"1,a,{local:%Y-%m-%d %H:%M:%S}"]), tmp_path / "ds")
    expected = local.replace(tzinfo=COPENHAGEN).astimezone(UTC)   # fold=0: the earliest of a repeat
    assert dataset.events.column("timestamp")[0].as_py() == expected


def test_summer_2040_is_utc_plus_two_through_the_cli(tmp_path):
    source = _csv(tmp_path, ["1,a,2040-07-01 12:00", "1,b,2040-12-01 12:00"])
    result = CliRunner().invoke(app, ["import", str(source), str(tmp_path / "ds")])
    assert result.exit_code == 0, result.output
    times = read_dataset(tmp_path / "ds").events.column("timestamp").to_pylist()
    assert times == [dt.datetime(2040, 7, 1, 10, tzinfo=UTC), dt.datetime(2040, 12, 1, 11, tzinfo=UTC)]


def test_xes_local_times_after_2037(tmp_path):
    path = tmp_path / "far.xes"
    path.write_text('<log><trace><string key="concept:name" value="c"/><event><string key="concept:name" '
                    'value="a"/><date key="time:timestamp" value="2045-08-01T08:00:00"/></event></trace></log>',
                    encoding="utf-8")
    assert read_log(path).events.column("timestamp")[0].as_py() == dt.datetime(2045, 8, 1, 6, tzinfo=UTC)


@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2300, 12, 31)))
@settings(max_examples=300, deadline=None)
def test_localise_equals_zoneinfo(local):
    """Away from the spring gap, every local time converts as Python's zoneinfo does (fold=0)."""
    local = local.replace(fold=0)   # a repeated hour is read as its earliest instant
    aware = local.replace(tzinfo=COPENHAGEN)
    if aware.astimezone(UTC).astimezone(COPENHAGEN).replace(tzinfo=None) != local:
        return   # inside the spring gap: moved to the first instant after it, tested above
    result = localise(pa.array([local], pa.timestamp("us")), "Europe/Copenhagen")
    assert result.cast(pa.timestamp("us", "UTC"))[0].as_py() == aware.astimezone(UTC)


@pytest.mark.parametrize("text", ["0001-01-01 00:10:00+01:00", "9999-12-31 23:50:00-01:00", "0001-01-01 00:10"])
def test_times_outside_years_1_to_9999_are_refused_not_clipped(tmp_path, text):
    with pytest.raises(LogValidationError, match="outside the years 1 to 9999"):
        import_log(_csv(tmp_path, [f"1,a,{text}"]), tmp_path / "ds")
    assert not (tmp_path / "ds").exists()


def test_numbers_beyond_int64_and_float64_stay_text(tmp_path):
    rows = ["123456789012345678901234567890,a,2024-01-01 10:00,9223372036854775808,1e400,0.1",
            "2,b,2024-01-02 10:00,5,2.5,12345678901234567"]
    dataset = import_log(_csv(tmp_path, rows, "Sag,Aktivitet,Tidspunkt,Stort,Enormt,Blandet"), tmp_path / "ds")
    events = read_dataset(tmp_path / "ds").events
    assert sorted(events.column("case_id").to_pylist()) == ["123456789012345678901234567890", "2"]
    for column, first in (("Stort", "9223372036854775808"), ("Enormt", "1e400"), ("Blandet", "0.1")):
        values = events.column(column) if column in events.column_names else dataset.cases.column(column)
        assert values.type == pa.string() and first in values.to_pylist()


def test_xes_numbers_beyond_their_type_stay_text_with_a_note(tmp_path):
    path = tmp_path / "big.xes"
    path.write_text('<log><trace><string key="concept:name" value="c"/><event><string key="concept:name" '
                    'value="a"/><date key="time:timestamp" value="2024-01-01T08:00:00Z"/>'
                    '<int key="n" value="99999999999999999999999"/><float key="x" value="1e400"/>'
                    '<float key="y" value="INF"/></event></trace></log>', encoding="utf-8")
    raw = read_log(path)
    assert raw.events.column("n").to_pylist() == ["99999999999999999999999"]
    assert raw.events.column("x").to_pylist() == ["1e400"]
    assert raw.events.column("y").to_pylist() == [float("inf")]   # written as INF: kept as infinity
    assert any("'n'" in note and "kept as text" in note for note in raw.notes)


@given(st.lists(st.one_of(st.integers(min_value=-10**30, max_value=10**30),
                          st.floats(allow_nan=False, allow_infinity=False)), min_size=1, max_size=8))
@settings(max_examples=300, deadline=None)
def test_number_texts_are_typed_only_when_kept_exactly(numbers):
    texts = pa.array([repr(n) if isinstance(n, float) else str(n) for n in numbers], pa.string())
    typed = type_text(texts, ColumnPlace("t.csv", "x", 2), "Europe/Copenhagen")
    if pa.types.is_string(typed.type):
        assert typed.to_pylist() == texts.to_pylist()
    else:
        assert typed.to_pylist() == [float(t) if pa.types.is_floating(typed.type) else int(t)
                                     for t in texts.to_pylist()]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "europe/copenhagn", "+25:00"])
def test_an_unknown_time_zone_is_a_config_error(zone):
    with pytest.raises(ConfigError, match="--tz"):
        ImportOptions(timezone=zone)


def test_a_fixed_offset_zone_is_accepted(tmp_path):
    dataset = import_log(_csv(tmp_path, ["1,a,2040-07-01 12:00"]), tmp_path / "ds", ImportOptions(timezone="+01:00"))
    assert dataset.events.column("timestamp")[0].as_py() == dt.datetime(2040, 7, 1, 11, tzinfo=UTC)
