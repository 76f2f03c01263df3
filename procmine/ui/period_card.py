"""The metric card of a log's period, first to last event, on the overview and data pages.

Streamlit cuts a metric value that is wider than its column ("4 Nov 2024 – 30 Oct 2…");
this card lets its value wrap onto a second line instead, so both dates always show. The
spaces inside each date do not break, so a narrow card breaks after the dash.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from procmine.formatting import format_date
from procmine.languages import Language
from procmine.ui.state import t

_WRAPPING = ("<style>[class*='st-key-procmine-period'] [data-testid='stMetricValue'] * "
             "{white-space: normal !important; overflow: visible !important; text-overflow: clip !important}"
             "</style>")


def period_card(column, first: dt.datetime | None, last: dt.datetime | None, lang: Language, key: str) -> None:
    """The period as a metric card in `column`; `key` tells this card apart from others on the page."""
    with column.container(key=f"procmine-period-{key}"):
        st.html(_WRAPPING)
        st.metric(t("kpi.period"), f"{_unbroken(format_date(first, lang))} – {_unbroken(format_date(last, lang))}")


def _unbroken(text: str) -> str:
    return text.replace(" ", "\u00a0")
