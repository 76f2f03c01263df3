"""The one formatting module: numbers, counts, durations, signed differences, shares, times; notes in Danish."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procmine import formatting as f
from procmine.dataset_notes import note_text
from procmine.workcalendar import WorkCalendar

DAY = 86_400


@pytest.mark.parametrize("value, lang, expected", [
    (-1.5 * DAY, "en", "−1.5 d"), (-1.5 * DAY, "da", "−1,5 d"), (7.5 * DAY, "en", "+7.5 d"),
    (-(21 * 3600 + 42 * 60), "da", "−21 t 42 m"), (0.2, "en", "0 s"), (None, "en", "–"), (-45, "en", "−45 s"),
])
def test_signed_durations(value, lang, expected):
    assert f.format_signed_duration(value, lang) == expected


def test_a_difference_of_day_long_durations_is_in_days():
    assert f.format_signed_duration(-0.1 * DAY, "en", like=7.9 * DAY) == "−0.1 d"
    assert f.format_signed_duration(0.1 * DAY, "da", like=7.9 * DAY) == "+0,1 d"
    assert f.format_signed_duration(0.01 * DAY, "en", like=7.9 * DAY) == "0.0 d"
    assert f.format_signed_duration(0.1 * DAY, "en", like=3600) == "+2 h 24 m"


@pytest.mark.parametrize("function, value, lang, expected", [
    (f.format_percent, 0.523, "en", "52.3 %"), (f.format_percent, 0.523, "da", "52,3 %"),
    (f.format_signed_percent, -0.944, "en", "−94.4 %"), (f.format_signed_percent, 0.18, "da", "+18,0 %"),
    (f.format_signed_percent, 0.0, "en", "0.0 %"), (f.format_share_difference, 0.123, "en", "+12.3 pp"),
    (f.format_share_difference, -0.059, "da", "−5,9 pct.-point"), (f.format_count, 5004.0, "en", "5,004"),
    (f.format_count, 5004, "da", "5.004"), (f.format_signed_number, -536, "en", "−536"),
    (f.format_signed_number, 0, "en", "0"), (f.format_number, -0.04, "en", "0"),
    (f.format_duration, 0.3, "da", "straks"), (f.format_duration, 3.2 * DAY, "da", "3,2 d"),
])
def test_table_of_formats(function, value, lang, expected):
    assert function(value, lang) == expected


def test_times_for_people_and_machines():
    winter = dt.datetime(2024, 3, 4, 8, tzinfo=dt.UTC)
    summer = dt.datetime(2024, 4, 14, 8, tzinfo=dt.UTC)
    assert f.format_datetime(winter, "da") == "4. mar. 2024 09.00"
    assert f.format_datetime(summer, "en") == "14 Apr 2024 10:00"
    assert f.iso_instant(winter) == "2024-03-04T09:00:00+01:00"
    assert f.iso_instant(summer) == "2024-04-14T10:00:00+02:00"
    assert f.iso_instant(winter, "UTC") == "2024-03-04T08:00:00+00:00"
    assert f.format_period(dt.date(2024, 1, 1), dt.date(2024, 1, 31), "da") == "1. jan. 2024 – 31. jan. 2024"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_a_signed_duration_carries_the_sign_of_its_value(seconds):
    shown = f.format_signed_duration(seconds, "da")
    if abs(seconds) < 1:
        assert shown == "0 s"
    else:
        assert shown[0] == ("+" if seconds > 0 else "−")
        assert shown[1:] == f.format_duration(abs(seconds), "da")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 3))
def test_danish_numbers_are_english_ones_with_the_separators_swapped(value, decimals):
    english, danish = f.format_number(value, "en", decimals), f.format_number(value, "da", decimals)
    assert danish == english.replace(",", "\0").replace(".", ",").replace("\0", ".")


def test_missing_values_are_a_dash():
    import numpy as np
    import pandas as pd
    for value in (None, float("nan"), np.nan, pd.NaT, pd.NA):
        assert f.format_count(value, "da") == f.format_percent(value, "en") == f.format_datetime(value, "da") == "–"
    assert f.format_signed_duration(pd.NA, "en") == "–"


def test_canonical_column_labels():
    assert [f.column_label(c, "da") for c in ("case_id", "activity", "timestamp", "resource", "x")] == \
        ["Sag", "Aktivitet", "Tidspunkt", "Sagsbehandler", "x"]


closing_days = st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(
    lambda d: d.isoformat()) | st.dates(dt.date(2000, 1, 1), dt.date(2000, 12, 31)).map(lambda d: d.strftime("%m-%d")),
    max_size=4, unique=True)
day_hours = st.one_of(st.none(), st.tuples(st.integers(6, 10), st.integers(13, 18)).map(
    lambda h: (dt.time(h[0]), dt.time(h[1]))))


@given(closing_days, st.lists(day_hours, min_size=7, max_size=7).filter(any))
def test_every_calendar_note_is_told_in_danish_as_the_calendar_says_it(closed, hours):
    calendar = WorkCalendar(extra_closed=tuple(closed), office_hours=tuple(hours))
    assert note_text(calendar.describe("en"), "da") == calendar.describe("da")


def test_notes_in_danish_and_unknown_notes_as_written():
    assert note_text("Synthetic event log simulated by procmine: no real cases or persons.", "da").startswith(
        "Syntetisk hændelseslog")
    assert note_text("12 trace(s) without events were left out.", "da") == "12 spor uden hændelser blev udeladt."
    assert note_text("A note nobody knows.", "da") == "A note nobody knows."
    assert note_text("12 trace(s) without events were left out.", "en") == "12 trace(s) without events were left out."


def test_csv_downloads_give_times_in_the_dataset_zone_with_offset():
    import pandas as pd

    from procmine.ui.downloads import csv_bytes
    frame = pd.DataFrame({"case_id": ["a"], "activities": [("Modtaget", "Afgørelse")],
                          "start": pd.to_datetime(["2024-03-04T08:00:00Z"], utc=True), "share": [0.5]})
    lines = csv_bytes(frame, "Europe/Copenhagen").decode("utf-8-sig").splitlines()
    assert lines == ["case_id,activities,start,share", "a,Modtaget → Afgørelse,2024-03-04T09:00:00+01:00,0.5"]
