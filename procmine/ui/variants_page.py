"""Variants page: ranked table, chevron strips, coverage curve, selected variants become a filter."""

from __future__ import annotations

import html

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from procmine.analysis.variants import variants
from procmine.filters import VariantsFilter
from procmine.formatting import format_number, format_percent
from procmine.result_tables import VARIANTS
from procmine.ui import charts, downloads, state
from procmine.ui.state import t

STRIPS = 12
SHOWN_ROWS = 1000   # the CSV download holds them all
CURVE_POINTS = 2000
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac", "#1f77b4", "#8c564b", "#17becf", "#bcbd22", "#7f7f7f", "#d62728")


def render() -> None:
    """Draw the variants page."""
    st.header(t("page.variants"))
    found = state.computed(variants)
    frame = found.to_pandas()
    if len(frame) > SHOWN_ROWS:
        st.caption(t("variants.capped", shown=format_number(SHOWN_ROWS, state.lang()),
                     total=format_number(len(frame), state.lang())))
    frame["activities"] = [" → ".join(sequence) for sequence in frame["activities"]]
    table_column, curve_column = st.columns([3, 2])
    with table_column:
        picked = _table(frame)
    with curve_column:
        _coverage(frame)
    rows = set(picked.selection.rows) if picked else set()
    numbers = st.multiselect(t("variants.pick"), list(range(1, min(len(frame), SHOWN_ROWS) + 1)),
                             key="variants_pick", placeholder=t("variants.pick_placeholder"))
    chosen = [found.sequences[row] for row in sorted(rows | {number - 1 for number in numbers})]
    if st.button(t("variants.keep_selected", count=len(chosen)), key="variants_keep", type="primary",
                 disabled=not chosen):
        state.add_filter(VariantsFilter(variants=tuple(chosen)))
        st.rerun()
    st.subheader(t("variants.strips"))
    _strips(found, frame)


def _table(full: pd.DataFrame):
    frame = full.head(SHOWN_ROWS)
    st.caption(t("variants.select_help"))
    return downloads.table(full, "variants", key="variants", declared=VARIANTS, on_select="rerun",
                           view=frame.assign(length=[v.count("→") + 1 for v in frame["activities"]]), columns={
                               "variant": "#", "cases": t("kpi.cases"), "share": t("variants.share"),
                               "cumulative_share": t("variants.cumulative"),
                               "median_throughput_seconds": t("kpi.median_throughput"),
                               "length": t("variants.length"), "activities": t("variants.activities")},
                           selection_mode="multi-row", height=min(420, 40 + 35 * len(frame)))


def _coverage(frame: pd.DataFrame) -> None:
    rank, covered = t("variants.rank"), t("variants.cumulative")
    curve = pd.DataFrame({rank: frame["variant"], covered: frame["cumulative_share"]})
    if len(curve) > CURVE_POINTS:  # draw a log-spaced subset: the curve's shape, not 100,000 points
        curve = curve.iloc[np.unique(np.geomspace(1, len(curve), CURVE_POINTS).astype(int) - 1)]
    chart = (alt.Chart(curve).mark_line(interpolate="step-after", color="#3b6ea5", point=len(curve) <= 30)
             .encode(x=alt.X(f"{rank}:Q", title=t("variants.rank_axis"),
                             axis=alt.Axis(format="d", tickMinStep=1)),
                     y=alt.Y(f"{covered}:Q", title=covered, axis=alt.Axis(format="%"),
                             scale=alt.Scale(domain=[0, 1])),
                     tooltip=[rank, alt.Tooltip(f"{covered}:Q", format=".1%")])
             .properties(height=380, title=t("variants.coverage")))
    charts.show(chart, "variant-coverage", key="variants_coverage")


def _strips(found, frame: pd.DataFrame) -> None:
    colours: dict[str, str] = {}
    lang = state.lang()
    rows = []
    for number, sequence in enumerate(found.sequences[:STRIPS]):
        chevrons = "".join(_chevron(name, colours.setdefault(name, PALETTE[len(colours) % len(PALETTE)]))
                           for name in sequence)
        label = t("variants.strip_label", number=number + 1,
                  cases=format_number(int(frame["cases"].iloc[number]), lang),
                  share=format_percent(float(frame["share"].iloc[number]), lang))
        rows.append(f'<div class="pm-strip"><div class="pm-strip-label">{html.escape(label)}</div>'
                    f'<div class="pm-chevrons">{chevrons}</div></div>')
    st.html(_STRIP_CSS + "".join(rows))


def _chevron(name: str, colour: str) -> str:
    return (f'<span class="pm-chevron" style="background:{colour}" title="{html.escape(name)}">'
            f"{html.escape(name)}</span>")


_STRIP_CSS = """<style>
.pm-strip{display:flex;align-items:center;margin:4px 0;font-family:sans-serif;font-size:12px}
.pm-strip-label{flex:0 0 190px;color:#333}
.pm-chevrons{display:flex;flex-wrap:nowrap;overflow-x:auto}
.pm-chevron{color:white;padding:5px 16px 5px 18px;margin-right:-6px;white-space:nowrap;max-width:160px;
 overflow:hidden;text-overflow:ellipsis;clip-path:polygon(0 0,calc(100% - 10px) 0,100% 50%,calc(100% - 10px) 100%,0 100%,10px 50%)}
</style>"""
