"""Bottleneck waits in working days equal the work calendar's count over each pair of consecutive events."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import procmine
from procmine.analysis.bottlenecks import bottlenecks
from procmine.workcalendar import WorkCalendar

SAMPLE = Path(__file__).resolve().parents[1] / "sample_logs" / "genoptraening"


@pytest.fixture(scope="module")
def pairs():
    events = procmine.open(SAMPLE).events_table().to_pandas().sort_values(["case_id", "timestamp"], kind="stable")
    following = events.groupby("case_id").shift(-1)
    frame = pd.DataFrame({"source": events["activity"].astype(str), "target": following["activity"],
                          "start": events["timestamp"], "end": following["timestamp"]}).dropna()
    start, end = (pd.to_datetime(frame[c], utc=True).dt.tz_convert(None).to_numpy() for c in ("start", "end"))
    frame["days"] = WorkCalendar().working_days_between(start, end)
    return frame


def test_transition_waits_in_working_days(pairs):
    expected = pairs.groupby(["source", "target"])["days"].agg(["median", "sum"])
    found = bottlenecks(procmine.open(SAMPLE)).transitions.set_index(["source", "target"])
    assert len(found) == len(expected)
    joined = found.join(expected)
    np.testing.assert_allclose(joined["median_working_days"], joined["median"], atol=1e-5)
    np.testing.assert_allclose(joined["total_working_days"], joined["sum"], rtol=1e-6, atol=1e-3)
    assert (joined["total_working_days"] < joined["total_seconds"] / 86_400).all()   # weekends do not count


def test_activity_waits_in_working_days(pairs):
    expected = pairs.groupby("target")["days"].median()
    found = bottlenecks(procmine.open(SAMPLE)).activities.set_index("activity")
    np.testing.assert_allclose(found.loc[expected.index, "median_wait_working_days"], expected, atol=1e-5)
