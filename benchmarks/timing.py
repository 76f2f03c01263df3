"""Timing shared by the benchmarks: median wall and CPU seconds of repeated calls."""

from __future__ import annotations

import statistics
import time


def timed(function, repeats: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (all threads of the process) of `repeats` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        began, began_cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - began_cpu)
    return statistics.median(walls), statistics.median(cpus)
