"""Time every filter kind once on a large dataset: NumPy path, SQL path, and a filter change + analyses.

    python benchmarks/filter_timings.py DATASET      (e.g. one written by benchmarks/synthetic.py)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import procmine
from procmine.analysis.dfg import dfg
from procmine.analysis.overview import overview
from procmine.analysis.variants import variants
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


def kinds(names: tuple[str, ...]) -> list:
    """One filter of every kind, over the activities of the synthetic log."""
    first, middle, last = names[0], names[len(names) // 2], names[-1]
    return [
        TimeframeFilter(between=("2022-06-01", "2023-06-01"), mode="intersecting"),
        TimeframeFilter(between=("2022-06-01", "2023-06-01"), mode="trim"),
        CaseAttributeFilter(attribute="case_type", values=("aktindsigt", "byggetilladelse")),
        EventAttributeFilter(values=(middle,), mode="any"),
        EventAttributeFilter(values=(first, middle), mode="all"),
        EventAttributeFilter(values=(first, middle, last), mode="keep"),
        VariantsFilter(top=10),
        VariantsFilter(share=0.8),
        ThroughputFilter(between=(10, 60), unit="days"),
        ThroughputFilter(between=(None, 20), unit="working_days"),
        CaseSizeFilter(between=(5, 15)),
        EndpointsFilter(start=(first,), end=(last,)),
        FollowerFilter(activity=first, followed_by=middle, relation="directly"),
        FollowerFilter(activity=first, followed_by=last, relation="eventually", between=(5, 60)),
        FollowerFilter(activity=first, followed_by=last, never=True),
        ReworkFilter(activity=middle, at_least=2),
        ResourcesFilter(resources=("R1", "R2")),
    ]


def timed(function) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--sql", action="store_true", help="also time the SQL path of each filter")
    options = parser.parse_args()
    began = time.perf_counter()
    log = procmine.open(options.dataset)
    log.arrays
    print(f"opened {log.num_events:,} events, {log.num_cases:,} cases in {time.perf_counter() - began:.1f} s")
    analyses = lambda view: (overview(view), variants(view), dfg(view))  # noqa: E731
    print(f"overview + variants + dfg, unfiltered: {timed(lambda: analyses(log)):.2f} s")
    for f in kinds(log.base.activity_names):
        fast = timed(lambda: f.apply(log))
        line = f"{f.describe():<95} apply {fast:6.3f} s"
        if options.sql and f.unit != "working_days" if hasattr(f, "unit") else options.sql:
            line += f"   sql {timed(lambda: f.apply_sql(log)):6.2f} s"
        total = timed(lambda: analyses(log.filter(f)))
        line += f"   filter + overview + variants + dfg {total:5.2f} s"
        print(line, flush=True)


if __name__ == "__main__":
    main()
