"""The 'add a filter' form: one small form per filter kind, and a JSON form for any other kind.

Every kind in the engine's filter registry can be added; the common ones get
widgets filled with the log's activities, attributes and values.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import streamlit as st

from procmine import schema as s
from procmine.errors import FilterError, ProcmineError
from procmine.formatting import column_label
from procmine.ui import state
from procmine.ui.state import t

_CORE = {s.CASE_INDEX, s.EVENT_INDEX, s.CASE_ID, s.TIMESTAMP, s.START_TIMESTAMP}


def render_add_form() -> None:
    """Choose a kind, fill its form, press Add: the filter goes on top of the stack."""
    from procmine.filters import REGISTRY
    kinds = sorted(REGISTRY, key=lambda kind: (kind not in FORMS, kind))
    kind = st.selectbox(t("filters.kind"), kinds, key=state.worded("filter_kind"),
                        format_func=lambda k: t(f"filter.kind.{k}") if k in FORMS else k)
    form = FORMS.get(kind, _json_form)
    try:
        values = form(kind)
    except ProcmineError as exc:
        st.error(str(exc))
        return
    invert = st.checkbox(t("filters.invert"), key="filter_invert")
    if st.button(t("filters.apply"), key="filter_add", type="primary", width="stretch"):
        try:
            new = REGISTRY[kind](**{**values, "invert": invert})
            state.filtered_log(state.filters() + [new])  # a value that does not fit fails here
        except ProcmineError as exc:
            st.error(str(exc))
            return
        state.add_filter(new)
        st.rerun()


def _activities() -> list[str]:
    return sorted(state.full_log().activities, key=str.casefold)


def _case_attributes() -> list[str]:
    return [c for c in state.full_log().case_columns if c not in _CORE]


def _event_attributes() -> list[str]:
    return [c for c in state.full_log().event_columns if c not in _CORE]


def log_days() -> tuple[dt.date, dt.date]:
    """The local first and last day of the log; FilterError when it has no events (a role may see none)."""
    span = state.full_log().time_span()
    if span is None:
        raise FilterError("The log has no events, so there is no period to choose.")
    return local_date(span[0]), local_date(span[1])


def _timeframe(kind: str) -> dict:
    first, last = log_days()
    st.markdown(f"**{t('filter.period')}**")
    low, high = date_span("filter_timeframe", (first, last), (first, last),
                          t("filter.period_from"), t("filter.period_to"), side_by_side=False)
    modes = ("intersecting", "contained", "started", "completed", "trim")
    mode = st.selectbox(t("filter.mode"), modes, key=state.worded("filter_timeframe_mode"),
                        format_func=lambda m: t(f"filter.timeframe.{m}"))
    return {"between": (local_midnight(low), local_midnight(high + dt.timedelta(days=1))), "mode": mode}


def date_span(key: str, bounds: tuple[dt.date, dt.date], chosen: tuple[dt.date, dt.date], label_from: str,
              label_to: str, container=None, side_by_side: bool = True) -> tuple[dt.date, dt.date]:
    """A first and a last day (both included) from two date fields; FilterError if reversed.

    Two single fields rather than one range field: Streamlit's range field adds an English
    "Date range" quick-select that cannot be translated. In the narrow sidebar the fields
    go one below the other (side_by_side=False), so a whole date shows.
    """
    place = container or st
    left, right = place.columns(2) if side_by_side else (place, place)
    low = left.date_input(label_from, chosen[0], min_value=bounds[0], max_value=bounds[1],
                          key=f"{key}_from", format="DD.MM.YYYY")
    high = right.date_input(label_to, chosen[1], min_value=bounds[0], max_value=bounds[1],
                            key=f"{key}_to", format="DD.MM.YYYY")
    low, high = low or bounds[0], high or bounds[1]
    if high < low:
        from procmine.formatting import format_date
        raise FilterError(t("filter.period_order", first=format_date(low, state.lang()),
                            last=format_date(high, state.lang())))
    return low, high


def _case_attribute(kind: str) -> dict:
    names = _case_attributes()
    if not names:
        st.caption(t("filter.no_case_attributes"))
        return {"attribute": "", "values": ()}
    attribute = st.selectbox(t("filter.attribute"), names, key=state.worded("filter_case_attribute"),
                             format_func=lambda n: column_label(n, state.lang()))
    values = st.multiselect(t("filter.values"), state.distinct_values("cases", attribute)[0],
                            key=f"filter_case_values_{attribute}")
    return {"attribute": attribute, "values": tuple(values)}


def _event_attribute(kind: str) -> dict:
    names = _event_attributes()
    attribute = st.selectbox(t("filter.attribute"), names, key=state.worded("filter_event_attribute"),
                             format_func=lambda n: column_label(n, state.lang()))
    options = _activities() if attribute == s.ACTIVITY else state.distinct_values("events", attribute)[0]
    values = st.multiselect(t("filter.values"), options, key=f"filter_event_values_{attribute}")
    modes = ("any", "all", "none", "keep")
    mode = st.selectbox(t("filter.mode"), modes, key=state.worded("filter_event_mode"),
                        format_func=lambda m: t(f"filter.event.{m}"))
    return {"attribute": attribute, "values": tuple(values), "mode": mode}


def _endpoints(kind: str) -> dict:
    start = st.multiselect(t("filter.starts_with"), _activities(), key="filter_endpoints_start")
    end = st.multiselect(t("filter.ends_with"), _activities(), key="filter_endpoints_end")
    return {"start": tuple(start), "end": tuple(end)}


def _variants(kind: str) -> dict:
    how = st.radio(t("filter.variants.how"), ("top", "share"), key=state.worded("filter_variants_how"), horizontal=True,
                   format_func=lambda h: t(f"filter.variants.{h}_choice"))
    if how == "top":
        return {"top": int(st.number_input(t("filter.variants.top"), 1, 100_000, 10, key="filter_top"))}
    # In percent: a slider shows its value with a decimal point in every language ("0.80").
    percent = st.slider(t("filter.variants.share"), 5, 100, 80, 5, key="filter_share", format="%d %%")
    return {"share": percent / 100}


def _throughput(kind: str) -> dict:
    units = ("days", "working_days", "hours")
    unit = st.selectbox(t("filter.unit"), units, key=state.worded("filter_throughput_unit"),
                        format_func=lambda u: t(f"filter.unit.{u}"))
    return {"between": _range_inputs("filter_throughput", float), "unit": unit}


def _case_size(kind: str) -> dict:
    return {"between": _range_inputs("filter_case_size", int)}


def _follower(kind: str) -> dict:
    activities = _activities()
    activity = st.selectbox(t("filter.follower.activity"), activities, key="filter_follower_activity")
    followed = st.selectbox(t("filter.follower.followed_by"), activities, key="filter_follower_next")
    relation = st.radio(t("filter.follower.relation"), ("eventually", "directly"), horizontal=True,
                        key=state.worded("filter_follower_relation"), format_func=lambda r: t(f"filter.follower.{r}"))
    never = st.checkbox(t("filter.follower.never"), key="filter_follower_never")
    return {"activity": activity, "followed_by": followed, "relation": relation, "never": never}


def _rework(kind: str) -> dict:
    activity = st.selectbox(t("filter.rework.activity"), _activities(), key="filter_rework_activity")
    times = st.number_input(t("filter.rework.at_least"), 0, 1000, 2, key="filter_rework_times")
    return {"activity": activity, "at_least": int(times)}


def _resources(kind: str) -> dict:
    options = state.distinct_values("events", s.RESOURCE)[0] if s.RESOURCE in state.full_log().event_columns else []
    return {"resources": tuple(st.multiselect(t("filter.resources"), options, key="filter_resources"))}


def _range_inputs(key: str, kind: Callable) -> tuple:
    left, right = st.columns(2)
    low = left.number_input(t("filter.at_least"), min_value=0, value=None, key=f"{key}_low")
    high = right.number_input(t("filter.at_most"), min_value=0, value=None, key=f"{key}_high")
    return (None if low is None else kind(low), None if high is None else kind(high))


def _json_form(kind: str) -> dict:
    """Any other registered kind: its fields as JSON (the same form as in a saved filter file)."""
    from procmine.filters import REGISTRY
    fields = [name for name in REGISTRY[kind].model_fields if name not in ("kind", "invert")]
    st.caption(t("filter.json_help", fields=", ".join(fields)))
    text = st.text_area(t("filter.json"), "{}", key=f"filter_json_{kind}", height=100)
    try:
        data = json.loads(text or "{}")
    except ValueError as exc:
        raise FilterError(f"{kind} filter: the fields are not JSON ({exc}). "
                          'Write them as {"key": value, ...}.') from None
    if not isinstance(data, dict):
        raise FilterError(f"{kind} filter: the fields must be a JSON object, not {text!r}. "
                          'Write them as {"key": value, ...}.')
    return data


def local_date(micros: int) -> dt.date:
    """The local (Europe/Copenhagen) date of an instant in microseconds since the epoch."""
    from procmine.formatting import local_time
    return local_time(dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros)).date()


def local_midnight(day: dt.date | None) -> dt.datetime | None:
    """Local midnight of `day` (the filter reads naive times as Europe/Copenhagen)."""
    return None if day is None else dt.datetime(day.year, day.month, day.day)  # noqa: DTZ001 -- naive on purpose: the timeframe filter reads naive times as Europe/Copenhagen


FORMS: dict[str, Callable[[str], dict]] = {
    "timeframe": _timeframe, "case_attribute": _case_attribute, "event_attribute": _event_attribute,
    "endpoints": _endpoints, "variants": _variants, "throughput": _throughput, "case_size": _case_size,
    "follower": _follower, "rework": _rework, "resources": _resources,
}
