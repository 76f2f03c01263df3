"""The one range type (procmine.ranges.Between), the timeframe's stored end, and the one option-error format."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, NonNegativeInt, ValidationError

from procmine.errors import ConfigError, FilterError
from procmine.filters import TimeframeFilter, filters_from_json, filters_to_json
from procmine.ranges import Between, LocalDatetime
from procmine.validation import validated

CPH = ZoneInfo("Europe/Copenhagen")


class Numbers(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    between: Between[float]


class Counts(BaseModel):
    between: Between[NonNegativeInt]


class Times(BaseModel):
    between: Between[LocalDatetime]


ends = st.none() | st.floats(-1e6, 1e6, allow_nan=False)


@given(ends, ends)
def test_a_range_is_accepted_exactly_when_an_end_is_given_and_low_is_at_most_high(low, high):
    acceptable = (low is not None or high is not None) and (low is None or high is None or low <= high)
    try:
        kept = Numbers(between=(low, high)).between
    except ValidationError:
        assert not acceptable
    else:
        assert acceptable and kept == (low, high)


@given(st.integers(0, 100), st.integers(0, 100))
def test_a_range_keeps_its_plain_pair_form_through_json(low, high):
    low, high = min(low, high), max(low, high)
    model = Counts(between=(low, high))
    assert model.model_dump(mode="json") == {"between": [low, high]}
    assert Counts.model_validate_json(model.model_dump_json()) == model


def test_range_errors_say_what_is_wrong():
    for given_, words in [((None, None), "give a low or a high end"), ((5, 2), "the high end 2 is below the low end 5"),
                          ((-1, None), "greater than or equal to 0")]:
        with pytest.raises(ValidationError, match=words):
            Counts(between=given_)


def test_naive_times_are_read_as_copenhagen_and_mixed_kinds_are_refused():
    assert Times(between=("2024-07-01T12:00", None)).between[0] == dt.datetime(2024, 7, 1, 12, tzinfo=CPH)

    class Mixed(BaseModel):
        between: Between[int | LocalDatetime]

    with pytest.raises(ValidationError, match="both ends must be dates or both numbers"):
        Mixed(between=(1, "2024-01-01T00:00"))


@given(st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)), st.integers(0, 400))
def test_a_timeframe_end_at_local_midnight_is_the_last_instant_of_the_day_before(first, days):
    start = dt.datetime.combine(first, dt.time(0), CPH)
    after = dt.datetime.combine(first + dt.timedelta(days=days + 1), dt.time(0), CPH)
    f = TimeframeFilter(between=(start, after))
    assert f.between[1] == after - dt.timedelta(microseconds=1)
    again = filters_from_json(filters_to_json([f]))[0]   # a saved stack reads back unchanged
    assert again == f


def test_a_timeframe_end_not_at_midnight_is_kept_and_the_same_day_is_a_period():
    noon = dt.datetime(2024, 3, 1, 12, tzinfo=CPH)
    assert TimeframeFilter(between=(None, noon)).between == (None, noon)
    day = TimeframeFilter(between=("2024-03-01", "2024-03-02"))
    assert day.describe() == "cases that overlap the period from 1 Mar 2024 through 1 Mar 2024"
    with pytest.raises(FilterError, match="below the low end"):
        TimeframeFilter(between=("2024-03-01", "2024-03-01"))


def test_a_stack_saved_before_the_inclusive_end_keeps_its_meaning():
    old = ('[{"kind": "timeframe", "between": ["2024-01-01T00:00:00+01:00", "2024-02-01T00:00:00+01:00"], '
           '"mode": "intersecting", "invert": false}]')
    f = filters_from_json(old)[0]
    assert f.between[1] == dt.datetime(2024, 1, 31, 23, 59, 59, 999999, tzinfo=CPH)
    assert f.describe("da") == "sager der overlapper perioden fra 1. jan. 2024 til og med 31. jan. 2024"


def test_validated_names_where_every_problem_the_value_and_the_fix():
    with pytest.raises(ConfigError) as caught:
        validated(Numbers, {"between": [3, 1], "colour": "red"}, ConfigError, "options.yaml", "Give a range")
    text = str(caught.value)
    assert text.startswith("options.yaml: between: the high end 1.0 is below the low end 3.0 (got [3, 1]); ")
    assert "colour: unknown key; remove it or check the spelling (got 'red')" in text
    assert text.endswith(". Give a range.")
