"""The three bugs found on the way to the SQL forms (issue #14): each test failed before its fix."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from analysis_helpers import EPOCH, make_log

import procmine
from procmine.analysis import throughput
from procmine.report.builder import build_report
from procmine.report.config import ReportSettings
from procmine.report.xlsx import write_xlsx
from procmine.workcalendar import WorkCalendar

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"


def test_xlsx_writes_times_in_the_reports_zone_not_always_copenhagen(tmp_path):
    settings = ReportSettings(timezone="America/New_York")
    data = build_report(procmine.open(SAMPLES / "aktindsigt"), settings, "aktindsigt")
    moment = pd.Timestamp("2024-03-04 08:00", tz="UTC")
    data = dataclasses.replace(data, workload=pd.DataFrame({"resource": ["r1"], "last_event": [moment],
                                                            "as_datetime": [moment.to_pydatetime()]}))
    path = write_xlsx(data, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(path)["workload"]
    header = [cell.value for cell in sheet[1]]
    row = {name: cell.value for name, cell in zip(header, sheet[2])}
    assert row["last_event"] == dt.datetime(2024, 3, 4, 3, 0)      # 08:00 UTC is 03:00 in New York
    assert row["as_datetime"] == dt.datetime(2024, 3, 4, 3, 0)


def test_throughput_trend_periods_follow_the_datasets_zone_not_the_calendars():
    # The case ends 2024-03-31 23:30 UTC: March in UTC, already April in Copenhagen.
    end = (dt.datetime(2024, 3, 31, 23, 30, tzinfo=dt.UTC) - EPOCH).total_seconds()
    rows = [("a", "Start", 0), ("a", "End", end)]
    in_utc = throughput(make_log(rows, meta={"timezone": "UTC"}), period="month",
                        calendar=WorkCalendar(timezone="Europe/Copenhagen"))
    assert in_utc.trend["period"].tolist() == ["2024-03"]
    in_copenhagen = throughput(make_log(rows, meta={"timezone": "Europe/Copenhagen"}), period="month",
                               calendar=WorkCalendar(timezone="UTC"))
    assert in_copenhagen.trend["period"].tolist() == ["2024-04"]


def test_a_29_february_closing_day_skips_century_years_that_are_not_leap_years():
    calendar = WorkCalendar(extra_closed=("02-29",))
    closed = calendar.closed_dates(2096, 2104)
    leap_days = [day for day in closed if (day.month, day.day) == (2, 29)]
    assert leap_days == [dt.date(2096, 2, 29), dt.date(2104, 2, 29)]
    # Durations around 2100 build a day table over 2099-2101 and must not crash.
    start = np.array(["2100-03-01T08:00"], dtype="datetime64[us]")
    end = np.array(["2100-03-02T08:00"], dtype="datetime64[us]")
    assert calendar.working_days_between(start, end).tolist() == [1.0]
