"""Analyses: pure functions of an EventLog returning typed results (each with `.to_pandas()`)."""

from __future__ import annotations

from procmine.analysis.bottlenecks import Bottlenecks, bottlenecks
from procmine.analysis.compare import Comparison, compare, compare_by
from procmine.analysis.deadlines import DEFAULT_RULES, DeadlineReport, DeadlineRule, deadlines, load_rules
from procmine.analysis.dfg import Dfg, dfg
from procmine.analysis.overview import Overview, overview
from procmine.analysis.throughput import Throughput, throughput
from procmine.analysis.variants import Variants, case_variants, variants

__all__ = [
    "DEFAULT_RULES", "Bottlenecks", "Comparison", "DeadlineReport", "DeadlineRule", "Dfg", "Overview",
    "Throughput", "Variants", "bottlenecks", "case_variants", "compare", "compare_by", "deadlines",
    "dfg", "load_rules", "overview", "throughput", "variants",
]
