"""The Danish working-day calendar against hand-checked dates, DST changes and deadlines."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from procmine.errors import ConfigError
from procmine.workcalendar import WorkCalendar

CPH = ZoneInfo("Europe/Copenhagen")
MUNICIPAL = WorkCalendar()
PUBLIC_ONLY = WorkCalendar.public_holidays_only()


def local(text: str) -> np.ndarray:
    """UTC datetime64[us] of a Copenhagen wall-clock time like '2024-03-21 10:00'."""
    moment = dt.datetime.fromisoformat(text).replace(tzinfo=CPH).astimezone(dt.UTC)
    return np.array([moment.replace(tzinfo=None)], dtype="datetime64[us]")


def dates(*texts: str) -> np.ndarray:
    return np.array(texts, dtype="datetime64[D]")


@pytest.mark.parametrize("day", [
    "2024-03-28",  # Skærtorsdag
    "2024-03-29",  # Langfredag
    "2024-04-01",  # 2. påskedag
    "2024-05-09",  # Kristi himmelfartsdag
    "2024-05-20",  # 2. pinsedag
    "2024-12-25", "2024-12-26", "2025-01-01",
    "2023-05-05",  # Store bededag, still a holiday in 2023
    "2024-03-30", "2024-03-31",  # a weekend
])
def test_danish_holidays_and_weekends_are_not_working_days(day):
    assert not PUBLIC_ONLY.is_working_day(dates(day))[0]


@pytest.mark.parametrize("day", [
    "2024-04-26",  # the Friday Store bededag used to be: a working day from 2024
    "2024-03-27", "2024-04-02", "2024-05-10", "2024-05-21", "2023-05-04",
])
def test_ordinary_weekdays_are_working_days(day):
    assert PUBLIC_ONLY.is_working_day(dates(day))[0]


def test_extra_closing_days_are_configurable():
    closing = dates("2024-06-05", "2024-12-24", "2024-12-31")
    assert PUBLIC_ONLY.is_working_day(closing).all()
    assert not MUNICIPAL.is_working_day(closing).any()
    one_off = WorkCalendar(extra_closed=("2025-05-30",))  # the Friday after Kristi himmelfart
    assert not one_off.is_working_day(dates("2025-05-30"))[0]
    assert one_off.is_working_day(dates("2026-05-30", "2025-12-24")).tolist() == [False, True]


def test_is_working_day_of_instants_uses_the_local_date():
    # 23:30 UTC on Wednesday 27 March 2024 is already Skærtorsdag in Copenhagen.
    late = np.array(["2024-03-27T23:30"], dtype="datetime64[us]")
    assert not MUNICIPAL.is_working_day(late)[0]
    assert MUNICIPAL.is_working_day(late - np.timedelta64(2, "h"))[0]


def test_aktindsigt_deadline_after_easter_2024():
    # Received Thursday 21 March 2024 10:00. Working days after that day: Fri 22, Mon 25,
    # Tue 26, Wed 27 (1-4); Thu 28, Fri 29, the weekend and Mon 1 April are closed;
    # Tue 2, Wed 3, Thu 4 April (5-7). The deadline is the end of Thursday 4 April.
    received = local("2024-03-21 10:00")
    deadline = MUNICIPAL.add_working_days(received, 7)
    assert deadline[0] == local("2024-04-04 23:59:59.999999")[0]
    assert MUNICIPAL.business_days_between(received, deadline)[0] == 7
    assert MUNICIPAL.business_days_between(received, local("2024-04-05 09:00"))[0] == 8
    assert MUNICIPAL.business_days_between(received, local("2024-03-21 15:00"))[0] == 0


def test_working_days_between_counts_office_time_only():
    # Monday-Thursday 08-16 (8 h), Friday 08-15 (7 h); a full office day counts 1.0.
    monday = local("2024-04-08 08:00")
    assert MUNICIPAL.working_days_between(monday, local("2024-04-08 12:00"))[0] == 0.5
    assert MUNICIPAL.working_days_between(monday, local("2024-04-08 20:00"))[0] == 1.0
    assert MUNICIPAL.working_days_between(monday, local("2024-04-15 08:00"))[0] == 5.0
    friday = MUNICIPAL.working_days_between(local("2024-04-12 08:00"), local("2024-04-12 11:30"))
    assert friday[0] == pytest.approx(0.5)
    # Over Easter 2024: Wed 27 March 12:00 to Tue 2 April 12:00 is half of Wednesday plus half of Tuesday.
    easter = MUNICIPAL.working_days_between(local("2024-03-27 12:00"), local("2024-04-02 12:00"))
    assert easter[0] == pytest.approx(1.0)
    # Store bededag: 5 May 2023 was closed; 26 April 2024 (a Friday) is a working day.
    assert MUNICIPAL.working_days_between(local("2023-05-04 16:00"), local("2023-05-08 08:00"))[0] == 0
    assert MUNICIPAL.working_days_between(local("2024-04-25 16:00"), local("2024-04-29 08:00"))[0] == 1


@pytest.mark.parametrize("start, end, expected", [
    # Spring forward on Sunday 31 March 2024 (Easter: Thursday to Monday closed): Wednesday
    # 27 March 15:00 CET to Tuesday 2 April 09:00 CEST is 1 h of 8 plus 1 h of 8.
    ("2024-03-27 15:00", "2024-04-02 09:00", 0.25),
    # Fall back on Sunday 27 October 2024: Friday 25 Oct 14:00 CEST to Monday 28 Oct 10:00 CET.
    ("2024-10-25 14:00", "2024-10-28 10:00", 1 / 7 + 2 / 8),
    # Spring forward 30 March 2025 with no holiday near: Friday 14:00 to Monday 09:00.
    ("2025-03-28 14:00", "2025-03-31 09:00", 1 / 7 + 1 / 8),
])
def test_office_hours_are_local_time_across_dst_changes(start, end, expected):
    assert MUNICIPAL.working_days_between(local(start), local(end))[0] == pytest.approx(expected, abs=1e-9)


def test_office_time_and_adding_office_days_follow_local_hours_after_dst():
    # Tuesday 26 March 2024 is winter time (UTC+1), Tuesday 2 April summer time (UTC+2).
    def office(utc: str) -> bool:
        return bool(MUNICIPAL.is_office_time(np.array([utc], dtype="datetime64[us]"))[0])
    assert office("2024-03-26T14:30") and not office("2024-04-02T14:30")  # 15:30 CET / 16:30 CEST
    assert not office("2024-03-26T06:30") and office("2024-04-02T06:30")  # 07:30 CET / 08:30 CEST
    # Half an office day from Wednesday 27 March 12:00 ends at the close; the next half day
    # starts on Tuesday 2 April at 08:00 local time (06:00 UTC, summer time).
    end = MUNICIPAL.add_office_days(local("2024-03-27 12:00"), 0.75)
    assert end[0] == local("2024-04-02 10:00")[0]
    # From a Saturday night, zero office time means the next opening.
    assert MUNICIPAL.add_office_days(local("2024-04-06 23:00"), 0.0)[0] == local("2024-04-08 08:00")[0]


def test_inputs_as_arrow_pandas_and_int64_with_missing_values():
    start = pa.array([int(local("2024-03-21 10:00").view("int64")[0]), None], type=pa.timestamp("us", tz="UTC"))
    end = pd.Series(pd.to_datetime(["2024-04-04 12:00", "2024-04-05 12:00"]).tz_localize(CPH))
    counted = MUNICIPAL.business_days_between(start, end)
    assert counted[0] == 7 and np.isnan(counted[1])
    micros = local("2024-04-08 08:00").view("int64")
    assert MUNICIPAL.working_days_between(micros, micros + 4 * 3_600_000_000)[0] == 0.5
    assert np.isnat(MUNICIPAL.add_working_days(np.array(["NaT"], dtype="datetime64[us]"), 7)[0])


@pytest.mark.slow
def test_ten_million_pairs_in_about_a_second():
    rng = np.random.default_rng(7)
    start = np.datetime64("2024-01-01", "us").astype("int64") + rng.integers(0, 700 * 86_400_000_000, 10_000_000)
    end = start + rng.integers(0, 60 * 86_400_000_000, start.size)
    timings = []
    for _ in range(2):  # the first run also builds the day table and touches fresh memory
        began = time.process_time()  # CPU time: other work on a shared machine does not count
        office = MUNICIPAL.working_days_between(start, end)
        timings.append(time.process_time() - began)
    # About 0.7 s on an idle core.
    assert min(timings) < 2.0, f"10M working-day durations took {min(timings):.2f} s of CPU"
    assert ((office >= 0) & (office <= 60)).all()
    whole = MUNICIPAL.business_days_between(start, end)
    assert (np.abs(whole - office) <= 1.0 + 1e-9).all()


def test_round_trip_of_office_time():
    rng = np.random.default_rng(3)
    start = np.datetime64("2024-01-01", "us").astype("int64") + rng.integers(0, 700 * 86_400_000_000, 10_000)
    office = rng.uniform(0, 30, start.size)
    end = MUNICIPAL.add_office_days(start, office)
    assert MUNICIPAL.is_office_time(end).all()
    inside = MUNICIPAL.is_office_time(start)
    assert np.allclose(MUNICIPAL.working_days_between(start, end)[inside], office[inside], atol=1e-6)


def test_describe_in_english_and_danish():
    assert MUNICIPAL.describe() == (
        "Working days by the Danish calendar: weekdays except public holidays and 5 June, "
        "24 December, 31 December; office hours Mon–Thu 08:00–16:00, Fri 08:00–15:00 (Europe/Copenhagen).")
    assert MUNICIPAL.describe("da") == (
        "Arbejdsdage efter dansk kalender: hverdage undtagen helligdage samt 5. juni, 24. december, "
        "31. december; kontortid man–tors 08:00–16:00, fre 08:00–15:00 (Europe/Copenhagen).")
    assert "samt" not in PUBLIC_ONLY.describe("da")


def test_from_mapping_and_config_errors():
    calendar = WorkCalendar.from_mapping({"extra_closed": ["12-24"], "office_hours": {
        "monday": "09:00-15:00", "tuesday": "09:00-15:00", "wednesday": "09:00-15:00",
        "thursday": "09:00-17:00", "friday": "09:00-12:00"}})
    assert calendar.office_hours[3] == (dt.time(9), dt.time(17)) and calendar.office_hours[5] is None
    assert calendar.working_days_between(local("2024-04-12 09:00"), local("2024-04-12 10:30"))[0] == 0.5
    with pytest.raises(ConfigError, match="unknown key.*holidays"):
        WorkCalendar.from_mapping({"holidays": []})
    with pytest.raises(ConfigError, match="'24-12'"):
        WorkCalendar(extra_closed=("24-12",))
    with pytest.raises(ConfigError, match="friday.*'9-5'"):
        WorkCalendar.from_mapping({"office_hours": {"friday": "9-5"}})
    with pytest.raises(ConfigError, match="not before"):
        WorkCalendar(office_hours=((dt.time(16), dt.time(8)),) + (None,) * 6)
