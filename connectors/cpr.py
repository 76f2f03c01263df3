"""CPR numbers in text: found in every common written form, by pattern plus a valid date.

The rule: six date digits DDMMYY (or DD.MM.YY), then at most one separator, then four digits,
with no digit directly before or after (a longer run of digits is another number). The separator is
a hyphen or dash of any kind (- ‐ ‑ ‒ – — ―, the minus sign −), optionally with a space on
each side, or a single (non-breaking) space. The date must exist in the century the 7th digit
gives (CPR rules; no modulus-11 check, which fails for valid numbers since 2007). So
`010190-1234`, `0101901234`, `010190 1234`, `010190–1234`, `01.01.90-1234` are CPR numbers;
amounts, 8-digit phone numbers, dates alone and case numbers such as `2024-001234` are not.
"""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
import pyarrow.compute as pc

CPR_REPLACEMENT = "[CPR]"
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SPACES = " \u00a0"
_SEPARATOR = f"(?:[{_SPACES}]?[{_DASHES}][{_SPACES}]?|[{_SPACES}])?"
_CPR = re.compile(
    r"(?<![0-9])(?P<day>[0-3][0-9])(?P<dot>\.?)(?P<month>[01][0-9])(?P=dot)(?P<year>[0-9]{2})"
    + _SEPARATOR + r"(?P<seventh>[0-9])[0-9]{3}(?![0-9])")
# A superset of the above in RE2 syntax (no look-arounds, no back-references) for Arrow's
# vectorised pre-filter: only values it matches go through Python.
_CPR_CANDIDATE = (f"[0-3][0-9]\\.?[01][0-9]\\.?[0-9]{{2}}{_SEPARATOR}[0-9]{{4}}")


def cpr_century(year: int, seventh_digit: int) -> int:
    """The full year of a CPR number from its two-digit year and the 7th digit (CPR rules)."""
    if seventh_digit <= 3:
        return 1900 + year
    if seventh_digit in (4, 9):
        return (2000 if year <= 36 else 1900) + year
    return (2000 if year <= 57 else 1800) + year


def is_cpr(day: str, month: str, year: str, seventh: str) -> bool:
    """True if the digits make a valid CPR date (no modulus-11 check: it fails since 2007)."""
    try:
        dt.date(cpr_century(int(year), int(seventh)), int(month), int(day))
    except ValueError:
        return False
    return True


def scrub_cpr(text: str) -> str:
    """Replace every CPR number in `text` by [CPR], e.g. 'Sag 010203 1234' -> 'Sag [CPR]'."""
    def _replace(match: re.Match) -> str:
        found = is_cpr(match["day"], match["month"], match["year"], match["seventh"])
        return CPR_REPLACEMENT if found else match.group(0)

    return _CPR.sub(_replace, text)


def scrub_cpr_column(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Scrub CPR numbers from a text column; each distinct candidate value goes through Python once."""
    column = column.cast(pa.string())
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    candidates = pc.fill_null(pc.match_substring_regex(column, _CPR_CANDIDATE), False)
    if not pc.any(candidates).as_py():
        return column
    encoded = column.dictionary_encode()
    values = encoded.dictionary.to_pylist()
    flagged = pc.match_substring_regex(encoded.dictionary, _CPR_CANDIDATE)
    for index in pc.indices_nonzero(flagged).to_pylist():
        values[index] = scrub_cpr(values[index])
    return pa.array(values, pa.string()).take(encoded.indices)


def scrub_cpr_labels(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Scrub a column of few distinct values (activity names): only the distinct values are read."""
    column = column.cast(pa.string())
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = column.dictionary_encode()
    scrubbed = scrub_cpr_column(encoded.dictionary)
    if scrubbed is encoded.dictionary:  # no candidate: the column as it was
        return column
    return scrubbed.take(encoded.indices)
