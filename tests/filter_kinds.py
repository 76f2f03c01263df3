"""One filter of every kind (and inverted ones) that fits a given log, for the engine differential tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from procmine import analysis
from procmine.filters import (
    CaseAttributeFilter,
    CaseSizeFilter,
    EndpointsFilter,
    EventAttributeFilter,
    FollowerFilter,
    ResourcesFilter,
    ReworkFilter,
    ThroughputFilter,
    TimeframeFilter,
    VariantsFilter,
)

UTC = dt.UTC


def filters_for(log) -> dict[str, object]:
    """name -> filter, each chosen from the log's own activities, times, resources and attributes."""
    top = analysis.variants(log).to_pandas()["activities"].iloc[0]
    first, second = top[0], top[1] if len(top) > 1 else top[0]
    arrays = log.arrays
    rare = arrays.activity_names[int(np.argmin(np.bincount(arrays.activity, minlength=len(arrays.activity_names))
                                               + (np.bincount(arrays.activity, minlength=len(arrays.activity_names))
                                                  == 0) * len(arrays.activity)))]
    middle = dt.datetime.fromtimestamp(float(np.median(arrays.timestamp)) / 1e6, UTC)
    median_days = analysis.overview(log).median_throughput_seconds / 86_400
    found = {
        "endpoints": EndpointsFilter(start=(first,)),
        "endpoints_inverted": EndpointsFilter(end=(top[-1],), invert=True),
        "follower_directly": FollowerFilter(activity=first, followed_by=second, relation="directly"),
        "follower_eventually_within": FollowerFilter(activity=first, followed_by=top[-1], between=(0, median_days)),
        "follower_never": FollowerFilter(activity=first, followed_by=rare, never=True),
        "throughput": ThroughputFilter(between=(None, median_days)),
        "case_size": CaseSizeFilter(between=(3, 8)),
        "rework": ReworkFilter(activity=_most_repeated(arrays), at_least=2),
        "timeframe_started": TimeframeFilter(between=(middle, None), mode="started"),
        "timeframe_trim": TimeframeFilter(between=(None, middle), mode="trim"),
        "timeframe_trim_inverted": TimeframeFilter(between=(None, middle), mode="trim", invert=True),
        "variants_top": VariantsFilter(top=2),
        "variants_share": VariantsFilter(share=0.5),
        "variants_listed": VariantsFilter(variants=(tuple(top),)),
        "activity_any": EventAttributeFilter(values=(second,)),
        "activity_all": EventAttributeFilter(values=(first, second), mode="all"),
        "activity_none": EventAttributeFilter(values=(rare,), mode="none"),
        "activity_keep": EventAttributeFilter(values=(first, second), mode="keep"),
    }
    resources = pd.Series(log.events_table().column("resource").to_pylist()).dropna() \
        if "resource" in log.events_table().column_names else pd.Series([], dtype=object)
    if len(resources):
        found["resources"] = ResourcesFilter(resources=(str(resources.value_counts().index[0]),))
    found.update(_case_attribute_filters(log))
    return found


def _most_repeated(arrays) -> str:
    """The activity that occurs more than once in a case most often."""
    pairs = np.unique(np.stack([arrays.case, arrays.activity]), axis=1, return_counts=True)
    repeats = np.bincount(pairs[0][1], weights=pairs[1] - 1, minlength=len(arrays.activity_names))
    return arrays.activity_names[int(np.argmax(repeats))]


def _case_attribute_filters(log) -> dict[str, object]:
    cases = log.cases_table()
    found = {}
    for name in cases.column_names:
        if name in ("case_id", "case_index"):
            continue
        values = pd.Series(cases.column(name).to_pylist()).dropna()
        if "case_attribute_values" not in found and len(values) and values.map(lambda v: isinstance(v, str)).all():
            found["case_attribute_values"] = CaseAttributeFilter(attribute=name, values=(values.value_counts().index[0],))
        numeric = values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all()
        if "case_attribute_between" not in found and len(values) and numeric:
            found["case_attribute_between"] = CaseAttributeFilter(attribute=name, between=(float(values.median()), None))
    return found
