"""Time every filter kind on a large dataset: NumPy path, SQL path, and a filter change + analyses.

Each figure is the median of --repeats runs of `log.filter(f)` with its arrays built (the
selection a page then analyses), so two runs of this script on one machine compare.

    python benchmarks/filter_timings.py DATASET [--repeats 5] [--sql]   (e.g. a benchmarks/synthetic.py log)
"""

from __future__ import annotations

import argparse
import sys
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import timed  # benchmarks/ is on sys.path


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--sql", action="store_true", help="also time the SQL path of each filter")
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    began = time.perf_counter()
    log = procmine.open(options.dataset)
    _ = log.arrays
    print(f"opened {log.num_events:,} events, {log.num_cases:,} cases in {time.perf_counter() - began:.1f} s")
    analyses = lambda view: (overview(view), variants(view), dfg(view))  # noqa: E731
    print(f"overview + variants + dfg, unfiltered: {timed(lambda: analyses(log), 1):.2f} s")
    filters = kinds(log.activities)
    for f in filters:
        fast = timed(lambda f=f: log.filter(f).arrays, options.repeats)
        line = f"{f.describe():<95} filter {fast:6.3f} s"
        if options.sql and getattr(f, "unit", None) != "working_days":
            line += f"   sql {timed(lambda f=f: log.filter_sql(f).arrays, 1):6.2f} s"
        total = timed(lambda f=f: analyses(log.filter(f)), 1)
        line += f"   filter + overview + variants + dfg {total:5.2f} s"
        print(line, flush=True)
    stack = [f for f in filters if f.keeps_whole_cases][:4]
    print(f"{'a stack of the first four case filters':<95} filter "
          f"{timed(lambda: log.filter(*stack).arrays, options.repeats):6.3f} s")


if __name__ == "__main__":
    main()
