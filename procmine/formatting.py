"""Every human-facing number, share, duration, difference and time, formatted one way in both languages.

The ground floor of the faces: the CLI's tables, the app, the HTML report, the
process maps and the exports all format through these functions, so a median
of 7.8 days reads "7.8 d" (English) or "7,8 d" (Danish) everywhere, and a
difference of -0.1 days reads "−0.1 d". Machine formats (JSON, CSV) use
`iso_instant`: ISO 8601 with the offset of the dataset's time zone.

>>> format_signed_duration(-0.1 * 86_400, "da", like=7.9 * 86_400)
'−0,1 d'
>>> format_percent(0.523, "en")
'52.3 %'
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from typing import overload
from zoneinfo import ZoneInfo

from procmine.i18n import text
from procmine.languages import Language, month_name
from procmine.schema import DEFAULT_TIMEZONE
from procmine.units import DAY_SECONDS

MINUS = "\u2212"  # a real minus sign: "−0.1 d", not a hyphen
DASH = "–"       # an unknown or missing value
# The canonical columns as a table header shows them.
_COLUMN_LABELS = {
    "case_id": ("Case", "Sag"), "activity": ("Activity", "Aktivitet"), "timestamp": ("Time", "Tidspunkt"),
    "start_timestamp": ("Start time", "Starttidspunkt"), "resource": ("Resource", "Sagsbehandler"),
    "lifecycle": ("Lifecycle", "Livscyklus"), "case_type": ("Case type", "Sagstype"), "kle": ("KLE", "KLE"),
    "department": ("Department", "Afdeling"), "channel": ("Channel", "Kanal"),
    "opened_at": ("Opened", "Oprettet"), "closed_at": ("Closed", "Afsluttet"),
    "org_unit": ("Org. unit", "Enhed"), "outcome": ("Outcome", "Udfald"), "category": ("Category", "Kategori"),
    "citizen_id": ("Citizen id", "Borger-id"), "facet": ("KLE facet", "KLE-facet"), "role": ("Role", "Rolle"),
}


def missing(value) -> bool:
    """True for None, NaN and pandas' NaT/NA: values shown as a dash."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):  # pd.NA has no truth value
        return type(value).__name__ == "NAType"


def format_number(value: float | int | None, lang: Language, decimals: int = 0) -> str:
    """A number with thousands separators: 1234.5 -> "1,234.5" (en) or "1.234,5" (da); negatives with −."""
    if value is None or missing(value):
        return DASH
    if math.isinf(value):   # an interval without a top (adaptive conformal inference at α ≤ 0)
        return f"{MINUS}∞" if value < 0 else "∞"
    english = f"{abs(value):,.{decimals}f}"
    if lang == "da":
        english = english.replace(",", "\0").replace(".", ",").replace("\0", ".")
    negative = value < 0 and any(ch not in "0.," for ch in english)
    return f"{MINUS}{english}" if negative else english


def format_count(value: float | int | None, lang: Language) -> str:
    """A count as a whole number: 5004 -> "5,004" / "5.004" (never "5,004.00")."""
    return DASH if value is None or missing(value) else format_number(round(float(value)), lang)


def format_signed_number(value: float | int | None, lang: Language, decimals: int = 0) -> str:
    """A difference with its sign: "+12", "−536", "0"."""
    shown = format_number(value, lang, decimals)
    return f"+{shown}" if value is not None and not missing(value) and value > 0 and shown.strip("0.,") else shown


def format_duration(seconds: float | None, lang: Language) -> str:
    """A duration in the largest fitting unit: "3.2 d" / "3,2 d", "4 h 12 m" / "4 t 12 m", "45 s", "instant"."""
    if seconds is None or missing(seconds):
        return DASH
    seconds = float(seconds)
    if seconds < 0:
        return _signed_magnitude(seconds, lang)
    if seconds < 1:
        return text("unit.instant", lang)
    return _magnitude(seconds, lang)


def format_signed_duration(seconds: float | None, lang: Language, *, like: float | None = None) -> str:
    """A difference of durations with its sign: "+7.5 d", "−21 h 42 m"; "0 s" for none.

    `like` is the size of the durations compared: from a day up the difference is in days
    too, so 7.9 d → 7.8 d reads "−0.1 d" (not "−2 h 24 m").
    """
    if seconds is None or missing(seconds):
        return DASH
    in_days = like is not None and not missing(like) and abs(float(like)) >= DAY_SECONDS
    return _signed_magnitude(float(seconds), lang, in_days)


def _signed_magnitude(seconds: float, lang: Language, in_days: bool = False) -> str:
    size = abs(seconds)
    if in_days:
        shown = format_number(size / DAY_SECONDS, lang, 1)
        return f"0{shown[1:]} d" if not shown.strip("0.,") else \
            f"{'+' if seconds > 0 else MINUS}{shown} d"
    if size < 1:
        return "0 s"
    return f"{'+' if seconds > 0 else MINUS}{_magnitude(size, lang)}"


def _magnitude(seconds: float, lang: Language) -> str:
    if seconds < 59.5:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} m"
    if seconds < DAY_SECONDS:
        hours, rest = divmod(minutes, 60)
        hour = text("unit.hour", lang)
        return f"{hours} {hour} {rest} m" if rest else f"{hours} {hour}"
    return f"{format_number(seconds / DAY_SECONDS, lang, 1)} d"


def format_percent(fraction: float | None, lang: Language, decimals: int = 1) -> str:
    """A share 0..1 as a percentage: 0.523 -> "52.3 %" (en) or "52,3 %" (da)."""
    return DASH if fraction is None or missing(fraction) else f"{format_number(fraction * 100, lang, decimals)} %"


def format_signed_percent(fraction: float | None, lang: Language, decimals: int = 1) -> str:
    """A relative change with its sign: 0.18 -> "+18.0 %", -0.944 -> "−94.4 %"."""
    return DASH if fraction is None or missing(fraction) else f"{format_signed_number(fraction * 100, lang, decimals)} %"


def format_share_difference(difference: float | None, lang: Language, decimals: int = 1) -> str:
    """A difference of two shares in percentage points: 0.123 -> "+12.3 pp" / "+12,3 pct.-point"."""
    if difference is None or missing(difference):
        return DASH
    return f"{format_signed_number(difference * 100, lang, decimals)} {text('unit.points', lang)}"


@overload
def local_time(value: dt.datetime, timezone: str = ...) -> dt.datetime: ...
@overload
def local_time(value: dt.date, timezone: str = ...) -> dt.date: ...
def local_time(value: dt.datetime | dt.date, timezone: str = DEFAULT_TIMEZONE) -> dt.datetime | dt.date:
    """A UTC (or naive-UTC) timestamp in the local zone; dates are returned as they are."""
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(ZoneInfo(timezone))
    return value


def format_date(value: dt.datetime | dt.date | None, lang: Language, timezone: str = DEFAULT_TIMEZONE) -> str:
    """A date as '28. nov. 2026' (da) or '28 Nov 2026' (en); datetimes in the local zone."""
    if value is None or missing(value):
        return DASH
    local = local_time(value, timezone)
    month = month_name(local.month, lang)
    return f"{local.day}. {month} {local.year}" if lang == "da" else f"{local.day} {month} {local.year}"


def format_datetime(value: dt.datetime | None, lang: Language, timezone: str = DEFAULT_TIMEZONE) -> str:
    """A timestamp as '28. nov. 2026 14.05' (da) or '28 Nov 2026 14:05' (en), in the local zone."""
    if value is None or missing(value):
        return DASH
    local = local_time(value, timezone)
    separator = "." if lang == "da" else ":"
    return f"{format_date(local, lang, timezone)} {local.hour:02d}{separator}{local.minute:02d}"


def format_month(day: dt.date, lang: Language) -> str:
    """A month as 'okt. 2026' (da) or 'Oct 2026' (en)."""
    return f"{month_name(day.month, lang)} {day.year}"


def format_period(first: dt.date | dt.datetime | None, last_included: dt.date | dt.datetime | None,
                  lang: Language, timezone: str = DEFAULT_TIMEZONE) -> str:
    """A period by its first and last included day: '1. jan. 2024 – 31. jan. 2024'; open ends as '…'."""
    start = "…" if first is None else format_date(first, lang, timezone)
    end = "…" if last_included is None else format_date(last_included, lang, timezone)
    return f"{start} – {end}"


def iso_instant(value, timezone: str = DEFAULT_TIMEZONE) -> str | None:
    """An instant for machines: ISO 8601 in the dataset's zone with its offset ('2024-03-04T09:00:00+01:00')."""
    if missing(value):
        return None
    if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime"):
        return local_time(value, timezone).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{value!r} is not a time")


def column_label(name: str, lang: Language) -> str:
    """A column's header: the canonical columns in words ('Aktivitet'), any other name as it is."""
    labels = _COLUMN_LABELS.get(name)
    return name if labels is None else labels[lang == "da"]


def format_value(kind: str | None, value, lang: Language, *, signed: bool = False,
                 like: float | None = None) -> str:
    """A number of a kind (procmine.result_tables.Kind), optionally as a signed difference: the one people format.

    "duration" in seconds, "share" 0..1, "change" a relative change, "days"/"working_days" measured
    days (one decimal; whole numbers stay whole), "count" whole numbers, anything else a number with
    two decimals unless it is whole at two decimals (1.004 reads "1", never "1.00"). `like`: for a
    signed duration, the size of the durations compared (see format_signed_duration).
    """
    if kind == "duration":
        return format_signed_duration(value, lang, like=like) if signed else format_duration(value, lang)
    if kind == "share":
        return format_share_difference(value, lang) if signed else format_percent(value, lang)
    if kind == "change":
        return format_signed_percent(value, lang)
    if kind == "count":
        return format_signed_number(value, lang) if signed else format_count(value, lang)
    integer = isinstance(value, numbers.Integral)   # NumPy's integers too
    if kind in ("days", "working_days") and not integer:
        return format_signed_number(value, lang, 1) if signed else format_number(value, lang, 1)
    if missing(value) or integer or round(float(value), 2).is_integer():   # 1.004 reads "1", as 1.0 does
        return format_signed_number(value, lang) if signed else format_count(value, lang)
    return format_signed_number(value, lang, 2) if signed else format_number(value, lang, 2)
