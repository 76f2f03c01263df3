"""Altair charts drawn from engine results, each with SVG and PNG downloads.

The charts only draw numbers the engine computed. Histograms are binned here,
before drawing, so a chart of 150,000 cases sends 40 bars to the browser, not
150,000 values.
"""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from procmine.ui import downloads, state


@st.cache_data(max_entries=64, show_spinner=False)
def _svg(spec_json: str) -> str:
    import vl_convert
    return vl_convert.vegalite_to_svg(json.loads(spec_json))


@st.cache_data(max_entries=64, show_spinner=False)
def _png(spec_json: str) -> bytes:
    import vl_convert
    return vl_convert.vegalite_to_png(json.loads(spec_json), scale=2)


NUMBER_LOCALES = {
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]},
    "da": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]},
}


# Altair refuses a chart of more than 5,000 rows (MaxRowsError, a traceback on the page).
CHART_ROWS = 5000


def within_row_limit(chart: alt.Chart, limit: int = CHART_ROWS) -> tuple[alt.Chart, int | None]:
    """The chart with at most `limit` evenly spaced rows (first and last kept), and the rows it had if thinned."""
    data = getattr(chart, "data", None)
    if not isinstance(data, pd.DataFrame) or len(data) <= limit:
        return chart, None
    keep = np.unique(np.linspace(0, len(data) - 1, limit).round().astype(int))
    thinned = chart.copy()
    thinned.data = data.iloc[keep].reset_index(drop=True)
    return thinned, len(data)


def show(chart: alt.Chart, name: str, *, key: str) -> None:
    """Draw a chart full width, axis numbers in the user's language, with SVG and PNG downloads on click.

    A chart of more rows than Altair draws is thinned to evenly spaced rows, saying so.
    """
    chart, total = within_row_limit(chart)
    if total is not None:
        from procmine.formatting import format_number
        st.caption(state.t("maps.chart_thinned", shown=format_number(len(chart.data), state.lang()),
                           total=format_number(total, state.lang())))
    chart = chart.configure(locale={"number": NUMBER_LOCALES[state.lang()]})
    st.altair_chart(chart, width="stretch", key=f"{key}_chart")
    spec = json.dumps(chart.to_dict(), sort_keys=True, default=str)
    downloads.picture(name, key=key, svg=lambda: _svg(spec), png=lambda: _png(spec))


def histogram_frame(values: np.ndarray, value_title: str, count_title: str, bins: int = 40) -> pd.DataFrame:
    """Equal-width bins of `values` (NaN left out): columns start, end and the count."""
    values = values[~np.isnan(values)]
    counts, edges = np.histogram(values, bins=bins) if len(values) else (np.zeros(0, int), np.zeros(1))
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], count_title: counts,
                         value_title: (edges[:-1] + edges[1:]) / 2})


def histogram(frame: pd.DataFrame, value_title: str, count_title: str, height: int = 320) -> alt.Chart:
    """Bars over the bins of `histogram_frame`."""
    return (alt.Chart(frame).mark_bar(color="#3b6ea5")
            .encode(x=alt.X("start:Q", title=value_title), x2="end:Q",
                    y=alt.Y(f"{count_title}:Q", title=count_title), y2=alt.datum(0),
                    tooltip=[alt.Tooltip("start:Q", format=".1f"), alt.Tooltip("end:Q", format=".1f"),
                             count_title])
            .properties(height=height))
