"""CPR scrubbing: every common written form of a valid CPR number goes, ordinary numbers stay.

Property tests generate CPR numbers with valid dates (the century from the 7th digit) in every
written form, alone and inside text; and amounts, phone numbers, dates and case numbers that
must come out unchanged. Activity names built from a CPR column are scrubbed too.
"""

from __future__ import annotations

import calendar

import pyarrow as pa
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.config import parse_config
from connectors.cpr import CPR_REPLACEMENT, cpr_century, scrub_cpr, scrub_cpr_column, scrub_cpr_labels
from connectors.generic import config_extraction
from connectors.runner import run_extraction
from procmine.dataset import read_dataset

FORMS = {
    "plain": "{date}{serial}", "hyphen": "{date}-{serial}", "space": "{date} {serial}",
    "no-break space": "{date}\u00a0{serial}", "en dash": "{date}\u2013{serial}",
    "em dash": "{date}\u2014{serial}", "minus sign": "{date}\u2212{serial}",
    "non-breaking hyphen": "{date}\u2011{serial}", "spaced hyphen": "{date} - {serial}",
    "spaced en dash": "{date} \u2013 {serial}", "dotted date": "{dotted}-{serial}",
    "dotted date, space": "{dotted} {serial}", "dotted date, plain": "{dotted}{serial}"}
# Text around a number: anything but digits (a digit next to it would make it a longer number).
AROUND = st.text(st.characters(blacklist_categories=("Nd", "Cs")), max_size=12)


@st.composite
def cpr_numbers(draw) -> tuple[str, str]:
    """A valid CPR number as (DDMMYY, NNNN): the date exists in the century the 7th digit gives."""
    seventh, year = draw(st.integers(0, 9)), draw(st.integers(0, 99))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(cpr_century(year, seventh), month)[1]))
    return f"{day:02d}{month:02d}{year:02d}", f"{seventh}{draw(st.integers(0, 999)):03d}"


def _written(date: str, serial: str, form: str) -> str:
    return FORMS[form].format(date=date, serial=serial, dotted=f"{date[:2]}.{date[2:4]}.{date[4:]}")


@settings(max_examples=400, deadline=None)
@given(cpr_numbers(), st.sampled_from(sorted(FORMS)), AROUND, AROUND)
def test_every_written_form_of_a_cpr_number_is_scrubbed(number, form, before, after):
    text = before + _written(*number, form) + after
    assert scrub_cpr(text) == before + CPR_REPLACEMENT + after
    assert scrub_cpr_column(pa.array([text, None])).to_pylist() == [scrub_cpr(text), None]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cpr_numbers(), st.sampled_from(sorted(FORMS)), AROUND), min_size=2,
                max_size=5))
def test_several_cpr_numbers_in_one_text_are_all_scrubbed(pieces):
    text = " ".join(prefix + _written(*number, form) for number, form, prefix in pieces)
    scrubbed = scrub_cpr(text)
    assert scrubbed.count(CPR_REPLACEMENT) == len(pieces)
    assert scrub_cpr(scrubbed) == scrubbed


def _amounts():
    whole = st.integers(0, 999_999_999)
    return st.one_of(
        whole.map(lambda n: f"{n} kr."), whole.map(lambda n: f"{n:,}".replace(",", ".") + ",50 kr"),
        whole.map(lambda n: f"kr. {n:,}".replace(",", " ")), st.floats(0, 1e9).map(lambda f: f"{f:.2f}"))


def _phone_numbers():
    number = st.integers(10_000_000, 99_999_999).map(str)
    return st.one_of(number, number.map(lambda n: f"+45 {n}"),
                     number.map(lambda n: " ".join(n[i:i + 2] for i in range(0, 8, 2))),
                     number.map(lambda n: f"+45 {n[:4]} {n[4:]}"))


def _dates():
    day = st.dates()
    return st.one_of(day.map(lambda d: f"{d:%d.%m.%y}"), day.map(lambda d: f"{d:%d%m%y}"),
                     day.map(lambda d: f"{d:%d-%m-%Y}"), day.map(lambda d: d.isoformat()),
                     day.map(lambda d: f"{d:%d.%m.%Y}"), day.map(lambda d: f"{d:%d.%m.%Y kl. %H.%M}"))


def _case_numbers():
    return st.one_of(
        st.integers(2000, 2099).flatmap(lambda y: st.integers(0, 999_999).map(lambda n: f"{y}-{n:06d}")),
        st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.integers(1, 9999))
        .map(lambda p: f"{p[0]:02d}.{p[1]:02d}.{p[2]:02d}-G01-{p[3]}-24"))


def _invalid_dates():
    """Ten digits whose first six are no date at all (day 32-39 or 00, month 13-19 or 00)."""
    return st.tuples(st.sampled_from(["00", "32", "35", "39", "15"]), st.sampled_from(["00", "13", "19"]),
                     st.integers(0, 99), st.integers(0, 9999)) \
        .map(lambda p: f"{p[0]}{p[1]}{p[2]:02d}-{p[3]:04d}")


@settings(max_examples=400, deadline=None)
@given(st.one_of(_amounts(), _phone_numbers(), _dates(), _case_numbers(), _invalid_dates()),
       AROUND, AROUND)
def test_ordinary_numbers_are_left_alone(number, before, after):
    text = before + number + after
    assert scrub_cpr(text) == text
    assert scrub_cpr_column(pa.array([text])).to_pylist() == [text]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), AROUND, st.tuples(cpr_numbers(), st.sampled_from(sorted(FORMS)))
                          .map(lambda p: "Sag " + _written(*p[0], p[1]))), max_size=30))
def test_column_scrubbing_equals_scrubbing_each_value(texts):
    expected = [None if t is None else scrub_cpr(t) for t in texts]
    column = pa.array(texts, pa.string())
    assert scrub_cpr_column(column).to_pylist() == expected
    assert scrub_cpr_labels(column).to_pylist() == expected


@pytest.mark.parametrize("text, expected", [
    ("010190 1234", "[CPR]"), ("010190–1234", "[CPR]"), ("01.01.90-1234", "[CPR]"),
    ("Borger 0101901234, tlf. 86 12 34 56", "Borger [CPR], tlf. 86 12 34 56"),
    ("sag 2024-001234 om 01.01.90", "sag 2024-001234 om 01.01.90"),
    ("konto 12345678901", "konto 12345678901"),      # eleven digits: another number
    ("01.0190-1234", "01.0190-1234"),                # one dot only: not a written date
])
def test_examples_of_the_rule(text, expected):
    assert scrub_cpr(text) == expected


def test_cpr_numbers_in_an_activity_template_column_never_become_activity_names(tmp_path, monkeypatch):
    monkeypatch.setenv("PROCMINE_PSEUDONYM_KEY", "test-key-cpr-activities-0123456789")
    url = f"sqlite:///{tmp_path / 'src.db'}"
    engine = sa.create_engine(url)
    texts = ["Ansøgning fra 010190-1234", "Ansøgning fra 010190 1234", "Ansøgning fra 01.01.90–1234",
             "Ansøgning fra 0101901234", "Ansøgning, beløb 1.250 kr"]
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE log (id INTEGER, sag TEXT, emne TEXT, tid TEXT)"))
        connection.execute(sa.text("INSERT INTO log VALUES (:i, 'A', :e, :t)"), [
            {"i": i, "e": text, "t": f"2024-03-0{i + 1} 10:00:00"} for i, text in enumerate(texts)])
    engine.dispose()
    config = parse_config({"url": url, "output": str(tmp_path / "out"), "events": [
        {"name": "by_template", "table": "log", "case_id": "sag", "activity_template": "Trin: {emne}",
         "timestamp": "tid", "row_key": ["id"]},
        {"name": "by_column", "table": "log", "case_id": "sag", "activity": "emne",
         "timestamp": "tid", "row_key": ["id"]}]})
    run_extraction(config_extraction(config))
    activities = set(read_dataset(tmp_path / "out").events.column("activity").to_pylist())
    assert activities == {"Trin: Ansøgning fra [CPR]", "Ansøgning fra [CPR]",
                          "Trin: Ansøgning, beløb 1.250 kr", "Ansøgning, beløb 1.250 kr"}
    blobs = b"".join(p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert b"010190" not in blobs and b"01.01.90" not in blobs
