"""Local days and office hours in summer from 2038 on follow the zone's rule (Arrow's zone files stop in 2037)."""

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from procmine.analysis import kernels
from procmine.daytable import local_to_utc
from procmine.timezones import local_micros

ZONE = "Europe/Copenhagen"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def micros(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


def naive_micros(moment: dt.datetime) -> int:
    return micros(moment.replace(tzinfo=dt.UTC))


@pytest.mark.parametrize("year", [2030, 2038, 2040, 2045, 2100])
def test_local_day_of_a_summer_night(year):
    # 00:30 local on 1 July is 22:30 UTC the day before (summer time, UTC+2).
    instant = micros(dt.datetime(year, 7, 1, 0, 30, tzinfo=ZoneInfo(ZONE)))
    assert kernels.local_days(np.array([instant]), ZONE)[0] == (dt.date(year, 7, 1) - dt.date(1970, 1, 1)).days


@pytest.mark.parametrize("year", [2030, 2040, 2045])
def test_office_opening_in_summer_is_two_hours_before_in_utc(year):
    opening = naive_micros(dt.datetime(year, 7, 2, 8, 0))
    assert local_to_utc(ZONE, np.array([opening]))[0] == micros(dt.datetime(year, 7, 2, 6, 0, tzinfo=dt.UTC))


def test_local_micros_equal_zoneinfo_over_many_years():
    rng = np.random.default_rng(7)
    lows, highs = micros(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)), micros(dt.datetime(2060, 1, 1, tzinfo=dt.UTC))
    instants = rng.integers(lows, highs, 500)
    expected = [naive_micros((EPOCH + dt.timedelta(microseconds=int(v))).astimezone(ZoneInfo(ZONE)).replace(tzinfo=None)) for v in instants]
    assert local_micros(instants, ZONE).tolist() == expected
