"""CPU-time medians of the engine and of every filter kind, to compare two checkouts on a loaded machine.

time.process_time counts this process only, so other work on the shared cores moves it far
less than wall time. Run it on each checkout in turn (alternating, several rounds) and
compare the medians; prints one JSON line. Written for the engine-view change (RESULTS.md).

    PYTHONPATH=CHECKOUT python benchmarks/bench_engine_view.py DATASET CHECKOUT REPEATS
"""
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, sys.argv[2] + "/benchmarks")
from filter_timings import kinds

import procmine
from procmine.analysis.dfg import dfg
from procmine.analysis.overview import overview
from procmine.analysis.variants import variants
from procmine.eventlog import EventLog
from procmine.filters.attributes import CaseAttributeFilter
from procmine.view_memo import forget

R = int(sys.argv[3])
def cpu(fn, repeats=R):
    times = []
    for _ in range(repeats):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)
log = procmine.open(Path(sys.argv[1]))
_ = log.arrays   # read and coded before the timing
def fresh():
    forget(log.base)
    return EventLog(log.base)
out = {"dfg": cpu(lambda: dfg(fresh())), "variants": cpu(lambda: variants(fresh()).sequences)}
variants(log)
pair = [CaseAttributeFilter(attribute="case_type", values=("aktindsigt", "byggetilladelse", "merudgifter")),
        CaseAttributeFilter(attribute="case_type", values=("borgerhenvendelse", "genoptræning", "aktindsigt"))]
views = iter(pair * R)
def analyse():
    v = log.filter(next(views))
    overview(v)
    _ = variants(v).sequences
    dfg(v)
out["filter_overview_variants_dfg"] = cpu(analyse)
names = tuple(log.activities) if hasattr(log, "activities") else log.base.activity_names
total = 0.0
for f in kinds(names):
    out[f.describe()] = value = cpu(lambda f=f: log.filter(f).arrays)
    total += value
stack = [k for k in kinds(names) if k.keeps_whole_cases][:4]
out["stack of 4 case filters"] = cpu(lambda: log.filter(*stack).arrays)
out["sum of the 17 filter kinds"] = total
print(json.dumps(out))
