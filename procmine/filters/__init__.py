"""Filters: frozen, serialisable data that compiles to SQL or masks; `log.filter(*filters)` stacks them.

Example: `log.filter(EndpointsFilter(start=("Ansøgning modtaget",)), VariantsFilter(top=5))`.
"""

from __future__ import annotations

from procmine.filters.attributes import CaseAttributeFilter, EventAttributeFilter
from procmine.filters.base import REGISTRY, Filter
from procmine.filters.endpoints import EndpointsFilter
from procmine.filters.follower import FollowerFilter
from procmine.filters.io import (
                                 filter_from_dict,
                                 filters_from_data,
                                 filters_from_json,
                                 filters_from_yaml,
                                 filters_to_json,
                                 filters_to_yaml,
                                 load_filters,
                                 parse_filters_text,
                                 save_filters,
                                 save_filters_text,
)
from procmine.filters.performance import CaseSizeFilter, ThroughputFilter
from procmine.filters.resources import ResourcesFilter
from procmine.filters.rework import ReworkFilter
from procmine.filters.timeframe import TimeframeFilter
from procmine.filters.variants import VariantsFilter

__all__ = [
    "REGISTRY", "CaseAttributeFilter", "CaseSizeFilter", "EndpointsFilter", "EventAttributeFilter",
    "Filter", "FollowerFilter", "ResourcesFilter", "ReworkFilter", "ThroughputFilter",
    "TimeframeFilter", "VariantsFilter", "filter_from_dict", "filters_from_data", "filters_from_json",
    "filters_from_yaml", "filters_to_json", "filters_to_yaml", "load_filters", "parse_filters_text",
    "save_filters", "save_filters_text",
]
